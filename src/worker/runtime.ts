/**
 * The runtime core: one connection shared by every attached tab, host-independent (SharedWorker,
 * dedicated Worker, inline, Node under tests). It wires the parts together: the tabs (tabs.ts),
 * the login (login.ts), the requests (tab-requests.ts), the catch-up (catch-up.ts), the outbox
 * (outbox-sender.ts) and the cache (cache.ts). See docs/architecture.md.
 */
import { executeMethod, type Send } from '../protocol/method-table';
import { eventsFromPush, type SdkEvent } from '../protocol/pushes';
import { rtmUrl } from '../protocol/wire';
import type { RuntimeConfig, RuntimeMessage, RuntimeStatus, TabHello } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { ConnectedPayload } from '../shared/types';
import type { Json } from '../shared/validate';
import { SDK_VERSION } from '../shared/version';
import { ActiveChats } from './active-chats';
import { ChatCache } from './cache';
import { CatchUp, type LiveEvent } from './catch-up';
import { systemClock, type Clock } from './clock';
import { Connection, type ConnectionState, type SocketFactory } from './connection';
import type { Logger } from './log';
import { DEFAULT_TOKEN_TIMEOUT_MS, LoginBroker } from './login';
import { OutboxSender } from './outbox-sender';
import type { Answer } from './pending-requests';
import type { KeyValueStore } from './storage';
import { TabRequests } from './tab-requests';
import { TabRegistry, type TabLink, type TabRecord, type TabSession } from './tabs';

export type { TabLink, TabSession } from './tabs';

export interface RuntimeDeps {
  createSocket: SocketFactory;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
  /** How long a tab may take to hand over a token before another tab is asked. Default 10 s. */
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

const DEFAULT_LINGER_MS = 10_000;
const DEFAULT_TAB_TTL_MS = 60_000;

export class Runtime {
  readonly epoch: string;
  private readonly tabs: TabRegistry;
  private readonly connection: Connection;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cache: ChatCache;
  private readonly activeChats = new ActiveChats();
  private readonly catchUp: CatchUp<TabRecord>;
  private readonly outbox: OutboxSender;
  private readonly login: LoginBroker<TabRecord>;
  private readonly requests: TabRequests<TabRecord>;
  private lastConnected: ConnectedPayload | undefined;
  private ended = false;
  /** Set when a newer generation took over: where the tabs should go. */
  private successor: Extract<RuntimeMessage, { kind: 'moved' }> | undefined;

