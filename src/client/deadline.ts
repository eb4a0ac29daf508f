/** Marks a call that did not settle in time. */
export const TIMED_OUT = Symbol('timed out');

/**
 * Settles like `promise`, or with `TIMED_OUT` after `ms`. Comlink calls never settle when the
 * other side is gone, so every call the tab makes goes through one of these.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
