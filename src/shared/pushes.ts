/**
 * Server push → SDK events. Pure: the runtime parses a push once and fans the result out
 * unchanged to every tab.
 */
import type { SdkEventMap, SdkEventName } from './events';
import { parseChat, parseEvent } from './parse';
import type { Json } from './validate';

export type SdkEvent = { [E in SdkEventName]: { name: E; payload: SdkEventMap[E] } }[SdkEventName];

/**
 * Returns the events a push produces, in the order a tab must see them; `[]` for pushes this SDK
 * does not surface. Throws `ProtocolError` for a push whose required fields are missing.
 */
export function eventsFromPush(action: string, payload: Json): SdkEvent[] {
  switch (action) {
    case 'incoming_chat': {
      const chat = parseChat(payload.chat);
      return [
        ...chat.users.map((user): SdkEvent => ({ name: 'user_data', payload: user })),
        { name: 'incoming_chat', payload: { chat } },
      ];
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
    default:
      return [];
  }
}
