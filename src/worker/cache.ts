/**
 * The chat cache's model: what the runtime knows of one customer (the `connected` state, the chat
 * list, latest threads, greetings, the outbox). A cached answer is given out only while it is
 * known exact (`current`: from the server this login, kept so by every push since); what was
 * loaded from storage is for painting and catching up, never for answering.
 */
import type { SdkEvent } from '../protocol/pushes';
import type { SeenSnapshot } from '../shared/seen';
import type { CachedStatePayload, Chat, ConnectedPayload, Greeting, ListChatsResult, ListThreadsResult } from '../shared/types';
import {
  boundChat,
  cachedStatePayload,
  CACHED_CHATS,
  CACHE_SCHEMA,
  chatKey,
  decodeChat,
  decodeMeta,
  decodeOutbox,
  metaKey,
  outboxKey,
  type ChatRecord,
  type MetaRecord,
  type OutboxEntry,
  type OutboxRecord,
} from './cache-records';
import { CachePersistence, type PersistenceDeps, type RecordKey } from './cache-persistence';
import { cacheChanges, type CacheChange, type CachedChat, type CacheView } from './cache-reducer';
import { OutboxQueue } from './outbox-queue';

export interface CacheDeps extends PersistenceDeps {
  /** The runtime's seen-record, written with every flush. */
  seen(): SeenSnapshot[];
}

/** What a load from storage found, for the runtime to act on. */
export interface LoadedCache {
  seen: SeenSnapshot[];
}

export class ChatCache implements CacheView {
  private customer: string | undefined;
  private loading: Promise<LoadedCache | undefined> = Promise.resolve(undefined);
  private savedAt = 0;
  private connected: ConnectedPayload | null = null;
  private chatList: { limit: number; result: ListChatsResult } | null = null;
  private listCurrent = false;
  private greetings: Greeting[] = [];
  /** Least recently active first (Map order), so eviction takes the first. */
  private readonly chats = new Map<string, CachedChat>();
  /** `listThreads` answers of this login, per chat, by request. Memory only. */
  private readonly pages = new Map<string, Map<string, ListThreadsResult>>();
  private readonly queue = new OutboxQueue(() => {
    this.touch('outbox');
    return this.flush();
  });
  private readonly persistence: CachePersistence;

  constructor(private readonly deps: CacheDeps) {
    this.persistence = new CachePersistence(deps, {
      customerId: () => this.customer,
      loaded: () => this.loading,
      record: (customerId, key) => this.record(customerId, key),
    });
  }

  get customerId(): string | undefined {
    return this.customer;
  }

  /** Whether records are written to storage (false: memory only). */
  get persistent(): boolean {
    return this.persistence.persistent;
  }

  /** Settles when the current customer's records have been read (or given up on). */
  get ready(): Promise<LoadedCache | undefined> {
    return this.loading;
  }

  /**
   * Scopes the cache to a customer and reads what storage holds for them. Outbox entries queued
   * before the customer was known stay (they are this browser's customer's).
   */
  open(customerId: string): Promise<LoadedCache | undefined> {
    if (this.customer === customerId) return this.loading;
    const carried = this.customer === undefined ? this.queue.take() : [];
    this.reset();
    this.customer = customerId;
    this.queue.replace(carried);
    if (carried.length > 0) this.touch('outbox');
    this.loading = this.load(customerId);
    return this.loading;
  }

  /** Forgets the current customer's data, in memory and in storage (identity change, ban, logout). */
  async clear(): Promise<void> {
    const customerId = this.customer;
    if (customerId === undefined) {
      this.reset();
      return;
    }
    const known = [...this.chats.keys()];
    this.reset();
    // Records written by an earlier session may name chats this one never loaded.
    const [rawMeta] = (await this.persistence.read([metaKey(customerId)])) ?? [];
    const listed = decodeMeta(rawMeta, customerId)?.chatIds ?? [];
    const keys = [metaKey(customerId), outboxKey(customerId), ...new Set([...known, ...listed].map((id) => chatKey(customerId, id)))];
    await this.persistence.write([], keys);
  }

  // ---- answers -----------------------------------------------------------------------------

