/**
 * The runtime core: one connection shared by every attached tab. Host-independent: the same
 * class runs in a SharedWorker, a dedicated Worker, inline in a page, or in Node under tests.
 *
 * Invariants kept here:
 * - one socket and one login whatever the number of tabs;
 * - a response goes only to the tab that asked, a push to every tab that wants the connection;
 * - a tab that joins late gets `customer_id` and `connected` at once, before any live event;
 * - the token stays in memory, and is asked of a live tab (auth needs a page).
 */
import { SdkError } from '../shared/errors';
import type { OutboxReceipt, RuntimeConfig, RuntimeMessage, RuntimeStatus, TabHello } from '../shared/contract';
import { rtmUrl } from '../protocol/wire';
import type { OutboxEntry } from './cache-records';
import {
  buildCall,
  executeCall,
  executeMethod,
  isMethodName,
  requesterEventsOf,
  type ResultWithEvents,
  type Send,
} from '../protocol/method-table';
import type { MethodName } from '../shared/methods';
import { eventsFromPush, type SdkEvent } from '../protocol/pushes';
import type { Chat, ChatEvent, ConnectedPayload, CustomerData, ListChatsResult, ListThreadsResult, Page, Token } from '../shared/types';
import type { Json } from '../shared/validate';
import { customerDataFrom } from '../protocol/validate-data';
import { SDK_VERSION } from '../shared/version';
import { SeenLedger, sameDelivery } from './seen-ledger';
import { CatchUpGate, chatIdOf } from './catch-up-gate';
import { SneakPeekThrottle } from './sneak-peeks';
import { ActiveChats } from './active-chats';
import { ChatCache } from './cache';
import type { KeyValueStore } from './storage';
import { systemClock, Timer, withTimeout, type Clock } from './clock';
import { Connection, type ConnectionState, type SocketFactory } from './connection';
import type { Logger } from './log';
import type { Answer } from './requests';

/** How the runtime reaches one tab. The host adapts it to a MessagePort, a function call, … */
export interface TabLink {
  post(message: RuntimeMessage): void;
  getToken(fresh: boolean): Promise<Token>;
  /** Runs the tab's `customerDataProvider`; undefined or null without one. Unchecked: it is the app's value. */
  getCustomerData(): Promise<unknown>;
}

export interface RuntimeDeps {
  createSocket: SocketFactory;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
  /** How long a tab may take to hand over a token before another tab is asked. */
  tokenTimeoutMs?: number;
  /** How the tabs reach this runtime, for status reports. Default `'inline'`. */
  mode?: RuntimeStatus['mode'];
  /**
   * How long the socket stays open after the last tab left by navigating away or dying, so the
   * next page of the site finds it still logged in. Explicit `disconnect()`/`destroy()` close at once.
   */
  lingerMs?: number;
  /**
   * A tab that answers nothing (no call, no heartbeat) for this long is dropped: frozen and
   * back/forward-cached tabs keep their Web Lock, so the lock alone cannot tell. It re-registers
   * when it wakes up. Default 60 s; the runtime pings tabs three times per period.
   */
  tabTtlMs?: number;
  /**
   * Where the chat cache persists, for an organization (IndexedDB in browsers). Absent: the cache
   * lives in memory only, for this runtime's life.
   */
  openStorage?: (organizationId: string) => KeyValueStore;
  /** Delay that gathers a burst of cache writes into one transaction. Default 50 ms. */
  cacheFlushMs?: number;
  /** See ConnectionDeps.predecessorHung: set by a SharedWorker host, whose runtime may replace a hung one. */
  predecessorHung?: () => Promise<boolean>;
}

/** What a tab can do; one per attached tab. */
export interface TabSession {
  readonly tabId: string;
  request(method: MethodName, params: unknown): Promise<unknown>;
  connect(): void;
  disconnect(): void;
  setFocus(focused: boolean): void;
  /** The tab is alive (it answered a ping, or woke up). */
  heartbeat(): void;
  /**
   * The tab leaves: `destroyed` by `destroy()`, `gone` when it navigated away or died. Its
   * listeners, requests and duties are dropped. `clearCache` (with `destroyed`) wipes the
   * customer's cache if this was the last tab.
   */
  detach(reason?: 'destroyed' | 'gone', options?: { clearCache?: boolean }): void;
}

interface TabRecord {
  tabId: string;
  link: TabLink;
  wantsConnection: boolean;
  hello: TabHello;
  /** Attach order: later tabs have higher numbers (timestamps tie within a millisecond). */
  sequence: number;
  /** Clock time of the tab's last call or heartbeat. */
  lastSeen: number;
  focused: boolean;
  /** Order of the tab's last focus (0 = never focused); compared like `sequence`. */
  focusOrder: number;
  debug: boolean;
  /**
   * What the tab handed over of what it was told, kept (and kept up to date) from its attach until
   * the catch-up after the next login has run: tabs that attach before it may each lack something
   * another had, which the merged record cannot tell.
   */
  behind?: SeenLedger;
  /** Called when the runtime lets go of this tab (it left, or attached again on a new link). */
  readonly onDetach: Set<() => void>;
}

