/**
 * `mode: 'dedicated'`: the relay protocol between tabs (its messages, the names of the leader lock
 * and of the channels) and what it runs on, injected so tests drive it (a clock, Web Locks,
 * BroadcastChannels). How the channels are used: docs/architecture.md, "Dedicated mode".
 */
import type * as Comlink from 'comlink';
import type { Clock } from '../shared/clock';
import type { RuntimeMessage, TabHooks, TabPortApi } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import { realTimers } from './deadline';

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

/** The part of a BroadcastChannel the relay uses. */
export interface RelayChannel {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

/** What dedicated mode runs on: the page's own by default (`relayDeps()`), a test's under Vitest. */
export interface RelayDeps {
  clock: Clock;
  locks: LockManager;
  openChannel(name: string): RelayChannel;
  /** The spread of the followers' waits before a steal (see election.ts). */
  random(): number;
}

/** `given`, completed with the page's clock, Web Locks, BroadcastChannel and Math.random. */
export function relayDeps(given: Partial<RelayDeps> = {}): RelayDeps {
  return {
    clock: given.clock ?? realTimers,
    // Read when used: Node (the relay server's tests) has no `navigator`.
    get locks() {
      return given.locks ?? navigator.locks;
    },
    openChannel: given.openChannel ?? ((name) => new BroadcastChannel(name)),
    random: given.random ?? Math.random,
  };
}

/**
 * Posts one message to a tab's inbox through a channel opened for it alone: a channel a tab kept
 * open would also receive what every other tab posts there. Delivery does not wait for the sender.
 */
export function postTo(deps: Pick<RelayDeps, 'openChannel'>, key: string, nodeId: string, message: InboxMessage): void {
  const channel = deps.openChannel(inboxChannelName(key, nodeId));
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
