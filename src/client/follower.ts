/**
 * `mode: 'dedicated'`: a tab's way to the runtime, wherever it runs: its own worker while the tab
 * leads (the local route), else the leader tab over the relay. Attaches along the current route,
 * again with the current hello and the same event port whenever the route changes, and carries
 * the SDK's calls there, each under a deadline.
 */
import type * as Comlink from 'comlink';
import type { AttachInfo, DestroyOptions, RuntimeMessage, TabHello, TabHooks, TabPortApi } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import type { SeenSnapshot } from '../shared/seen';
import { attachTo, failure } from './attach';
import { TIMED_OUT, withDeadline } from './deadline';
import { invokeApi, postTo, type InboxMessage, type RelayDeps, type RelayOp } from './relay';
import {
  RELAY_ATTACH_ATTEMPT_MS as ATTACH_ATTEMPT_MS,
  RELAY_ATTACH_BUDGET_MS as ATTACH_BUDGET_MS,
  RELAY_CALL_MS as CALL_MS,
  RELAY_MAX_PAUSE_MS as MAX_PAUSE_MS,
  RELAY_REQUEST_MS as REQUEST_MS,
} from './timeouts';
import type { Waiters } from './waiters';

/** `term` counts the leader's runtimes: it restarts its worker when that one dies or hangs. */
export type Route = { kind: 'local'; api: Comlink.Remote<TabPortApi> } | { kind: 'relay'; leaderId: string; term: number };

export function sameRoute(a: Route | undefined, b: Route | undefined): boolean {
  if (a === b) return true;
  return a?.kind === 'relay' && b?.kind === 'relay' && a.leaderId === b.leaderId && a.term === b.term;
}

const ROUTE_CHANGED = Symbol('route changed');
type Outcome = Envelope<unknown> | typeof ROUTE_CHANGED | typeof TIMED_OUT;

/** What a leader sends a follower; the rest of the inbox (`call`, `hook-reply`) is for the leader. */
export type FollowerMessage = Extract<InboxMessage, { kind: 'reply' | 'event' | 'hook' }>;

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

/** What the follower needs of its tab (leader.ts). */
export interface FollowerTab {
  readonly key: string;
  readonly nodeId: string;
  /** The SDK instance is ending or ended: it attaches and calls no more. */
  readonly ending: boolean;
  /** The SDK instance ended: nothing more reaches it. */
  readonly ended: boolean;
  /** What this tab has been told of by now (its SeenEvents); tab-local, the runtime never asks for it. */
  seen(): SeenSnapshot[];
  /** Asks the leader to announce itself (election.ts). */
  discover(): void;
  /** Heard from the leader followed: it is not silent (election.ts). */
  heard(): void;
}

const unavailable = <T>(what: string) => failure<T>('RUNTIME_UNAVAILABLE', `The leader tab's runtime did not answer ${what} in time.`);

export class Follower {
  /** Whom this tab talks to now; undefined while no leader is known. */
  private current: Route | undefined;
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
  /** The attach loop is running (one at a time; it follows route changes itself). */
  private attaching = false;
  /** Whether the last connection event relayed to this tab was `connected`. */
  private connected = false;
  private readonly pending = new Map<number, { route: Route; settle(outcome: Outcome): void }>();
  private nextId = 0;

  constructor(
    private readonly tab: FollowerTab,
    private readonly deps: RelayDeps,
    private readonly waiters: Waiters,
  ) {}

  get route(): Route | undefined {
    return this.current;
  }

  /** Attached to this tab's own worker: an error it reports is not a failed start. */
  get attachedLocally(): boolean {
    return this.attached?.route.kind === 'local';
  }

  /** Whether the runtime the SDK watches is the one on the current route (see `watched`). */
  watchesCurrentRoute(): boolean {
    return sameRoute(this.watched, this.current);
  }

