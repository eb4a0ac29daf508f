/** The events an SDK instance emits, with their payloads (Customer SDK v5 names and shapes). */
import type { Chat, ChatEvent, ConnectedPayload, DisconnectedPayload, User } from './types';

export interface SdkEventMap {
  connected: ConnectedPayload;
  disconnected: DisconnectedPayload;
  customer_id: string;
  identity_changed: { previousId: string; newId: string };
  connection_unstable: void;
  connection_recovered: void;
  incoming_chat: { chat: Chat };
  incoming_event: { chatId: string; event: ChatEvent };
  chat_deactivated: { chatId: string };
  user_data: User;
}

export type SdkEventName = keyof SdkEventMap;

export const SDK_EVENT_NAMES: readonly SdkEventName[] = [
  'connected',
  'disconnected',
  'customer_id',
  'identity_changed',
  'connection_unstable',
  'connection_recovered',
  'incoming_chat',
  'incoming_event',
  'chat_deactivated',
  'user_data',
];

export type SdkEventListener<E extends SdkEventName> = (payload: SdkEventMap[E]) => void;
