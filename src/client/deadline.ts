import type { Clock } from '../shared/clock';

/** The timers a tab uses: monotonic (a wall clock set back must not look like a frozen tab). */
export type Timers = Clock;

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Marks a call that did not settle in time. */
export const TIMED_OUT = Symbol('timed out');

/**
 * Settles like `promise`, or with `TIMED_OUT` after `ms`. Comlink calls never settle when the
 * other side is gone, so every call the tab makes goes through one of these.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, timers: Timers = realTimers): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = timers.setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
    promise.then(
      (value) => {
        timers.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        timers.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