  /**
   * The SDK attaches once, and again with a fresh event port when the runtime answered NOT_ATTACHED
   * (it dropped this tab while frozen): both go to whoever leads now.
   */
  async attach(hello: TabHello, hooks: TabHooks, events: MessagePort): Promise<Envelope<AttachInfo>> {
    if (this.tab.ending) return failure('SDK_DESTROYED', 'SDK destroyed.');
    const attachment: Attachment = { hello: { ...hello }, hooks, events };
    this.attachment = attachment;
    this.attachError = undefined;
    this.ensureAttached();
    const ready = await this.waiters.until(() => this.settled(), this.deps.clock.now() + ATTACH_BUDGET_MS);
    if (this.attachment !== attachment) return failure('RUNTIME_UNAVAILABLE', 'Superseded by a newer attach.');
    // Attached or not: the SDK's next `recover` is about this route's runtime.
    this.watched = this.attached?.route ?? this.current;
    if (this.attachError) return this.attachError;
    if (this.tab.ending) return failure('SDK_DESTROYED', 'SDK destroyed.');
    if (!ready || !this.attached) return failure('RUNTIME_UNAVAILABLE', 'No leader tab took this tab in time.');
    return this.attached.info;
  }

  /** The SDK's wish (connection, focus) changed: a later attach to another leader carries it. */
  wish(change: Partial<Pick<TabHello, 'wantsConnection' | 'focused'>>): void {
    if (this.attachment) Object.assign(this.attachment.hello, change);
  }

  /** Attaching cannot succeed (the local worker failed to start): attach and calls answer `envelope`. */
  refuse(envelope: Extract<Envelope<AttachInfo>, { ok: false }>): void {
    this.attachError ??= envelope;
  }

