/**
 * `mode: 'dedicated'`: one socket for every tab of a browser profile without SharedWorker.
 *
 * Every dedicated-mode tab asks for the Web Lock `livechat-multitab:<workerName>:leader` and keeps
 * it for life once granted. The holder is the leader: it starts a dedicated Worker (the runtime,
 * see `src/worker/dedicated.ts`), attaches its own SDK instance through a MessagePort exactly as a
 * SharedWorker tab does, announces itself on the relay channel and serves the other tabs, the
 * followers, through it (`LeaderRelay` in relay.ts). A follower's transport is `DedicatedTab`
 * below: its TabPortApi methods become plain-data `call` messages to the leader.
 *
 * Leader death. A leader tab that closes or crashes releases its lock; the next tab in line gets
 * it, starts its own worker and announces `leader`. Followers then re-attach to the new leader on
 * their own, with their current hello and the same local listeners and event port: the app sees
 * `disconnected` (reason `connection_lost`, synthesised here) and `connected` again, never a
 * destroyed instance. A leader whose page leaves says `resign` first; one whose instance ends while
 * the page stays keeps serving its followers until none is left (see `close`).
 * A leader that vanishes without a word: there is no heartbeat. The browser releases a dead tab's
 * locks, so the handover above covers closes and crashes; what is left is a leader that stops
 * answering while holding the lock (a frozen page), where no other tab could take over anyway.
 * For that, and for lost announcements, every relay call has a deadline (rejecting with
 * RUNTIME_UNAVAILABLE), and a deadline that passes, like a follower without a leader, broadcasts
 * `who-leads`, which the live leader answers; a different answer than the one followed re-attaches.
 */
import type * as Comlink from 'comlink';
import type { AttachInfo, DestroyOptions, RuntimeMessage, RuntimeStatus, TabHello, TabHooks, TabPortApi } from '../shared/contract';
import { SdkError, type Envelope } from '../shared/errors';
import type { MethodName } from '../shared/methods';
import type { SeenSnapshot } from '../shared/seen';
import { attachTo, failure } from './attach';
import {
  inboxChannelName,
  postTo,
  invokeApi,
  LeaderRelay,
  leaderLockName,
  relayChannelName,
  type InboxMessage,
  type RelayMessage,
  type RelayOp,
} from './relay';
import { TIMED_OUT, withDeadline } from './deadline';
import { randomId } from './tab';
import {
  LEADER_SILENCE_MS,
  LEADER_WATCHDOG_MS as WATCHDOG_MS,
  RELAY_ATTACH_ATTEMPT_MS as ATTACH_ATTEMPT_MS,
  RELAY_ATTACH_BUDGET_MS as ATTACH_BUDGET_MS,
  RELAY_CALL_MS as CALL_MS,
  RELAY_MAX_PAUSE_MS as MAX_PAUSE_MS,
  RELAY_REQUEST_MS as REQUEST_MS,
  STEAL_AFTER_MS,
} from './timeouts';
import type { Transport } from './transport';
import type { LossCause } from './supervise';

/** `term` counts the leader's runtimes: it restarts its worker when that one dies or hangs. */
type Route = { kind: 'local'; api: Comlink.Remote<TabPortApi> } | { kind: 'relay'; leaderId: string; term: number };

const ROUTE_CHANGED = Symbol('route changed');
type Outcome = Envelope<unknown> | typeof ROUTE_CHANGED | typeof TIMED_OUT;

interface Attachment {
  /** The hello as it is now: re-attaching to a new leader sends the current focus and wish to connect. */
  hello: TabHello;
  hooks: TabHooks;
  events: MessagePort;
  /**
   * While this tab leads: the port its own worker posts to, forwarded into `events`. The SDK's
   * port never goes to the worker, so it still works if this tab stops leading (its lock taken).
   */
  local?: MessagePort;
}

function sameRoute(a: Route | undefined, b: Route | undefined): boolean {
  if (a === b) return true;
  return a?.kind === 'relay' && b?.kind === 'relay' && a.leaderId === b.leaderId && a.term === b.term;
}

const unavailable = <T>(what: string) => failure<T>('RUNTIME_UNAVAILABLE', `The leader tab's runtime did not answer ${what} in time.`);

