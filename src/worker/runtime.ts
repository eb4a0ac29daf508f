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
import type { RuntimeConfig, RuntimeMessage, RuntimeStatus, TabHello } from '../shared/contract';
import { rtmUrl } from '../shared/contract';
import { buildCall, executeMethod, isMethodName, type MethodName } from '../shared/methods';
import { eventsFromPush, type SdkEvent } from '../shared/pushes';
import type { ConnectedPayload, CustomerData, Page, Token } from '../shared/types';
import type { Json } from '../shared/validate';
import { SDK_VERSION } from '../shared/version';
import { SeenEvents } from '../shared/seen';
import { SneakPeekThrottle } from './sneak-peeks';
import { systemClock, Timer, type Clock } from './clock';
import { Connection, type ConnectionState, type Logger, type SocketFactory } from './connection';
import type { Answer } from './requests';

/** How the runtime reaches one tab. The host adapts it to a MessagePort, a function call, … */
export interface TabLink {
  post(message: RuntimeMessage): void;
  getToken(fresh: boolean): Promise<Token>;
  /** Runs the tab's `customerDataProvider`; undefined without one. */
  getCustomerData(): Promise<CustomerData | undefined>;
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
   * listeners, requests and duties are dropped.
   */
  detach(reason?: 'destroyed' | 'gone'): void;
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
}

