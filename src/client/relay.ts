/**
 * `mode: 'dedicated'`, the leader's side: the relay protocol between tabs, and the server that
 * serves follower tabs through the leader's dedicated Worker.
 *
 * Channels (all named after `workerName(runtime)`, so SDK versions and configs never mix):
 * - `livechat-multitab:<key>:relay`, shared by every tab of the key: leadership only (`who-leads`,
 *   `leader`, `resign`);
 * - `livechat-multitab:<key>:relay:<nodeId>`, one inbox per tab: leader → follower traffic (`reply`,
 *   `event`, `hook`) and, in the leader's, follower → leader traffic (`call`, `hook-reply`). A
 *   follower opens the leader's inbox for one message at a time (see `postTo`), so no other tab
 *   holds it open: a call or a push costs one delivery, not one per tab.
 *
 * Only plain data crosses a BroadcastChannel: a follower's `hooks` and `events` stay in the
 * follower. For each follower the leader opens its own MessagePort to the worker and attaches with
 * the follower's TabHello (so the runtime sees every tab, with its own id, lock, page and focus),
 * a hooks object that asks the follower for tokens and customer data over the relay, and an event port whose every
 * message it forwards to the follower's inbox.
 */
import * as Comlink from 'comlink';
import type { AttachInfo, RuntimeMessage, TabHello, TabHooks, TabPortApi } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import { attachTo, failure } from './attach';
import { RELAY_ATTACH_ATTEMPT_MS, RELAY_TOKEN_TIMEOUT_MS } from './timeouts';

export type RelayOp = keyof TabPortApi;

/** On the shared relay channel. */
export type RelayMessage =
  /** A tab asks who leads; the leader answers with `leader`. */
  | { kind: 'who-leads'; from: string }
  /** Sent by a tab when it becomes the leader or restarts its runtime (`term`), and in answer to `who-leads`. */
  | { kind: 'leader'; leaderId: string; term?: number }
  /** The leader is going away on purpose (its SDK instance ended); the next tab in line takes over. */
  | { kind: 'resign'; leaderId: string };

/** On a tab's inbox channel: from the leader to a follower, or (`call`, `hook-reply`) to the leader. */
export type InboxMessage =
  /** A follower calls a TabPortApi method; `attach` carries only the TabHello. */
  | { kind: 'call'; to: string; from: string; id: number; op: RelayOp; args: unknown[] }
  | { kind: 'hook-reply'; to: string; from: string; id: number; envelope: Envelope<unknown> }
  | { kind: 'reply'; to: string; from: string; id: number; envelope: Envelope<unknown> }
  /** A message the runtime posted on this follower's event port. */
  | { kind: 'event'; to: string; from: string; message: RuntimeMessage }
  /** The runtime calls one of this follower's hooks (`getToken`, `getCustomerData`), which need its page. */
  | { kind: 'hook'; to: string; from: string; id: number; hook: keyof TabHooks; args: unknown[] };

export const leaderLockName = (key: string) => `livechat-multitab:${key}:leader`;
export const relayChannelName = (key: string) => `livechat-multitab:${key}:relay`;
export const inboxChannelName = (key: string, nodeId: string) => `livechat-multitab:${key}:relay:${nodeId}`;

/**
 * Posts one message to a tab's inbox through a channel opened for it alone: a channel a tab kept
 * open would also receive what every other tab posts there. Delivery does not wait for the sender.
 */
export function postTo(key: string, nodeId: string, message: InboxMessage): void {
  const channel = new BroadcastChannel(inboxChannelName(key, nodeId));
  try {
    channel.postMessage(message);
  } finally {
    channel.close();
  }
}

/** The leader does not know this follower (it never attached, or it was dropped): attach again. */
export const NOT_ATTACHED = 'NOT_ATTACHED';


export function invokeApi(api: Comlink.Remote<TabPortApi>, op: RelayOp, args: unknown[]): Promise<Envelope<unknown>> {
  // Comlink proxies track the property path, not `this`, so a detached method call is fine.
  const method = api[op] as unknown as (...args: unknown[]) => Promise<Envelope<unknown>>;
  return method(...args);
}

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
  private readonly followerInboxes = new Map<string, BroadcastChannel>();
  private readonly hookCalls = new Map<number, { from: string; settle(envelope: Envelope<unknown>): void }>();
  private readonly watchers = new AbortController();
  private nextId = 0;
  private closed = false;
  private onEmpty: (() => void) | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly key: string,
    private readonly nodeId: string,
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
    navigator.locks
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
      const timer = setTimeout(() => settle(failure('TOKEN_UNAVAILABLE', `The tab did not answer ${hook} in time.`)), RELAY_TOKEN_TIMEOUT_MS);
      const settle = (envelope: Envelope<unknown>) => {
        clearTimeout(timer);
        this.hookCalls.delete(id);
        resolve(envelope);
      };
      this.hookCalls.set(id, { from, settle });
      this.inboxOf(from).postMessage({ kind: 'hook', to: from, from: this.nodeId, id, hook, args } satisfies InboxMessage);
    });
  }

  private inboxOf(to: string): BroadcastChannel {
    let channel = this.followerInboxes.get(to);
    if (!channel) {
      channel = new BroadcastChannel(inboxChannelName(this.key, to));
      this.followerInboxes.set(to, channel);
    }
    return channel;
  }
}
