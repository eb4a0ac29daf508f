/**
 * `mode: 'dedicated'`: who leads. Every tab queues for the leader lock; the holder starts the
 * runtime's worker, serves the others through it (leader-relay.ts) and announces itself on the
 * shared relay channel, which carries only leadership. A follower that hears nothing from a leader
 * still holding the lock takes the lock over (steal); the robbed leader steps down and follows.
 */
import type { TimerHandle } from '../shared/clock';
import type { Route } from './follower';
import { LeaderRelay } from './leader-relay';
import { leaderLockName, relayChannelName, type InboxMessage, type RelayChannel, type RelayDeps, type RelayMessage } from './relay';
import { LEADER_SILENCE_MS, LEADER_WATCHDOG_MS as WATCHDOG_MS, STEAL_AFTER_MS } from './timeouts';

/** What the election needs of its tab (leader.ts). */
export interface Candidate {
  readonly key: string;
  readonly nodeId: string;
  /** The SDK instance is ending or ended: it takes no lead any more. */
  readonly ending: boolean;
  /** The SDK instance ended: a tab that leads still serves; one that follows hears nothing more. */
  readonly ended: boolean;
  /** The page is going away: the worker dies with it, so it does not announce itself. */
  readonly leaving: boolean;
  /** The route the tab follows now (follower.ts). */
  readonly route: Route | undefined;
  follow(route: Route | undefined): void;
  /** Starts the runtime's Worker (transport.ts knows where its script is). */
  startWorker(name: string): Worker;
  workerError(event: ErrorEvent): void;
}

