/**
 * What a tab is told beyond the live pushes: on attach, the state a fresh instance would have
 * learned (replay, or the cache to paint); after a login, what the known chats received while
 * the socket was down, delivered once and in order with the live pushes (`CatchUpGate` holds
 * them per chat meanwhile); and what a tab that brings its own seen-record still lacks.
 */
import type { SdkEvent } from '../protocol/pushes';
import type { TabHello } from '../shared/contract';
import type { SeenSnapshot } from '../shared/seen';
import type { CachedStatePayload, Chat, ConnectedPayload } from '../shared/types';
import { CatchUpGate, chatIdOf } from './catch-up-gate';
import type { Logger } from './log';
import { SeenLedger, sameDelivery } from './seen-ledger';

/** A live push's event, and the tab it skips (the one whose request it answered). */
export interface LiveEvent {
  event: SdkEvent;
  skip: string | undefined;
}

/** What the catch-up reads and keeps of a tab. */
export interface CatchUpTab {
  readonly tabId: string;
  readonly wantsConnection: boolean;
  readonly hello: Pick<TabHello, 'seen'>;
  behind?: SeenLedger;
}

export interface CatchUpDeps<T extends CatchUpTab> {
  tabs(): Iterable<T>;
  connected(): boolean;
  /** `getChat` on the connection, owned by no tab. */
  fetchChat(chatId: string): Promise<Chat>;
  cache: {
    readonly ready: Promise<unknown>;
    readonly customerId: string | undefined;
    cachedState(): CachedStatePayload | undefined;
    getChat(chatId: string): Chat | undefined;
    storeChat(chat: Chat): void;
    outbox(): ReadonlyArray<{ chatId: string }>;
  };
  /** A chat the server answered with (for the active-chat record). */
  noteChat(chat: Chat): void;
  postTo(tab: T, event: SdkEvent): void;
  broadcast(event: SdkEvent): void;
  /** Delivers a live event to the tabs and the cache (after the catch-up's own bookkeeping). */
  fanOut(live: LiveEvent): void;
  log: Logger;
}

export class CatchUp<T extends CatchUpTab> {
  readonly seen = new SeenLedger();
  private readonly gate = new CatchUpGate<LiveEvent>();
  /** Whether the catch-up after the current login is done (false while disconnected, logging in or catching up). */
  private caughtUp = false;
  /**
   * A tab handed over its own record of what it was told. Then the stored seen-record is not
   * used: it says what an earlier runtime posted, and a dedicated-mode leader that hung kept
   * noting events its followers never got. Tabs' own records are the truth; the stored one is for
   * tabs that bring none (a reload).
   */
  private tabsHandedSeen = false;

  constructor(private readonly deps: CatchUpDeps<T>) {}

  /** A tab attached: what it says it was told joins the record. */
  attached(tab: T): void {
    this.seen.merge(tab.hello.seen);
    if (handedRecord(tab)) this.tabsHandedSeen = true;
  }

  /**
   * A tab that joins late gets at once what a fresh instance would have learned, before any live
   * event: the customer id, and `connected` (when connected) or else what the cache holds, to
   * paint until `connected`.
   */
  replay(tab: T, customerId: string | undefined, connected: ConnectedPayload | undefined): void {
    if (customerId !== undefined) this.deps.postTo(tab, { name: 'customer_id', payload: customerId });
    if (connected) {
      this.deps.postTo(tab, { name: 'connected', payload: connected });
    } else if (customerId !== undefined && this.deps.cache.customerId === customerId && !handedRecord(tab)) {
      const state = this.deps.cache.cachedState();
      if (state) this.deps.postTo(tab, { name: 'cached_state', payload: state });
    }
  }

  /** The cache was loaded before the login completed: the tabs paint what it holds. */
  paintFromCache(): void {
    const state = this.deps.cache.cachedState();
    if (!state) return;
    for (const tab of this.deps.tabs()) if (tab.wantsConnection && !handedRecord(tab)) this.deps.postTo(tab, { name: 'cached_state', payload: state });
  }

  /** The stored seen-record of the customer, loaded from the cache. */
  loadedSeen(stored: SeenSnapshot[]): void {
    if (!this.tabsHandedSeen) this.seen.merge(stored);
  }

  /** The customer changed: what was delivered to the previous one says nothing now. */
  reset(): void {
    this.seen.clear();
    for (const tab of this.deps.tabs()) delete tab.behind;
  }

  /** Live pushes' events: held while their chat catches up, else delivered now. */
  push(live: LiveEvent[]): void {
    for (const one of live) {
      const chatId = chatIdOf(one.event);
      if (chatId !== undefined && this.gate.hold(chatId, one)) continue;
      this.deliver([one]);
    }
  }

