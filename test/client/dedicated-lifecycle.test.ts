/**
 * Dedicated mode's lifecycle, as the pages see it: who leads after the leader crashes, closes or
 * freezes, and what each page's SDK instance hears on its event port meanwhile. The pages' time is
 * a manual clock (test/support/dedicated-pages.ts); the runtimes are real, against the emulator.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LEADER_SILENCE_MS, LEADER_WATCHDOG_MS, STEAL_AFTER_MS } from '../../src/client/timeouts';
import { DedicatedPages, type TestPage } from '../support/dedicated-pages';
import { useEmulator } from '../support/emulator';

const env = useEmulator();

afterEach(() => {
  vi.restoreAllMocks();
});
const HANDOVER = ['connected', 'disconnected:connection_lost', 'connected'];
const waitLong = { timeout: 10_000 };

/** Three pages, `a` leading, each attached and connected through `a`'s runtime. */
async function threePages(pages: DedicatedPages, hellos: Partial<Record<'a' | 'b' | 'c', { focused: boolean }>> = {}) {
  // Jitter: `b` is the first follower to take a silent leader's lock, `c` would wait longest.
  const [a, b, c] = [pages.open('a', 0), pages.open('b', 0), pages.open('c', 0.9)];
  for (const [name, page] of [['a', a], ['b', b], ['c', c]] as const) expect(await page.attach(hellos[name])).toMatchObject({ ok: true });
  for (const page of [a, b, c]) await vi.waitFor(() => expect(page.connection()).toEqual(['connected']));
  expect(pages.leader()).toBe('a');
  const before = await c.status();
  expect(before).toMatchObject({ tabs: 3, connection: 'connected' });
  expect(pages.openConnections()).toBe(1);
  return { a, b, c, epoch: before.epoch };
}

/** Every page in `followers` is on the runtime of the leader `next`, with `tabs` tabs, connected. */
async function allOn(next: TestPage, followers: TestPage[], tabs: number): Promise<string> {
  await vi.waitFor(async () => expect(await next.status()).toMatchObject({ tabs, connection: 'connected' }), waitLong);
  const { epoch } = await next.status();
  for (const page of followers) expect(await page.status()).toMatchObject({ epoch, tabs, connection: 'connected' });
  return epoch;
}

describe('dedicated mode: the leader tab goes', () => {
  it.each(['crashes', 'closes'] as const)(
    'the leader %s: the next tab in line leads with a runtime of its own, and every follower is told connection_lost, then connected',
    async (how) => {
      const pages = new DedicatedPages(env);
      const { a, b, c, epoch } = await threePages(pages);

      if (how === 'crashes') a.crash();
      else {
        // The SDK's teardown when the page leaves: `leave`, then the transport closes.
        await a.transport.api.leave();
        a.transport.close();
      }

      await vi.waitFor(() => expect(pages.leader()).toBe('b'));
      for (const page of [b, c]) await vi.waitFor(() => expect(page.connection()).toEqual(HANDOVER), waitLong);
      expect(await allOn(b, [c], 2)).not.toBe(epoch);
      await vi.waitFor(() => expect(pages.openConnections()).toBe(1));
      expect(a.connection()).toEqual(['connected']);
    },
  );
});

describe('dedicated mode: a leader that stops answering', () => {
  it('keeps the lock through LEADER_SILENCE_MS of silence; after STEAL_AFTER_MS more a follower takes it, and the old leader follows once it wakes', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const pages = new DedicatedPages(env);
    const { a, b, c, epoch } = await threePages(pages);

    // The leader page freezes: its worker runs on, but the page relays nothing and hears nothing.
    a.freeze();
    await pages.elapse(LEADER_SILENCE_MS, LEADER_WATCHDOG_MS);
    expect(pages.leader()).toBe('a');
    // The first watchdog tick after STEAL_AFTER_MS (ticks come every LEADER_WATCHDOG_MS) takes it.
    await pages.elapse(STEAL_AFTER_MS + LEADER_WATCHDOG_MS, LEADER_WATCHDOG_MS);
    await vi.waitFor(() => expect(pages.leader()).toBe('b'));

    for (const page of [b, c]) await vi.waitFor(() => expect(page.connection()).toEqual(HANDOVER), waitLong);
    const stolen = await allOn(b, [c], 2);
    expect(stolen).not.toBe(epoch);
    // The frozen page's worker still holds the old socket: nobody can close it but that page.
    expect(pages.openConnections()).toBe(2);

    // Awake, the old leader finds its lock gone: it lets its runtime go and follows the new leader.
    const heardBefore = a.connection().length;
    a.wake();
    await vi.waitFor(() => expect(a.connection().slice(heardBefore)).toEqual(['disconnected:connection_lost', 'connected']), waitLong);
    await vi.waitFor(() => expect(pages.openConnections()).toBe(1));
    expect(await allOn(b, [a, c], 3)).toBe(stolen);
    expect(pages.leader()).toBe('b');
    for (const page of [b, c]) expect(page.connection()).toEqual(HANDOVER);
  });
});

describe('dedicated mode: a follower attaches again', () => {
  it('when the leader restarts its runtime (recover): every tab attaches to the new one with its current hello, on the same event port', async () => {
    const pages = new DedicatedPages(env);
    // `c` starts focused, then the focus moves to `b`: only the current hellos say so.
    const { a, b, c, epoch } = await threePages(pages, { c: { focused: true } });
    expect(await c.transport.api.setFocus(false)).toMatchObject({ ok: true });
    expect(await b.transport.api.setFocus(true)).toMatchObject({ ok: true });
    expect(await b.status()).toMatchObject({ notifierTabId: b.hello!.tabId });

    a.transport.recover!('hung');

    for (const page of [a, b, c]) await vi.waitFor(() => expect(page.connection()).toEqual(HANDOVER), waitLong);
    expect(await allOn(a, [b, c], 3)).not.toBe(epoch);
    expect(await c.status()).toMatchObject({ notifierTabId: b.hello!.tabId });
    await vi.waitFor(() => expect(pages.openConnections()).toBe(1));
    expect(pages.leader()).toBe('a');
  });

  it('when the runtime does not know it (it missed the restart): the call answers NOT_ATTACHED, and attaching again holds on the same leader', async () => {
    const pages = new DedicatedPages(env);
    const { a, b, epoch } = await threePages(pages);
    b.freeze(); // misses the leader's announcement of its new runtime
    a.transport.recover!('hung');
    await vi.waitFor(() => expect(a.connection()).toEqual(HANDOVER), waitLong);
    b.wake();

    expect(await b.transport.api.status()).toMatchObject({ ok: false, error: { code: 'NOT_ATTACHED' } });
    // What sdk.ts does on NOT_ATTACHED: attach again, with a fresh event port.
    expect(await b.attach({ tabId: b.hello!.tabId })).toMatchObject({ ok: true });
    expect(await allOn(a, [b], 3)).not.toBe(epoch);
    await vi.waitFor(() => expect(b.connection()).toEqual(['connected', 'connected']));
  });
});
