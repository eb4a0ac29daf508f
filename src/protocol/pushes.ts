/**
 * Server push → SDK events. Pure: the runtime parses a push once and fans the result out
 * unchanged to every tab.
 */
import type { SdkEventMap, SdkEventName } from '../shared/events';
import { parseChat, parsePropertyKeys, parseQueue, parseSessionFields, parseUser, requiredProperties } from './parse';
import { parseGreeting } from './parse-engagement';
import { parseEvent } from './parse-events';
import { object, ProtocolError, string, stringOrUndefined } from './wire-values';
import type { ChatTransferredPayload, CustomerUpdatedPayload, Queue, ThinkingIndicatorPayload, User } from '../shared/types';
import type { Json } from '../shared/validate';

export type SdkEvent = { [E in SdkEventName]: { name: E; payload: SdkEventMap[E] } }[SdkEventName];

/** The `user_data` event for one user of a push or of a result (see `UserData` for the customer's `fields`). */
export const userData = (user: User): SdkEvent => ({
  name: 'user_data',
  payload: user.type === 'customer' ? { ...user, fields: { ...user.sessionFields } } : user,
});

/** The ids most pushes carry; a push without them cannot be tied to anything, so it is malformed. */
const chatIdOf = (payload: Json) => string(payload.chat_id, 'chat_id');
const threadIdOf = (payload: Json) => string(payload.thread_id, 'thread_id');
const eventIdOf = (payload: Json) => string(payload.event_id, 'event_id');

/**
 * `groups_status_updated` → availability. Like the official SDK, only the first group counts (the
 * server sends the group the customer is in); `online_for_queue` still lets a customer chat.
 */
function availability(payload: Json): SdkEvent {
  const groups = Array.isArray(payload.groups) ? payload.groups : [];
  if (groups.length === 0) throw new ProtocolError('groups_status_updated has no groups');
  const status = object(groups[0], 'groups[0]').status;
  return { name: 'availability_updated', payload: { availability: status === 'offline' ? 'offline' : 'online' } };
}

function chatTransferred(payload: Json): SdkEvent {
  const to = object(payload.transferred_to, 'transferred_to');
  const reason = stringOrUndefined(payload.reason) ?? '';
  const transferred: ChatTransferredPayload = {
    chatId: chatIdOf(payload),
    threadId: stringOrUndefined(payload.thread_id) ?? null,
    reason,
    transferredTo: {},
    queue: parseQueue(payload.queue),
  };
  if (Array.isArray(to.agent_ids)) transferred.transferredTo.agentIds = to.agent_ids.filter((id) => typeof id === 'string');
  if (Array.isArray(to.group_ids)) transferred.transferredTo.groupIds = to.group_ids.filter((id) => typeof id === 'number');
  // The v5 docs name the requester only for manual transfers (routing has no requester).
  if (reason === 'manual' && typeof payload.requester_id === 'string') transferred.requesterId = payload.requester_id;
  return { name: 'chat_transferred', payload: transferred };
}

/** Only the fields the push carries: each one present means "this changed". */
function customerUpdated(payload: Json): SdkEvent {
  const updated: CustomerUpdatedPayload = {};
  for (const key of ['id', 'name', 'email', 'avatar'] as const) {
    const value = stringOrUndefined(payload[key]);
    if (value !== undefined) updated[key] = value;
  }
  // Project decision: the v5 name `fields`, not 4.0.2's `sessionFields`.
  if (payload.session_fields !== undefined) updated.fields = parseSessionFields(payload.session_fields);
  return { name: 'customer_updated', payload: updated };
}

function thinkingIndicator(payload: Json): SdkEvent {
  const indicator: ThinkingIndicatorPayload = {
    chatId: chatIdOf(payload),
    threadId: threadIdOf(payload),
    authorId: string(payload.author_id, 'author_id'),
    sentAt: stringOrUndefined(payload.sent_at) ?? '',
  };
  for (const [wire, key] of [['title', 'title'], ['description', 'description'], ['custom_id', 'customId']] as const) {
    const value = stringOrUndefined(payload[wire]);
    if (value !== undefined) indicator[key] = value;
  }
  return { name: 'incoming_thinking_indicator', payload: indicator };
}

/**
 * `thread_properties_updated`, plus `queue_position_updated` when it carries the legacy
 * `lc2.queue_pos` property: older routing reports queue moves only this way.
 */
function threadPropertiesUpdated(payload: Json): SdkEvent[] {
  const chatId = chatIdOf(payload);
  const threadId = threadIdOf(payload);
  const properties = requiredProperties(payload.properties, 'properties');
  const events: SdkEvent[] = [];
  const lc2 = properties.lc2;
  if (lc2 && lc2.queue_pos !== undefined) {
    const position = Number(lc2.queue_pos);
    const waitTime = Number(lc2.queue_waiting_time ?? 0);
    if (Number.isFinite(position)) {
      const queue: Queue = { position, waitTime: Number.isFinite(waitTime) ? waitTime : 0 };
      events.push({ name: 'queue_position_updated', payload: { chatId, threadId, queue } });
    }
  }
  // After the queue event, in the order the official SDK emits them.
  events.push({ name: 'thread_properties_updated', payload: { chatId, threadId, properties } });
  return events;
}

/**
 * Returns the events a push produces, in the order a tab must see them; `[]` for pushes this SDK
 * does not surface. Throws `ProtocolError` for a push whose required fields are missing.
 */