  constructor(
    readonly config: RuntimeConfig,
    private readonly deps: RuntimeDeps,
  ) {
    const clock = (this.clock = deps.clock ?? systemClock);
    const hostLog = deps.log ?? (() => undefined);
    const log: Logger = (this.log = (level, message, detail) => {
      hostLog(level, message, detail);
      this.tabs.forwardLog(level, message, detail);
    });
    this.tabs = new TabRegistry({
      clock,
      log,
      tabTtlMs: deps.tabTtlMs ?? DEFAULT_TAB_TTL_MS,
      lingerMs: deps.lingerMs ?? DEFAULT_LINGER_MS,
      silent: (tab) => this.detachTab(tab.tabId, 'gone'),
      unwanted: () => this.connection.stop(),
    });
    this.epoch = `${clock.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    let store: KeyValueStore | undefined;
    try {
      store = deps.openStorage?.(config.organizationId);
    } catch (error) {
      log('warn', 'IndexedDB is unavailable; the chat cache works from memory only', error);
    }
    this.cache = new ChatCache({
      store,
      clock,
      log,
      seen: () => this.catchUp.seen.snapshot(),
      ...(deps.cacheFlushMs !== undefined ? { flushDelayMs: deps.cacheFlushMs } : {}),
    });
    const connected = () => this.connection.state === 'connected';
    const tabs = () => this.tabs.values();
    const postTo = (tab: TabRecord, event: SdkEvent) => this.tabs.postEvent(tab, event);
    this.catchUp = new CatchUp({
      tabs,
      connected,
      fetchChat: async (chatId) => (await executeMethod('getChat', { chatId }, this.ownerless)).result,
      cache: this.cache,
      noteChat: (chat) => this.activeChats.noteChat(chat),
      postTo,
      broadcast: (event) => this.tabs.broadcast(event),
      fanOut: (live) => this.fanOut(live),
      log,
    });
    this.outbox = new OutboxSender({
      queue: this.cache,
      connected,
      ended: () => this.ended,
      ownerless: this.ownerless,
      postAll: (message) => this.tabs.postAll(message),
      clock,
      log,
    });
    this.login = new LoginBroker({
      tabs,
      isCurrent: (tab) => this.tabs.isCurrent(tab),
      connected,
      request: (action, payload) => this.connection.request(action, payload),
      groupId: config.groupId,
      clock,
      log,
      tokenTimeoutMs: deps.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS,
    });
    this.requests = new TabRequests<TabRecord>({
      postTo,
      pageChanged: () => this.sendFocusedPage(),
      connected,
      ended: () => this.ended,
      request: (action, payload, options) => this.connection.request(action, payload, options),
      cache: this.cache,
      activeChats: this.activeChats,
      outbox: this.outbox,
      clock,
      log,
    });
    this.connection = new Connection(
      {
        url: (region) => rtmUrl(config, region),
        region: config.region,
        createSocket: deps.createSocket,
        clock,
        ...(deps.random ? { random: deps.random } : {}),
        getToken: (fresh) => this.login.getToken(fresh),
        loginPayload: () => this.login.loginPayload(this.tabs.focusedTab()),
        log,
        ...(deps.predecessorHung ? { predecessorHung: deps.predecessorHung } : {}),
      },
      {
        stateChanged: (state) => {
          log('debug', `connection: ${state}`);
          this.publishStatus();
        },
        customerId: (id) => {
          this.tabs.broadcast({ name: 'customer_id', payload: id });
          this.openCache(id);
        },
        identityChanged: (previousId, newId, reported) => {
          // v5: switch to the new identity and keep running. What was learned about the previous
          // customer is dropped (the connected state, the seen-record and the whole cache; the
          // token is already the new one's).
          this.lastConnected = undefined;
          this.catchUp.reset();
          this.activeChats.clear();
          // Once per mismatch: when the server pushed it, its `disconnected` went out already.
          if (!reported) this.tabs.broadcast({ name: 'disconnected', payload: { reason: 'identity_mismatch' } });
          this.tabs.broadcast({ name: 'identity_changed', payload: { previousId, newId } });
          this.tabs.broadcast({ name: 'customer_id', payload: newId });
          this.outbox.customerChanged();
          // Scoped to the new customer at once (clear() empties memory before its first await,
          // and deletes only the previous customer's keys): nothing arriving meanwhile lands
          // under the previous customer's name.
          void this.cache.clear();
          this.openCache(newId);
        },
        connected: (payload) => {
          this.lastConnected = payload;
          this.tabs.broadcast({ name: 'connected', payload });
          this.cache.setConnected(payload);
          // The focus may have moved to another tab while logging in.
          this.sendFocusedPage();
          void this.afterLogin();
        },
        disconnected: (payload) => {
          this.lastConnected = undefined;
          this.cache.sessionEnded();
          // What the server pushed before the drop is the tabs' all the same; it goes before `disconnected`.
          this.catchUp.disconnected();
          this.tabs.broadcast({ name: 'disconnected', payload });
        },
        unstable: () => this.tabs.broadcast({ name: 'connection_unstable', payload: undefined }),
        recovered: () => this.tabs.broadcast({ name: 'connection_recovered', payload: undefined }),
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
      notifierTabId: this.tabs.notifier,
    };
  }

  /** Whether a tab with this id is attached (a provisional attach must not replace it). */
  hasTab(tabId: string): boolean {
    return this.tabs.get(tabId) !== undefined;
  }

  attach(hello: TabHello, link: TabLink): TabSession {
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: tab attached');
    // The same tab again (a reload that kept its tabId, or a re-registration): the new link wins.
    if (this.hasTab(hello.tabId)) this.detachTab(hello.tabId, 'gone');
    const record = this.tabs.add(hello, link);
    this.catchUp.attached(record);
    if (this.ended) {
      link.post(this.successor ?? { kind: 'destroyed', reason: 'runtime_destroyed' });
      return this.session(record);
    }
    if (record.focused) this.tabs.unfocusOthers(record);
    if (record.wantsConnection) {
      this.tabs.cancelLinger();
      this.replayState(record);
      this.catchUp.joined(record);
      this.connection.start();
    }
    this.tabsChanged(record);
    this.tabs.watchLiveness();
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
    this.tabs.postAll(this.successor);
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
    /** Throws NOT_ATTACHED for a session the runtime already let go of, so the tab attaches again. */
    const current = () => {
      if (!this.tabs.isCurrent(record)) throw new SdkError('NOT_ATTACHED', 'The runtime no longer knows this tab.');
      record.lastSeen = this.clock.now();
    };
    return {
      get tabId() {
        return record.tabId;
      },
      request: async (method, params) => {
        current();
        return this.requests.request(record, method, params);
      },
      heartbeat: current,
      connect: () => {
        current();
        if (this.ended) return;
        this.tabs.cancelLinger();
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
        this.connection.abandon(record.tabId, new SdkError('CONNECTION_LOST', 'Disconnected by this tab.'));
        this.tabsChanged();
        this.tabs.releaseIfUnwanted(false);
      },
      setFocus: (focused) => {
        current();
        if (this.tabs.setFocus(record, focused)) this.tabsChanged();
      },
      claim: (tabId) => {
        current();
        if (tabId === record.tabId) return;
        // The same tab again (a reload that kept its stored id): this attach wins, as in `attach`.
        if (this.hasTab(tabId)) this.detachTab(tabId, 'gone');
        this.tabs.rename(record, tabId);
        this.publishStatus();
      },
      detach: (reason = 'destroyed', options) => {
        if (!this.tabs.isCurrent(record)) return;
        this.detachTab(record.tabId, reason);
        if (reason === 'destroyed' && options?.clearCache === true && this.tabs.size === 0) void this.cache.clear();
      },
    };
  }

  private detachTab(tabId: string, reason: 'destroyed' | 'gone'): void {
    if (!this.tabs.remove(tabId)) return;
    this.log('debug', `tab ${tabId} left (${reason})`);
    this.connection.abandon(
      tabId,
      reason === 'destroyed' ? new SdkError('SDK_DESTROYED', 'SDK destroyed.') : new SdkError('CONNECTION_LOST', 'The tab is gone.'),
    );
    this.tabsChanged();
    this.tabs.releaseIfUnwanted(reason === 'gone');
    // The last tab may take the runtime with it (a SharedWorker ends with its last page).
    if (this.tabs.size === 0) void this.cache.flush();
  }

  /**
   * Tabs came, went, connected, disconnected or changed focus: recompute who notifies and tell
   * everyone (and a tab that just joined, even when nothing changed).
   */
  private tabsChanged(joined?: TabRecord): void {
    if (this.tabs.electNotifier(joined)) this.sendFocusedPage();
    this.publishStatus();
  }

  /** Tells the server which page the customer is on when the focused tab changed. */
  private sendFocusedPage(): void {
    this.login.reportPage(this.tabs.focusedTab()?.hello.page);
  }

  private publishStatus(): void {
    this.tabs.postAll({ kind: 'status', status: this.status() });
  }

  /** After every login: the catch-up on the known chats, then the outbox. */
  private async afterLogin(): Promise<void> {
    const chats = await this.catchUp.loggedIn();
    if (chats && this.cache.outbox().length > 0) await this.outbox.drain(chats);
  }

  private onPush(action: string, payload: Json, answer: Answer | undefined): void {
    let events: SdkEvent[];
    try {
      events = eventsFromPush(action, payload);
    } catch (error) {
      this.log('warn', `Dropped a malformed "${action}" push`, error);
      return;
    }
    // The tab whose request this push answered gets it as the request's result, not as an event;
    // it still learns the users (user_data), as the official SDK emits them for the result too.
    this.catchUp.push(events.map((event) => ({ event, skip: answer?.owner !== undefined && event.name !== 'user_data' ? answer.owner : undefined })));
  }

  /** A live event, after the catch-up's bookkeeping: tabs first; the cache in memory now, in storage in a batch later. */
  private fanOut({ event, skip }: LiveEvent): void {
    this.activeChats.noteEvent(event);
    this.tabs.broadcast(event, skip);
    this.cache.apply(event);
  }

  /**
   * Scopes the cache to the customer the token names, and reads what it holds of them. On a cold
   * start (not connected yet) the tabs get it as `cached_state` to paint while the login runs.
   */
  private openCache(customerId: string): void {
    void this.cache.open(customerId).then((loaded) => {
      if (this.cache.customerId !== customerId) return;
      if (loaded) this.catchUp.loadedSeen(loaded.seen);
      if (this.connection.state !== 'connected' && !this.ended) this.catchUp.paintFromCache();
    });
  }

  private replayState(record: TabRecord): void {
    this.catchUp.replay(record, this.connection.customerId, this.connection.state === 'connected' ? this.lastConnected : undefined);
  }

  /** A terminal server reason: every tab's instance ends (each got `disconnected` already). */
  private end(reason: string): void {
    this.ended = true;
    // Quietly: a tab that cannot hear it is gone anyway.
    this.tabs.postAll({ kind: 'destroyed', reason }, 'debug');
  }

  /**
   * The runtime's own requests (outbox, catch-up): no owner, so an answering push reaches every
   * tab (the one waiting for a queued message recognises its customId).
   */
  private readonly ownerless: Send = (action, payload, resolvedBy) => this.connection.request(action, payload, resolvedBy ? { resolvedBy } : {});
}