/** This tab's way to the runtime in dedicated mode: its own worker when it leads, else the relay. */
class DedicatedTab implements TabPortApi {
  readonly nodeId = randomId();
  readonly failed: Promise<never>;
  private fail: (error: SdkError) => void = () => undefined;
  private readonly relay: BroadcastChannel;
  private readonly inbox: BroadcastChannel;
  private lockAbort = new AbortController();
  /** When this tab last heard from the leader it follows (a reply, an event, an announcement). */
  private lastHeard = Date.now();
  /** The lock holder that has been silent, and since when: a candidate to take the lock from. */
  private silentHolder: { clientId: string | undefined; since: number } | undefined;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private leadership: { server: LeaderRelay; release: () => void } | undefined;
  /** While leading: how many runtimes this tab started, announced so followers attach to the new one. */
  private term = 0;
  /** Whom this tab talks to now; undefined while no leader is known. */
  private route: Route | undefined;
  /** Where and which attachment is registered (calls go out when it is the current route and attachment). */
  private attached: { route: Route; attachment: Attachment; info: Envelope<AttachInfo> } | undefined;
  private attachment: Attachment | undefined;
  /**
   * The route of the runtime the SDK watches: the one its last attach() settled on (sdk.ts watches
   * the runtime an attach answered for, and calls `recover` when that one dies or hangs).
   */
  private watched: Route | undefined;
  private everAttached = false;
  /** An attach answer that retrying cannot fix (protocol mismatch, broken local worker). */
  private attachError: Extract<Envelope<AttachInfo>, { ok: false }> | undefined;
  private attaching = false;
  /** This tab's instance is ending (destroy, leave, or the runtime ended it). */
  private closing = false;
  /** This tab's instance ended; a leader may still serve its followers (see `close`). */
  private closed = false;
  /** The page is going away (`leave`): its worker dies with it, so there is nothing to keep serving. */
  private leaving = false;
  private retired = false;
  /** Whether the last connection event relayed to this tab was `connected`. */
  private connected = false;
  private readonly pending = new Map<number, { route: Route; settle(outcome: Outcome): void }>();
  private readonly wakers = new Set<() => void>();
  private nextId = 0;
  private lastDiscovery = 0;

  constructor(
    private readonly key: string,
    /** Starts the runtime's Worker (transport.ts knows where its script is). */
    private readonly startWorker: (name: string) => Worker,
    /** What this tab has been told of by now (its SeenEvents); tab-local, the runtime never asks for it. */
    private readonly seen: () => SeenSnapshot[],
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failed.catch(() => undefined);
    this.relay = new BroadcastChannel(relayChannelName(key));
    this.inbox = new BroadcastChannel(inboxChannelName(key, this.nodeId));
    this.relay.onmessage = (event: MessageEvent<RelayMessage>) => this.onRelay(event.data);
    this.inbox.onmessage = (event: MessageEvent<InboxMessage>) => this.onInbox(event.data);
    this.queueForLeadership();
    this.discover();
    this.watchdog = setInterval(() => void this.checkLeader(), WATCHDOG_MS);
  }

  // ── TabPortApi ──────────────────────────────────────────────────────────────────────────────

  /**
   * The SDK attaches once, and again with a fresh event port when the runtime answered NOT_ATTACHED
   * (it dropped this tab while frozen): both go to whoever leads now.
   */
  async attach(hello: TabHello, hooks: TabHooks, events: MessagePort): Promise<Envelope<AttachInfo>> {
    if (this.closing) return failure('SDK_DESTROYED', 'SDK destroyed.');
    const attachment: Attachment = { hello: { ...hello }, hooks, events };
    this.attachment = attachment;
    this.attachError = undefined;
    this.ensureAttached();
    const ready = await this.waitFor(() => this.closing || this.attachError !== undefined || this.isAttached(), Date.now() + ATTACH_BUDGET_MS);
    if (this.attachment !== attachment) return failure('RUNTIME_UNAVAILABLE', 'Superseded by a newer attach.');
    // Attached or not: the SDK's next `recover` is about this route's runtime.
    this.watched = this.attached?.route ?? this.route;
    if (this.attachError) return this.attachError;
    if (this.closing) return failure('SDK_DESTROYED', 'SDK destroyed.');
    if (!ready || !this.attached) return failure('RUNTIME_UNAVAILABLE', 'No leader tab took this tab in time.');
    return this.attached.info;
  }

  request(method: MethodName, params: unknown): Promise<Envelope<unknown>> {
    return this.invoke('request', [method, params]);
  }