  /** The state to paint before the login completes; undefined when nothing is cached. */
  cachedState(): CachedStatePayload | undefined {
    if (!this.connected && this.chats.size === 0) return undefined;
    const chats = [...this.chats.values()].reverse().map((entry) => entry.chat);
    return cachedStatePayload({ savedAt: this.savedAt, connected: this.connected, chatList: this.chatList, greetings: this.greetings }, chats);
  }

  /** The first page of `listChats({ limit })`, when known exact. */
  listChats(limit: number): ListChatsResult | undefined {
    return this.listCurrent && this.chatList?.limit === limit ? this.chatList.result : undefined;
  }

  /** `getChat` for the chat's latest thread, when it is held whole and known exact. */
  getChat(chatId: string, threadId?: string): Chat | undefined {
    const entry = this.chats.get(chatId);
    if (!entry?.current || !entry.complete) return undefined;
    if (threadId !== undefined && entry.chat.thread?.id !== threadId) return undefined;
    return entry.chat;
  }

  listThreads(chatId: string, request: string): ListThreadsResult | undefined {
    return this.pages.get(chatId)?.get(request);
  }

  // ---- what the runtime learns ---------------------------------------------------------------

  setConnected(payload: ConnectedPayload): void {
    this.connected = payload;
    this.touch('meta');
  }

  storeList(limit: number, result: ListChatsResult): void {
    this.chatList = { limit, result };
    this.listCurrent = true;
    this.touch('meta');
  }

  /** A chat as the server has it now, with its latest thread (a `get_chat` or `incoming_chat`). */
  storeChat(chat: Chat): void {
    const { chat: bounded, trimmed } = boundChat(chat);
    this.putChat(chat.id, { chat: bounded, complete: !trimmed, current: true });
  }

  storeThreads(chatId: string, request: string, result: ListThreadsResult): void {
    let pages = this.pages.get(chatId);
    if (!pages) this.pages.set(chatId, (pages = new Map()));
    pages.set(request, result);
  }

  /** The socket is gone: pushes may be missed from now on, so nothing cached is known exact. */
  sessionEnded(): void {
    this.listCurrent = false;
    for (const entry of this.chats.values()) entry.current = false;
    this.pages.clear();
  }

  /** Keeps the cache in step with an event the tabs were just given. */
  apply(event: SdkEvent): void {
    for (const change of cacheChanges(this, event)) this.change(change);
  }

  // ---- CacheView (what the reducer reads) --------------------------------------------------

  cachedChat(chatId: string): CachedChat | undefined {
    return this.chats.get(chatId);
  }

  get connectedState(): ConnectedPayload | null {
    return this.connected;
  }

  get greetingList(): readonly Greeting[] {
    return this.greetings;
  }

  // ---- the outbox ----------------------------------------------------------------------------

  outbox(): readonly OutboxEntry[] {
    return this.queue.list();
  }

  /** Queues an entry and writes it at once (it must survive a reload); false when the outbox is full. */
  enqueue(entry: OutboxEntry): Promise<boolean> {
    return this.queue.enqueue(entry);
  }

  /** The entry was sent (or found on the server, or refused for good): drop it now. */
  settle(customId: string): Promise<void> {
    return this.queue.settle(customId);
  }

  /** Writes what changed since the last flush, in one transaction. */
  flush(): Promise<void> {
    return this.persistence.flush();
  }

  // ---- internals -----------------------------------------------------------------------------

  private change(change: CacheChange): void {
    switch (change.kind) {
      case 'put':
        return this.putChat(change.chatId, change.entry);
      case 'edit': {
        const entry = this.chats.get(change.chatId);
        if (!entry) return;
        entry.chat = change.chat;
        return this.touch(`chat:${change.chatId}`);
      }
      case 'not-current': {
        const entry = this.chats.get(change.chatId);
        if (entry) entry.current = false;
        return;
      }
      case 'stale': {
        const entry = this.chats.get(change.chatId);
        if (entry) entry.current = false;
        this.pages.delete(change.chatId);
        if (change.list) this.listCurrent = false;
        return;
      }
      case 'list': {
        if (!this.chatList || !this.listCurrent) return;
        const next = change.change(this.chatList.result, this.chatList.limit);
        if (next) this.chatList = { limit: this.chatList.limit, result: next };
        else this.listCurrent = false;
        return this.touch('meta');
      }
      case 'pages': {
        if (change.change === 'drop') {
          this.pages.delete(change.chatId);
          return;
        }
        const pages = this.pages.get(change.chatId);
        if (pages) for (const [request, page] of pages) pages.set(request, change.change(page));
        return;
      }
      case 'greetings':
        this.greetings = change.greetings;
        return this.touch('meta');
      case 'connected':
        return this.setConnected(change.payload);
      case 'session-ended':
        return this.sessionEnded();
      case 'meta':
        return this.touch('meta');
    }
  }

