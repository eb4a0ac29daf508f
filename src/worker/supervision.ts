/**
 * The worker's half of supervision: the lock whose release tells the tabs that this runtime died,
 * and the guard that keeps a runtime that hung, and was replaced meanwhile, silent when it wakes.
 */
import { lifeLockName, parseIncarnation, queryIncarnations } from '../shared/supervision';
import type { Clock } from './clock';

/**
 * Holds the life lock of the worker named `workerName` until the worker dies. Resolves with the
 * lock's name once it is held (tabs may wait on it only then, or they would take it first), or
 * undefined where Web Locks are missing (tabs then rely on their heartbeat deadline alone).
 */
export function holdLifeLock(workerName: string, epoch: string): Promise<string | undefined> {
  const locks = browserLocks();
  if (!locks) return Promise.resolve(undefined);
  const name = lifeLockName(workerName, epoch);
  return new Promise((resolve) => {
    locks
      .request(name, () => {
        resolve(name);
        return new Promise<never>(() => undefined); // held for the worker's life
      })
      .catch(() => resolve(undefined));
  });
}

/**
 * Whether a newer incarnation of the SharedWorker named `workerName` is alive: the tabs replaced
 * this runtime while it was hung. Resolves that incarnation's name, or undefined.
 */
export async function newerIncarnation(workerName: string): Promise<string | undefined> {
  const locks = browserLocks();
  if (!locks) return undefined;
  const { base, n } = parseIncarnation(workerName);
  const live = Math.max(-1, ...(await queryIncarnations(locks, base)));
  return live > n ? `${base}#${live}` : undefined;
}

/** Whether an earlier incarnation of the SharedWorker named `workerName` is alive: one this runtime replaced because it hung. */
export async function predecessorHung(workerName: string): Promise<boolean> {
  const locks = browserLocks();
  const { base, n } = parseIncarnation(workerName);
  if (!locks || n === 0) return false;
  return (await queryIncarnations(locks, base)).some((earlier) => earlier < n);
}

function browserLocks(): LockManager | undefined {
  return (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
}

/** How often the guard's clock ticks, and the gap between two ticks that means the worker stalled. */
const TICK_MS = 1_000;
export const STALL_MS = 4_000;

/**
 * A runtime cannot notice its own hang while it lasts; it can notice one afterwards: its own
 * once-a-second tick came late. Tabs declare a runtime hung after a deadline and start another, so
 * after a stall every frame for the socket waits until the runtime knows it was not replaced
 * (`isReplaced`). Replaced, the frames are dropped and `onReplaced` retires the runtime: the socket
 * closes without another frame, and the tabs the server saw through it are served by the new one.
 */
export class StallGuard {
  private lastTick: number;
  private checking = false;
  private replaced = false;
  private held: Array<() => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly isReplaced: () => Promise<string | undefined>,
    private readonly onReplaced: (successorName: string) => void,
  ) {
    this.lastTick = clock.now();
    const tick = () => {
      this.stalled();
      this.lastTick = this.clock.now();
      this.clock.setTimeout(tick, TICK_MS);
    };
    clock.setTimeout(tick, TICK_MS);
  }

  /** Sends now, or after the check that a stall started; never once the runtime was replaced. */
  send(send: () => void): void {
    if (this.replaced) return;
    if (this.stalled()) this.held.push(send);
    else send();
  }

  /** Whether frames must wait: a stall was seen (now or before) and its check has not ended. */
  private stalled(): boolean {
    if (!this.checking && !this.replaced && this.clock.now() - this.lastTick > STALL_MS) this.check();
    return this.checking;
  }

  private check(): void {
    this.checking = true;
    const settle = (successor: string | undefined) => {
      this.checking = false;
      this.lastTick = this.clock.now();
      const held = this.held;
      this.held = [];
      if (successor === undefined) {
        for (const send of held) send();
        return;
      }
      this.replaced = true;
      this.onReplaced(successor);
    };
    this.isReplaced().then(settle, () => settle(undefined));
  }
}