  connect(): Promise<Envelope<void>> {
    if (this.attachment) this.attachment.hello.wantsConnection = true;
    return this.invoke('connect', []);
  }

  disconnect(): Promise<Envelope<void>> {
    if (this.attachment) this.attachment.hello.wantsConnection = false;
    return this.invoke('disconnect', []);
  }

  setFocus(focused: boolean): Promise<Envelope<void>> {
    if (this.attachment) this.attachment.hello.focused = focused;
    return this.invoke('setFocus', [focused]);
  }

  heartbeat(): Promise<Envelope<void>> {
    return this.invoke('heartbeat', []);
  }

  status(): Promise<Envelope<RuntimeStatus>> {
    return this.invoke('status', []);
  }

  destroy(options?: DestroyOptions): Promise<Envelope<void>> {
    return this.detach('destroy', options);
  }

  leave(): Promise<Envelope<void>> {
    return this.detach('leave');
  }

  /**
   * This tab's instance ended. A follower stops listening (and leaves the leader queue). A leader
   * whose page stays (`destroy()`, or a terminal server reason) keeps its runtime serving the
   * followers until the last one is gone, as a SharedWorker outlives a tab: no handover, no new
   * login for the others, and every follower still gets the runtime's last words (`destroyed`).
   * A leader whose page is leaving resigns at once; the next tab in line takes over.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.lockAbort.abort();
    for (const call of [...this.pending.values()]) call.settle(failure('SDK_DESTROYED', 'SDK destroyed.'));
    this.attachment = undefined;
    this.wake();
    if (this.leadership && !this.leaving) this.leadership.server.whenEmpty(() => this.retire());
    else this.retire();
  }

  /**
   * The runtime this tab reached died or hung (sdk.ts's watch). A leader restarts its worker; a
   * follower asks who leads, and takes over if the leader tab itself stays silent (`checkLeader`).
   * A tab that became the leader after the SDK attached (its predecessor closed, crashed or hung)
   * hears of the predecessor's runtime here: its own is new and nobody found it at fault, so it
   * stays. Restarting it threw away the fresh worker with this tab's attach in flight (5 s lost)
   * and made every follower attach a second time.
   */
  recover(_cause: LossCause): void {
    if (this.closing) return;
    if (!this.leadership) this.discover();
    else if (sameRoute(this.watched, this.route)) this.restartLocal();
  }

  private retire(): void {
    if (this.retired) return;
    this.retired = true;
    clearInterval(this.watchdog);
    if (this.leadership) {
      const { server, release } = this.leadership;
      this.leadership = undefined;
      this.relay.postMessage({ kind: 'resign', leaderId: this.nodeId } satisfies RelayMessage);
      server.close();
      release();
    }
    this.relay.close();
    this.inbox.close();
  }

  // ── Leadership ──────────────────────────────────────────────────────────────────────────────

  /** Waits in line for the leader lock (or takes it at once with `steal`); losing it later steps down. */
  private queueForLeadership(steal = false): void {
    const options: LockOptions = steal ? { steal: true } : { signal: this.lockAbort.signal };
    navigator.locks.request(leaderLockName(this.key), options, () => this.lead()).catch(() => this.stepDown());
  }

  /**
   * A frozen leader tab (background tab on mobile, bfcache) keeps its lock but relays nothing:
   * its followers would have no connection at all. The runtime pings every tab every 20 s, so a
   * follower that hears nothing from its leader for LEADER_SILENCE_MS, while the same lock holder
   * stays silent after a `who-leads`, takes the lock over with `steal`. The old leader learns it
   * when it wakes (its lock request rejects) and steps down.
   */
  private async checkLeader(): Promise<void> {
    if (this.leadership || this.closing || this.retired || Date.now() - this.lastHeard < LEADER_SILENCE_MS) {
      this.silentHolder = undefined;
      return;
    }
    const { held = [] } = await navigator.locks.query();
    const holder = held.find((lock) => lock.name === leaderLockName(this.key));
    if (!holder || this.leadership || this.closing) return; // the lock is free: the line moves by itself
    if (!this.silentHolder || this.silentHolder.clientId !== holder.clientId) {
      // A random extra wait per tab, so that two followers rarely take the lock from each other.
      this.silentHolder = { clientId: holder.clientId, since: Date.now() + Math.random() * STEAL_AFTER_MS };
      this.discover();
      return;
    }
    if (Date.now() - this.silentHolder.since < STEAL_AFTER_MS) return;
    // Someone may have taken over meanwhile: only take the lock from the holder that stayed silent.
    const again = (await navigator.locks.query()).held?.find((lock) => lock.name === leaderLockName(this.key));
    if (again?.clientId !== holder.clientId || Date.now() - this.lastHeard < LEADER_SILENCE_MS) return;
    console.warn('[livechat-multitab] the leader tab stopped answering (frozen?); taking over its connection.');
    this.silentHolder = undefined;
    this.lastHeard = Date.now();
    this.lockAbort.abort(); // leave the line: the steal request replaces it
    this.lockAbort = new AbortController();
    this.queueForLeadership(true);
  }

