/**
 * Wire → SDK parsers for customers, users, chats, threads and their lists, and the login. Pure
 * functions: no state, no I/O. Events are parsed in `parse-events.ts`, greetings, forms, URL
 * previews and welcome messages in `parse-engagement.ts`, on the primitives of `wire-values.ts`.
 *
 * They never trust the frame: a missing optional field gets the documented default, a missing
 * required one throws a `ProtocolError` that the worker logs and drops, so a malformed frame can
 * never take the runtime down.
 */
import type {
  Access,
  Agent,
  Availability,
  Chat,
  ChatEvent,
  ChatSummary,
  ConnectedPayload,
  Customer,
  CustomerStatistics,
  ListChatsResult,
  ListThreadsResult,
  Properties,
  PropertyKeys,
  Queue,
  Thread,
  User,
} from '../shared/types';
import { isPlainObject, type Json } from '../shared/validate';
import { parseGreeting } from './parse-engagement';
import { parseEvent, parseEvents } from './parse-events';
import { array, object, properties, string, stringOrUndefined } from './wire-values';

/** Properties a push is about: unlike inside a chat, a push without them says nothing, so it is malformed. */
export function requiredProperties(value: unknown, what: string): Properties {
  return object(value, what) as Properties;
}

/** `{ns: [keys]}` of a delete push; keys that are not strings are dropped rather than failing the push. */
export function parsePropertyKeys(value: unknown, what: string): PropertyKeys {
  const keys: PropertyKeys = {};
  for (const [namespace, names] of Object.entries(object(value, what))) {
    keys[namespace] = array(names).filter((name): name is string => typeof name === 'string');
  }
  return keys;
}

function access(value: unknown): Access {
  if (isPlainObject(value) && Array.isArray(value.group_ids)) {
    return { groupIds: value.group_ids.filter((id): id is number => typeof id === 'number') };
  }
  return {};
}

/** `[{a: '1'}, {b: '2'}]` → `{a: '1', b: '2'}`, order kept. */
export function parseSessionFields(value: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const entry of array(value)) {
    if (!isPlainObject(entry)) continue;
    for (const [key, fieldValue] of Object.entries(entry)) fields[key] = String(fieldValue);
  }
  return fields;
}

function statistics(value: Json): CustomerStatistics {
  const number = (key: string) => (typeof value[key] === 'number' ? (value[key] as number) : 0);
  return {
    chatsCount: number('chats_count'),
    threadsCount: number('threads_count'),
    visitsCount: number('visits_count'),
    pageViewsCount: number('page_views_count'),
    greetingsShownCount: number('greetings_shown_count'),
    greetingsAcceptedCount: number('greetings_accepted_count'),
  };
}

export function parseCustomer(value: unknown): Customer {
  const wire = object(value, 'customer');
  const customer: Customer = {
    id: string(wire.id, 'customer.id'),
    type: 'customer',
    sessionFields: parseSessionFields(wire.session_fields),
  };
  for (const key of ['name', 'email', 'avatar'] as const) {
    const field = stringOrUndefined(wire[key]);
    if (field !== undefined) customer[key] = field;
  }
  if (isPlainObject(wire.statistics)) customer.statistics = statistics(wire.statistics);
  if (typeof wire.present === 'boolean') customer.present = wire.present;
  return customer;
}

export function parseUser(value: unknown): User {
  const wire = object(value, 'user');
  if (wire.type === 'customer') return parseCustomer(wire);
  // Any user that is not the customer is an agent (bots included), as in the official SDK.
  const agent: Agent = {
    id: string(wire.id, 'user.id'),
    type: 'agent',
    name: stringOrUndefined(wire.name) ?? '',
    avatar: stringOrUndefined(wire.avatar) ?? '',
    jobTitle: stringOrUndefined(wire.job_title) ?? '',
  };
  if (typeof wire.present === 'boolean') agent.present = wire.present;
  return agent;
}

function eventsSeenUpToMap(users: unknown): Record<string, string | null> {
  const map: Record<string, string | null> = {};
  for (const user of array(users)) {
    if (isPlainObject(user) && typeof user.id === 'string') {
      map[user.id] = stringOrUndefined(user.events_seen_up_to) ?? null;
    }
  }
  return map;
}

export function parseQueue(value: unknown): Queue | null {
  if (!isPlainObject(value) || typeof value.position !== 'number') return null;
  const parsed: Queue = {
    position: value.position,
    waitTime: typeof value.wait_time === 'number' ? value.wait_time : 0,
  };
  if (typeof value.queued_at === 'string') parsed.queuedAt = value.queued_at;
  return parsed;
}