/** A token this close to expiry is replaced before a login, as the official SDK does. */
const TOKEN_REFRESH_MARGIN_MS = 60 * 60 * 1000;
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
const CUSTOMER_DATA_TIMEOUT_MS = 2_000;
const DEFAULT_LINGER_MS = 10_000;
const DEFAULT_TAB_TTL_MS = 60_000;
/** How soon a queued message refused on a live socket (pending limit, timeout) is tried again. */
const OUTBOX_RETRY_MS = 1_000;
/** Errors after which a queued send is tried again on the next connection (the server may not have it). */
const RETRYABLE = new Set(['NO_CONNECTION', 'CONNECTION_LOST', 'REQUEST_TIMEOUT', 'MISDIRECTED_CONNECTION', 'PENDING_REQUESTS_LIMIT_REACHED']);

export class Runtime {
  readonly epoch: string;
  private readonly tabs = new Map<string, TabRecord>();
  private readonly connection: Connection;
  private readonly clock: Clock;
  private readonly log: Logger;
  private token: Token | undefined;
  private lastConnected: ConnectedPayload | undefined;
  private ended = false;
  /** Set when a newer generation took over: where the tabs should go. */
  private successor: Extract<RuntimeMessage, { kind: 'moved' }> | undefined;
  private attachCount = 0;
  private focusCount = 0;
  private notifier: string | null = null;
  /** The page the server last heard about (login or update_customer_page), as JSON. */
  private sentPage: string | undefined;
  private readonly lingerTimer: Timer;
  private readonly livenessTimer: Timer;
  /** Drains the outbox again after a send the connection could not take while it stayed up. */
  private readonly outboxRetryTimer: Timer;
  private readonly sneakPeeks: SneakPeekThrottle;
  private readonly activeChats = new ActiveChats();
  private readonly seen = new SeenLedger();
  private readonly gate = new CatchUpGate<LiveEvent>();
  private readonly cache: ChatCache;
  /** Set while the outbox is being sent, so two logins in a row never send an entry twice. */
  private draining = false;
  /**
   * A tab handed over its own record of what it was told. Then the stored seen-record is not
   * used: it says what an earlier runtime posted, and a dedicated-mode leader that hung kept
   * noting events its followers never got. Tabs' own records are the truth; the stored one is for
   * tabs that bring none (a reload).
   */
  private tabsHandedSeen = false;
  /** Whether the catch-up after the current login is done (false while disconnected, logging in or catching up). */
  private caughtUp = false;

