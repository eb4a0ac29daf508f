/**
 * The chat cache's data, as pure functions: the records kept in IndexedDB, their field-by-field
 * validation on the way back in (anything that does not fit is `undefined`, never trusted), and
 * how live events update a cached chat and chat list (`undefined` when they cannot tell).
 */
import type { SeenSnapshot } from '../shared/seen';
import { isPlainObject } from '../shared/validate';
import type {
  Availability,
  CachedStatePayload,
  Chat,
  ChatEvent,
  ChatSummary,
  ConnectedPayload,
  Greeting,
  ListChatsResult,
  ListThreadsResult,
  Thread,
} from '../shared/types';

/** Bump when a record's shape changes: records of another schema are discarded on load. */
export const CACHE_SCHEMA = 1;
/** Chats kept per customer (the most recently active), as many as one `listChats` page can hold. */
export const CACHED_CHATS = 25;
/** Events of each chat's latest thread kept; a longer thread is cached as its last events only. */
export const CACHED_EVENTS_PER_CHAT = 100;
/** Greetings kept (those neither accepted nor canceled yet). */
export const CACHED_GREETINGS = 10;
/** Messages waiting in the outbox per customer; beyond this `sendEvent` fails as without the outbox. */
export const OUTBOX_LIMIT = 50;

/** The customer-wide record: everything but the chats themselves and the outbox. */
export interface MetaRecord {
  schema: typeof CACHE_SCHEMA;
  customerId: string;
  /** Clock time of the last change, in ms. */
  savedAt: number;
  connected: ConnectedPayload | null;
  /** The last default-page `listChats` answer (first page, `limit`), for painting on a cold start. */
  chatList: { limit: number; result: ListChatsResult } | null;
  greetings: Greeting[];
  /** What the tabs were told of, so that a restarted runtime catches up on exactly the rest. */
  seen: SeenSnapshot[];
  /** Cached chats, most recently active first: the keys of their chat records. */
  chatIds: string[];
}

/** One chat with its latest thread (at most `CACHED_EVENTS_PER_CHAT` events). */
export interface ChatRecord {
  schema: typeof CACHE_SCHEMA;
  customerId: string;
  chat: Chat;
  /** The thread holds every event the server has in it (none trimmed). */
  complete: boolean;
}

/** A `sendEvent` kept while disconnected, sent after the next login (see the runtime's outbox). */
export interface OutboxEntry {
  customId: string;
  chatId: string;
  /** The `sendEvent` params as the app gave them, with `event.customId` set. */
  params: { chatId: string; event: Record<string, unknown> & { type: string; customId: string }; attachToLastThread?: boolean };
  queuedAt: number;
}

export interface OutboxRecord {
  schema: typeof CACHE_SCHEMA;
  customerId: string;
  entries: OutboxEntry[];
}

// ---- keys ----------------------------------------------------------------------------------

export const metaKey = (customerId: string) => `customer:${customerId}:meta`;
export const chatKey = (customerId: string, chatId: string) => `customer:${customerId}:chat:${chatId}`;
export const outboxKey = (customerId: string) => `customer:${customerId}:outbox`;

// ---- validation ----------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isStr = (value: unknown): value is string => typeof value === 'string';
const isStrOrNull = (value: unknown) => value === null || isStr(value);

function isEvent(value: unknown): value is ChatEvent {
  return isPlainObject(value) && isStr(value.id) && isStr(value.type) && isStr(value.createdAt) && isStr(value.authorId) && isPlainObject(value.properties);
}

function isThread(value: unknown): value is Thread {
  return (
    isPlainObject(value) &&
    isStr(value.id) &&
    isStr(value.chatId) &&
    typeof value.active === 'boolean' &&
    isStr(value.createdAt) &&
    Array.isArray(value.events) &&
    value.events.every(isEvent) &&
    Array.isArray(value.userIds) &&
    isPlainObject(value.properties) &&
    isPlainObject(value.access)
  );
}

function isUsers(value: unknown): boolean {
  return Array.isArray(value) && value.every((user) => isPlainObject(user) && isStr(user.id) && (user.type === 'customer' || user.type === 'agent'));
}

export function isChat(value: unknown): value is Chat {
  return (
    isPlainObject(value) &&
    isStr(value.id) &&
    isPlainObject(value.access) &&
    isUsers(value.users) &&
    isPlainObject(value.properties) &&
    isPlainObject(value.eventsSeenUpToMap) &&
    (value.thread === null || isThread(value.thread))
  );
}

function isSummary(value: unknown): value is ChatSummary {
  return (
    isPlainObject(value) &&
    isStr(value.id) &&
    typeof value.active === 'boolean' &&
    isUsers(value.users) &&
    isPlainObject(value.properties) &&
    isPlainObject(value.eventsSeenUpToMap) &&
    isStrOrNull(value.lastThreadId) &&
    isStrOrNull(value.lastThreadCreatedAt) &&
    (value.lastEvent === undefined || isEvent(value.lastEvent)) &&
    (value.lastEventsPerType === undefined || (isPlainObject(value.lastEventsPerType) && Object.values(value.lastEventsPerType).every(isEvent)))
  );
}

