/**
 * `withDeadline` (src/client/deadline.ts), the one deadline helper every tab-side call goes
 * through (Comlink calls never settle when the runtime is gone). It does not reject on its own: it
 * settles with the `TIMED_OUT` marker, and each caller turns that into its SdkError (attach.ts and
 * sdk.ts: RUNTIME_UNAVAILABLE; see attach.test.ts). Timers are a ManualClock.
 */
import { describe, expect, it } from 'vitest';
import { TIMED_OUT, withDeadline } from '../../src/client/deadline';
import { SdkError } from '../../src/shared/errors';
import { ManualClock } from '../support/manual-clock';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** What `promise` has settled with so far: 'pending', or its value / its rejection. */
function track<T>(promise: Promise<T>) {
  const state: { settled: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = { settled: 'pending' };
  promise.then(
    (value) => Object.assign(state, { settled: 'resolved', value }),
    (error: unknown) => Object.assign(state, { settled: 'rejected', error }),
  );
  return state;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('withDeadline', () => {
  it('settles with the value when the promise resolves in time, and clears its timer', async () => {
    const clock = new ManualClock();
    const call = deferred<string>();
    const outcome = track(withDeadline(call.promise, 1_000, clock));
    expect(clock.pendingTimers).toBe(1);
    clock.advance(999);
    await flush();
    expect(outcome.settled).toBe('pending');
    call.resolve('answer');
    await flush();
    expect(outcome).toEqual({ settled: 'resolved', value: 'answer' });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10_000); // nothing fires later
    await flush();
    expect(outcome).toEqual({ settled: 'resolved', value: 'answer' });
  });

  it('passes a rejection through unchanged, and clears its timer', async () => {
    const clock = new ManualClock();
    const call = deferred<string>();
    const outcome = track(withDeadline(call.promise, 1_000, clock));
    const error = new SdkError('CONNECTION_LOST', 'gone');
    call.reject(error);
    await flush();
    expect(outcome).toEqual({ settled: 'rejected', error });
    expect(clock.pendingTimers).toBe(0);
  });

  it('settles with TIMED_OUT exactly at the deadline (not before), and a late answer changes nothing', async () => {
    const clock = new ManualClock();
    const call = deferred<string>();
    const outcome = track(withDeadline(call.promise, 1_000, clock));
    clock.advance(999);
    await flush();
    expect(outcome.settled).toBe('pending');
    clock.advance(1);
    await flush();
    expect(outcome).toEqual({ settled: 'resolved', value: TIMED_OUT });
    expect(clock.pendingTimers).toBe(0);
    call.resolve('too late');
    await flush();
    expect(outcome.value).toBe(TIMED_OUT);
  });

  it('a late rejection after the deadline does not surface (no unhandled rejection, no change)', async () => {
    const clock = new ManualClock();
    const call = deferred<string>();
    const outcome = track(withDeadline(call.promise, 50, clock));
    clock.advance(50);
    call.reject(new Error('late'));
    await flush();
    expect(outcome).toEqual({ settled: 'resolved', value: TIMED_OUT });
  });

  it('treats a negative deadline as zero: already due', async () => {
    const clock = new ManualClock();
    const outcome = track(withDeadline(new Promise<never>(() => undefined), -5, clock));
    clock.advance(0);
    await flush();
    expect(outcome).toEqual({ settled: 'resolved', value: TIMED_OUT });
  });

  it('an already settled promise wins over a zero deadline that has not fired yet', async () => {
    const clock = new ManualClock();
    const outcome = track(withDeadline(Promise.resolve(7), 0, clock));
    await flush();
    expect(outcome).toEqual({ settled: 'resolved', value: 7 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses real timers by default', async () => {
    const outcome = await withDeadline(new Promise<never>(() => undefined), 10);
    expect(outcome).toBe(TIMED_OUT);
    expect(await withDeadline(Promise.resolve('now'), 1_000)).toBe('now');
  });
});
