// list_chats and list_threads: their page ids (opaque cursors), the checks on their paging fields,
// and the pages they answer. Split from rtm.ts; the handlers are registered there.
import { ownChat, type Ctx, type Result } from './handler';
import { wireThread, wireUsers } from './projections';
import { isActive, lastThread, type Chat, type Thread } from './state';
import { invalid, isObject, parseJson, requiredString, type Obj } from './validate';
import type { WireThread } from './wire';

type SortOrder = 'asc' | 'desc';

function isSortOrder(value: unknown): value is SortOrder {
  return value === 'asc' || value === 'desc';
}

/** `sort_order`, newest first when absent. */
function sortOrder(value: unknown): SortOrder {
  const order = value ?? 'desc';
  if (!isSortOrder(order)) throw invalid('sort_order must be "asc" or "desc"');
  return order;
}

/** A page size: an integer from 1 to the action's maximum (also what a page id may hold). */
function isPageSize(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}

/** Where a page starts in the whole list: what a page id holds besides the page size and order. */
function isOffset(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function pageSize(value: unknown, field: string, max: number): number {
  if (!isPageSize(value, max)) throw invalid(`${field} must be an integer between 1 and ${max}`);
  return value;
}

/**
 * The request's page_id, undefined when it has none. A page id stands for all the paging fields it
 * was made from, so none of `fields` may come with it.
 */
function requestedPageId(payload: Obj, fields: readonly string[]): string | undefined {
  if (payload.page_id === undefined) return undefined;
  if (fields.some((f) => payload[f] !== undefined)) {
    throw invalid(`page_id cannot be combined with ${fields.slice(0, -1).join(', ')} or ${fields[fields.length - 1]}`);
  }
  return requiredString(payload.page_id, 'page_id');
}

/** Page ids are opaque to clients: a cursor's fields as base64url JSON. */
function encodePageId(fields: Obj): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/** The fields of a page id, or undefined when it is not one; each action checks its own fields. */
function decodePageId(pageId: string): Obj | undefined {
  const raw = parseJson(Buffer.from(pageId, 'base64url').toString('utf8'));
  return isObject(raw) ? raw : undefined;
}

// ---- list_chats -----------------------------------------------------------------------------

const CHATS_DEFAULT_LIMIT = 10;
const CHATS_MAX = 25;

interface PageCursor {
  offset: number;
  limit: number;
  order: SortOrder;
}

function encodeCursor(c: PageCursor): string {
  return encodePageId({ o: c.offset, l: c.limit, s: c.order });
}

function decodeCursor(pageId: string): PageCursor {
  const raw = decodePageId(pageId);
  if (raw !== undefined && isOffset(raw.o) && isPageSize(raw.l, CHATS_MAX) && isSortOrder(raw.s)) {
    return { offset: raw.o, limit: raw.l, order: raw.s };
  }
  throw invalid('page_id is invalid');
}

export function listChats(ctx: Ctx): Result {
  const p = ctx.request.payload;
  const pageId = requestedPageId(p, ['limit', 'sort_order']);
  let cursor: PageCursor;
  if (pageId !== undefined) {
    cursor = decodeCursor(pageId);
  } else {
    // A null limit means the default here, as it always has (list_threads refuses it).
    const limit = pageSize(p.limit ?? CHATS_DEFAULT_LIMIT, 'limit', CHATS_MAX);
    cursor = { offset: 0, limit, order: sortOrder(p.sort_order) };
  }

  // Ordered by the creation time of the last thread (API), newest first unless asked otherwise.
  const chats = ctx.state.chatsOf(ctx.session.organizationId, ctx.customer.id).sort((a, b) => {
    const ta = lastThread(a)?.createdAt ?? '';
    const tb = lastThread(b)?.createdAt ?? '';
    return ta === tb ? a.seq - b.seq : ta < tb ? -1 : 1;
  });
  if (cursor.order === 'desc') chats.reverse();

  const page = chats.slice(cursor.offset, cursor.offset + cursor.limit);
  const response: Record<string, unknown> = {
    chats_summary: page.map((c) => chatSummary(ctx, c)),
    total_chats: chats.length,
  };
  if (cursor.offset + cursor.limit < chats.length) response.next_page_id = encodeCursor({ ...cursor, offset: cursor.offset + cursor.limit });
  if (cursor.offset > 0) response.previous_page_id = encodeCursor({ ...cursor, offset: Math.max(0, cursor.offset - cursor.limit) });
  return { response };
}

function chatSummary(ctx: Ctx, chat: Chat) {
  const last = lastThread(chat);
  const lastPerType: Record<string, { thread_id: string; thread_created_at: string; event: unknown }> = {};
  // Threads and their events are chronological, so the last write per type wins.
  for (const thread of chat.threads) {
    for (const event of thread.events) {
      lastPerType[event.type] = { thread_id: thread.id, thread_created_at: thread.createdAt, event };
    }
  }
  return {
    id: chat.id,
    active: isActive(chat),
    access: chat.access,
    properties: chat.properties,
    users: wireUsers(ctx.state, ctx.session.organizationId, chat),
    last_thread_id: last?.id ?? null,
    last_thread_created_at: last?.createdAt ?? null,
    last_event_per_type: lastPerType,
  };
}

// ---- list_threads ---------------------------------------------------------------------------

/** A page of threads: where it starts, in which order, and how big it is (a thread count or an event target). */
interface ThreadCursor {
  chatId: string;
  offset: number;
  order: SortOrder;
  size: { limit: number } | { minEvents: number };
}

const THREADS_DEFAULT_LIMIT = 3;
const THREADS_MAX = 100;

function encodeThreadCursor(c: ThreadCursor): string {
  const size = 'limit' in c.size ? { l: c.size.limit } : { m: c.size.minEvents };
  return encodePageId({ c: c.chatId, o: c.offset, s: c.order, ...size });
}

function decodeThreadCursor(pageId: string, chatId: string): ThreadCursor {
  const raw = decodePageId(pageId);
  if (raw !== undefined && raw.c === chatId && isOffset(raw.o) && isSortOrder(raw.s)) {
    const at = { chatId, offset: raw.o, order: raw.s };
    if (isPageSize(raw.l, THREADS_MAX) && raw.m === undefined) return { ...at, size: { limit: raw.l } };
    if (isPageSize(raw.m, THREADS_MAX) && raw.l === undefined) return { ...at, size: { minEvents: raw.m } };
  }
  throw invalid('page_id is invalid');
}

/** list_threads has two page size fields, both optional: which one is given decides the default. */
function threadsPageSize(value: unknown, field: string): number | undefined {
  return value === undefined ? undefined : pageSize(value, field, THREADS_MAX);
}

/** Where a page of `size` that ends just before `end` starts (for previous_page_id). */
function pageStartBefore(threads: Thread[], end: number, size: ThreadCursor['size']): number {
  if ('limit' in size) return Math.max(0, end - size.limit);
  let start = end;
  let events = 0;
  while (start > 0 && events < size.minEvents) events += threads[--start]?.events.length ?? 0;
  return start;
}

/** Where a page of `size` that starts at `start` ends (exclusive); never empty while threads remain. */
function pageEndFrom(threads: Thread[], start: number, size: ThreadCursor['size']): number {
  if ('limit' in size) return Math.min(threads.length, start + size.limit);
  let end = start;
  let events = 0;
  while (end < threads.length && events < size.minEvents) events += threads[end++]?.events.length ?? 0;
  return end;
}

/**
 * `{chat_id, limit? | min_events_count?, sort_order?}` or `{chat_id, page_id}` → threads with their events,
 * newest first by default. With min_events_count a page holds as many threads as it takes to reach that
 * many events (getChatHistory of SDK 4.x asks for 25).
 */
export function listThreads(ctx: Ctx): Result {
  const p = ctx.request.payload;
  const chat = ownChat(ctx, p.chat_id, 'chat_id');
  const pageId = requestedPageId(p, ['limit', 'min_events_count', 'sort_order']);
  let cursor: ThreadCursor;
  if (pageId !== undefined) {
    cursor = decodeThreadCursor(pageId, chat.id);
  } else {
    const limit = threadsPageSize(p.limit, 'limit');
    const minEvents = threadsPageSize(p.min_events_count, 'min_events_count');
    if (limit !== undefined && minEvents !== undefined) throw invalid('limit and min_events_count cannot be combined');
    const order = sortOrder(p.sort_order);
    const size = minEvents !== undefined ? { minEvents } : { limit: limit ?? THREADS_DEFAULT_LIMIT };
    cursor = { chatId: chat.id, offset: 0, order, size };
  }

  const ordered = cursor.order === 'desc' ? [...chat.threads].reverse() : [...chat.threads];
  const start = Math.min(cursor.offset, ordered.length);
  const end = pageEndFrom(ordered, start, cursor.size);
  const response: Record<string, unknown> = {
    threads: ordered.slice(start, end).map((t) => listedThread(chat, t)),
    found_threads: ordered.length,
  };
  if (end < ordered.length) response.next_page_id = encodeThreadCursor({ ...cursor, offset: end });
  if (start > 0) response.previous_page_id = encodeThreadCursor({ ...cursor, offset: pageStartBefore(ordered, start, cursor.size) });
  return { response };
}

/** A thread as list_threads shows it: with links to its chronological neighbours. */
function listedThread(chat: Chat, thread: Thread): WireThread {
  const wire = wireThread(chat, thread);
  const index = chat.threads.indexOf(thread);
  const previous = chat.threads[index - 1];
  const next = chat.threads[index + 1];
  if (previous !== undefined) wire.previous_thread_id = previous.id;
  if (next !== undefined) wire.next_thread_id = next.id;
  return wire;
}
