/**
 * How a live event changes the chat cache, as a pure function: it reads the cache through
 * `CacheView` and returns the changes, which the cache (`cache.ts`) applies in order.
 */
import type { SdkEvent } from '../protocol/pushes';
import type { Chat, ChatSummary, ConnectedPayload, Greeting, ListChatsResult, ListThreadsResult } from '../shared/types';
import {
  boundChat,
  CACHED_GREETINGS,
  chatDeactivated,
  chatSeen,
  chatWithEvent,
  listWithChat,
  listWithEvent,
  listWithSummary,
  summarySeen,
  threadsWithEvent,
} from './cache-records';

export interface CachedChat {
  chat: Chat;
  /** The thread holds all of its events. */
  complete: boolean;
  /** Came from the server during this login and kept up to date since. */
  current: boolean;
}

/** What the reducer reads of the cache. */
export interface CacheView {
  cachedChat(chatId: string): CachedChat | undefined;
  readonly connectedState: ConnectedPayload | null;
  readonly greetingList: readonly Greeting[];
}

export type CacheChange =
  /** The chat becomes the most recently active one, with this entry. */
  | { kind: 'put'; chatId: string; entry: CachedChat }
  /** The chat changes in place (its place in the recency order stays). */
  | { kind: 'edit'; chatId: string; chat: Chat }
  /** The cached chat can no longer answer for the chat. */
  | { kind: 'not-current'; chatId: string }
  /** Not current, its history pages dropped, and with `list` the chat list no longer exact either. */
  | { kind: 'stale'; chatId: string; list: boolean }
  /** The chat list's first page after the event; `undefined` from `change` gives the list up. */
  | { kind: 'list'; change: (list: ListChatsResult, limit: number) => ListChatsResult | undefined }
  | { kind: 'pages'; chatId: string; change: ((page: ListThreadsResult) => ListThreadsResult) | 'drop' }
  | { kind: 'greetings'; greetings: Greeting[] }
  | { kind: 'connected'; payload: ConnectedPayload }
  /** Nothing cached is known exact any more (as when the socket goes). */
  | { kind: 'session-ended' }
  /** The customer-wide record changed. */
  | { kind: 'meta' };

/** The changes an event the tabs were just given makes to the cache. */
export function cacheChanges(view: CacheView, event: SdkEvent): CacheChange[] {
  switch (event.name) {
    case 'incoming_chat': {
      const { chat } = event.payload;
      const { chat: bounded, trimmed } = boundChat(chat);
      return [
        { kind: 'put', chatId: chat.id, entry: { chat: bounded, complete: !trimmed, current: true } },
        // A new thread changes how the chat's history pages.
        { kind: 'pages', chatId: chat.id, change: 'drop' },
        { kind: 'list', change: (list, limit) => listWithChat(list, limit, chat) },
      ];
    }
    case 'incoming_event': {
      const { chatId, event: chatEvent } = event.payload;
      const changes: CacheChange[] = [];
      const entry = view.cachedChat(chatId);
      if (entry) {
        const next = chatWithEvent(entry.chat, chatEvent);
        if (next) {
          const { chat, trimmed } = boundChat(next);
          changes.push({ kind: 'put', chatId, entry: { chat, complete: entry.complete && !trimmed, current: entry.current } });
        } else {
          changes.push({ kind: 'not-current', chatId });
        }
      }
      changes.push(
        { kind: 'pages', chatId, change: (page) => threadsWithEvent(page, chatEvent) },
        { kind: 'list', change: (list) => listWithEvent(list, chatId, chatEvent) },
        { kind: 'meta' },
      );
      return changes;
    }
    case 'chat_deactivated': {
      const { chatId } = event.payload;
      return [
        ...edit(view, chatId, chatDeactivated),
        { kind: 'pages', chatId, change: 'drop' },
        summary(chatId, (known) => ({ ...known, active: false })),
      ];
    }
    case 'events_marked_as_seen': {
      const { chatId, userId, seenUpTo } = event.payload;
      return [...edit(view, chatId, (chat) => chatSeen(chat, userId, seenUpTo)), summary(chatId, (known) => summarySeen(known, userId, seenUpTo))];
    }
    case 'incoming_greeting': {
      const greeting = event.payload;
      const greetings = [...view.greetingList.filter((known) => known.uniqueId !== greeting.uniqueId), greeting].slice(-CACHED_GREETINGS);
      return [{ kind: 'greetings', greetings }];
    }
    case 'greeting_accepted':
    case 'greeting_canceled': {
      const { uniqueId } = event.payload;
      return [{ kind: 'greetings', greetings: view.greetingList.filter((known) => known.uniqueId !== uniqueId) }];
    }
    case 'availability_updated': {
      const connected = view.connectedState;
      return connected ? [{ kind: 'connected', payload: { ...connected, availability: event.payload.availability } }] : [];
    }
    case 'customer_updated': {
      const { name, email, avatar, fields } = event.payload;
      const changes: CacheChange[] = [];
      const connected = view.connectedState;
      if (connected) {
        const customer = { ...connected.customer };
        if (name !== undefined) customer.name = name;
        if (email !== undefined) customer.email = email;
        if (avatar !== undefined) customer.avatar = avatar;
        if (fields !== undefined) customer.sessionFields = fields;
        changes.push({ kind: 'connected', payload: { ...connected, customer } });
      }
      // Chats and summaries embed the customer as a user: no longer exact.
      changes.push({ kind: 'session-ended' });
      return changes;
    }
    case 'chat_properties_updated':
    case 'chat_properties_deleted':
    case 'chat_transferred':
    case 'user_added_to_chat':
    case 'user_removed_from_chat':
    case 'event_updated':
    case 'event_properties_updated':
    case 'event_properties_deleted':
      return [{ kind: 'stale', chatId: event.payload.chatId, list: true }];
    case 'thread_properties_updated':
    case 'thread_properties_deleted':
    case 'queue_position_updated':
      // Summaries carry neither thread properties nor queues: only the chat is affected.
      return [{ kind: 'stale', chatId: event.payload.chatId, list: false }];
    default:
      return [];
  }
}

function edit(view: CacheView, chatId: string, change: (chat: Chat) => Chat): CacheChange[] {
  const entry = view.cachedChat(chatId);
  return entry ? [{ kind: 'edit', chatId, chat: change(entry.chat) }] : [];
}

function summary(chatId: string, change: (summary: ChatSummary) => ChatSummary | undefined): CacheChange {
  return { kind: 'list', change: (list) => listWithSummary(list, chatId, change) };
}