  private async load(customerId: string): Promise<LoadedCache | undefined> {
    const [rawMeta, rawOutbox] = (await this.persistence.read([metaKey(customerId), outboxKey(customerId)])) ?? [];
    if (this.customer !== customerId) return undefined;
    const outbox = decodeOutbox(rawOutbox, customerId);
    if (rawOutbox !== undefined && !outbox) this.persistence.discard(outboxKey(customerId), 'outbox');
    if (outbox) this.queue.restore(outbox.entries);
    const meta = decodeMeta(rawMeta, customerId);
    if (rawMeta !== undefined && !meta) this.persistence.discard(metaKey(customerId), 'customer');
    if (!meta) return undefined;
    const rawChats = (await this.persistence.read(meta.chatIds.map((chatId) => chatKey(customerId, chatId)))) ?? [];
    if (this.customer !== customerId) return undefined;
    // What arrived live while reading is newer than what was stored: it wins.
    this.connected ??= meta.connected;
    this.chatList ??= meta.chatList;
    if (this.greetings.length === 0) this.greetings = meta.greetings;
    this.savedAt = Math.max(this.savedAt, meta.savedAt);
    const loaded = new Map<string, CachedChat>();
    meta.chatIds.forEach((chatId, index) => {
      const record = decodeChat(rawChats[index], customerId, chatId);
      if (!record) {
        if (rawChats[index] !== undefined) this.persistence.discard(chatKey(customerId, chatId), `chat ${chatId}`);
        return;
      }
      if (!this.chats.has(chatId)) loaded.set(chatId, { chat: record.chat, complete: record.complete, current: false });
    });
    // Stored chats are older than live ones: they go first in the least-recent-first order.
    const live = [...this.chats];
    this.chats.clear();
    for (const chatId of [...loaded.keys()].reverse()) this.chats.set(chatId, loaded.get(chatId)!);
    for (const [chatId, entry] of live) this.chats.set(chatId, entry);
    return { seen: meta.seen };
  }

  private putChat(chatId: string, entry: CachedChat): void {
    this.chats.delete(chatId);
    this.chats.set(chatId, entry);
    this.touch(`chat:${chatId}`);
    while (this.chats.size > CACHED_CHATS) {
      const oldest = this.chats.keys().next().value as string;
      this.chats.delete(oldest);
      this.pages.delete(oldest);
      this.persistence.evict(`chat:${oldest}`, this.customer === undefined ? undefined : chatKey(this.customer, oldest));
    }
  }

  private touch(key: RecordKey): void {
    this.savedAt = this.deps.clock.now();
    this.persistence.mark(key);
  }

  private reset(): void {
    this.persistence.reset();
    this.loading = Promise.resolve(undefined);
    this.savedAt = 0;
    this.connected = null;
    this.chatList = null;
    this.listCurrent = false;
    this.greetings = [];
    this.chats.clear();
    this.pages.clear();
    this.queue.replace([]);
  }

  /** The record to write for a changed key (see FlushSource). */
  private record(customerId: string, key: RecordKey): [string, unknown] | undefined {
    if (key === 'meta') {
      const meta: MetaRecord = {
        schema: CACHE_SCHEMA,
        customerId,
        savedAt: this.savedAt,
        connected: this.connected,
        chatList: this.chatList,
        greetings: this.greetings,
        seen: this.deps.seen(),
        chatIds: [...this.chats.keys()].reverse(),
      };
      return [metaKey(customerId), meta];
    }
    if (key === 'outbox') {
      const outbox: OutboxRecord = { schema: CACHE_SCHEMA, customerId, entries: [...this.queue.list()] };
      return [outboxKey(customerId), outbox];
    }
    const chatId = key.slice('chat:'.length);
    const entry = this.chats.get(chatId);
    if (!entry) return undefined;
    const chat: ChatRecord = { schema: CACHE_SCHEMA, customerId, chat: entry.chat, complete: entry.complete };
    return [chatKey(customerId, chatId), chat];
  }
}