  constructor(
    readonly config: RuntimeConfig,
    private readonly deps: RuntimeDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    const hostLog = deps.log ?? (() => undefined);
    this.log = (level, message, detail) => {
      hostLog(level, message, detail);
      this.forwardLog(level, message, detail);
    };
    this.lingerTimer = new Timer(this.clock);
    this.livenessTimer = new Timer(this.clock);
    this.outboxRetryTimer = new Timer(this.clock);
    this.sneakPeeks = new SneakPeekThrottle(this.clock, (payload) =>
      // v5 (and the official SDK): only while connected, only to an active chat; a failure is nobody's business.
      this.connection.state === 'connected' && this.activeChats.has(String(payload.chat_id))
        ? this.connection.request('send_sneak_peek', payload).then(
            () => undefined,
            (error: unknown) => this.log('debug', 'send_sneak_peek failed', error),
          )
        : Promise.resolve(),
    );
    this.epoch = `${this.clock.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    let store: KeyValueStore | undefined;
    try {
      store = deps.openStorage?.(config.organizationId);
    } catch (error) {
      this.log('warn', 'IndexedDB is unavailable; the chat cache works from memory only', error);
    }
    this.cache = new ChatCache({
      store,
      clock: this.clock,
      log: this.log,
      seen: () => this.seen.snapshot(),
      ...(deps.cacheFlushMs !== undefined ? { flushDelayMs: deps.cacheFlushMs } : {}),
    });
    this.connection = new Connection(
      {
        url: (region) => rtmUrl(config, region),
        region: config.region,
        createSocket: deps.createSocket,
        clock: this.clock,
        ...(deps.random ? { random: deps.random } : {}),
        getToken: (fresh) => this.getToken(fresh),
        loginPayload: () => this.loginPayload(),
        log: this.log,
        ...(deps.predecessorHung ? { predecessorHung: deps.predecessorHung } : {}),
      },
      {
        stateChanged: (state) => {
          this.log('debug', `connection: ${state}`);
          this.publishStatus();
        },
        customerId: (id) => {
          this.broadcast({ name: 'customer_id', payload: id });
          this.openCache(id);
        },
        identityChanged: (previousId, newId, reported) => {
          // v5: switch to the new identity and keep running. What was learned about the previous
          // customer is dropped (the connected state, the seen-record and the whole cache; the
          // token is already the new one's).
          this.lastConnected = undefined;
          this.seen.clear();
          this.activeChats.clear();
          for (const tab of this.tabs.values()) delete tab.behind;
          // Once per mismatch: when the server pushed it, its `disconnected` went out already.
          if (!reported) this.broadcast({ name: 'disconnected', payload: { reason: 'identity_mismatch' } });
          this.broadcast({ name: 'identity_changed', payload: { previousId, newId } });
          this.broadcast({ name: 'customer_id', payload: newId });
          // Messages queued by the previous customer are not sent as the new one: their callers hear so.
          const dropped = new SdkError('CONNECTION_LOST', 'The customer changed (identity_mismatch); the queued message was not sent.').toData();
          for (const entry of this.cache.outbox()) this.postAll({ kind: 'outbox', customId: entry.customId, error: dropped });
          // Scoped to the new customer at once (clear() empties memory before its first await,
          // and deletes only the previous customer's keys): nothing arriving meanwhile lands
          // under the previous customer's name.
          void this.cache.clear();
          this.openCache(newId);
        },
        connected: (payload) => {
          this.lastConnected = payload;
          this.broadcast({ name: 'connected', payload });
          this.cache.setConnected(payload);
          // The focus may have moved to another tab while logging in.
          this.sendFocusedPage();
          void this.afterLogin(this.gate.close());
        },
        disconnected: (payload) => {
          this.lastConnected = undefined;
          this.caughtUp = false;
          this.cache.sessionEnded();
          // What the server pushed before the drop is the tabs' all the same; it goes before `disconnected`.
          this.deliverLive(this.gate.open());
          this.broadcast({ name: 'disconnected', payload });
        },
        unstable: () => this.broadcast({ name: 'connection_unstable', payload: undefined }),
        recovered: () => this.broadcast({ name: 'connection_recovered', payload: undefined }),
        push: (action, payload, answer) => this.onPush(action, payload, answer),
        destroyed: (reason) => {
          // A ban is about this customer: what is cached of them goes too.
          if (reason === 'customer_banned') void this.cache.clear();
          this.end(reason);
        },
      },
    );
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  status(): RuntimeStatus {
    return {
      mode: this.deps.mode ?? 'inline',
      epoch: this.epoch,
      sdkVersion: SDK_VERSION,
      tabs: this.tabs.size,
      connection: this.connection.state,
      notifierTabId: this.notifier,
    };
  }

  /** Whether a tab with this id is attached (a provisional attach must not replace it). */
  hasTab(tabId: string): boolean {
    return this.tabs.has(tabId);
  }

  attach(hello: TabHello, link: TabLink): TabSession {
    if (this.tabs.has(hello.tabId)) {
      // The same tab again (a reload that kept its tabId, or a re-registration): the new link wins.
      this.detachTab(hello.tabId, 'gone');
    }
    const record: TabRecord = {
      tabId: hello.tabId,
      link,
      wantsConnection: hello.wantsConnection,
      hello,
      sequence: ++this.attachCount,
      lastSeen: this.clock.now(),
      focused: hello.focused === true,
      focusOrder: hello.focused ? ++this.focusCount : 0,
      debug: hello.debug === true,
      onDetach: new Set(),
    };
    this.tabs.set(hello.tabId, record);
    this.seen.merge(hello.seen);
    if (handedRecord(record)) this.tabsHandedSeen = true;
    if (this.ended) {
      link.post(this.successor ?? { kind: 'destroyed', reason: 'runtime_destroyed' });
      return this.session(record);
    }
    if (record.focused) for (const tab of this.tabs.values()) if (tab !== record) tab.focused = false;
    if (record.wantsConnection) {
      this.lingerTimer.clear();
      this.replayState(record);
      this.catchUpTab(record);
      this.connection.start();
    }
    this.tabsChanged(record);
    this.scheduleLivenessCheck();
    return this.session(record);
  }

  /**
   * A newer SDK version's runtime serves the same customer: send every tab there and close this
   * socket, so one customer does not hold two connections across a deploy.
   */
  retire(successor: Omit<Extract<RuntimeMessage, { kind: 'moved' }>, 'kind'>): void {
    if (this.ended) return;
    this.ended = true;
    this.successor = { kind: 'moved', ...successor };
    this.log('info', `SDK ${successor.version} took over; moving ${this.tabs.size} tab(s) there`);
    this.postAll(this.successor);
    this.connection.destroy(new SdkError('CONNECTION_LOST', 'The runtime was replaced by a newer version.'));
  }

  /** The host learned that the network came back (the `online` event). */
  networkOnline(): void {
    this.connection.networkOnline();
  }

  networkOffline(): void {
    this.connection.networkOffline();
  }

  private session(record: TabRecord): TabSession {
    const { tabId } = record;
    /** Throws NOT_ATTACHED for a session the runtime already let go of, so the tab attaches again. */
    const current = () => {
      if (this.tabs.get(tabId) !== record) throw new SdkError('NOT_ATTACHED', 'The runtime no longer knows this tab.');
      record.lastSeen = this.clock.now();
    };
    return {
      tabId,
      request: async (method, params) => {
        current();
        return this.request(record, method, params);
      },
      heartbeat: current,
      connect: () => {
        current();
        if (this.ended) return;
        this.lingerTimer.clear();
        if (!record.wantsConnection) {
          record.wantsConnection = true;
          this.replayState(record);
          this.tabsChanged(record);
        }
        this.connection.start();
      },
      disconnect: () => {
        current();
        record.wantsConnection = false;
        this.connection.abandon(tabId, new SdkError('CONNECTION_LOST', 'Disconnected by this tab.'));
        this.tabsChanged();
        this.releaseConnectionIfUnwanted(false);
      },
      setFocus: (focused) => {
        current();
        if (record.focused === focused) return;
        // One page of a browser has focus at a time; a blur from the previous one may arrive late.
        if (focused) for (const tab of this.tabs.values()) tab.focused = false;
        record.focused = focused;
        if (focused) record.focusOrder = ++this.focusCount;
        this.tabsChanged();
      },
      detach: (reason = 'destroyed', options) => {
        if (this.tabs.get(tabId) !== record) return;
        this.detachTab(tabId, reason);
        if (reason === 'destroyed' && options?.clearCache === true && this.tabs.size === 0) void this.cache.clear();
      },
    };
  }

  private detachTab(tabId: string, reason: 'destroyed' | 'gone'): void {
    const record = this.tabs.get(tabId);
    if (!record) return;
    this.tabs.delete(tabId);
    for (const callback of [...record.onDetach]) callback();
    this.log('debug', `tab ${tabId} left (${reason})`);
    this.connection.abandon(
      tabId,
      reason === 'destroyed' ? new SdkError('SDK_DESTROYED', 'SDK destroyed.') : new SdkError('CONNECTION_LOST', 'The tab is gone.'),
    );
    this.tabsChanged();
    this.releaseConnectionIfUnwanted(reason === 'gone');
    // The last tab may take the runtime with it (a SharedWorker ends with its last page).
    if (this.tabs.size === 0) void this.cache.flush();
  }

  /**
   * Pings every tab and drops those silent for longer than the TTL. Runs in the runtime, never in
   * a tab: hidden tabs' timers are throttled, but they still answer messages unless frozen.
   */
  private scheduleLivenessCheck(): void {
    if (this.livenessTimer.pending || this.tabs.size === 0) return;
    const ttl = this.deps.tabTtlMs ?? DEFAULT_TAB_TTL_MS;
    this.livenessTimer.set(ttl / 3, () => {
      const now = this.clock.now();
      for (const tab of [...this.tabs.values()]) {
        if (now - tab.lastSeen > ttl) {
          this.log('info', `tab ${tab.tabId} did not answer for ${now - tab.lastSeen} ms; dropping it until it wakes up`);
          this.postRaw(tab, { kind: 'evicted' });
          this.detachTab(tab.tabId, 'gone');
        } else {
          this.postRaw(tab, { kind: 'ping' });
        }
      }
      this.scheduleLivenessCheck();
    });
  }

  /** Closes the socket once no tab wants it: at once, or after a grace period for the next page. */
  private releaseConnectionIfUnwanted(linger: boolean): void {
    for (const tab of this.tabs.values()) if (tab.wantsConnection) return;
    if (!linger) {
      this.lingerTimer.clear();
      this.connection.stop();
      return;
    }
    this.lingerTimer.set(this.deps.lingerMs ?? DEFAULT_LINGER_MS, () => {
      for (const tab of this.tabs.values()) if (tab.wantsConnection) return;
      this.connection.stop();
    });
  }

  /**
   * Tabs came, went, connected, disconnected or changed focus: recompute who notifies and tell
   * everyone (and a tab that just joined, even when nothing changed).
   */
  private tabsChanged(joined?: TabRecord): void {
    const notifier = this.focusedTab()?.tabId ?? null;
    if (notifier !== this.notifier) {
      this.notifier = notifier;
      if (notifier !== null) {
        this.postAll({ kind: 'notifier', tabId: notifier });
      }
      this.sendFocusedPage();
    } else if (joined && notifier !== null) {
      this.postRaw(joined, { kind: 'notifier', tabId: notifier });
    }
    this.publishStatus();
  }

  /**
   * The tab that speaks for the customer: the focused one, else the most recently focused, else
   * the most recently attached, among the tabs that want the connection.
   */
  private focusedTab(): TabRecord | undefined {
    let chosen: TabRecord | undefined;
    const rank = (tab: TabRecord) => [tab.focused ? 1 : 0, tab.focusOrder, tab.sequence] as const;
    for (const tab of this.tabs.values()) {
      if (!tab.wantsConnection) continue;
      if (!chosen) {
        chosen = tab;
        continue;
      }
      const [a, b] = [rank(tab), rank(chosen)];
      if (a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2]) chosen = tab;
    }
    return chosen;
  }

  /** Tells the server which page the customer is on when the focused tab changed. */
  private sendFocusedPage(): void {
    const page = this.focusedTab()?.hello.page;
    if (!page || this.connection.state !== 'connected') return;
    const key = JSON.stringify(page);
    if (key === this.sentPage) return;
    this.sentPage = key;
    this.connection.request('update_customer_page', { ...page }).catch((error: unknown) => {
      this.log('debug', 'update_customer_page failed', error);
    });
  }

  private publishStatus(): void {
    const status = this.status();
    this.postAll({ kind: 'status', status });
  }

  private forwardLog(level: 'debug' | 'info' | 'warn' | 'error', message: string, detail: unknown): void {
    for (const tab of this.tabs.values()) {
      if (!tab.debug) continue;
      const line: RuntimeMessage = { kind: 'log', level, message };
      if (detail !== undefined) line.detail = detail instanceof Error ? `${detail.name}: ${detail.message}` : String(detail);
      // Posting must never log (it would recurse), so failures are ignored here.
      try {
        tab.link.post(line);
      } catch {
        /* the tab is gone; its lock or liveness check will detach it */
      }
    }
  }

  private async request(record: TabRecord, method: MethodName, params: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw new SdkError('VALIDATION', `Unknown method "${String(method)}"`);
    if (method === 'updateCustomerPage') {
      // The page is this tab's state: remembered for later logins and focus changes, and sent now
      // only if this is the tab the customer is looking at (the server tracks one page).
      const page = buildCall(method, params).payload as Page;
      record.hello = { ...record.hello, page };
      if (record.wantsConnection) this.sendFocusedPage();
      return undefined;
    }
    if (method === 'setSneakPeek') {
      const { payload } = buildCall(method, params);
      if (!record.wantsConnection) return undefined;
      return this.sneakPeeks.offer(payload);
    }
    if (isCacheable(method)) {
      // Built once: it validates (a bad argument throws VALIDATION here, connected or not), keys
      // the cache lookup, is what goes on the wire on a miss, and keys what the answer is kept as.
      const call = buildCall(method, params);
      const slot = this.cacheSlot(method, call.payload);
      const cached = slot && this.cacheIsExactFor(record) ? slot.read() : undefined;
      const outcome: ResultWithEvents<CacheableMethod> = cached
        ? { result: cached, requesterEvents: requesterEventsOf(method, cached as never) }
        : await executeCall(method, call, this.sender(record));
      if (!cached) slot?.store(outcome.result);
      if (method === 'listChats') this.activeChats.noteList(outcome.result as ListChatsResult);
      if (method === 'getChat') this.activeChats.noteChat(outcome.result as Chat);
      for (const event of outcome.requesterEvents) this.postTo(record, event);
      return outcome.result;
    }
    if (method === 'sendEvent' && record.hello.outbox === true) return this.sendWithOutbox(record, params);
    return this.send(record, method, params);
  }

  private async send(record: TabRecord, method: MethodName, params: unknown): Promise<unknown> {
    // Parameters are validated inside executeMethod before `send` runs, so a bad argument is
    // reported as VALIDATION even when the tab is not connected.
    const { result, requesterEvents } = await executeMethod(method, params, this.sender(record));
    for (const event of requesterEvents) this.postTo(record, event);
    return result;
  }

  /** How a tab's request reaches the connection: only while it wants the connection; pushes answering it go to it alone. */
  private sender(record: TabRecord): Send {
    return (action, payload, resolvedBy) => {
      this.assertCanSend(record);
      return this.connection.request(action, payload, resolvedBy ? { resolvedBy, owner: record.tabId } : { owner: record.tabId });
    };
  }

  private assertCanSend(record: TabRecord): void {
    if (this.ended) throw new SdkError('SDK_DESTROYED', 'SDK destroyed.');
    if (!record.wantsConnection) throw new SdkError('NO_CONNECTION', 'No connection: this tab is disconnected.');
  }

  /**
   * The cache answers only while this tab is connected: it is exact only while every push reaches it.
   */
  private cacheIsExactFor(record: TabRecord): boolean {
    return !this.ended && record.wantsConnection && this.connection.state === 'connected';
  }

  /**
   * Where the cache keeps the answer to a call, if it keeps one: `listChats` (first page),
   * `getChat` (the latest thread) and `listThreads` (a page asked before in this login). `read`
   * answers without a round trip when the entry is known exact; `store` keeps what the server
   * just answered, for the next tab that asks.
   */
  private cacheSlot(method: CacheableMethod, payload: Json): CacheSlot | undefined {
    const chatId = String(payload.chat_id);
    if (method === 'listChats') {
      if (payload.page_id !== undefined) return undefined;
      const limit = Number(payload.limit);
      return { read: () => this.cache.listChats(limit), store: (result) => this.cache.storeList(limit, result as ListChatsResult) };
    }
    if (method === 'getChat') {
      const threadId = typeof payload.thread_id === 'string' ? payload.thread_id : undefined;
      return {
        read: () => this.cache.getChat(chatId, threadId),
        // With a thread id the answer may be an older thread: only the latest one is kept.
        store: (result) => {
          if (threadId === undefined) this.cache.storeChat(result as Chat);
        },
      };
    }
    const key = JSON.stringify(payload);
    return { read: () => this.cache.listThreads(chatId, key), store: (result) => this.cache.storeThreads(chatId, key, result as ListThreadsResult) };
  }

  /**
   * `sendEvent` from a tab with `outbox: true`. Connected with nothing queued: sent at once, as
   * without the outbox. Disconnected, behind queued messages, or lost in flight: kept in the
   * outbox (written to storage before answering) and sent after the next login; the tab gets a
   * receipt now and the event when it is finally sent.
   */
  private async sendWithOutbox(record: TabRecord, params: unknown): Promise<unknown> {
    buildCall('sendEvent', params); // validates: a bad call is never queued
    const given = params as OutboxEntry['params'];
    const customId = typeof given.event.customId === 'string' && given.event.customId !== '' ? given.event.customId : this.newCustomId();
    const entry: OutboxEntry = { customId, chatId: given.chatId, params: { ...given, event: { ...given.event, customId } }, queuedAt: this.clock.now() };
    this.assertCanSend(record);
    let failure = new SdkError('NO_CONNECTION', 'No connection, and the outbox is full.');
    if (this.connection.state === 'connected' && this.cache.outbox().length === 0) {
      try {
        return await this.send(record, 'sendEvent', entry.params);
      } catch (error) {
        failure = SdkError.from(error);
        // Lost in flight: the server may or may not have it; its customId tells after the reconnect.
        if (this.ended || failure.code === 'NO_CONNECTION' || !RETRYABLE.has(failure.code)) throw failure;
      }
    }
    if (!(await this.cache.enqueue(entry))) throw failure;
    if (this.connection.state === 'connected') void this.drainOutbox(new Map());
    const receipt: OutboxReceipt = { outbox: 'queued', customId };
    return receipt;
  }

  /** Sends the outbox in order after a login; stops at the first entry the connection could not take. */
  private async drainOutbox(known: Map<string, Chat>): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let entry = this.cache.outbox()[0]; entry; entry = this.cache.outbox()[0]) {
        if (this.ended || this.connection.state !== 'connected') return;
        if ((await this.sendQueued(entry, known)) === 'retry') {
          // Refused for now (pending-requests limit, a timeout) on a socket that stays up: no
          // login will come to drain it, so try again shortly. A reconnect drains it anyway.
          if (!this.ended && this.connection.state === 'connected') {
            this.outboxRetryTimer.set(OUTBOX_RETRY_MS, () => void this.drainOutbox(new Map()));
          }
          return;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * The runtime's own requests (outbox, catch-up): no owner, so an answering push reaches every
   * tab (the one waiting for a queued message recognises its customId).
   */
  private readonly ownerless: Send = (action, payload, resolvedBy) => this.connection.request(action, payload, resolvedBy ? { resolvedBy } : {});

  private async sendQueued(entry: OutboxEntry, known: Map<string, Chat>): Promise<'done' | 'retry'> {
    let outcome: { event: ChatEvent } | { error: SdkError };
    try {
      let chat = known.get(entry.chatId);
      if (!chat) {
        chat = (await executeMethod('getChat', { chatId: entry.chatId }, this.ownerless)).result;
        known.set(entry.chatId, chat);
      }
      // Sent before the socket went down, answer lost: the server has it, so it is not sent again.
      const already = chat.thread?.events.find((event) => event.customId === entry.customId);
      outcome = { event: already ?? (await executeMethod('sendEvent', entry.params, this.ownerless)).result };
    } catch (error) {
      const sdkError = SdkError.from(error);
      if (RETRYABLE.has(sdkError.code)) return 'retry';
      this.log('warn', `A queued message was refused (${sdkError.code}); dropping it`, sdkError.message);
      outcome = { error: sdkError };
    }
    const message: RuntimeMessage =
      'event' in outcome
        ? { kind: 'outbox', customId: entry.customId, event: outcome.event }
        : { kind: 'outbox', customId: entry.customId, error: outcome.error.toData() };
    this.postAll(message);
    await this.cache.settle(entry.customId);
    return 'done';
  }

  private newCustomId(): string {
    return `outbox-${this.clock.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  }

  private onPush(action: string, payload: Json, answer: Answer | undefined): void {
    let events: SdkEvent[];
    try {
      events = eventsFromPush(action, payload);
    } catch (error) {
      this.log('warn', `Dropped a malformed "${action}" push`, error);
      return;
    }
    for (const event of events) {
      // The tab whose request this push answered gets it as the request's result, not as an event;
      // it still learns the users (user_data), as the official SDK emits them for the result too.
      const live: LiveEvent = { event, skip: answer?.owner !== undefined && event.name !== 'user_data' ? answer.owner : undefined };
      const chatId = chatIdOf(event);
      if (chatId !== undefined && this.gate.hold(chatId, live)) continue;
      this.deliverLive([live]);
    }
  }

  private deliverLive(live: LiveEvent[]): void {
    for (const { event, skip } of live) {
      if (event.name === 'incoming_event' && !this.seen.noteEvent(event.payload.chatId, event.payload.event)) continue;
      if (event.name === 'incoming_chat') this.seen.noteChat(event.payload.chat);
      for (const tab of this.tabs.values()) tab.behind?.note(event);
      this.activeChats.noteEvent(event);
      this.broadcast(event, skip);
      // Tabs first; the cache is updated in memory now and written in a batch later.
      this.cache.apply(event);
    }
  }

  /**
   * After every login: wait for the stored cache (its seen-record says what a restarted runtime
   * already delivered), catch up on the known chats, then send the outbox.
   */
  private async afterLogin(login: number): Promise<void> {
    let chats: Map<string, Chat>;
    try {
      await this.cache.ready;
      if (this.connection.state !== 'connected') return;
      chats = await this.resync(login);
    } finally {
      this.deliverLive(this.gate.open(login));
    }
    if (this.connection.state === 'connected') {
      this.caughtUp = true;
      for (const tab of this.tabs.values()) delete tab.behind;
    }
    if (this.cache.outbox().length > 0) await this.drainOutbox(chats);
  }

  /**
   * After a reconnect: deliver what the known chats received while the socket was down. The
   * outbox's chats are asked too, so that a message the server already has is not sent again.
   * Each chat's live pushes wait (CatchUpGate) until its missed events are delivered.
   */
  private async resync(login: number): Promise<Map<string, Chat>> {
    const chats = new Map<string, Chat>();
    const behind = [...this.tabs.values()].flatMap((tab) => tab.behind?.chatIds() ?? []);
    const chatIds = new Set([...this.seen.chatIds(), ...behind, ...this.cache.outbox().map((entry) => entry.chatId)]);
    this.deliverLive(this.gate.expect(login, chatIds));
    for (const chatId of chatIds) {
      if (this.connection.state !== 'connected') break;
      try {
        const { result: chat } = await executeMethod('getChat', { chatId }, this.ownerless);
        chats.set(chatId, chat);
        const forAll = this.seen.missed(chat);
        // A tab that attached with its own record first gets what only it lacks, older than forAll.
        for (const tab of this.tabs.values()) {
          if (!tab.behind || !tab.wantsConnection) continue;
          for (const event of tab.behind.missed(chat)) if (!forAll.some((other) => sameDelivery(other, event))) this.postTo(tab, event);
        }
        for (const event of forAll) this.broadcast(event);
        this.cache.storeChat(chat);
        this.activeChats.noteChat(chat);
      } catch (error) {
        this.log('warn', `Could not catch up on chat ${chatId} after reconnecting`, error);
      }
      this.deliverLive(this.gate.release(login, chatId));
    }
    return chats;
  }

  /**
   * Scopes the cache to the customer the token names, and reads what it holds of them. On a cold
   * start (not connected yet) the tabs get it as `cached_state` to paint while the login runs.
   */
  private openCache(customerId: string): void {
    void this.cache.open(customerId).then((loaded) => {
      if (this.cache.customerId !== customerId) return;
      if (loaded && !this.tabsHandedSeen) this.seen.merge(loaded.seen);
      if (this.connection.state === 'connected' || this.ended) return;
      const state = this.cache.cachedState();
      if (!state) return;
      for (const tab of this.tabs.values()) if (tab.wantsConnection && !handedRecord(tab)) this.postTo(tab, { name: 'cached_state', payload: state });
    });
  }

  /**
   * A tab that attaches with a record of what it was told (to a runtime that replaced a dead one,
   * or after it was dropped while frozen) gets what this runtime delivered to the other tabs in the
   * meantime, from the cache: the catch-up after a login reaches only the tabs attached by then.
   * Before that catch-up has run, the tab keeps its record (`behind`), and the catch-up gives it
   * what only it lacks.
   */
  private catchUpTab(record: TabRecord): void {
    const snapshot = record.hello.seen;
    if (!Array.isArray(snapshot) || snapshot.length === 0) return;
    const told = new SeenLedger();
    told.merge(snapshot);
    for (const chatId of told.chatIds()) {
      const chat = this.cache.getChat(chatId);
      if (chat) for (const event of told.missed(chat)) this.postTo(record, event);
    }
    if (!this.caughtUp) record.behind = told;
  }

  private replayState(record: TabRecord): void {
    const customerId = this.connection.customerId;
    if (customerId !== undefined) this.postTo(record, { name: 'customer_id', payload: customerId });
    if (this.connection.state === 'connected' && this.lastConnected) {
      this.postTo(record, { name: 'connected', payload: this.lastConnected });
    } else if (customerId !== undefined && this.cache.customerId === customerId && !handedRecord(record)) {
      // Attached while (re)connecting: what the cache holds, to paint until `connected`.
      const state = this.cache.cachedState();
      if (state) this.postTo(record, { name: 'cached_state', payload: state });
    }
  }

  private broadcast(event: SdkEvent, exceptTabId?: string): void {
    for (const tab of this.tabs.values()) {
      if (tab.wantsConnection && tab.tabId !== exceptTabId) this.postTo(tab, event);
    }
  }

  private postTo(tab: TabRecord, event: SdkEvent): void {
    this.postRaw(tab, { kind: 'event', ...event } as RuntimeMessage);
  }

  private postRaw(tab: TabRecord, message: RuntimeMessage, level: 'warn' | 'debug' = 'warn'): void {
    try {
      tab.link.post(message);
    } catch (error) {
      // A tab whose port is gone must not stop the fan-out to the others.
      this.log(level, `Could not deliver a "${message.kind}" message to tab ${tab.tabId}`, error);
    }
  }

  private postAll(message: RuntimeMessage, level: 'warn' | 'debug' = 'warn'): void {
    for (const tab of this.tabs.values()) this.postRaw(tab, message, level);
  }

  /** A terminal server reason: every tab's instance ends (each got `disconnected` already). */
  private end(reason: string): void {
    this.ended = true;
    // Quietly: a tab that cannot hear it is gone anyway.
    this.postAll({ kind: 'destroyed', reason }, 'debug');
  }

  private async loginPayload(): Promise<Json> {
    const tab = this.focusedTab();
    const customer = tab?.hello.hasCustomerDataProvider ? await this.customerData(tab) : undefined;
    this.sentPage = tab?.hello.page ? JSON.stringify(tab.hello.page) : undefined;
    const payload: Json = {
      customer: customerDataToWire(customer),
      customer_side_storage: {},
      is_mobile: false,
      application: { name: 'livechat-multitab-sdk', version: SDK_VERSION },
      group_id: this.config.groupId,
    };
    if (tab) payload.tab_id = tab.tabId;
    if (tab?.hello.page) payload.customer_page = { ...tab.hello.page };
    if (tab?.hello.referrer !== undefined) payload.referrer = tab.hello.referrer;
    return payload;
  }

  /**
   * Runs the tab's `customerDataProvider` for the login about to be sent. A provider that fails
   * or a tab that does not answer in time costs the customer data of this login, never the login.
   */
  private async customerData(tab: TabRecord): Promise<CustomerData | undefined> {
    try {
      const data = await this.withTimeout(tab.link.getCustomerData(), CUSTOMER_DATA_TIMEOUT_MS);
      return data == null ? undefined : customerDataFrom(data);
    } catch (error) {
      this.log('warn', `Tab ${tab.tabId} did not provide customer data; logging in without it`, error);
      return undefined;
    }
  }

  private async getToken(fresh: boolean): Promise<Token> {
    const cached = this.token;
    if (!fresh && cached && cached.creationDate + cached.expiresIn - this.clock.now() > TOKEN_REFRESH_MARGIN_MS) {
      return cached;
    }
    let lastError: unknown = new SdkError('TOKEN_UNAVAILABLE', 'No tab is attached to provide a customer token.');
    const asked = new Set<TabRecord>();
    for (;;) {
      // Newest tabs first: a tab that just attached is the least likely to be frozen or gone. Picked
      // among the tabs attached now, so one that attached (or attached again) meanwhile is asked too.
      let tab: TabRecord | undefined;
      for (const candidate of this.tabs.values()) if (!asked.has(candidate) && (!tab || candidate.sequence > tab.sequence)) tab = candidate;
      if (!tab) throw lastError;
      asked.add(tab);
      try {
        const token = await this.askToken(tab, fresh || cached !== undefined);
        this.token = token;
        return token;
      } catch (error) {
        const sdkError = SdkError.from(error, 'TOKEN_UNAVAILABLE');
        // The token service refused: another tab would only get the same answer.
        if (sdkError.code !== 'TOKEN_UNAVAILABLE' && sdkError.code !== 'RUNTIME_UNAVAILABLE') throw sdkError;
        lastError = sdkError;
        this.log('warn', `Tab ${tab.tabId} could not provide a token; asking another`, sdkError.message);
      }
    }
  }

  /**
   * A tab's token, bounded by the token timeout, and given up at once when the runtime lets go of
   * the tab: its link may never answer then (a released Comlink proxy settles nothing), and waiting
   * out the timeout would leave every tab without a connection that long. A dedicated-mode follower
   * attaches again on a new link when a leader takes over, often while its first attach's token
   * request is under way.
   */
  private askToken(tab: TabRecord, fresh: boolean): Promise<Token> {
    return new Promise<Token>((resolve, reject) => {
      const left = () => reject(new SdkError('TOKEN_UNAVAILABLE', `Tab ${tab.tabId} left before it handed over a token.`));
      if (this.tabs.get(tab.tabId) !== tab) return left();
      tab.onDetach.add(left);
      this.withTimeout(tab.link.getToken(fresh), this.deps.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS)
        .then(resolve, reject)
        .finally(() => tab.onDetach.delete(left));
    });
  }

  /** A call to a tab, bounded: a tab may be frozen or gone without a word. */
  private withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    return withTimeout(this.clock, promise, ms, () => new SdkError('TOKEN_UNAVAILABLE', `The tab did not answer within ${ms} ms.`));
  }
}