export function eventsFromPush(action: string, payload: Json): SdkEvent[] {
  switch (action) {
    case 'incoming_chat': {
      const chat = parseChat(payload.chat);
      return [...chat.users.map(userData), { name: 'incoming_chat', payload: { chat } }];
    }
    case 'incoming_event': {
      const threadId = typeof payload.thread_id === 'string' ? payload.thread_id : null;
      const event = parseEvent(payload.event, threadId);
      if (!event || typeof payload.chat_id !== 'string') return [];
      return [{ name: 'incoming_event', payload: { chatId: payload.chat_id, event } }];
    }
    case 'chat_deactivated':
      return typeof payload.chat_id === 'string'
        ? [{ name: 'chat_deactivated', payload: { chatId: payload.chat_id } }]
        : [];
    case 'groups_status_updated':
      return [availability(payload)];
    case 'chat_properties_updated':
      return [
        {
          name: 'chat_properties_updated',
          payload: { chatId: chatIdOf(payload), properties: requiredProperties(payload.properties, 'properties') },
        },
      ];
    case 'chat_properties_deleted':
      return [
        {
          name: 'chat_properties_deleted',
          payload: { chatId: chatIdOf(payload), properties: parsePropertyKeys(payload.properties, 'properties') },
        },
      ];
    case 'chat_transferred':
      return [chatTransferred(payload)];
    case 'customer_updated':
      return [customerUpdated(payload)];
    case 'event_properties_updated':
      return [
        {
          name: 'event_properties_updated',
          payload: {
            chatId: chatIdOf(payload),
            threadId: threadIdOf(payload),
            eventId: eventIdOf(payload),
            properties: requiredProperties(payload.properties, 'properties'),
          },
        },
      ];
    case 'event_properties_deleted':
      return [
        {
          name: 'event_properties_deleted',
          payload: {
            chatId: chatIdOf(payload),
            threadId: threadIdOf(payload),
            eventId: eventIdOf(payload),
            properties: parsePropertyKeys(payload.properties, 'properties'),
          },
        },
      ];
    case 'event_updated': {
      // Unlike incoming_event, the update is still announced for an unsupported type (event: null),
      // so an app can drop its stale copy.
      const threadId = threadIdOf(payload);
      return [{ name: 'event_updated', payload: { chatId: chatIdOf(payload), threadId, event: parseEvent(payload.event, threadId) } }];
    }
    case 'events_marked_as_seen':
      return [
        {
          name: 'events_marked_as_seen',
          payload: {
            chatId: chatIdOf(payload),
            userId: string(payload.user_id, 'user_id'),
            seenUpTo: string(payload.seen_up_to, 'seen_up_to'),
          },
        },
      ];
    case 'greeting_accepted':
    case 'greeting_canceled':
      return [{ name: action, payload: { uniqueId: string(payload.unique_id, 'unique_id') } }];
    case 'incoming_greeting':
      return [{ name: 'incoming_greeting', payload: parseGreeting(payload) }];
    case 'incoming_event_preview': {
      // Previews have no id yet; only message previews exist, other types are dropped like incoming_event.
      const threadId = threadIdOf(payload);
      const event = parseEvent(payload.event, threadId);
      return event ? [{ name: 'incoming_event_preview', payload: { chatId: chatIdOf(payload), threadId, event } }] : [];
    }
    case 'incoming_rich_message_postback':
      return [
        {
          name: 'incoming_rich_message_postback',
          payload: {
            userId: string(payload.user_id, 'user_id'),
            chatId: chatIdOf(payload),
            threadId: threadIdOf(payload),
            eventId: eventIdOf(payload),
            postback: object(payload.postback, 'postback'),
          },
        },
      ];
    case 'incoming_thinking_indicator':
      return [thinkingIndicator(payload)];
    case 'incoming_typing_indicator': {
      const indicator = object(payload.typing_indicator, 'typing_indicator');
      return [
        {
          name: 'incoming_typing_indicator',
          payload: {
            chatId: chatIdOf(payload),
            typingIndicator: { authorId: string(indicator.author_id, 'typing_indicator.author_id'), isTyping: indicator.is_typing === true },
          },
        },
      ];
    }
    case 'incoming_welcome_message': {
      // The welcome message is not in a thread yet, hence threadId null (as for greetings).
      const event = parseEvent(payload.event, null);
      return event ? [{ name: 'incoming_welcome_message', payload: { id: string(payload.id, 'id'), event } }] : [];
    }
    case 'queue_position_updated': {
      const queue = parseQueue(payload.queue);
      if (!queue) throw new ProtocolError('queue_position_updated has no queue position');
      return [{ name: 'queue_position_updated', payload: { chatId: chatIdOf(payload), threadId: threadIdOf(payload), queue } }];
    }
    case 'thread_properties_updated':
      return threadPropertiesUpdated(payload);
    case 'thread_properties_deleted':
      return [
        {
          name: 'thread_properties_deleted',
          payload: {
            chatId: chatIdOf(payload),
            threadId: threadIdOf(payload),
            properties: parsePropertyKeys(payload.properties, 'properties'),
          },
        },
      ];
    case 'user_added_to_chat': {
      const user = parseUser(payload.user);
      const chatId = chatIdOf(payload);
      // user_data first, so a listener of user_added_to_chat can already look the user up.
      return [userData(user), { name: 'user_added_to_chat', payload: { chatId, user, present: user.present === true } }];
    }
    case 'user_removed_from_chat': {
      const removed = { chatId: chatIdOf(payload), userId: string(payload.user_id, 'user_id') };
      const reason = stringOrUndefined(payload.reason);
      return [{ name: 'user_removed_from_chat', payload: reason === undefined ? removed : { ...removed, reason } }];
    }
    default:
      return [];
  }
}
