/**
 * Time as the core sees it. Injected so that the same core runs in a worker, in a page and under
 * tests; and so that every liveness and reconnect clock lives in the runtime, never in a tab
 * (hidden tabs' timers are throttled to once a minute).
 */
import type { Clock, TimerHandle } from '../shared/clock';

export type { Clock, TimerHandle } from '../shared/clock';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One named timer that is always cleared before it is set again (no stray double timers). */
export class Timer {
  private handle: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  get pending(): boolean {
    return this.handle !== undefined;
  }

  set(ms: number, callback: () => void): void {
    this.clear();
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      callback();
    }, ms);
  }

  clear(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}

/** `promise`, or a rejection with `timeoutError()` if it takes longer than `ms` on `clock`. */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = clock.setTimeout(() => reject(timeoutError()), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(handle);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(handle);
        reject(error);
      },
    );
  });
}
