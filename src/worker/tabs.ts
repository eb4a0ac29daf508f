/**
 * The attached tabs: who they are, how to reach them, which one speaks for the customer (the
 * notifier), whether they are still alive, and how long the socket lingers after the last one.
 */
import type { RuntimeMessage, TabHello } from '../shared/contract';
import type { SdkEvent } from '../protocol/pushes';
import type { MethodName } from '../shared/methods';
import type { Token } from '../shared/types';
import { Timer, type Clock } from './clock';
import type { Logger } from './log';
import type { SeenLedger } from './seen-ledger';

/** How the runtime reaches one tab. The host adapts it to a MessagePort, a function call, … */
export interface TabLink {
  post(message: RuntimeMessage): void;
  getToken(fresh: boolean): Promise<Token>;
  /** Runs the tab's `customerDataProvider`; undefined or null without one. Unchecked: it is the app's value. */
  getCustomerData(): Promise<unknown>;
}

/** What a tab can do; one per attached tab. */
export interface TabSession {
  /** The tab's id: the one it attached with, or the one it claimed since (see `claim`). */
  readonly tabId: string;
  request(method: MethodName, params: unknown): Promise<unknown>;
  connect(): void;
  disconnect(): void;
  setFocus(focused: boolean): void;
  /**
   * After a provisional attach: the id the tab claimed, which may differ from the one it attached
   * with (a reload keeps its stored id). A tab still attached under that id is gone.
   */
  claim(tabId: string): void;
  /** The tab is alive (it answered a ping, or woke up). */
  heartbeat(): void;
  /**
   * The tab leaves: `destroyed` by `destroy()`, `gone` when it navigated away or died. Its
   * listeners, requests and duties are dropped. `clearCache` (with `destroyed`) wipes the
   * customer's cache if this was the last tab.
   */
  detach(reason?: 'destroyed' | 'gone', options?: { clearCache?: boolean }): void;
}

export interface TabRecord {
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
   * the catch-up after the next login has run (see catch-up.ts).
   */
  behind?: SeenLedger;
  /** Called when the runtime lets go of this tab (it left, or attached again on a new link). */
  readonly onDetach: Set<() => void>;
}

export interface TabRegistryDeps {
  clock: Clock;
  log: Logger;
  /** A tab silent for this long is evicted (frozen and back/forward-cached tabs keep their Web Lock). */
  tabTtlMs: number;
  lingerMs: number;
  /** The liveness check found the tab silent: it was told (`evicted`), the runtime drops it. */
  silent(tab: TabRecord): void;
  /** No tab wants the connection any more (at once, or after lingering). */
  unwanted(): void;
}

export class TabRegistry {
  private readonly tabs = new Map<string, TabRecord>();
  private attachCount = 0;
  private focusCount = 0;
  private notifierId: string | null = null;
  private readonly lingerTimer: Timer;
  private readonly livenessTimer: Timer;

  constructor(private readonly deps: TabRegistryDeps) {
    this.lingerTimer = new Timer(deps.clock);
    this.livenessTimer = new Timer(deps.clock);
  }

  get size(): number {
    return this.tabs.size;
  }

  get notifier(): string | null {
    return this.notifierId;
  }

  values(): IterableIterator<TabRecord> {
    return this.tabs.values();
  }

  get(tabId: string): TabRecord | undefined {
    return this.tabs.get(tabId);
  }

  /** Whether `record` is the tab attached under its id now (not one that left or was replaced). */
  isCurrent(record: TabRecord): boolean {
    return this.tabs.get(record.tabId) === record;
  }

  add(hello: TabHello, link: TabLink): TabRecord {
    const record: TabRecord = {
      tabId: hello.tabId,
      link,
      wantsConnection: hello.wantsConnection,
      hello,
      sequence: ++this.attachCount,
      lastSeen: this.deps.clock.now(),
      focused: hello.focused === true,
      focusOrder: hello.focused ? ++this.focusCount : 0,
      debug: hello.debug === true,
      onDetach: new Set(),
    };
    this.tabs.set(hello.tabId, record);
    return record;
  }

  /** The tab's id becomes `tabId` (which the caller made sure no other tab has); the tabs hear of it if it is the notifier. */
  rename(record: TabRecord, tabId: string): void {
    const notifier = this.notifierId === record.tabId;
    this.tabs.delete(record.tabId);
    record.tabId = tabId;
    this.tabs.set(tabId, record);
    if (notifier) {
      this.notifierId = tabId;
      this.postAll({ kind: 'notifier', tabId });
    }
  }

