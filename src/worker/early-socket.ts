/**
 * A worker's first socket, created before its runtime exists to ask for it: the handshake is the
 * longest step of a start, and building the runtime's parts (their code compiling on first use),
 * or waiting for the first tab's attach at all (`TabPortApi.preconnect`), would otherwise come
 * first. The runtime then gets it from `factory()` on its first request for the same URL.
 */
import type { Clock } from './clock';
import type { SocketFactory, SocketLike } from './connection';

type Held = { url: string; socket: SocketLike };

export class EarlySocket {
  private held: Held | undefined;

  constructor(
    private readonly createSocket: SocketFactory,
    private readonly clock: Clock,
  ) {}

  /** Whether a socket waits for its runtime. */
  get waiting(): boolean {
    return this.held !== undefined;
  }

  /**
   * Creates the socket to `url` now, unless one waits already. `claimWithinMs`: a socket no
   * runtime has taken by then is closed (its tab's attach never came).
   */
  open(url: string, claimWithinMs?: number): void {
    if (this.held) return;
    let held: Held;
    try {
      held = { url, socket: this.createSocket(url) };
      if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: socket created');
    } catch {
      // The runtime's own attempt, a moment later, reports the failure and schedules the retry.
      return;
    }
    this.held = held;
    if (claimWithinMs === undefined) return;
    this.clock.setTimeout(() => {
      if (this.held !== held) return;
      this.held = undefined;
      held.socket.close();
    }, claimWithinMs);
  }

  /**
   * The socket factory of the runtime built now: its first request for the waiting socket's URL
   * gets that socket. One the runtime does not ask for by the next task is closed.
   */
  factory(): SocketFactory {
    let held = this.held;
    this.held = undefined;
    if (!held) return this.createSocket;
    /** The early socket, at most once: to the runtime's first request, or to the close below. */
    const take = () => {
      const taken = held;
      held = undefined;
      return taken;
    };
    this.clock.setTimeout(() => take()?.socket.close(), 0);
    return (requested) => {
      const taken = take();
      if (taken && requested === taken.url) return taken.socket;
      taken?.socket.close();
      return this.createSocket(requested);
    };
  }
}
