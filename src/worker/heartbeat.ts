/**
 * The heartbeat of a connected socket: a ping every `PING_INTERVAL_MS`. No frame within
 * `PONG_TIMEOUT_MS` of a ping makes the connection unstable (the tabs hear of it, and of its
 * recovery at the next frame); a whole interval without any frame after a ping makes it dead,
 * even though the socket never closed. Any frame counts as traffic.
 */
import { Timer, type Clock } from './clock';

export const PING_INTERVAL_MS = 15_000;
/** No traffic this long after a ping: the connection is reported unstable (not dropped). */
export const PONG_TIMEOUT_MS = 5_000;

export interface HeartbeatDeps {
  clock: Clock;
  /** Sends a ping frame (without a request id: its answer only needs to count as traffic); false without a socket. */
  ping(): boolean;
  connected(): boolean;
  unstable(): void;
  recovered(): void;
  dead(): void;
}

export class Heartbeat {
  private awaitingPong = false;
  private isUnstable = false;
  private readonly pingTimer: Timer;
  private readonly pongTimer: Timer;

  constructor(private readonly deps: HeartbeatDeps) {
    this.pingTimer = new Timer(deps.clock);
    this.pongTimer = new Timer(deps.clock);
  }

  /** The socket is connected: pings from now on. */
  start(): void {
    this.pingTimer.set(PING_INTERVAL_MS, () => {
      if (!this.deps.connected()) return;
      if (this.awaitingPong) {
        this.deps.dead();
        return;
      }
      this.probe();
      this.start();
    });
  }

  /** The socket is gone: no more pings, and nothing is pending. */
  stop(): void {
    this.pingTimer.clear();
    this.pongTimer.clear();
    this.awaitingPong = false;
    this.isUnstable = false;
  }

  /** Pings now; without traffic within `PONG_TIMEOUT_MS` the connection is unstable. */
  probe(): void {
    if (!this.deps.ping()) return;
    this.awaitingPong = true;
    this.pongTimer.set(PONG_TIMEOUT_MS, () => {
      if (this.awaitingPong && this.deps.connected()) this.markUnstable();
    });
  }

  /** Reports the connection unstable now (the browser went offline), once until traffic returns. */
  markUnstable(): void {
    if (this.isUnstable) return;
    this.isUnstable = true;
    this.deps.unstable();
  }

  /** A frame arrived. */
  traffic(): void {
    this.awaitingPong = false;
    this.pongTimer.clear();
    if (this.isUnstable) {
      this.isUnstable = false;
      this.deps.recovered();
    }
  }
}