  /** The socket dropped: what the server pushed before the drop goes out now. */
  disconnected(): void {
    this.caughtUp = false;
    this.deliver(this.gate.open());
  }

  /**
   * After every login: wait for the stored cache (its seen-record says what a restarted runtime
   * already delivered), then catch up on the known chats. Resolves with the chats fetched (the
   * outbox's among them), or undefined when the connection dropped first.
   */
  loggedIn(): Promise<Map<string, Chat> | undefined> {
    return this.afterLogin(this.gate.close());
  }

  /**
   * A tab that attaches with a record of what it was told (to a runtime that replaced a dead one,
   * or after it was dropped while frozen) gets what this runtime delivered to the other tabs in the
   * meantime, from the cache: the catch-up after a login reaches only the tabs attached by then.
   * Before that catch-up has run, the tab keeps its record (`behind`), and the catch-up gives it
   * what only it lacks.
   */
  joined(tab: T): void {
    const snapshot = tab.hello.seen;
    if (!Array.isArray(snapshot) || snapshot.length === 0) return;
    const told = new SeenLedger();
    told.merge(snapshot);
    for (const chatId of told.chatIds()) {
      const chat = this.deps.cache.getChat(chatId);
      if (chat) for (const event of told.missed(chat)) this.deps.postTo(tab, event);
    }
    if (!this.caughtUp) tab.behind = told;
  }

  private async afterLogin(login: number): Promise<Map<string, Chat> | undefined> {
    let chats: Map<string, Chat>;
    try {
      await this.deps.cache.ready;
      if (!this.deps.connected()) return undefined;
      chats = await this.resync(login);
    } finally {
      this.deliver(this.gate.open(login));
    }
    if (this.deps.connected()) {
      this.caughtUp = true;
      for (const tab of this.deps.tabs()) delete tab.behind;
    }
    return chats;
  }

  /**
   * Delivers what the known chats received while the socket was down. The outbox's chats are
   * asked too, so that a message the server already has is not sent again. Each chat's live
   * pushes wait until its missed events are delivered.
   */
  private async resync(login: number): Promise<Map<string, Chat>> {
    const chats = new Map<string, Chat>();
    const behind = [...this.deps.tabs()].flatMap((tab) => tab.behind?.chatIds() ?? []);
    const chatIds = new Set([...this.seen.chatIds(), ...behind, ...this.deps.cache.outbox().map((entry) => entry.chatId)]);
    this.deliver(this.gate.expect(login, chatIds));
    for (const chatId of chatIds) {
      if (!this.deps.connected()) break;
      try {
        const chat = await this.deps.fetchChat(chatId);
        chats.set(chatId, chat);
        const forAll = this.seen.missed(chat);
        // A tab that attached with its own record first gets what only it lacks, older than forAll.
        for (const tab of this.deps.tabs()) {
          if (!tab.behind || !tab.wantsConnection) continue;
          for (const event of tab.behind.missed(chat)) if (!forAll.some((other) => sameDelivery(other, event))) this.deps.postTo(tab, event);
        }
        for (const event of forAll) this.deps.broadcast(event);
        this.deps.cache.storeChat(chat);
        this.deps.noteChat(chat);
      } catch (error) {
        this.deps.log('warn', `Could not catch up on chat ${chatId} after reconnecting`, error);
      }
      this.deliver(this.gate.release(login, chatId));
    }
    return chats;
  }

  private deliver(live: LiveEvent[]): void {
    for (const one of live) {
      const { event } = one;
      if (event.name === 'incoming_event' && !this.seen.noteEvent(event.payload.chatId, event.payload.event)) continue;
      if (event.name === 'incoming_chat') this.seen.noteChat(event.payload.chat);
      for (const tab of this.deps.tabs()) tab.behind?.note(event);
      this.deps.fanOut(one);
    }
  }
}

/**
 * Whether the tab attached with its own record of what it was told: it has its state painted, so
 * it is not offered the cache to paint (`cached_state`). The cache may hold events the tab was
 * never told of (a hung dedicated-mode leader's page relays nothing, while its worker goes on
 * receiving and storing), and a tab counts what `cached_state` shows as told: the catch-up's
 * `incoming_event` for it would then be dropped as a repeat. The catch-up gives such a tab what it
 * lacks instead.
 */
export function handedRecord(tab: CatchUpTab): boolean {
  return Array.isArray(tab.hello.seen) && tab.hello.seen.length > 0;
}
