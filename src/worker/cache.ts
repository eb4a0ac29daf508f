/**
 * The chat cache: what the runtime knows of one customer (the last `connected` state, the chat
 * list, each chat's latest thread, greetings, the seen-record and the outbox), in memory and in
 * a `KeyValueStore` (IndexedDB in browsers). The runtime is its only writer.
 *
 * - Tabs get events first; writes follow in batches, one transaction per flush.
 * - A cached answer is given out only while it is known exact: it came from the server during the
 *   current login and every push since kept it so (`current`). Anything else goes to the network.
 *   What was loaded from storage is never current: it is for painting (`cached_state`) and for
 *   catching up (the seen-record), not for answering.
 * - Storage that fails (missing, blocked, over quota, closed) turns the cache into memory only,
 *   with one warning; no storage error ever reaches a caller.
 */
import {
  boundChat,
  cachedStatePayload,
  CACHED_CHATS,
  CACHED_GREETINGS,
  CACHE_SCHEMA,
  chatDeactivated,
  chatKey,
  chatSeen,
  chatWithEvent,
  decodeChat,
  decodeMeta,
  decodeOutbox,
  listWithChat,
  listWithEvent,
  listWithSummary,
  metaKey,
  OUTBOX_LIMIT,
  outboxKey,
  summarySeen,
  threadsWithEvent,
  type ChatRecord,
  type MetaRecord,
  type OutboxEntry,
  type OutboxRecord,
} from './cache-records';
import type { SdkEvent } from '../protocol/pushes';
import type { SeenSnapshot } from '../shared/seen';
import type { CachedStatePayload, Chat, ConnectedPayload, Greeting, ListChatsResult, ListThreadsResult } from '../shared/types';
import { Timer, withTimeout, type Clock } from './clock';
import type { Logger } from './log';
import type { KeyValueStore } from './storage';

export interface CacheDeps {
  /** Absent: memory only. */
  store: KeyValueStore | undefined;
  clock: Clock;
  log: Logger;
  /** The runtime's seen-record, written with every flush. */
  seen(): SeenSnapshot[];
  /** Delay that gathers the writes of a burst of events into one transaction. */
  flushDelayMs?: number;
  /** A storage call slower than this counts as unavailable (a blocked open never settles). */
  timeoutMs?: number;
}

interface CachedChat {
  chat: Chat;
  /** The thread holds all of its events. */
  complete: boolean;
  /** Came from the server during this login and kept up to date since. */
  current: boolean;
}

/** What a load from storage found, for the runtime to act on. */
export interface LoadedCache {
  seen: SeenSnapshot[];
}

const DEFAULT_FLUSH_DELAY_MS = 50;
const DEFAULT_TIMEOUT_MS = 3_000;

