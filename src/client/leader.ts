/**
 * `mode: 'dedicated'`: one socket for every tab of a browser profile without SharedWorker. Each
 * tab is a candidate in the leader election (election.ts) and follows the runtime wherever it runs
 * (follower.ts); `openDedicatedTransport` gives the SDK that tab as its transport. The whole story
 * (handover, a leader that freezes, a leader whose instance ends): docs/architecture.md.
 */
import type * as Comlink from 'comlink';
import type { AttachInfo, DestroyOptions, RuntimeStatus, TabHello, TabHooks, TabPortApi } from '../shared/contract';
import { SdkError, type Envelope } from '../shared/errors';
import type { MethodName } from '../shared/methods';
import type { SeenSnapshot } from '../shared/seen';
import { failure } from './attach';
import { Election, type Candidate } from './election';
import { Follower, type FollowerTab } from './follower';
import { inboxChannelName, relayDeps, type InboxMessage, type RelayChannel, type RelayDeps } from './relay';
import { randomId } from './tab';
import type { Transport } from './transport';
import type { LossCause } from './supervise';
import { Waiters } from './waiters';

/**
 * - `open`: the SDK instance runs;
 * - `ending`: `destroy()` or `leave()` was called: calls are refused, that last one may be in flight;
 * - `serving`: the instance ended (`close`) while this tab leads: it serves its followers until none is left;
 * - `retired`: the lock and the channels are let go of; nothing happens any more.
 */
type Lifecycle = 'open' | 'ending' | 'serving' | 'retired';

/** This tab's way to the runtime in dedicated mode: its own worker when it leads, else the relay. */
class DedicatedTab implements TabPortApi {
  readonly nodeId = randomId();
  readonly failed: Promise<never>;
  private fail: (error: SdkError) => void = () => undefined;
  private lifecycle: Lifecycle = 'open';
  /**
   * The page is going away (`leave`), whatever the lifecycle: its worker dies with it, so a leader
   * neither announces itself nor keeps serving.
   */
  private leaving = false;
  private readonly waiters: Waiters;
  private readonly inbox: RelayChannel;
  private readonly election: Election;
  private readonly follower: Follower;

