// Wire shapes of the Customer Chat API (3.6, and 3.5 for the official SDK 4.x) as the emulator emits them.
// Written from the API reference (wire-protocol.md), deliberately independent of src/:
// if the SDK gets a field name wrong, the emulator must not share the mistake.

/** The newest version served; the default for everything that does not know its connection. */
export const API_VERSION = '3.6';
/** Versions with an RTM endpoint (`/v{version}/customer/rtm/ws`); any other gets `unsupported_version`. */
export const API_VERSIONS = ['3.5', '3.6'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export function isApiVersion(value: string): value is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(value);
}

/** Methods added in 3.6 (wire-protocol.md §13.1): a 3.5 connection answers them with a validation error. */
export const ACTIONS_SINCE_3_6: ReadonlySet<string> = new Set(['delete_event', 'request_welcome_message', 'send_greeting_button_clicked']);
/** Pushes added in 3.6: never sent on a 3.5 connection. */
const PUSHES_SINCE_3_6: ReadonlySet<string> = new Set(['event_deleted', 'incoming_event_preview', 'incoming_thinking_indicator', 'incoming_welcome_message']);
/** Pushes removed in 3.6: sent on 3.5 connections only. */
const PUSHES_UNTIL_3_5: ReadonlySet<string> = new Set(['customer_page_updated']);

/** Whether a push exists on a connection of this version. */
export function pushExists(action: string, version: ApiVersion): boolean {
  return version === '3.5' ? !PUSHES_SINCE_3_6.has(action) : !PUSHES_UNTIL_3_5.has(action);
}

/** Frame payloads: any JSON object; the concrete shapes below are what the emulator puts in them. */
export type Payload = object;

/** Error types are lowercase on the wire; the SDK upper-cases them into error codes. */
export type ErrorType =
  | 'validation'
  | 'authentication'
  | 'authorization'
  | 'not_found'
  | 'chat_inactive'
  | 'chat_limit_reached'
  | 'chat_already_active'
  | 'unsupported_version'
  | 'customer_banned'
  | 'users_limit_reached'
  | 'pending_requests_limit_reached'
  | 'greeting_not_found'
  | 'group_offline'
  | 'groups_offline'
  | 'group_not_found'
  | 'group_unavailable'
  | 'customer_session_fields_limit_reached'
  | 'service_unavailable'
  | 'internal';

export interface WireError {
  type: ErrorType;
  message: string;
}

export interface ResponseFrame {
  request_id?: string;
  action?: string;
  type: 'response';
  success: boolean;
  payload: Payload;
}

export interface PushFrame {
  request_id?: string;
  version: string;
  action: string;
  type: 'push';
  payload: Payload;
}

export type ServerFrame = ResponseFrame | PushFrame;

export function okResponse(action: string, requestId: string | undefined, payload: Payload): ResponseFrame {
  const frame: ResponseFrame = { action, type: 'response', success: true, payload };
  if (requestId !== undefined) frame.request_id = requestId;
  return frame;
}

export function errorResponse(action: string | undefined, requestId: string | undefined, error: WireError): ResponseFrame {
  const frame: ResponseFrame = {
    type: 'response',
    success: false,
    payload: { error: { type: error.type, message: error.message } },
  };
  // Garbage frames may have no readable action; the SDK matches on request_id only, so leaving it out is safe.
  if (action !== undefined) frame.action = action;
  if (requestId !== undefined) frame.request_id = requestId;
  return frame;
}

export function pushFrame(action: string, payload: Payload, requestId?: string, version: ApiVersion = API_VERSION): PushFrame {
  const frame: PushFrame = { version, action, type: 'push', payload };
  if (requestId !== undefined) frame.request_id = requestId;
  return frame;
}

export interface WireStatistics {
  chats_count: number;
  threads_count: number;
  visits_count: number;
  page_views_count: number;
  greetings_shown_count: number;
  greetings_accepted_count: number;
}

export type SessionFields = Array<Record<string, string>>;

/** What every wire form of a customer carries. */
export interface WireCustomerProfile {
  id: string;
  type: 'customer';
  name?: string;
  email?: string;
  avatar?: string;
  session_fields: SessionFields;
}

/** The customer as login and get_customer answer. */
export interface WireCustomer extends WireCustomerProfile {
  statistics: WireStatistics;
}

/** The customer as a user of a chat. */
export interface WireCustomerUser extends WireCustomerProfile {
  present: boolean;
  events_seen_up_to: string;
}

export interface WireAgentUser {
  id: string;
  type: 'agent';
  name: string;
  avatar: string;
  job_title: string;
  present: boolean;
  events_seen_up_to: string;
}

export type WireUser = WireCustomerUser | WireAgentUser;

export type Properties = Record<string, Record<string, unknown>>;

export interface WireAccess {
  group_ids: number[];
}

/** Events are stored exactly as they go on the wire: type-specific fields vary, so keep it open. */
export interface WireEvent {
  id: string;
  type: string;
  author_id: string;
  created_at: string;
  properties: Properties;
  custom_id?: string;
  [field: string]: unknown;
}

/** A queued thread's place; `queue_position_updated` carries it without `queued_at`. */
export interface WireQueue {
  position: number;
  wait_time: number;
  queued_at: string;
}

export interface WireThread {
  id: string;
  active: boolean;
  created_at: string;
  user_ids: string[];
  events: WireEvent[];
  properties: Properties;
  access: WireAccess;
  queue?: WireQueue;
  /** list_threads only: the chronological neighbours. */
  previous_thread_id?: string;
  next_thread_id?: string;
}

export interface WireChat {
  id: string;
  users: WireUser[];
  access: WireAccess;
  properties: Properties;
  thread: WireThread;
}

export const CUSTOMER_EVENT_TYPES = ['message', 'file', 'filled_form', 'system_message', 'custom'] as const;
export const MAX_MESSAGE_LENGTH = 16384;