export class ChatCache {
  private store: KeyValueStore | undefined;
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
  private outboxEntries: OutboxEntry[] = [];
  private readonly dirty = new Set<'meta' | 'outbox' | `chat:${string}`>();
  private readonly deleted = new Set<string>();
  private readonly flushTimer: Timer;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CacheDeps) {
    this.store = deps.store;
    this.flushTimer = new Timer(deps.clock);
  }

  get customerId(): string | undefined {
    return this.customer;
  }

  /** Whether records are written to storage (false: memory only). */
  get persistent(): boolean {
    return this.store !== undefined;
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
    const carried = this.customer === undefined ? this.outboxEntries : [];
    this.reset();
    this.customer = customerId;
    this.outboxEntries = carried;
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
    const [rawMeta] = (await this.read([metaKey(customerId)])) ?? [];
    const listed = decodeMeta(rawMeta, customerId)?.chatIds ?? [];
    const keys = [metaKey(customerId), outboxKey(customerId), ...new Set([...known, ...listed].map((id) => chatKey(customerId, id)))];
    await this.write([], keys);
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

  outbox(): readonly OutboxEntry[] {
    return this.outboxEntries;
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
    switch (event.name) {
      case 'incoming_chat': {
        const { chat } = event.payload;
        this.storeChat(chat);
        // A new thread changes how the chat's history pages.
        this.pages.delete(chat.id);
        this.updateList((list, limit) => listWithChat(list, limit, chat));
        return;
      }
      case 'incoming_event': {
        const { chatId, event: chatEvent } = event.payload;
        const entry = this.chats.get(chatId);
        if (entry) {
          const next = chatWithEvent(entry.chat, chatEvent);
          if (next) {
            const { chat, trimmed } = boundChat(next);
            this.putChat(chatId, { chat, complete: entry.complete && !trimmed, current: entry.current });
          } else {
            entry.current = false;
          }
        }
        const pages = this.pages.get(chatId);
        if (pages) for (const [request, page] of pages) pages.set(request, threadsWithEvent(page, chatEvent));
        this.updateList((list) => listWithEvent(list, chatId, chatEvent));
        this.touch('meta');
        return;
      }
      case 'chat_deactivated': {
        const { chatId } = event.payload;
        this.updateChat(chatId, chatDeactivated);
        this.pages.delete(chatId);
        this.updateList((list) => listWithSummary(list, chatId, (summary) => ({ ...summary, active: false })));
        return;
      }
      case 'events_marked_as_seen': {
        const { chatId, userId, seenUpTo } = event.payload;
        this.updateChat(chatId, (chat) => chatSeen(chat, userId, seenUpTo));
        this.updateList((list) => listWithSummary(list, chatId, (summary) => summarySeen(summary, userId, seenUpTo)));
        return;
      }
      case 'incoming_greeting': {
        const greeting = event.payload;
        this.greetings = [...this.greetings.filter((known) => known.uniqueId !== greeting.uniqueId), greeting].slice(-CACHED_GREETINGS);
        this.touch('meta');
        return;
      }
      case 'greeting_accepted':
      case 'greeting_canceled': {
        const { uniqueId } = event.payload;
        this.greetings = this.greetings.filter((known) => known.uniqueId !== uniqueId);
        this.touch('meta');
        return;
      }
      case 'availability_updated':
        if (this.connected) this.setConnected({ ...this.connected, availability: event.payload.availability });
        return;
      case 'customer_updated': {
        const { name, email, avatar, fields } = event.payload;
        if (this.connected) {
          const customer = { ...this.connected.customer };
          if (name !== undefined) customer.name = name;
          if (email !== undefined) customer.email = email;
          if (avatar !== undefined) customer.avatar = avatar;
          if (fields !== undefined) customer.sessionFields = fields;
          this.setConnected({ ...this.connected, customer });
        }
        // Chats and summaries embed the customer as a user: no longer exact.
        this.sessionEnded();
        return;
      }
      case 'chat_properties_updated':
      case 'chat_properties_deleted':
      case 'chat_transferred':
      case 'user_added_to_chat':
      case 'user_removed_from_chat':
      case 'event_updated':
      case 'event_properties_updated':
      case 'event_properties_deleted':
        this.staleChat(event.payload.chatId, true);
        return;
      case 'thread_properties_updated':
      case 'thread_properties_deleted':
      case 'queue_position_updated':
        // Summaries carry neither thread properties nor queues: only the chat is affected.
        this.staleChat(event.payload.chatId, false);
        return;
      default:
        return;
    }
  }

  // ---- the outbox ----------------------------------------------------------------------------

  /** Queues an entry and writes it at once (it must survive a reload); false when the outbox is full. */
  async enqueue(entry: OutboxEntry): Promise<boolean> {
    if (this.outboxEntries.length >= OUTBOX_LIMIT) return false;
    this.outboxEntries = [...this.outboxEntries, entry];
    this.touch('outbox');
    await this.flush();
    return true;
  }

  /** The entry was sent (or found on the server, or refused for good): drop it now. */
  async settle(customId: string): Promise<void> {
    this.outboxEntries = this.outboxEntries.filter((entry) => entry.customId !== customId);
    this.touch('outbox');
    await this.flush();
  }

  // ---- storage -------------------------------------------------------------------------------

  /** Writes what changed since the last flush, in one transaction. */
  async flush(): Promise<void> {
    this.flushTimer.clear();
    const customerId = this.customer;
    if (customerId === undefined) return;
    // Writing before the load finished would replace stored records with a partial picture.
    await this.loading;
    if (customerId !== this.customer) return;
    const puts: Array<[string, unknown]> = [];
    for (const key of this.dirty) {
      if (key === 'meta') puts.push([metaKey(customerId), this.metaRecord(customerId)]);
      else if (key === 'outbox') puts.push([outboxKey(customerId), this.outboxRecord(customerId)]);
      else {
        const chatId = key.slice('chat:'.length);
        const entry = this.chats.get(chatId);
        if (entry) puts.push([chatKey(customerId, chatId), this.chatRecord(customerId, entry)]);
      }
    }
    const deletes = [...this.deleted];
    this.dirty.clear();
    this.deleted.clear();
    if (puts.length > 0 || deletes.length > 0) await this.write(puts, deletes);
  }

  private async load(customerId: string): Promise<LoadedCache | undefined> {
    const [rawMeta, rawOutbox] = (await this.read([metaKey(customerId), outboxKey(customerId)])) ?? [];
    if (this.customer !== customerId) return undefined;
    const outbox = decodeOutbox(rawOutbox, customerId);
    if (rawOutbox !== undefined && !outbox) this.discard(outboxKey(customerId), 'outbox');
    if (outbox) {
      const queued = new Set(this.outboxEntries.map((entry) => entry.customId));
      // Stored entries are older than anything queued since this runtime started.
      this.outboxEntries = [...outbox.entries.filter((entry) => !queued.has(entry.customId)), ...this.outboxEntries];
    }
    const meta = decodeMeta(rawMeta, customerId);
    if (rawMeta !== undefined && !meta) this.discard(metaKey(customerId), 'customer');
    if (!meta) return undefined;
    const rawChats = (await this.read(meta.chatIds.map((chatId) => chatKey(customerId, chatId)))) ?? [];
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
        if (rawChats[index] !== undefined) this.discard(chatKey(customerId, chatId), `chat ${chatId}`);
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

  private discard(key: string, what: string): void {
    this.deps.log('warn', `Discarded the cached ${what}: written by another schema version or corrupt`);
    this.deleted.add(key);
    this.scheduleFlush();
  }

  private putChat(chatId: string, entry: CachedChat): void {
    this.chats.delete(chatId);
    this.chats.set(chatId, entry);
    this.touch(`chat:${chatId}`);
    while (this.chats.size > CACHED_CHATS) {
      const oldest = this.chats.keys().next().value as string;
      this.chats.delete(oldest);
      this.pages.delete(oldest);
      this.dirty.delete(`chat:${oldest}`);
      if (this.customer !== undefined) this.deleted.add(chatKey(this.customer, oldest));
    }
  }

  private updateChat(chatId: string, change: (chat: Chat) => Chat): void {
    const entry = this.chats.get(chatId);
    if (!entry) return;
    entry.chat = change(entry.chat);
    this.touch(`chat:${chatId}`);
  }

  private updateList(change: (list: ListChatsResult, limit: number) => ListChatsResult | undefined): void {
    if (!this.chatList || !this.listCurrent) return;
    const next = change(this.chatList.result, this.chatList.limit);
    if (next) this.chatList = { limit: this.chatList.limit, result: next };
    else this.listCurrent = false;
    this.touch('meta');
  }

  private staleChat(chatId: string, listToo: boolean): void {
    const entry = this.chats.get(chatId);
    if (entry) entry.current = false;
    this.pages.delete(chatId);
    if (listToo) this.listCurrent = false;
  }

  private touch(key: 'meta' | 'outbox' | `chat:${string}`): void {
    this.savedAt = this.deps.clock.now();
    this.dirty.add(key);
    if (key !== 'meta') this.dirty.add('meta');
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.flushTimer.pending) this.flushTimer.set(this.deps.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS, () => void this.flush());
  }

  private reset(): void {
    this.flushTimer.clear();
    this.loading = Promise.resolve(undefined);
    this.savedAt = 0;
    this.connected = null;
    this.chatList = null;
    this.listCurrent = false;
    this.greetings = [];
    this.chats.clear();
    this.pages.clear();
    this.outboxEntries = [];
    this.dirty.clear();
    this.deleted.clear();
  }

  private metaRecord(customerId: string): MetaRecord {
    return {
      schema: CACHE_SCHEMA,
      customerId,
      savedAt: this.savedAt,
      connected: this.connected,
      chatList: this.chatList,
      greetings: this.greetings,
      seen: this.deps.seen(),
      chatIds: [...this.chats.keys()].reverse(),
    };
  }

  private chatRecord(customerId: string, entry: CachedChat): ChatRecord {
    return { schema: CACHE_SCHEMA, customerId, chat: entry.chat, complete: entry.complete };
  }

  private outboxRecord(customerId: string): OutboxRecord {
    return { schema: CACHE_SCHEMA, customerId, entries: this.outboxEntries };
  }

  private async read(keys: string[]): Promise<unknown[] | undefined> {
    const store = this.store;
    if (!store || keys.length === 0) return keys.length === 0 ? [] : undefined;
    try {
      return await this.bounded(store.getMany(keys));
    } catch (error) {
      this.unavailable(error);
      return undefined;
    }
  }

  /** Writes are chained so that a slow transaction is never overtaken by the next flush. */
  private write(puts: Array<[string, unknown]>, deletes: string[]): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    this.writing = this.writing.then(() => this.bounded(store.write(puts, deletes))).catch((error: unknown) => this.unavailable(error));
    return this.writing;
  }

  private bounded<T>(promise: Promise<T>): Promise<T> {
    const ms = this.deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return withTimeout(this.deps.clock, promise, ms, () => new Error(`IndexedDB did not answer within ${ms} ms`));
  }

  /** Any storage failure: memory only from now on, said once. */
  private unavailable(error: unknown): void {
    if (!this.store) return;
    this.store = undefined;
    this.deps.log('warn', 'IndexedDB is unavailable (private mode, blocked or over quota?); the chat cache works from memory only', error);
  }
}
