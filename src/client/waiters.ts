/**
 * Waiting on a dedicated-mode tab's state (a new leader, attached, closing) with a deadline on the
 * injected clock: whoever changes the state calls `wake`, and every waiter checks again.
 */
import type { Clock } from '../shared/clock';

export class Waiters {
  private readonly wakers = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  /** Resolves true once `test()` holds, false if the clock reaches `deadline` first. */
  until(test: () => boolean, deadline: number): Promise<boolean> {
    if (test()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        this.clock.clearTimeout(timer);
        this.wakers.delete(check);
        resolve(value);
      };
      const check = () => {
        if (test()) done(true);
      };
      const timer = this.clock.setTimeout(() => done(test()), Math.max(0, deadline - this.clock.now()));
      this.wakers.add(check);
    });
  }

  /** Waits `ms`, or less if the state changes. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.clock.clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
