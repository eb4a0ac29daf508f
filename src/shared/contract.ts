/**
 * The contract between a tab and the runtime that owns the connection: what a tab sends
 * (`TabHello`, `TabPortApi`), what the runtime posts back (`RuntimeMessage`), and the names and
 * URLs both derive from a config. Calls return `Envelope`s so that error codes survive Comlink.
 * The exchange, drawn: docs/architecture.md ("The contract").
 */
import type { Envelope, SdkErrorData } from './errors';
import type { SdkEventMap, SdkEventName } from './events';
import type { MethodName } from './methods';
import type { SeenSnapshot } from './seen';
import type { ChatEvent, Page, Region, Token } from './types';
import { API_VERSION, SDK_VERSION } from './version';

/** What identifies one connection: tabs with an equal key share one socket and one login. */
export interface RuntimeConfig {
  organizationId: string;
  clientId: string;
  groupId: number;
  uniqueGroups: boolean;
  region: Region;
  /** Base URL of a Customer Chat API compatible server; production hosts when absent. */
  server?: string;
  /** Per-region servers, for `misdirected_connection` against custom servers (region → base URL). */
  regionServers?: Partial<Record<string, string>>;
  env: string;
}

export interface TabHello {
  protocol: number;
  tabId: string;
  runtime: RuntimeConfig;
  /** `autoConnect`: whether this tab wants the connection from the start. */
  wantsConnection: boolean;
  page?: Page;
  referrer?: string;
  /** Whether the app gave this tab a `customerDataProvider` (the runtime calls it before each login). */
  hasCustomerDataProvider?: boolean;
  /**
   * Name of the Web Lock the tab holds for its lifetime; the runtime waits on it to learn of the tab's death.
   * A provisional attach has none yet: it comes by `claimed` once the tab holds it.
   */
  lockName?: string;
  /**
   * Sent before the tab has claimed its id (a shared-mode tab attaches at once, under a fresh id
   * or its explicit `tabId`, and reads its stored id and takes its lock once the runtime answered):
   * if a live tab already uses this id, the runtime answers NOT_ATTACHED instead of replacing that
   * tab, and the tab attaches again once claimed. The claimed id comes by `claimed`.
   */
  provisional?: boolean;
  /** Whether the page has focus now; the focused tab is the one that plays sounds and whose page the server sees. */
  focused?: boolean;
  /** Forward the runtime's log lines to this tab's console. */
  debug?: boolean;
  /** The chat events this tab was told of, so a runtime that starts afresh can catch up after them. */
  seen?: SeenSnapshot[];
  /** `init({ outbox: true })`: this tab's `sendEvent` calls made while disconnected are queued, not rejected. */
  outbox?: boolean;
}

/**
 * What `request('sendEvent')` answers when the event went to the outbox: the tab keeps the
 * caller waiting until the event arrives (an `incoming_event` with this `customId`) or an
 * `outbox` message settles it.
 */
export interface OutboxReceipt {
  outbox: 'queued';
  customId: string;
}

/** `destroy()` options: `clearCache` wipes the customer's cache when the last tab goes. */
export interface DestroyOptions {
  clearCache?: boolean;
}

export interface AttachInfo {
  /** Random per runtime start: a tab that sees it change knows the runtime restarted with its memory wiped. */
  epoch: string;
  protocol: number;
  sdkVersion: string;
  /**
   * The Web Lock the runtime holds for its life (absent inline and without Web Locks): a tab that
   * waits on it is granted it when the runtime dies, and replaces it.
   */
  lifeLock?: string;
}

/** Called by the runtime on a tab, through a Comlink proxy: what only a page can do. */
export interface TabHooks {
  getToken(fresh: boolean): Promise<Envelope<Token>>;
  /**
   * The app's `customerDataProvider()`, run now, for the login about to be sent; null without one.
   * Unchecked: the runtime checks it (`customerDataFrom`).
   */
  getCustomerData(): Promise<Envelope<unknown>>;
}

/**
 * What the runtime posts to a tab on its event port: one message, or (`RuntimeBatch`) what it
 * replays while attaching the tab, together, so that the tab handles the replay in one task.
 */
export type RuntimeBatch = RuntimeMessage | RuntimeMessage[];