  /** Lets go of a tab: it is removed and its `onDetach` callbacks run. */
  remove(tabId: string): TabRecord | undefined {
    const record = this.tabs.get(tabId);
    if (!record) return undefined;
    this.tabs.delete(tabId);
    for (const callback of [...record.onDetach]) callback();
    return record;
  }

  /** A tab changed focus; false when it already had that focus. */
  setFocus(record: TabRecord, focused: boolean): boolean {
    if (record.focused === focused) return false;
    // One page of a browser has focus at a time; a blur from the previous one may arrive late.
    if (focused) for (const tab of this.tabs.values()) tab.focused = false;
    record.focused = focused;
    if (focused) record.focusOrder = ++this.focusCount;
    return true;
  }

  /** A tab attached with focus: the others lose it. */
  unfocusOthers(record: TabRecord): void {
    for (const tab of this.tabs.values()) if (tab !== record) tab.focused = false;
  }

  /**
   * The tab that speaks for the customer: the focused one, else the most recently focused, else
   * the most recently attached, among the tabs that want the connection.
   */
  focusedTab(): TabRecord | undefined {
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

  /**
   * Recomputes the notifier (the focused tab) and tells every tab when it changed, or only a tab
   * that just joined. True when it changed.
   */
  electNotifier(joined?: TabRecord): boolean {
    const notifier = this.focusedTab()?.tabId ?? null;
    if (notifier !== this.notifierId) {
      this.notifierId = notifier;
      if (notifier !== null) this.postAll({ kind: 'notifier', tabId: notifier });
      return true;
    }
    if (joined && notifier !== null) this.post(joined, { kind: 'notifier', tabId: notifier });
    return false;
  }

  /** Every push goes to each tab that wants the connection, except the one whose request it answered. */
  broadcast(event: SdkEvent, exceptTabId?: string): void {
    for (const tab of this.tabs.values()) {
      if (tab.wantsConnection && tab.tabId !== exceptTabId) this.postEvent(tab, event);
    }
  }

  postEvent(tab: TabRecord, event: SdkEvent): void {
    this.post(tab, { kind: 'event', ...event } as RuntimeMessage);
  }

  post(tab: TabRecord, message: RuntimeMessage, level: 'warn' | 'debug' = 'warn'): void {
    try {
      tab.link.post(message);
    } catch (error) {
      // A tab whose port is gone must not stop the fan-out to the others.
      this.deps.log(level, `Could not deliver a "${message.kind}" message to tab ${tab.tabId}`, error);
    }
  }

  postAll(message: RuntimeMessage, level: 'warn' | 'debug' = 'warn'): void {
    for (const tab of this.tabs.values()) this.post(tab, message, level);
  }

  /** A runtime log line, to the tabs that attached with `debug`. */
  forwardLog(level: 'debug' | 'info' | 'warn' | 'error', message: string, detail: unknown): void {
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

  /**
   * Pings every tab and drops those silent for longer than the TTL. Runs in the runtime, never in
   * a tab: hidden tabs' timers are throttled, but they still answer messages unless frozen.
   */
  watchLiveness(): void {
    if (this.livenessTimer.pending || this.tabs.size === 0) return;
    const ttl = this.deps.tabTtlMs;
    this.livenessTimer.set(ttl / 3, () => {
      const now = this.deps.clock.now();
      for (const tab of [...this.tabs.values()]) {
        if (now - tab.lastSeen > ttl) {
          this.deps.log('info', `tab ${tab.tabId} did not answer for ${now - tab.lastSeen} ms; dropping it until it wakes up`);
          this.post(tab, { kind: 'evicted' });
          this.deps.silent(tab);
        } else {
          this.post(tab, { kind: 'ping' });
        }
      }
      this.watchLiveness();
    });
  }

  cancelLinger(): void {
    this.lingerTimer.clear();
  }

  /** Closes the socket once no tab wants it: at once, or after a grace period for the next page. */
  releaseIfUnwanted(linger: boolean): void {
    if (this.wanted()) return;
    if (!linger) {
      this.lingerTimer.clear();
      this.deps.unwanted();
      return;
    }
    this.lingerTimer.set(this.deps.lingerMs, () => {
      if (!this.wanted()) this.deps.unwanted();
    });
  }

  private wanted(): boolean {
    for (const tab of this.tabs.values()) if (tab.wantsConnection) return true;
    return false;
  }
}