function isChatList(value: unknown): value is ListChatsResult {
  return (
    isPlainObject(value) &&
    Array.isArray(value.chatsSummary) &&
    value.chatsSummary.every(isSummary) &&
    typeof value.totalChats === 'number' &&
    isUsers(value.users) &&
    isStrOrNull(value.previousPageId) &&
    isStrOrNull(value.nextPageId)
  );
}

function isConnected(value: unknown): value is ConnectedPayload {
  return (
    isPlainObject(value) &&
    isPlainObject(value.customer) &&
    isStr(value.customer.id) &&
    value.customer.type === 'customer' &&
    (value.availability === 'online' || value.availability === 'offline')
  );
}

const isGreeting = (value: unknown): value is Greeting => isPlainObject(value) && isStr(value.uniqueId) && typeof value.id === 'number';

function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (!isPlainObject(value) || !isStr(value.customId) || !isStr(value.chatId) || typeof value.queuedAt !== 'number') return false;
  const params = value.params;
  return isPlainObject(params) && params.chatId === value.chatId && isPlainObject(params.event) && isStr(params.event.type) && params.event.customId === value.customId;
}

const ownRecord = (raw: unknown, customerId: string): raw is Obj =>
  isPlainObject(raw) && raw.schema === CACHE_SCHEMA && raw.customerId === customerId;

/** A meta record of this customer and schema, or `undefined` (missing, older, corrupt). */
export function decodeMeta(raw: unknown, customerId: string): MetaRecord | undefined {
  if (!ownRecord(raw, customerId)) return undefined;
  const list = raw.chatList;
  const listOk = list === null || (isPlainObject(list) && Number.isInteger(list.limit) && isChatList(list.result));
  if (
    typeof raw.savedAt !== 'number' ||
    !(raw.connected === null || isConnected(raw.connected)) ||
    !listOk ||
    !Array.isArray(raw.greetings) ||
    !raw.greetings.every(isGreeting) ||
    !Array.isArray(raw.seen) ||
    !Array.isArray(raw.chatIds) ||
    !raw.chatIds.every(isStr)
  ) {
    return undefined;
  }
  return raw as unknown as MetaRecord;
}

export function decodeChat(raw: unknown, customerId: string, chatId: string): ChatRecord | undefined {
  if (!ownRecord(raw, customerId) || !isChat(raw.chat) || raw.chat.id !== chatId || typeof raw.complete !== 'boolean') return undefined;
  return raw as unknown as ChatRecord;
}

export function decodeOutbox(raw: unknown, customerId: string): OutboxRecord | undefined {
  if (!ownRecord(raw, customerId) || !Array.isArray(raw.entries) || !raw.entries.every(isOutboxEntry)) return undefined;
  return raw as unknown as OutboxRecord;
}

// ---- chats ---------------------------------------------------------------------------------

/** The chat with at most the last `limit` events of its thread; `trimmed` when some were dropped. */
export function boundChat(chat: Chat, limit = CACHED_EVENTS_PER_CHAT): { chat: Chat; trimmed: boolean } {
  const events = chat.thread?.events ?? [];
  if (!chat.thread || events.length <= limit) return { chat, trimmed: false };
  return { chat: { ...chat, thread: { ...chat.thread, events: events.slice(-limit) } }, trimmed: true };
}

/** Seen-up-to moves only forward, per user, as the server keeps it. */
function seenMap(map: Record<string, string | null>, userId: string, at: string): Record<string, string | null> {
  if (!(userId in map)) return map;
  const previous = map[userId];
  return previous !== null && previous !== undefined && previous >= at ? map : { ...map, [userId]: at };
}

/**
 * The chat after a live `incoming_event`: appended to the latest thread (or replacing an event
 * with the same id). `undefined` when the event belongs to a thread the cached chat does not
 * hold: the cached chat can no longer answer for the chat.
 */
export function chatWithEvent(chat: Chat, event: ChatEvent): Chat | undefined {
  const thread = chat.thread;
  if (!thread || event.threadId !== thread.id) return undefined;
  const at = thread.events.findIndex((known) => known.id === event.id);
  const events = at >= 0 ? thread.events.map((known, index) => (index === at ? event : known)) : [...thread.events, event];
  return { ...chat, eventsSeenUpToMap: seenMap(chat.eventsSeenUpToMap, event.authorId, event.createdAt), thread: { ...thread, events } };
}

export function chatDeactivated(chat: Chat): Chat {
  return chat.thread ? { ...chat, thread: { ...chat.thread, active: false } } : chat;
}

export function chatSeen(chat: Chat, userId: string, seenUpTo: string): Chat {
  return { ...chat, eventsSeenUpToMap: seenMap(chat.eventsSeenUpToMap, userId, seenUpTo) };
}

// ---- the chat list -------------------------------------------------------------------------