export class Election {
  private readonly relay: RelayChannel;
  private lockAbort = new AbortController();
  /** When this tab last heard from the leader it follows (a reply, an event, an announcement). */
  private lastHeard: number;
  /** The lock holder that has been silent, and since when: a candidate to take the lock from. */
  private silentHolder: { clientId: string | undefined; since: number } | undefined;
  private watchdog: TimerHandle | undefined;
  private leadership: { server: LeaderRelay; release: () => void } | undefined;
  /** While leading: how many runtimes this tab started, announced so followers attach to the new one. */
  private term = 0;
  private lastDiscovery = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly tab: Candidate,
    private readonly deps: RelayDeps,
  ) {
    this.lastHeard = deps.clock.now();
    this.relay = deps.openChannel(relayChannelName(tab.key));
    this.relay.onmessage = (event: MessageEvent<RelayMessage>) => this.onRelay(event.data);
  }

  /** Queues for the lock, asks who leads meanwhile, and starts watching the leader. */
  start(): void {
    this.queue();
    this.discover();
    this.armWatchdog();
  }

  get leads(): boolean {
    return this.leadership !== undefined;
  }

  heard(): void {
    this.lastHeard = this.deps.clock.now();
  }

  /** Asks the leader to announce itself (at most a few times a second). */
  discover(): void {
    const now = this.deps.clock.now();
    if (this.tab.ended || now - this.lastDiscovery < 250) return;
    this.lastDiscovery = now;
    this.relay.postMessage({ kind: 'who-leads', from: this.tab.nodeId } satisfies RelayMessage);
  }

  /** Leaves the line for the lock; a lock already held stays until `close`. */
  leaveLine(): void {
    this.lockAbort.abort();
  }

  /** A follower's call or hook answer, to this tab as the leader (which serves on after its own instance ended). */
  serve(message: Extract<InboxMessage, { kind: 'call' | 'hook-reply' }>): void {
    if (!this.leadership || message.to !== this.tab.nodeId) return;
    if (message.kind === 'call') void this.leadership.server.onCall(message);
    else this.leadership.server.onHookReply(message);
  }

  /** While leading: calls `callback` once no follower is attached any more. */
  whenEmpty(callback: () => void): void {
    this.leadership?.server.whenEmpty(callback);
  }

  /** Replaces this leader's dead or hung worker (terminated: it can never send again) with a new one. */
  restartLocal(): void {
    const { server, release } = this.leadership!;
    server.close();
    const next = this.startServer();
    this.leadership = { server: next, release };
    this.term += 1;
    this.tab.follow({ kind: 'local', api: next.openApi() });
    this.announce();
  }

  /** For good: a leader resigns (the next tab in line takes over) and lets its worker go. */
  close(): void {
    this.deps.clock.clearTimeout(this.watchdog);
    if (this.leadership) {
      const { server, release } = this.leadership;
      this.leadership = undefined;
      this.relay.postMessage({ kind: 'resign', leaderId: this.tab.nodeId } satisfies RelayMessage);
      server.close();
      release();
    }
    this.relay.close();
  }

  /**
   * Waits in line for the leader lock (or takes it at once with `steal`); losing it later steps down.
   * Only a request that was granted can lose the lock: one that left the line (aborted for a steal,
   * or on close) rejects too, and must not step down a leadership another request holds.
   */
  private queue(steal = false): void {
    const options: LockOptions = steal ? { steal: true } : { signal: this.lockAbort.signal };
    let granted = false;
    const lead = () => {
      granted = true;
      return this.lead();
    };
    this.deps.locks.request(leaderLockName(this.tab.key), options, lead).catch(() => granted && this.stepDown());
  }

  /** The leader lock was granted: start the runtime here. The lock is held until the promise settles. */
  private lead(): Promise<void> | undefined {
    if (this.tab.ending) return undefined;
    const server = this.startServer();
    return new Promise<void>((release) => {
      this.leadership = { server, release };
      this.tab.follow({ kind: 'local', api: server.openApi() });
      this.announce();
    });
  }

  /** The leader lock was taken from this tab (it was frozen): stop serving and follow the new leader. */
  private stepDown(): void {
    if (!this.leadership || this.tab.ending) return;
    const { server, release } = this.leadership;
    this.leadership = undefined;
    server.close(); // its socket too: the new leader has its own
    release();
    this.heard();
    this.tab.follow(undefined);
    this.discover();
    this.queue();
  }

  private startServer(): LeaderRelay {
    const worker = this.tab.startWorker(this.tab.key);
    worker.addEventListener('error', (event: ErrorEvent) => this.tab.workerError(event));
    return new LeaderRelay(worker, this.tab.key, this.tab.nodeId, this.deps);
  }

  private announce(): void {
    this.relay.postMessage({ kind: 'leader', leaderId: this.tab.nodeId, term: this.term } satisfies RelayMessage);
  }

  private onRelay(message: RelayMessage): void {
    if (typeof message !== 'object' || message === null) return;
    // An ended tab that follows is done with leaders (a retired one has neither lead nor channel).
    if (this.tab.ended && !this.leadership) return;
    const route = this.tab.route;
    switch (message.kind) {
      case 'who-leads':
        if (this.leadership && !this.tab.leaving) this.announce();
        return;
      case 'leader':
        if (route?.kind === 'relay' && route.leaderId === message.leaderId) this.heard();
        if (!this.leadership && !this.tab.ending && message.leaderId !== this.tab.nodeId) {
          this.tab.follow({ kind: 'relay', leaderId: message.leaderId, term: message.term ?? 0 });
        }
        return;
      case 'resign':
        if (route?.kind === 'relay' && route.leaderId === message.leaderId) this.tab.follow(undefined);
        return;
    }
  }

  /** A clock timeout re-armed on each tick, as an interval would be (ManualClock has no intervals). */
  private armWatchdog(): void {
    this.watchdog = this.deps.clock.setTimeout(() => {
      this.armWatchdog();
      void this.checkLeader();
    }, WATCHDOG_MS);
  }

  /**
   * A frozen leader tab (background tab on mobile, bfcache) keeps its lock but relays nothing:
   * its followers would have no connection at all. The runtime pings every tab every 20 s, so a
   * follower that hears nothing from its leader for LEADER_SILENCE_MS, while the same lock holder
   * stays silent after a `who-leads`, takes the lock over with `steal`. The old leader learns it
   * when it wakes (its lock request rejects) and steps down.
   */
  private async checkLeader(): Promise<void> {
    const { clock } = this.deps;
    if (this.leadership || this.tab.ending || clock.now() - this.lastHeard < LEADER_SILENCE_MS) {
      this.silentHolder = undefined;
      return;
    }
    const holder = await this.lockHolder();
    if (!holder || this.leadership || this.tab.ending) return; // the lock is free: the line moves by itself
    if (!this.silentHolder || this.silentHolder.clientId !== holder.clientId) {
      // A random extra wait per tab, so that two followers rarely take the lock from each other.
      this.silentHolder = { clientId: holder.clientId, since: clock.now() + this.deps.random() * STEAL_AFTER_MS };
      this.discover();
      return;
    }
    if (clock.now() - this.silentHolder.since < STEAL_AFTER_MS) return;
    // Someone may have taken over meanwhile: only take the lock from the holder that stayed silent.
    const again = await this.lockHolder();
    if (again?.clientId !== holder.clientId || clock.now() - this.lastHeard < LEADER_SILENCE_MS) return;
    console.warn('[livechat-multitab] the leader tab stopped answering (frozen?); taking over its connection.');
    this.silentHolder = undefined;
    this.heard();
    this.lockAbort.abort(); // leave the line: the steal request replaces it
    this.lockAbort = new AbortController();
    this.queue(true);
  }

  private async lockHolder(): Promise<LockInfo | undefined> {
    const { held = [] } = await this.deps.locks.query();
    return held.find((lock) => lock.name === leaderLockName(this.tab.key));
  }
}
