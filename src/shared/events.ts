/** The events an SDK instance emits, with their payloads (Customer SDK v5 names and shapes). */
import type {
  Availability,
  CachedStatePayload,
  Chat,
  ChatEvent,
  ChatTransferredPayload,
  ConnectedPayload,
  CustomerUpdatedPayload,
  DisconnectedPayload,
  Greeting,
  Properties,
  PropertyKeys,
  QueuePositionPayload,
  RichMessagePostbackPayload,
  ThinkingIndicatorPayload,
  TypingIndicatorPayload,
  User,
  UserData,
  UserRemovedPayload,
} from './types';

export interface SdkEventMap {
  connected: ConnectedPayload;
  /** This SDK only: the state the cache held, offered before the login completes (see `CachedStatePayload`). */
  cached_state: CachedStatePayload;
  disconnected: DisconnectedPayload;
  customer_id: string;
  identity_changed: { previousId: string; newId: string };
  connection_unstable: void;
  connection_recovered: void;
  incoming_chat: { chat: Chat };
  incoming_event: { chatId: string; event: ChatEvent };
  chat_deactivated: { chatId: string };
  user_data: UserData;
  availability_updated: { availability: Availability };
  chat_properties_deleted: { chatId: string; properties: PropertyKeys };
  chat_properties_updated: { chatId: string; properties: Properties };
  chat_transferred: ChatTransferredPayload;
  customer_updated: CustomerUpdatedPayload;
  event_properties_deleted: { chatId: string; threadId: string; eventId: string; properties: PropertyKeys };
  event_properties_updated: { chatId: string; threadId: string; eventId: string; properties: Properties };
  /** `event` is `null` when the updated event has a type this SDK does not expose. */
  event_updated: { chatId: string; threadId: string; event: ChatEvent | null };
  events_marked_as_seen: { chatId: string; userId: string; seenUpTo: string };
  greeting_accepted: { uniqueId: string };
  greeting_canceled: { uniqueId: string };
  incoming_event_preview: { chatId: string; threadId: string; event: ChatEvent };
  incoming_greeting: Greeting;
  incoming_rich_message_postback: RichMessagePostbackPayload;
  incoming_thinking_indicator: ThinkingIndicatorPayload;
  incoming_typing_indicator: TypingIndicatorPayload;
  incoming_welcome_message: { id: string; event: ChatEvent };
  queue_position_updated: QueuePositionPayload;
  thread_properties_deleted: { chatId: string; threadId: string; properties: PropertyKeys };
  thread_properties_updated: { chatId: string; threadId: string; properties: Properties };
  user_added_to_chat: { chatId: string; user: User; present: boolean };
  user_removed_from_chat: UserRemovedPayload;
}

export type SdkEventName = keyof SdkEventMap;

export const SDK_EVENT_NAMES: readonly SdkEventName[] = [
  'connected',
  'cached_state',
  'disconnected',
  'customer_id',
  'identity_changed',
  'connection_unstable',
  'connection_recovered',
  'incoming_chat',
  'incoming_event',
  'chat_deactivated',
  'user_data',
  'availability_updated',
  'chat_properties_deleted',
  'chat_properties_updated',
  'chat_transferred',
  'customer_updated',
  'event_properties_deleted',
  'event_properties_updated',
  'event_updated',
  'events_marked_as_seen',
  'greeting_accepted',
  'greeting_canceled',
  'incoming_event_preview',
  'incoming_greeting',
  'incoming_rich_message_postback',
  'incoming_thinking_indicator',
  'incoming_typing_indicator',
  'incoming_welcome_message',
  'queue_position_updated',
  'thread_properties_deleted',
  'thread_properties_updated',
  'user_added_to_chat',
  'user_removed_from_chat',
];

export type SdkEventListener<E extends SdkEventName> = (payload: SdkEventMap[E]) => void;