  async invoke<T>(op: Exclude<RelayOp, 'attach'>, args: unknown[]): Promise<Envelope<T>> {
    const ms = op === 'request' ? REQUEST_MS : CALL_MS;
    const until = this.deps.clock.now() + ms;
    for (;;) {
      const ready = await this.waiters.until(() => this.settled(), until);
      if (this.tab.ending) return failure('SDK_DESTROYED', 'SDK destroyed.');
      if (this.attachError) return failure(this.attachError.error.code, 'The runtime is unavailable.');
      const route = this.current;
      if (!ready || !route) {
        this.tab.discover();
        return failure('RUNTIME_UNAVAILABLE', `No leader tab answered within ${ms} ms.`);
      }
      const outcome = await this.callOn(route, op, args, until - this.deps.clock.now());
      if (outcome === TIMED_OUT) {
        this.tab.discover();
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

  /** The instance's last word (`destroy`, `leave`) to the runtime it is attached to, if any. */
  async farewell(op: 'destroy' | 'leave', options?: DestroyOptions): Promise<Envelope<void>> {
    const route = this.current;
    if (!route || this.attached?.route !== route) return { ok: true, value: undefined };
    const outcome = await this.callOn(route, op, options ? [options] : [], CALL_MS);
    return typeof outcome === 'symbol' ? { ok: true, value: undefined } : (outcome as Envelope<void>);
  }

  /** The instance ended: what is in flight fails, and there is nothing left to attach. */
  close(): void {
    for (const call of [...this.pending.values()]) call.settle(failure('SDK_DESTROYED', 'SDK destroyed.'));
    this.attachment = undefined;
  }

  onInbox(message: FollowerMessage): void {
    const route = this.current;
    if (this.tab.ended) return;
    if (route?.kind !== 'relay' || message.from !== route.leaderId || message.to !== this.tab.nodeId) return;
    this.tab.heard();
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

  /** The leader changed (or is gone): fail over what was in flight and attach to the new one. */
  follow(next: Route | undefined): void {
    const previous = this.current;
    if (sameRoute(previous, next)) return;
    this.current = next;
    this.tab.heard(); // a new leader gets its own full period before it is suspected
    this.attachment?.local?.close();
    if (this.attachment) delete this.attachment.local;
    this.attached = undefined;
    for (const call of [...this.pending.values()]) if (call.route === previous) call.settle(ROUTE_CHANGED);
    if (this.connected && this.attachment) {
      this.deliver({ kind: 'event', name: 'disconnected', payload: { reason: 'connection_lost' } });
    }
    this.waiters.wake();
    this.ensureAttached();
  }

  /** What `attach` and calls wait for: attached on the current route, or no point waiting. */
  private settled(): boolean {
    return this.tab.ending || this.attachError !== undefined || this.isAttached();
  }

  private async answerHook(message: Extract<InboxMessage, { kind: 'hook' }>): Promise<void> {
    const hooks = this.attachment?.hooks;
    const call = (): Promise<Envelope<unknown>> =>
      message.hook === 'getToken' ? hooks!.getToken(message.args[0] === true) : hooks!.getCustomerData();
    const envelope = hooks
      ? await call().catch((error: unknown) => failure<never>('TOKEN_UNAVAILABLE', String(error)))
      : failure<never>('TOKEN_UNAVAILABLE', 'This tab is not attached.');
    if (this.tab.ended) return;
    postTo(this.deps, this.tab.key, message.from, { kind: 'hook-reply', to: message.from, from: this.tab.nodeId, id: message.id, envelope });
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

  private isAttached(): boolean {
    return this.current !== undefined && this.attached?.route === this.current && this.attached.attachment === this.attachment;
  }

  private ensureAttached(): void {
    if (this.attaching || !this.attachment || this.tab.ending) return;
    this.attaching = true;
    void this.attachLoop();
  }

  /** Attaches to the current route until it holds, following route changes; retries with a growing pause. */
  private async attachLoop(): Promise<void> {
    let pause = 250;
    const backOff = async () => {
      await this.waiters.sleep(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    };
    for (;;) {
      const attachment = this.attachment;
      const route = this.current;
      if (!attachment || this.tab.ending || this.attachError || this.isAttached()) break;
      if (!route) {
        // No leader known: the lock holder answers `who-leads`; a new one announces itself anyway.
        this.tab.discover();
        await backOff();
        continue;
      }
      const envelope = await this.attachOnce(route, attachment);
      if (this.current !== route || this.attachment !== attachment || this.tab.ending) continue;
      if (envelope.ok) {
        this.attached = { route, attachment, info: envelope };
        this.everAttached = true;
        this.waiters.wake();
        continue;
      }
      if (route.kind === 'local' || envelope.error.code !== 'RUNTIME_UNAVAILABLE') {
        this.attachError = envelope;
        this.waiters.wake();
        // An instance that was running cannot be taken over: end it as the runtime would.
        if (this.everAttached) this.deliver({ kind: 'destroyed', reason: envelope.error.code });
        break;
      }
      // No answer: the leader may have died and its successor not spoken yet.
      this.tab.discover();
      await backOff();
    }
    this.attaching = false;
  }

  private async attachOnce(route: Route, attachment: Attachment): Promise<Envelope<AttachInfo>> {
    // A new leader's runtime starts with no memory: tell it what this tab has seen by now, so it
    // catches up on what was said while there was no leader.
    attachment.hello.seen = this.tab.seen();
    if (route.kind === 'local') {
      attachment.local?.close();
      const { envelope, events } = await attachTo(
        route.api,
        attachment.hello,
        attachment.hooks,
        (message) => {
          if (this.current === route) this.deliver(message);
        },
        ATTACH_ATTEMPT_MS,
        this.deps.clock,
      );
      if (envelope.ok) attachment.local = events;
      return envelope;
    }
    const outcome = await this.relayCall(route, 'attach', [attachment.hello], ATTACH_ATTEMPT_MS);
    return typeof outcome === 'symbol' ? unavailable('attach') : (outcome as Envelope<AttachInfo>);
  }

  private callOn(route: Route, op: RelayOp, args: unknown[], ms: number): Promise<Outcome> {
    if (route.kind === 'local') return withDeadline(invokeApi(route.api, op, args), ms, this.deps.clock);
    return this.relayCall(route, op, args, ms);
  }

  private relayCall(route: Extract<Route, { kind: 'relay' }>, op: RelayOp, args: unknown[], ms: number): Promise<Outcome> {
    const { clock } = this.deps;
    return new Promise<Outcome>((resolve, reject) => {
      const id = ++this.nextId;
      const settle = (outcome: Outcome) => {
        clock.clearTimeout(timer);
        this.pending.delete(id);
        resolve(outcome);
      };
      const timer = clock.setTimeout(() => settle(TIMED_OUT), Math.max(0, ms));
      this.pending.set(id, { route, settle });
      try {
        postTo(this.deps, this.tab.key, route.leaderId, { kind: 'call', to: route.leaderId, from: this.tab.nodeId, id, op, args });
      } catch (error) {
        // A DataCloneError (a function in params) is the caller's mistake; the SDK reports it as such.
        clock.clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      }
    });
  }
}