  /** The leader lock was taken from this tab (it was frozen): stop serving and follow the new leader. */
  private stepDown(): void {
    if (!this.leadership || this.closing) return;
    const { server, release } = this.leadership;
    this.leadership = undefined;
    server.close(); // its socket too: the new leader has its own
    release();
    this.lastHeard = Date.now();
    this.switchRoute(undefined);
    this.discover();
    this.queueForLeadership();
  }

  /** The leader lock was granted: start the runtime here. The lock is held until the promise settles. */
  private lead(): Promise<void> | undefined {
    if (this.closing) return undefined;
    const server = this.startServer();
    return new Promise<void>((release) => {
      this.leadership = { server, release };
      this.switchRoute({ kind: 'local', api: server.openApi() });
      this.announce();
    });
  }

  /** Replaces this leader's dead or hung worker (terminated: it can never send again) with a new one. */
  private restartLocal(): void {
    const { server, release } = this.leadership!;
    server.close();
    const next = this.startServer();
    this.leadership = { server: next, release };
    this.term += 1;
    this.switchRoute({ kind: 'local', api: next.openApi() });
    this.announce();
  }

  private announce(): void {
    this.relay.postMessage({ kind: 'leader', leaderId: this.nodeId, term: this.term } satisfies RelayMessage);
  }

  private startServer(): LeaderRelay {
    const worker = this.startWorker(this.key);
    worker.addEventListener('error', (event: ErrorEvent) => {
      if (this.attached?.route.kind === 'local') {
        console.error('[livechat-multitab] the dedicated runtime reported an error:', event.message);
        return;
      }
      const error = new SdkError('RUNTIME_UNAVAILABLE', 'The dedicated runtime (Worker) failed to start.');
      this.fail(error);
      this.attachError ??= failure('RUNTIME_UNAVAILABLE', error.message);
      this.wake();
    });
    return new LeaderRelay(worker, this.key, this.nodeId);
  }

  private onRelay(message: RelayMessage): void {
    if (this.retired || typeof message !== 'object' || message === null) return;
    if (this.closed && !this.leadership) return;
    switch (message.kind) {
      case 'who-leads':
        if (this.leadership && !this.leaving) this.announce();
        return;
      case 'leader':
        if (this.route?.kind === 'relay' && this.route.leaderId === message.leaderId) this.lastHeard = Date.now();
        if (!this.leadership && !this.closing && message.leaderId !== this.nodeId) {
          this.switchRoute({ kind: 'relay', leaderId: message.leaderId, term: message.term ?? 0 });
        }
        return;
      case 'resign':
        if (this.route?.kind === 'relay' && this.route.leaderId === message.leaderId) this.switchRoute(undefined);
        return;
    }
  }

  /** Asks the leader to announce itself (at most a few times a second). */
  private discover(): void {
    const now = Date.now();
    if (this.closed || now - this.lastDiscovery < 250) return;
    this.lastDiscovery = now;
    this.relay.postMessage({ kind: 'who-leads', from: this.nodeId } satisfies RelayMessage);
  }

  // ── Following ───────────────────────────────────────────────────────────────────────────────

  private onInbox(message: InboxMessage): void {
    if (typeof message !== 'object' || message === null) return;
    // To this tab as the leader (which keeps serving its followers after its own instance closed).
    if (message.kind === 'call' || message.kind === 'hook-reply') {
      if (this.retired || !this.leadership || message.to !== this.nodeId) return;
      if (message.kind === 'call') void this.leadership.server.onCall(message);
      else this.leadership.server.onHookReply(message);
      return;
    }
    const route = this.route;
    if (this.closed) return;
    if (route?.kind !== 'relay' || message.from !== route.leaderId || message.to !== this.nodeId) return;
    this.lastHeard = Date.now();
    switch (message.kind) {
      case 'reply': {
        const call = this.pending.get(message.id);
        if (call?.route === route) call.settle(message.envelope);
        return;
      }
      case 'event':
        this.deliver(message.message);
        return;
      case 'hook':
        void this.answerHook(message);
        return;
    }
  }