/** One message of the runtime to a tab. */
export type RuntimeMessage =
  | { [E in SdkEventName]: { kind: 'event'; name: E; payload: SdkEventMap[E] } }[SdkEventName]
  /** The runtime ended this tab's instance (a terminal server reason); no further messages follow. */
  | { kind: 'destroyed'; reason: string }
  /** The runtime's status changed (tabs came or went, the connection changed state). */
  | { kind: 'status'; status: RuntimeStatus }
  /** Which tab should produce side effects (sound, notification) for new events. */
  | { kind: 'notifier'; tabId: string }
  /**
   * A newer SDK version's runtime took over (a deploy): attach to the worker at `url` named `name`,
   * started as `type` (a module when absent), if it speaks `protocol`. This runtime closed its socket.
   */
  | { kind: 'moved'; url: string; name: string; protocol: number; version: string; type?: WorkerType }
  /** Liveness check: answer with `heartbeat()`. */
  | { kind: 'ping' }
  /** The runtime dropped this tab for not answering (frozen); it must attach again when it wakes. */
  | { kind: 'evicted' }
  /** A queued `sendEvent` settled: sent (or found on the server) with `event`, or refused with `error`. To every tab. */
  | { kind: 'outbox'; customId: string; event?: ChatEvent; error?: SdkErrorData }
  /** A runtime log line, for tabs that attached with `debug`. */
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; detail?: string };

/** What one tab went through: how often its runtime was replaced, why the last time, and how long that took. */
export interface RuntimeRestarts {
  count: number;
  /** `crashed`: the runtime died; `hung`: it stopped answering; `replaced`: a newer SDK version took over. */
  lastCause: 'crashed' | 'hung' | 'replaced' | null;
  /** From noticing the loss to being attached to the new runtime. */
  lastRecoveryMs: number | null;
}

/** What a tab can learn about the runtime it is attached to. */
export interface RuntimeStatus {
  mode: 'shared' | 'dedicated' | 'inline';
  /** Random per runtime start; empty while the worker holds no runtime yet (no tab has attached: `warmUp()` relies on it). */
  epoch: string;
  sdkVersion: string;
  /** Tabs attached to the runtime right now. */
  tabs: number;
  /** The tab that should produce side effects for new events (see `shouldNotify()`). */
  notifierTabId: string | null;
  /** The connection's state: idle, connecting, logging_in, connected, reconnecting, paused, destroyed. */
  connection: string;
  /** Filled in by the tab (the runtime cannot know what replaced it): see RuntimeRestarts. */
  restarts?: RuntimeRestarts;
}

/** The API the runtime exposes to each tab (one instance per tab port). */
export interface TabPortApi {
  attach(hello: TabHello, hooks: TabHooks, events: MessagePort): Promise<Envelope<AttachInfo>>;
  request(method: MethodName, params: unknown): Promise<Envelope<unknown>>;
  connect(): Promise<Envelope<void>>;
  disconnect(): Promise<Envelope<void>>;
  destroy(options?: DestroyOptions): Promise<Envelope<void>>;
  /** The page is going away (navigation, close): detach, but let the socket linger for the next page. */
  leave(): Promise<Envelope<void>>;
  setFocus(focused: boolean): Promise<Envelope<void>>;
  /** Answers a ping; fails with `NOT_ATTACHED` when the runtime no longer knows this tab. */
  heartbeat(): Promise<Envelope<void>>;
  status(): Promise<Envelope<RuntimeStatus>>;
  /**
   * After a provisional attach (shared mode only): the id the tab claimed, which may differ from
   * the one it attached with (a reload keeps its stored id), and the lifetime lock it now holds
   * (see TabHello.lockName; none where Web Locks are missing).
   */
  claimed?(tabId: string, lockName?: string): Promise<Envelope<void>>;
  /**
   * Before a first tab's attach, when it will want the connection (shared mode, a worker `warmUp()`
   * found unused): the runtime may open the socket now. A hint; the attach decides.
   */
  preconnect?(config: RuntimeConfig): void;
}

/** Stable string for a RuntimeConfig; also the SharedWorker's name, with the SDK version in front. */
export function runtimeKey(config: RuntimeConfig): string {
  const group = config.uniqueGroups ? `group:${config.groupId}:unique` : `group:${config.groupId}`;
  const target = apiOrigin(config, config.region);
  return [config.organizationId, group, target, config.clientId].join('|');
}

export function workerName(config: RuntimeConfig): string {
  return `livechat-multitab@${SDK_VERSION}|${runtimeKey(config)}`;
}

/**
 * The HTTP origin of the Customer Chat API for a region: the app's server for that region
 * (`regionServers`), else its one `server`, else LiveChat's regional production host.
 */
export function apiOrigin(config: RuntimeConfig, region: Region): string {
  const server = config.regionServers?.[region] ?? config.server;
  if (server) return server.replace(/\/+$/, '');
  const env = config.env === 'production' ? '' : `.${config.env}`;
  return `https://api-${region}${env}.livechatinc.com`;
}