/** A live push's event, and the tab it skips (the one whose request it answered). */
interface LiveEvent {
  event: SdkEvent;
  skip: string | undefined;
}

/**
 * Whether the tab attached with its own record of what it was told: it has its state painted, so
 * it is not offered the cache to paint (`cached_state`). The cache may hold events the tab was
 * never told of (a hung dedicated-mode leader's page relays nothing, while its worker goes on
 * receiving and storing), and a tab counts what `cached_state` shows as told: the catch-up's
 * `incoming_event` for it would then be dropped as a repeat. The catch-up gives such a tab what it
 * lacks instead.
 */
function handedRecord(tab: TabRecord): boolean {
  return Array.isArray(tab.hello.seen) && tab.hello.seen.length > 0;
}

/** The methods whose answers the cache keeps (see `cacheSlot`); each is one request. */
type CacheableMethod = 'listChats' | 'getChat' | 'listThreads';

type CacheableResult = ResultWithEvents<CacheableMethod>['result'];

interface CacheSlot {
  read(): CacheableResult | undefined;
  store(result: CacheableResult): void;
}

function isCacheable(method: MethodName): method is CacheableMethod {
  return method === 'listChats' || method === 'getChat' || method === 'listThreads';
}

function customerDataToWire(data: CustomerData | undefined): Json {
  if (!data) return {};
  const customer: Json = {};
  if (data.name !== undefined) customer.name = data.name;
  if (data.email !== undefined) customer.email = data.email;
  if (data.sessionFields) {
    customer.session_fields = Object.entries(data.sessionFields).map(([key, value]) => ({ [key]: value }));
  }
  return customer;
}