/** The summary `list_chats` gives for a chat whose newest thread is `chat.thread`. */
export function summaryOf(chat: Chat, previous?: ChatSummary): ChatSummary {
  const thread = chat.thread;
  const summary: ChatSummary = {
    id: chat.id,
    active: thread?.active ?? false,
    access: chat.access,
    properties: chat.properties,
    users: chat.users,
    lastThreadId: thread?.id ?? previous?.lastThreadId ?? null,
    lastThreadCreatedAt: thread?.createdAt ?? previous?.lastThreadCreatedAt ?? null,
    eventsSeenUpToMap: chat.eventsSeenUpToMap,
  };
  // Last event of each type over every thread: older threads' entries stay unless this one has newer.
  const perType: Record<string, ChatEvent> = { ...(previous?.lastEventsPerType ?? {}) };
  for (const event of thread?.events ?? []) perType[event.type] = event;
  if (Object.keys(perType).length > 0 || previous?.lastEventsPerType) summary.lastEventsPerType = perType;
  const lastEvent = thread?.events.at(-1) ?? previous?.lastEvent;
  if (lastEvent) summary.lastEvent = lastEvent;
  return summary;
}

function usersOf(summaries: ChatSummary[]): ListChatsResult['users'] {
  const users = new Map<string, ListChatsResult['users'][number]>();
  for (const summary of summaries) for (const user of summary.users) users.set(user.id, user);
  return [...users.values()];
}

/**
 * The first page after a new chat or a new thread (`incoming_chat`): it goes to the top, the
 * list being ordered by the creation of each chat's last thread, newest first. `undefined` when
 * the page would have to push a chat onto the next page (page ids are the server's).
 */
export function listWithChat(list: ListChatsResult, limit: number, chat: Chat): ListChatsResult | undefined {
  if (list.previousPageId !== null) return undefined;
  const previous = list.chatsSummary.find((summary) => summary.id === chat.id);
  const others = list.chatsSummary.filter((summary) => summary.id !== chat.id);
  if (!previous && (list.nextPageId !== null || list.chatsSummary.length >= limit || list.totalChats !== list.chatsSummary.length)) {
    return undefined;
  }
  const chatsSummary = [summaryOf(chat, previous), ...others];
  return { ...list, chatsSummary, totalChats: previous ? list.totalChats : list.totalChats + 1, users: usersOf(chatsSummary) };
}

/**
 * The list after a live event in one of its chats. Order does not change (it follows thread
 * creation). A chat the page does not show is on a later page when there is one; with no later
 * page the list does not know the chat, and gives up.
 */
export function listWithEvent(list: ListChatsResult, chatId: string, event: ChatEvent): ListChatsResult | undefined {
  return listWithSummary(list, chatId, (summary) =>
    event.threadId !== summary.lastThreadId
      ? undefined
      : {
          ...summary,
          lastEventsPerType: { ...(summary.lastEventsPerType ?? {}), [event.type]: event },
          lastEvent: event,
          eventsSeenUpToMap: seenMap(summary.eventsSeenUpToMap, event.authorId, event.createdAt),
        },
  );
}

/**
 * The list after a change to one summary; `undefined` from `change` gives the list up. A chat the
 * page does not show is on a later page when there is one; with no later page the list gives up.
 */
export function listWithSummary(
  list: ListChatsResult,
  chatId: string,
  change: (summary: ChatSummary) => ChatSummary | undefined,
): ListChatsResult | undefined {
  const summary = list.chatsSummary.find((known) => known.id === chatId);
  if (!summary) return list.nextPageId !== null ? list : undefined;
  const updated = change(summary);
  if (!updated) return undefined;
  return { ...list, chatsSummary: list.chatsSummary.map((known) => (known === summary ? updated : known)) };
}

export const summarySeen = (summary: ChatSummary, userId: string, seenUpTo: string): ChatSummary => ({
  ...summary,
  eventsSeenUpToMap: seenMap(summary.eventsSeenUpToMap, userId, seenUpTo),
});

// ---- history pages -------------------------------------------------------------------------

/** A `listThreads` page after a live event: the event joins its thread if the page shows it. */
export function threadsWithEvent(page: ListThreadsResult, event: ChatEvent): ListThreadsResult {
  if (!page.threads.some((thread) => thread.id === event.threadId)) return page;
  return {
    ...page,
    threads: page.threads.map((thread) =>
      thread.id !== event.threadId || thread.events.some((known) => known.id === event.id)
        ? thread
        : { ...thread, events: [...thread.events, event] },
    ),
  };
}

// ---- the cold-start payload ----------------------------------------------------------------

export function cachedStatePayload(
  meta: Pick<MetaRecord, 'savedAt' | 'connected' | 'chatList' | 'greetings'>,
  chats: Chat[],
): CachedStatePayload {
  const availability: Availability | null = meta.connected?.availability ?? null;
  return {
    cached: true,
    customer: meta.connected?.customer ?? null,
    availability,
    chats,
    chatsSummary: meta.chatList?.result.chatsSummary ?? [],
    greetings: meta.greetings,
    savedAt: new Date(meta.savedAt).toISOString(),
  };
}