  private async answerHook(message: Extract<InboxMessage, { kind: 'hook' }>): Promise<void> {
    const hooks = this.attachment?.hooks;
    const call = (): Promise<Envelope<unknown>> =>
      message.hook === 'getToken' ? hooks!.getToken(message.args[0] === true) : hooks!.getCustomerData();
    const envelope = hooks
      ? await call().catch((error: unknown) => failure<never>('TOKEN_UNAVAILABLE', String(error)))
      : failure<never>('TOKEN_UNAVAILABLE', 'This tab is not attached.');
    if (this.closed) return;
    postTo(this.key, message.from, { kind: 'hook-reply', to: message.from, from: this.nodeId, id: message.id, envelope });
  }

  /** Posts a runtime message into this tab's own event port, as the runtime would. */
  private deliver(message: RuntimeMessage): void {
    if (message.kind === 'event' && (message.name === 'connected' || message.name === 'disconnected')) {
      this.connected = message.name === 'connected';
    } else if (message.kind === 'destroyed') {
      this.connected = false;
    }
    try {
      this.attachment?.events.postMessage(message);
    } catch {
      /* the SDK closed its port (it is attaching again with a fresh one) */
    }
  }

  /** The leader changed (or is gone): fail over what was in flight and attach to the new one. */
  private switchRoute(next: Route | undefined): void {
    const previous = this.route;
    if (sameRoute(previous, next)) return;
    this.route = next;
    this.lastHeard = Date.now(); // a new leader gets its own full period before it is suspected
    this.attachment?.local?.close();
    if (this.attachment) delete this.attachment.local;
    this.attached = undefined;
    for (const call of [...this.pending.values()]) if (call.route === previous) call.settle(ROUTE_CHANGED);
    if (this.connected && this.attachment) {
      this.deliver({ kind: 'event', name: 'disconnected', payload: { reason: 'connection_lost' } });
    }
    this.wake();
    this.ensureAttached();
  }

  private isAttached(): boolean {
    return this.route !== undefined && this.attached?.route === this.route && this.attached.attachment === this.attachment;
  }

  private ensureAttached(): void {
    if (this.attaching || !this.attachment || this.closing) return;
    this.attaching = true;
    void this.attachLoop();
  }