/** A token this close to expiry is replaced before a login, as the official SDK does. */
const TOKEN_REFRESH_MARGIN_MS = 60 * 60 * 1000;
const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
const CUSTOMER_DATA_TIMEOUT_MS = 2_000;
const DEFAULT_LINGER_MS = 10_000;
const DEFAULT_TAB_TTL_MS = 60_000;

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
  private readonly sneakPeeks: SneakPeekThrottle;
  private readonly seen = new SeenEvents();

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
    this.sneakPeeks = new SneakPeekThrottle(this.clock, (payload) =>
      // Like the official SDK: only while connected, and a failure is nobody's business.
      this.connection.state === 'connected'
        ? this.connection.request('send_sneak_peek', payload).then(
            () => undefined,
            (error: unknown) => this.log('debug', 'send_sneak_peek failed', error),
          )
        : Promise.resolve(),
    );
    this.epoch = `${this.clock.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
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
      },
      {
        stateChanged: (state) => {
          this.log('debug', `connection: ${state}`);
          this.publishStatus();
        },
        customerId: (id) => this.broadcast({ name: 'customer_id', payload: id }),
        identityChanged: (previousId, newId) => {
          // v5: switch to the new identity and keep running. What was learned about the previous
          // customer is dropped (the cached connected state; the token is already the new one's).
          this.lastConnected = undefined;
          this.seen.clear();
          this.broadcast({ name: 'disconnected', payload: { reason: 'identity_mismatch' } });
          this.broadcast({ name: 'identity_changed', payload: { previousId, newId } });
          this.broadcast({ name: 'customer_id', payload: newId });
        },
        connected: (payload) => {
          this.lastConnected = payload;
          this.broadcast({ name: 'connected', payload });
          // The focus may have moved to another tab while logging in.
          this.sendFocusedPage();
          // Any login but a fresh start may have missed pushes; the known chats say what to check.
          if (this.seen.chatIds().length > 0) void this.resync();
        },
        disconnected: (payload) => {
          this.lastConnected = undefined;
          this.broadcast({ name: 'disconnected', payload });
        },
        unstable: () => this.broadcast({ name: 'connection_unstable', payload: undefined }),
        recovered: () => this.broadcast({ name: 'connection_recovered', payload: undefined }),
        push: (action, payload, answer) => this.onPush(action, payload, answer),
        destroyed: (reason) => this.end(reason),
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
    };
    this.tabs.set(hello.tabId, record);
    this.seen.merge(hello.seen);
    if (this.ended) {
      link.post(this.successor ?? { kind: 'destroyed', reason: 'runtime_destroyed' });
      return this.session(record);
    }
    if (record.focused) for (const tab of this.tabs.values()) if (tab !== record) tab.focused = false;
    if (record.wantsConnection) {
      this.lingerTimer.clear();
      this.replayState(record);
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
  retire(successor: { url: string; name: string; protocol: number; version: string }): void {
    if (this.ended) return;
    this.ended = true;
    this.successor = { kind: 'moved', ...successor };
    this.log('info', `SDK ${successor.version} took over; moving ${this.tabs.size} tab(s) there`);
    for (const tab of this.tabs.values()) this.postRaw(tab, this.successor);
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
      detach: (reason = 'destroyed') => {
        if (this.tabs.get(tabId) === record) this.detachTab(tabId, reason);
      },
    };
  }

  private detachTab(tabId: string, reason: 'destroyed' | 'gone'): void {
    if (!this.tabs.delete(tabId)) return;
    this.log('debug', `tab ${tabId} left (${reason})`);
    this.connection.abandon(
      tabId,
      reason === 'destroyed' ? new SdkError('SDK_DESTROYED', 'SDK destroyed.') : new SdkError('CONNECTION_LOST', 'The tab is gone.'),
    );
    this.tabsChanged();
    this.releaseConnectionIfUnwanted(reason === 'gone');
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
        for (const tab of this.tabs.values()) this.postRaw(tab, { kind: 'notifier', tabId: notifier });
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
    for (const tab of this.tabs.values()) this.postRaw(tab, { kind: 'status', status });
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
    // Parameters are validated inside executeMethod before `send` runs, so a bad argument is
    // reported as VALIDATION even when the tab is not connected.
    const { result, requesterEvents } = await executeMethod(method, params, (action, payload, resolvedBy) => {
      if (this.ended) throw new SdkError('SDK_DESTROYED', 'SDK destroyed.');
      if (!record.wantsConnection) throw new SdkError('NO_CONNECTION', 'No connection: this tab is disconnected.');
      return this.connection.request(action, payload, resolvedBy ? { resolvedBy, owner: record.tabId } : { owner: record.tabId });
    });
    for (const event of requesterEvents) this.postTo(record, event);
    return result;
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
      if (event.name === 'incoming_event' && !this.seen.noteEvent(event.payload.chatId, event.payload.event)) continue;
      if (event.name === 'incoming_chat') this.seen.noteChat(event.payload.chat);
      // The tab whose request this push answered gets it as the request's result, not as an event;
      // it still learns the users (user_data), as the official SDK emits them for the result too.
      const skip = answer?.owner !== undefined && event.name !== 'user_data' ? answer.owner : undefined;
      this.broadcast(event, skip);
    }
  }

  /** After a reconnect: deliver what the known chats received while the socket was down. */
  private async resync(): Promise<void> {
    for (const chatId of this.seen.chatIds()) {
      try {
        const { result: chat } = await executeMethod('getChat', { chatId }, (action, payload) => this.connection.request(action, payload));
        for (const event of this.seen.missed(chat)) this.broadcast(event);
      } catch (error) {
        this.log('warn', `Could not catch up on chat ${chatId} after reconnecting`, error);
      }
    }
  }

  private replayState(record: TabRecord): void {
    const customerId = this.connection.customerId;
    if (customerId !== undefined) this.postTo(record, { name: 'customer_id', payload: customerId });
    if (this.connection.state === 'connected' && this.lastConnected) {
      this.postTo(record, { name: 'connected', payload: this.lastConnected });
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

  private postRaw(tab: TabRecord, message: RuntimeMessage): void {
    try {
      tab.link.post(message);
    } catch (error) {
      // A tab whose port is gone must not stop the fan-out to the others.
      this.log('warn', `Could not deliver a "${message.kind}" message to tab ${tab.tabId}`, error);
    }
  }

  /** A terminal server reason: every tab's instance ends (each got `disconnected` already). */
  private end(reason: string): void {
    this.ended = true;
    for (const tab of this.tabs.values()) {
      try {
        tab.link.post({ kind: 'destroyed', reason });
      } catch (error) {
        this.log('debug', `Could not tell tab ${tab.tabId} that the session ended`, error);
      }
    }
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
      return (await this.withTimeout(tab.link.getCustomerData(), CUSTOMER_DATA_TIMEOUT_MS)) ?? undefined;
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
    // Newest tabs first: a tab that just attached is the least likely to be frozen or gone.
    const candidates = [...this.tabs.values()].sort((a, b) => b.sequence - a.sequence);
    let lastError: unknown = new SdkError('TOKEN_UNAVAILABLE', 'No tab is attached to provide a customer token.');
    for (const tab of candidates) {
      try {
        const token = await this.withTimeout(tab.link.getToken(fresh || cached !== undefined), this.deps.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS);
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
    throw lastError;
  }

  private withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const handle = this.clock.setTimeout(
        () => reject(new SdkError('TOKEN_UNAVAILABLE', `The tab did not answer within ${ms} ms.`)),
        ms,
      );
      promise.then(
        (value) => {
          this.clock.clearTimeout(handle);
          resolve(value);
        },
        (error: unknown) => {
          this.clock.clearTimeout(handle);
          reject(error);
        },
      );
    });
  }
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
