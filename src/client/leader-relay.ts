/**
 * `mode: 'dedicated'`, the leader's server: runs in the leader tab, owns its dedicated Worker and
 * serves each follower through its own port to it, attached with the follower's TabHello, hooks
 * that ask the follower over the relay, and an event port forwarded to the follower's inbox.
 */
import * as Comlink from 'comlink';
import type { AttachInfo, TabHello, TabHooks, TabPortApi } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import { attachTo, failure } from './attach';
import { inboxChannelName, invokeApi, NOT_ATTACHED, relayDeps, type InboxMessage, type RelayChannel, type RelayDeps } from './relay';
import { RELAY_ATTACH_ATTEMPT_MS, RELAY_TOKEN_TIMEOUT_MS } from './timeouts';

interface FollowerLink {
  api: Comlink.Remote<TabPortApi>;
  /** Set once the attach answered. */
  events?: MessagePort;
  /** Kept referenced for the link's life: the worker calls it through a Comlink proxy. */
  hooks: TabHooks;
  /** Its proxy and port are closed: it takes no more calls. */
  released?: true;
}

/** Runs in the leader tab: owns the dedicated Worker and serves the followers through it. */
export class LeaderRelay {
  private readonly links = new Map<string, FollowerLink>();
  private readonly followerInboxes = new Map<string, RelayChannel>();
  private readonly hookCalls = new Map<number, { from: string; settle(envelope: Envelope<unknown>): void }>();
  private readonly watchers = new AbortController();
  private nextId = 0;
  private closed = false;
  private onEmpty: (() => void) | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly key: string,
    private readonly nodeId: string,
    private readonly deps: RelayDeps = relayDeps(),
  ) {}

  /** A new port to the worker, served exactly like a SharedWorker port. */
  openApi(): Comlink.Remote<TabPortApi> {
    const channel = new MessageChannel();
    this.worker.postMessage({ kind: 'connect', port: channel.port2 }, [channel.port2]);
    return Comlink.wrap<TabPortApi>(channel.port1);
  }

  async onCall(message: Extract<InboxMessage, { kind: 'call' }>): Promise<void> {
    const { from, id, op } = message;
    const args = Array.isArray(message.args) ? message.args : [];
    let envelope: Envelope<unknown>;
    let link: FollowerLink | undefined;
    if (op === 'attach') {
      envelope = await this.attach(from, args[0] as TabHello);
    } else {
      link = this.links.get(from);
      if (!link) {
        envelope = op === 'destroy' || op === 'leave' ? { ok: true, value: undefined } : failure(NOT_ATTACHED, 'This tab is not attached to the leader.');
      } else {
        envelope = await invokeApi(link.api, op, args).catch((error: unknown) =>
          failure('RUNTIME_UNAVAILABLE', `The dedicated runtime failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    }
    if (this.closed) return;
    this.inboxOf(from).postMessage({ kind: 'reply', to: from, from: this.nodeId, id, envelope } satisfies InboxMessage);
    if (link && (op === 'destroy' || op === 'leave')) this.dispose(from, link);
  }

  onHookReply(message: Extract<InboxMessage, { kind: 'hook-reply' }>): void {
    const call = this.hookCalls.get(message.id);
    if (call && call.from === message.from) call.settle(message.envelope);
  }

  /** Calls `callback` once no follower is attached (at once if none is). */
  whenEmpty(callback: () => void): void {
    if (this.links.size === 0) callback();
    else this.onEmpty = callback;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watchers.abort();
    for (const link of this.links.values()) this.release(link);
    this.links.clear();
    for (const inbox of this.followerInboxes.values()) inbox.close();
    this.followerInboxes.clear();
    for (const call of [...this.hookCalls.values()]) call.settle(failure('TOKEN_UNAVAILABLE', 'The leader tab went away.'));
    this.worker.terminate();
  }

  private async attach(from: string, hello: TabHello): Promise<Envelope<AttachInfo>> {
    const previous = this.links.get(from);
    const hooks: TabHooks = {
      getToken: (fresh) => this.askHook(from, 'getToken', [fresh]) as ReturnType<TabHooks['getToken']>,
      getCustomerData: () => this.askHook(from, 'getCustomerData', []) as ReturnType<TabHooks['getCustomerData']>,
    };
    const link: FollowerLink = { api: this.openApi(), hooks };
    this.links.set(from, link);
    const { envelope, events } = await attachTo(
      link.api,
      hello,
      hooks,
      (message) => {
        if (this.links.get(from) !== link) return;
        this.inboxOf(from).postMessage({ kind: 'event', to: from, from: this.nodeId, message } satisfies InboxMessage);
      },
      RELAY_ATTACH_ATTEMPT_MS,
      this.deps.clock,
    );
    link.events = events;
    if (link.released) events.close();
    // The same follower attached again (it missed our answer, or was told NOT_ATTACHED): the link
    // it had is done with, whether this attach held (the runtime replaced its session) or failed
    // (the follower starts over or ends; the old session must not keep counting as a tab).
    if (previous && previous !== link) this.retire(previous);
    if (this.links.get(from) !== link) {
      // A newer attach of this follower took over while this one was under way: that one stands.
      this.retire(link);
      return envelope.ok ? failure('RUNTIME_UNAVAILABLE', 'Superseded by a newer attach of this tab.') : envelope;
    }
    if (!envelope.ok) {
      this.links.delete(from);
      this.retire(link);
      return envelope;
    }
    this.watch(from, link, hello?.lockName);
    return envelope;
  }

  /**
   * The follower holds its tab lock for life (see tab.ts); being granted it means the follower is
   * gone. The worker watches the same lock to drop the runtime's session; this drops our relay link.
   */
  private watch(from: string, link: FollowerLink, lockName: string | undefined): void {
    if (!lockName) return;
    this.deps.locks
      .request(lockName, { signal: this.watchers.signal }, () => {
        if (this.links.get(from) === link) this.dispose(from, link);
      })
      .catch(() => undefined);
  }

  private dispose(from: string, link: FollowerLink): void {
    if (this.links.get(from) === link) this.links.delete(from);
    this.release(link);
    this.followerInboxes.get(from)?.close();
    this.followerInboxes.delete(from);
    for (const call of [...this.hookCalls.values()]) {
      if (call.from === from) call.settle(failure('TOKEN_UNAVAILABLE', 'The tab is gone.'));
    }
    if (this.links.size === 0 && this.onEmpty) {
      const onEmpty = this.onEmpty;
      this.onEmpty = undefined;
      onEmpty();
    }
  }

  /**
   * Lets go of a link the runtime may still hold a session on. `leave` goes out before the
   * release on the same port, so the worker runs it first: it detaches that session (if it is
   * still the tab's current one) and releases its proxy of the link's hooks.
   */
  private retire(link: FollowerLink): void {
    if (link.released) return;
    invokeApi(link.api, 'leave', []).catch(() => undefined);
    this.release(link);
  }

  private release(link: FollowerLink): void {
    if (link.released) return;
    link.released = true;
    if (link.events) {
      link.events.onmessage = null;
      link.events.close();
    }
    try {
      link.api[Comlink.releaseProxy]();
    } catch {
      /* already released */
    }
  }

  private askHook(from: string, hook: keyof TabHooks, args: unknown[]): Promise<Envelope<unknown>> {
    return new Promise<Envelope<unknown>>((resolve) => {
      if (this.closed) {
        resolve(failure('TOKEN_UNAVAILABLE', 'The leader tab went away.'));
        return;
      }
      const id = ++this.nextId;
      const { clock } = this.deps;
      const timer = clock.setTimeout(() => settle(failure('TOKEN_UNAVAILABLE', `The tab did not answer ${hook} in time.`)), RELAY_TOKEN_TIMEOUT_MS);
      const settle = (envelope: Envelope<unknown>) => {
        clock.clearTimeout(timer);
        this.hookCalls.delete(id);
        resolve(envelope);
      };
      this.hookCalls.set(id, { from, settle });
      this.inboxOf(from).postMessage({ kind: 'hook', to: from, from: this.nodeId, id, hook, args } satisfies InboxMessage);
    });
  }

  private inboxOf(to: string): RelayChannel {
    let channel = this.followerInboxes.get(to);
    if (!channel) {
      channel = this.deps.openChannel(inboxChannelName(this.key, to));
      this.followerInboxes.set(to, channel);
    }
    return channel;
  }
}