  /** Attaches to the current route until it holds, following route changes; retries with a growing pause. */
  private async attachLoop(): Promise<void> {
    let pause = 250;
    const backOff = async () => {
      await this.sleep(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    };
    for (;;) {
      const attachment = this.attachment;
      const route = this.route;
      if (!attachment || this.closing || this.attachError || this.isAttached()) break;
      if (!route) {
        // No leader known: the lock holder answers `who-leads`; a new one announces itself anyway.
        this.discover();
        await backOff();
        continue;
      }
      const envelope = await this.attachOnce(route, attachment);
      if (this.route !== route || this.attachment !== attachment || this.closing) continue;
      if (envelope.ok) {
        this.attached = { route, attachment, info: envelope };
        this.everAttached = true;
        this.wake();
        continue;
      }
      if (route.kind === 'local' || envelope.error.code !== 'RUNTIME_UNAVAILABLE') {
        this.attachError = envelope;
        this.wake();
        // An instance that was running cannot be taken over: end it as the runtime would.
        if (this.everAttached) this.deliver({ kind: 'destroyed', reason: envelope.error.code });
        break;
      }
      // No answer: the leader may have died and its successor not spoken yet.
      this.discover();
      await backOff();
    }
    this.attaching = false;
  }

  private async attachOnce(route: Route, attachment: Attachment): Promise<Envelope<AttachInfo>> {
    // A new leader's runtime starts with no memory: tell it what this tab has seen by now, so it
    // catches up on what was said while there was no leader.
    attachment.hello.seen = this.seen();
    if (route.kind === 'local') {
      attachment.local?.close();
      const { envelope, events } = await attachTo(
        route.api,
        attachment.hello,
        attachment.hooks,
        (message) => {
          if (this.route === route) this.deliver(message);
        },
        ATTACH_ATTEMPT_MS,
      );
      if (envelope.ok) attachment.local = events;
      return envelope;
    }
    const outcome = await this.relayCall(route, 'attach', [attachment.hello], ATTACH_ATTEMPT_MS);
    return typeof outcome === 'symbol' ? unavailable('attach') : (outcome as Envelope<AttachInfo>);
  }

  // ── Calls ───────────────────────────────────────────────────────────────────────────────────

  private async invoke<T>(op: Exclude<RelayOp, 'attach'>, args: unknown[]): Promise<Envelope<T>> {
    const ms = op === 'request' ? REQUEST_MS : CALL_MS;
    const until = Date.now() + ms;
    for (;;) {
      const ready = await this.waitFor(() => this.closing || this.attachError !== undefined || this.isAttached(), until);
      if (this.closing) return failure('SDK_DESTROYED', 'SDK destroyed.');
      if (this.attachError) return failure(this.attachError.error.code, 'The runtime is unavailable.');
      const route = this.route;
      if (!ready || !route) {
        this.discover();
        return failure('RUNTIME_UNAVAILABLE', `No leader tab answered within ${ms} ms.`);
      }
      const outcome = await this.callOn(route, op, args, until - Date.now());
      if (outcome === TIMED_OUT) {
        this.discover();
        return unavailable(op);
      }
      if (outcome === ROUTE_CHANGED) {
        // The request may or may not have reached the server: say so rather than send it twice.
        if (op === 'request') return failure('CONNECTION_LOST', 'The leader tab went away while the request was in flight.');
        continue; // the rest are idempotent: repeat them to the new leader once attached there
      }
      // NOT_ATTACHED (from the runtime, or from a leader that does not know this tab) goes back to
      // the SDK, which attaches again with a fresh event port and retries.
      return outcome as Envelope<T>;
    }
  }

  private callOn(route: Route, op: RelayOp, args: unknown[], ms: number): Promise<Outcome> {
    if (route.kind === 'local') return withDeadline(invokeApi(route.api, op, args), ms);
    return this.relayCall(route, op, args, ms);
  }

  private relayCall(route: Extract<Route, { kind: 'relay' }>, op: RelayOp, args: unknown[], ms: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      const id = ++this.nextId;
      const settle = (outcome: Outcome) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(outcome);
      };
      const timer = setTimeout(() => settle(TIMED_OUT), Math.max(0, ms));
      this.pending.set(id, { route, settle });
      try {
        postTo(this.key, route.leaderId, { kind: 'call', to: route.leaderId, from: this.nodeId, id, op, args });
      } catch (error) {
        // A DataCloneError (a function in params) is the caller's mistake; the SDK reports it as such.
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      }
    });
  }

  private async detach(op: 'destroy' | 'leave', options?: DestroyOptions): Promise<Envelope<void>> {
    if (op === 'leave') this.leaving = true;
    if (this.closing) return { ok: true, value: undefined };
    this.closing = true;
    this.wake();
    const route = this.route;
    if (!route || this.attached?.route !== route) return { ok: true, value: undefined };
    const outcome = await this.callOn(route, op, options ? [options] : [], CALL_MS);
    return typeof outcome === 'symbol' ? { ok: true, value: undefined } : (outcome as Envelope<void>);
  }

  // ── Waiting ─────────────────────────────────────────────────────────────────────────────────

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  /** Resolves true once `test()` holds, false if `until` (epoch ms) passes first. */
  private waitFor(test: () => boolean, until: number): Promise<boolean> {
    if (test()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.wakers.delete(check);
        resolve(value);
      };
      const check = () => {
        if (test()) done(true);
      };
      const timer = setTimeout(() => done(test()), Math.max(0, until - Date.now()));
      this.wakers.add(check);
    });
  }

  /** Waits `ms`, or less if the state changes (a new leader, closing). */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

/**
 * Opens the dedicated-mode transport for a runtime key (`workerName(runtime)`). `seen` is the
 * SDK's record of the events this tab was told of: sent afresh with each attach to a new leader.
 */
export function openDedicatedTransport(key: string, startWorker: (name: string) => Worker, seen: () => SeenSnapshot[]): Transport {
  const tab = new DedicatedTab(key, startWorker, seen);
  return {
    mode: 'dedicated',
    // Not a Comlink proxy, but it answers the same calls with the same envelopes.
    api: tab as unknown as Comlink.Remote<TabPortApi>,
    failed: tab.failed,
    close: () => tab.close(),
    recover: (cause) => tab.recover(cause),
  };
}