  constructor(key: string, startWorker: (name: string) => Worker, seen: () => SeenSnapshot[], given: Partial<RelayDeps> = {}) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failed.catch(() => undefined);
    const deps = relayDeps(given);
    this.waiters = new Waiters(deps.clock);
    // One view of this tab for both parts (each reads what its interface names); both are built
    // before either is used, and the view reads them only when called.
    const tab = this;
    const view: FollowerTab & Candidate = {
      key,
      nodeId: this.nodeId,
      get ending() {
        return tab.ending;
      },
      get ended() {
        return tab.ended;
      },
      get leaving() {
        return tab.leaving;
      },
      get route() {
        return tab.follower.route;
      },
      seen,
      discover: () => this.election.discover(),
      heard: () => this.election.heard(),
      follow: (route) => this.follower.follow(route),
      startWorker,
      workerError: (event) => this.workerError(event),
    };
    this.follower = new Follower(view, deps, this.waiters);
    this.election = new Election(view, deps);
    const { nodeId } = this;
    this.inbox = deps.openChannel(inboxChannelName(key, nodeId));
    this.inbox.onmessage = (event: MessageEvent<InboxMessage>) => this.onInbox(event.data);
    this.election.start();
  }

  // ── TabPortApi ──────────────────────────────────────────────────────────────────────────────

  attach(hello: TabHello, hooks: TabHooks, events: MessagePort): Promise<Envelope<AttachInfo>> {
    return this.follower.attach(hello, hooks, events);
  }

  request(method: MethodName, params: unknown): Promise<Envelope<unknown>> {
    return this.follower.invoke('request', [method, params]);
  }

  connect(): Promise<Envelope<void>> {
    this.follower.wish({ wantsConnection: true });
    return this.follower.invoke('connect', []);
  }

  disconnect(): Promise<Envelope<void>> {
    this.follower.wish({ wantsConnection: false });
    return this.follower.invoke('disconnect', []);
  }

  setFocus(focused: boolean): Promise<Envelope<void>> {
    this.follower.wish({ focused });
    return this.follower.invoke('setFocus', [focused]);
  }

  heartbeat(): Promise<Envelope<void>> {
    return this.follower.invoke('heartbeat', []);
  }

  status(): Promise<Envelope<RuntimeStatus>> {
    return this.follower.invoke('status', []);
  }

  destroy(options?: DestroyOptions): Promise<Envelope<void>> {
    return this.detach('destroy', options);
  }

  leave(): Promise<Envelope<void>> {
    return this.detach('leave');
  }

  // ── Lifecycle ───────────────────────────────────────────────────────────────────────────────

  private get ending(): boolean {
    return this.lifecycle !== 'open';
  }

  private get ended(): boolean {
    return this.lifecycle === 'serving' || this.lifecycle === 'retired';
  }

  /** The one setter: whatever waits on the tab (attach, calls, the attach loop) looks again. */
  private setLifecycle(next: Lifecycle): void {
    this.lifecycle = next;
    this.waiters.wake();
  }

  private detach(op: 'destroy' | 'leave', options?: DestroyOptions): Promise<Envelope<void>> {
    if (op === 'leave') this.leaving = true;
    if (this.ending) return Promise.resolve({ ok: true, value: undefined });
    this.setLifecycle('ending');
    return this.follower.farewell(op, options);
  }

  /**
   * This tab's instance ended. A follower stops listening (and leaves the leader queue). A leader
   * whose page stays (`destroy()`, or a terminal server reason) keeps its runtime serving the
   * followers until the last one is gone, as a SharedWorker outlives a tab; a leader whose page is
   * leaving resigns at once, and the next tab in line takes over.
   */
  close(): void {
    if (this.ended) return;
    const serve = this.election.leads && !this.leaving;
    this.election.leaveLine();
    this.follower.close();
    if (serve) {
      this.setLifecycle('serving');
      this.election.whenEmpty(() => this.retire());
    } else {
      this.retire();
    }
  }

  private retire(): void {
    if (this.lifecycle === 'retired') return;
    this.setLifecycle('retired');
    this.election.close();
    this.inbox.close();
  }

  /**
   * The runtime this tab reached died or hung (sdk.ts's watch). A leader restarts its worker; a
   * follower asks who leads, and takes over if the leader tab itself stays silent (election.ts).
   * A tab that became the leader after the SDK attached (its predecessor closed, crashed or hung)
   * hears of the predecessor's runtime here: its own is new and nobody found it at fault, so it
   * stays. Restarting it threw away the fresh worker with this tab's attach in flight (5 s lost)
   * and made every follower attach a second time.
   */
  recover(_cause: LossCause): void {
    if (this.ending) return;
    if (!this.election.leads) this.election.discover();
    else if (this.follower.watchesCurrentRoute()) this.election.restartLocal();
  }

  // ── Wiring ──────────────────────────────────────────────────────────────────────────────────

  /** The inbox takes both roles' traffic: to this tab as the leader, and from its leader. */
  private onInbox(message: InboxMessage): void {
    if (typeof message !== 'object' || message === null) return;
    if (message.kind === 'call' || message.kind === 'hook-reply') this.election.serve(message);
    else this.follower.onInbox(message);
  }

  private workerError(event: ErrorEvent): void {
    if (this.follower.attachedLocally) {
      console.error('[livechat-multitab] the dedicated runtime reported an error:', event.message);
      return;
    }
    const error = new SdkError('RUNTIME_UNAVAILABLE', 'The dedicated runtime (Worker) failed to start.');
    this.fail(error);
    this.follower.refuse(failure('RUNTIME_UNAVAILABLE', error.message));
    this.waiters.wake();
  }
}

/**
 * Opens the dedicated-mode transport for a runtime key (`workerName(runtime)`). `seen` is the
 * SDK's record of the events this tab was told of: sent afresh with each attach to a new leader.
 * `deps` replace the page's clock, Web Locks, BroadcastChannel and Math.random (tests).
 */
export function openDedicatedTransport(
  key: string,
  startWorker: (name: string) => Worker,
  seen: () => SeenSnapshot[],
  deps?: Partial<RelayDeps>,
): Transport {
  const tab = new DedicatedTab(key, startWorker, seen, deps);
  return {
    mode: 'dedicated',
    // Not a Comlink proxy, but it answers the same calls with the same envelopes.
    api: tab as unknown as Comlink.Remote<TabPortApi>,
    failed: tab.failed,
    close: () => tab.close(),
    recover: (cause) => tab.recover(cause),
  };
}
