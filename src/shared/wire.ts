/**
 * Customer Chat API 3.6 RTM wire types (snake_case), as documented in `spec/wire-protocol.md`.
 * Fields the server may omit are optional: parsers must not trust a frame's shape.
 */

export const API_VERSION = '3.6';

export type WireProperties = Record<string, Record<string, unknown>>;

export interface WireRequest {
  request_id: string;
  action: string;
  payload: Record<string, unknown>;
  version?: string;
}

export interface WireResponse {
  request_id?: string;
  action: string;
  type: 'response';
  success: boolean;
  payload?: Record<string, unknown>;
}

export interface WirePush {
  request_id?: string;
  action: string;
  type: 'push';
  version?: string;
  payload?: Record<string, unknown>;
}

export type WireFrame = WireResponse | WirePush;

export interface WireError {
  type: string;
  message: string;
  data?: unknown;
}

export interface WireUser {
  id: string;
  type: string;
  name?: string;
  email?: string;
  avatar?: string;
  job_title?: string;
  present?: boolean;
  events_seen_up_to?: string;
  session_fields?: Array<Record<string, string>>;
  statistics?: Record<string, number>;
}

export interface WireEvent {
  id?: string;
  type: string;
  author_id?: string;
  created_at?: string;
  custom_id?: string;
  properties?: WireProperties;
  [field: string]: unknown;
}

export interface WireThread {
  id: string;
  active?: boolean;
  created_at?: string;
  user_ids?: string[];
  events?: WireEvent[];
  access?: { group_ids?: number[] };
  properties?: WireProperties;
  previous_thread_id?: string;
  next_thread_id?: string;
  queue?: { position: number; wait_time: number; queued_at?: string };
}

export interface WireChat {
  id: string;
  users?: WireUser[];
  access?: { group_ids?: number[] };
  properties?: WireProperties;
  thread?: WireThread;
}
