/**
 * The Web Locks fake's `steal`, against what the standard says it does: dedicated mode's tests
 * rely on it (a follower takes the lock of a leader that stopped answering).
 */
import { describe, expect, it } from 'vitest';
import { FakeLocks } from './fake-locks';

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const never = () => new Promise<void>(() => undefined);

describe('FakeLocks: steal', () => {
  it('takes the lock from its holder at once: the holder’s request rejects with an AbortError, the queue stays behind the stealer', async () => {
    const registry = new FakeLocks();
    const order: string[] = [];
    let releaseHolder: () => void = () => undefined;
    const held = registry.client('holder').request('leader', () => {
      order.push('holder');
      return new Promise<void>((resolve) => (releaseHolder = resolve));
    });
    const heldOutcome = held.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await flush();
    let releaseWaiter: () => void = () => undefined;
    const waiting = registry.client('waiter').request('leader', () => {
      order.push('waiter');
      return new Promise<void>((resolve) => (releaseWaiter = resolve));
    });
    let releaseStealer: () => void = () => undefined;
    const stolen = registry.client('stealer').request('leader', { steal: true }, () => {
      order.push('stealer');
      return new Promise<void>((resolve) => (releaseStealer = resolve));
    });

    const error = await heldOutcome;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    await flush();
    expect(order).toEqual(['holder', 'stealer']);
    expect(registry.snapshot()).toEqual({
      held: [{ name: 'leader', mode: 'exclusive', clientId: 'stealer' }],
      pending: [{ name: 'leader', mode: 'exclusive', clientId: 'waiter' }],
    });

    // The robbed holder's callback ending later releases nothing: the stealer keeps the lock.
    releaseHolder();
    await flush();
    expect(registry.heldNames('stealer')).toEqual(['leader']);
    expect(order).toEqual(['holder', 'stealer']);

    // The waiter is next once the stealer lets go, as if it had queued behind it.
    releaseStealer();
    await stolen;
    await flush();
    expect(order).toEqual(['holder', 'stealer', 'waiter']);
    releaseWaiter();
    await waiting;
    expect(registry.snapshot()).toEqual({ held: [], pending: [] });
  });

  it('a steal of a free lock is a plain grant', async () => {
    const registry = new FakeLocks();
    void registry.client('stealer').request('leader', { steal: true }, never);
    await flush();
    expect(registry.heldNames('stealer')).toEqual(['leader']);
  });

  it('refuses steal with ifAvailable or a signal (NotSupportedError), and grants nothing', async () => {
    const registry = new FakeLocks();
    const withSignal = registry.client('tab').request('leader', { steal: true, signal: new AbortController().signal }, never);
    await expect(withSignal).rejects.toMatchObject({ name: 'NotSupportedError' });
    const ifAvailable = registry.client('tab').request('leader', { steal: true, ifAvailable: true }, never);
    await expect(ifAvailable).rejects.toMatchObject({ name: 'NotSupportedError' });
    expect(registry.snapshot()).toEqual({ held: [], pending: [] });
  });
});