export function parseThread(value: unknown, chatId: string): Thread {
  const wire = object(value, 'thread');
  const id = string(wire.id, 'thread.id');
  return {
    id,
    chatId,
    active: wire.active === true,
    access: access(wire.access),
    createdAt: stringOrUndefined(wire.created_at) ?? '',
    userIds: array(wire.user_ids).filter((userId): userId is string => typeof userId === 'string'),
    events: parseEvents(wire.events, id),
    properties: properties(wire.properties),
    previousThreadId: stringOrUndefined(wire.previous_thread_id) ?? null,
    nextThreadId: stringOrUndefined(wire.next_thread_id) ?? null,
    queue: parseQueue(wire.queue),
  };
}

export function parseChat(value: unknown): Chat {
  const wire = object(value, 'chat');
  const id = string(wire.id, 'chat.id');
  return {
    id,
    access: access(wire.access),
    users: array(wire.users).map(parseUser),
    properties: properties(wire.properties),
    eventsSeenUpToMap: eventsSeenUpToMap(wire.users),
    thread: isPlainObject(wire.thread) ? parseThread(wire.thread, id) : null,
  };
}

function chatSummary(value: unknown): ChatSummary {
  const wire = object(value, 'chat summary');
  const summary: ChatSummary = {
    id: string(wire.id, 'chat summary id'),
    active: wire.active === true,
    access: access(wire.access),
    properties: properties(wire.properties),
    users: array(wire.users).map(parseUser),
    lastThreadId: stringOrUndefined(wire.last_thread_id) ?? null,
    lastThreadCreatedAt: stringOrUndefined(wire.last_thread_created_at) ?? null,
    eventsSeenUpToMap: eventsSeenUpToMap(wire.users),
  };
  if (isPlainObject(wire.last_event_per_type)) {
    const perType: Record<string, ChatEvent> = {};
    let newest: { event: ChatEvent; threadCreatedAt: string } | undefined;
    for (const [type, entry] of Object.entries(wire.last_event_per_type)) {
      if (!isPlainObject(entry)) continue;
      const event = parseEvent(entry.event, stringOrUndefined(entry.thread_id) ?? null);
      if (!event) continue;
      perType[type] = event;
      const threadCreatedAt = stringOrUndefined(entry.thread_created_at) ?? '';
      // Newest = later thread; within one thread, later event.
      const isNewer =
        !newest ||
        threadCreatedAt > newest.threadCreatedAt ||
        (threadCreatedAt === newest.threadCreatedAt && event.createdAt > newest.event.createdAt);
      if (isNewer) newest = { event, threadCreatedAt };
    }
    summary.lastEventsPerType = perType;
    if (newest) summary.lastEvent = newest.event;
  }
  return summary;
}

export function parseListChats(value: unknown): ListChatsResult {
  const wire = object(value, 'list_chats response');
  const chatsSummary = array(wire.chats_summary).map(chatSummary);
  const users = new Map<string, User>();
  for (const summary of chatsSummary) for (const user of summary.users) users.set(user.id, user);
  return {
    chatsSummary,
    totalChats: typeof wire.total_chats === 'number' ? wire.total_chats : chatsSummary.length,
    users: [...users.values()],
    previousPageId: stringOrUndefined(wire.previous_page_id) ?? null,
    nextPageId: stringOrUndefined(wire.next_page_id) ?? null,
  };
}

/** Online iff the monitoring group of the dynamic config is among the online groups. */
export function parseAvailability(dynamicConfig: unknown): Availability {
  if (!isPlainObject(dynamicConfig)) return 'offline';
  const groups = isPlainObject(dynamicConfig.customer_groups) ? dynamicConfig.customer_groups : {};
  const monitoring = isPlainObject(groups.monitoring) ? groups.monitoring.id : undefined;
  const online = dynamicConfig.online_groups_ids;
  return Array.isArray(online) && online.includes(monitoring) ? 'online' : 'offline';
}

export function parseLoginResponse(value: unknown): ConnectedPayload {
  const wire = object(value, 'login response');
  const connected: ConnectedPayload = {
    customer: parseCustomer(wire.customer),
    availability: parseAvailability(wire.__priv_dynamic_config),
  };
  if (isPlainObject(wire.greeting)) connected.greeting = parseGreeting(wire.greeting);
  return connected;
}

/** `customer_disconnected` push → `disconnected` payload: the reason plus whatever `data` carried. */
export function parseDisconnected(value: unknown): { reason: string; [key: string]: unknown } {
  const wire = isPlainObject(value) ? value : {};
  const reason = stringOrUndefined(wire.reason) ?? 'internal_error';
  return isPlainObject(wire.data) ? { ...wire.data, reason } : { reason };
}

/** `list_threads` response; threads carry no chat id on the wire, so the caller passes the one it asked about. */
export function parseListThreads(value: unknown, chatId: string): ListThreadsResult {
  const wire = object(value, 'list_threads response');
  return {
    threads: array(wire.threads).map((thread) => parseThread(thread, chatId)),
    previousPageId: stringOrUndefined(wire.previous_page_id) ?? null,
    nextPageId: stringOrUndefined(wire.next_page_id) ?? null,
  };
}
