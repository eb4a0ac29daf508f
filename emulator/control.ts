// The control API (`/__emulator/*`) as types: every request body and every answer, one definition for
// both sides. http.ts and agent.ts are typed against these (a handler reads only the fields its body
// type declares, and returns its response type), and client.ts sends and reads them, so a change on
// one side breaks the other at compile time. Types only, importing nothing but wire.ts (itself
// import-free): the client's declarations carry nothing of Node into a browser test.
import type { Properties, WireAccess, WireCustomer, WireEvent, WireThread, WireUser } from './wire';

/**
 * A body as a handler sees it before validation: every declared field may be missing or of any type.
 * Reading a field the body type does not declare is a compile error, which is what ties the handlers
 * to these definitions.
 */
export type Unchecked<Body> = { [K in keyof Body]?: unknown };

/** Narrows a call to one organization; without it, the call is about every organization. */
export interface OrganizationScope {
  organization_id?: string;
}

// ---- stats and snapshots (GET) ---------------------------------------------------------------

export interface Counters {
  /** Customer WebSocket connections ever opened. */
  totalConnections: number;
  /** Successful logins so far. */
  logins: number;
  /** Count of requests received per action name. */
  requests: Record<string, number>;
  /** Logins refused with `too_many_connections`. */
  refusedConnections: number;
  /** `ping` actions plus WebSocket control pings received. */
  pings: number;
  /** Requests to the upload_file endpoint naming this organization, successful or not. */
  uploads: number;
  /** Pushes written to sockets, per action (after version and subscription filtering). */
  pushes: Record<string, number>;
}

/** The server's counters (see `Counters`), summed over the organizations asked for, and the sockets open now. */
export interface EmulatorStats extends Counters {
  /** Open customer WebSocket connections (authorized or not). */
  openConnections: number;
}

/** `GET /__emulator/health` (and `/`). */
export interface HealthResponse {
  ok: true;
  name: 'livechat-emulator';
  api_version: string;
  api_versions: readonly string[];
}

/** One chat of `GET /__emulator/chats`. `organization_id` only when no organization was asked for. */
export interface ChatSnapshot {
  id: string;
  organization_id?: string;
  customer_id: string;
  active: boolean;
  users: WireUser[];
  access: WireAccess;
  properties: Properties;
  threads: WireThread[];
  /** What the customer is typing (send_sneak_peek), until they send it. */
  sneak_peek: { text: string; updated_at: string } | null;
}

/** One customer of `GET /__emulator/customers`. */
export interface CustomerSnapshot extends WireCustomer {
  organization_id?: string;
  online: boolean;
  connections: number;
  group_id: number | null;
  page: { url: string; title?: string } | null;
  banned: boolean;
}

/** One socket of `GET /__emulator/sockets`, open or recently closed. */
export interface SocketSnapshot {
  id: number;
  organization_id?: string;
  open: boolean;
  customer_id: string | null;
  opened_at: string | null;
  closed_at: string | null;
  /** Text and binary frames received (valid or not); control frames do not count. */
  frames_in: number;
  last_frame_in_at: string | null;
  last_action_in: string | null;
}

/** The agent of a greeting, as `incoming_greeting` carries it. */
export interface GreetingAgent {
  id: string;
  type: 'agent';
  name: string;
  avatar: string;
  job_title: string;
  is_bot: boolean;
}

/** A greeting as `incoming_greeting` carries it. */
export interface WireGreeting {
  id: number;
  unique_id: string;
  displayed_first_time: boolean;
  accepted: boolean;
  subtype: string;
  addon?: string;
  is_exit_intent: boolean;
  event: WireEvent;
  agent: GreetingAgent;
}

/** One greeting of `GET /__emulator/greetings`. */
export interface GreetingSnapshot extends WireGreeting {
  customer_id: string;
  status: 'shown' | 'accepted' | 'canceled';
  /** button ids the customer clicked, in order. */
  button_clicks: string[];
}

// ---- faults and server state (POST) ------------------------------------------------------------

export type FaultType = 'internal' | 'service_unavailable';

export interface FaultsBody extends OrganizationScope {
  /** Required unless `count` is 0. */
  type?: FaultType;
  /** Default 1; 0 drops the pending faults that match instead. */
  count?: number;
  /** Only requests of this action; default any action but `login` and `ping`. */
  action?: string;
}

export interface PendingFault {
  organization_id: string | null;
  action: string | null;
  type: FaultType;
  remaining: number;
}

export interface FaultsResponse {
  pending: PendingFault[];
}

export interface PauseBody extends OrganizationScope {
  /** Resume by itself after this long. */
  duration_ms?: number;
}

export type ResumeBody = OrganizationScope;

export interface RestartBody {
  /** Default true; false forgets everything. */
  keep_state?: boolean;
  /** Refuse upgrades for this long after the restart. Default 0. */
  down_ms?: number;
}

export interface RestartResponse {
  closed: number;
  kept_state: boolean;
}

export interface DisconnectBody {
  organization_id: string;
  /** Every customer of the organization when left out. */
  customer_id?: string;
  reason: string;
  data?: Record<string, unknown>;
}

export interface DisconnectResponse {
  disconnected: number;
}

export interface OutageBody extends OrganizationScope {
  duration_ms: number;
}

export interface OutageResponse {
  terminated: number;
  duration_ms: number;
}

export interface BanBody {
  organization_id: string;
  customer_id: string;
}

export type OrganizationStatus = 'active' | 'expired' | 'missing';

export interface OrganizationBody {
  organization_id: string;
  status?: OrganizationStatus;
  /** `null`: served in every region again. */
  region?: string | null;
}

export interface OrganizationResponse {
  organization_id: string;
  status: OrganizationStatus;
  region: string | null;
}

export interface IdentityBody {
  organization_id: string;
  /** The next token for the browser holding this customer's cookies names a new customer. */
  from_customer_id: string;
}

export interface LatencyBody {
  latency_ms: number;
}

export interface LatencyResponse {
  latency_ms: number;
}

/** `{ ok: true }`, what identity and reset answer. */
export interface OkResponse {
  ok: true;
}

/** The control endpoints with a JSON body and answer: path → body and response. */
export interface ControlPosts {
  '/__emulator/faults': { body: FaultsBody; response: FaultsResponse };
  '/__emulator/pause': { body: PauseBody; response: { paused: true } };
  '/__emulator/resume': { body: ResumeBody; response: { paused: false } };
  '/__emulator/restart': { body: RestartBody; response: RestartResponse };
  '/__emulator/disconnect': { body: DisconnectBody; response: DisconnectResponse };
  '/__emulator/outage': { body: OutageBody; response: OutageResponse };
  '/__emulator/ban': { body: BanBody; response: DisconnectResponse };
  '/__emulator/organizations': { body: OrganizationBody; response: OrganizationResponse };
  '/__emulator/identity': { body: IdentityBody; response: OkResponse };
  '/__emulator/latency': { body: LatencyBody; response: LatencyResponse };
  '/__emulator/reset': { body: Record<string, never>; response: OkResponse };
}

/** The control endpoints read with GET: path → answer (all take `?organization_id=` but health). */
export interface ControlGets {
  '/__emulator/health': HealthResponse;
  '/__emulator/stats': EmulatorStats;
  '/__emulator/chats': { chats: ChatSnapshot[] };
  '/__emulator/customers': { customers: CustomerSnapshot[] };
  '/__emulator/sockets': { sockets: SocketSnapshot[] };
  '/__emulator/greetings': { greetings: GreetingSnapshot[] };
}

// ---- agent actions (POST /__emulator/agent/ACTION) ---------------------------------------------

/** Every agent action names the organization. */
export interface AgentBody {
  organization_id: string;
}

/** Agent actions on one chat. */
export interface ChatBody extends AgentBody {
  chat_id: string;
}

/** An agent's own event: a `message`, `file`, `form`, `rich_message`, `system_message` or `custom`, with that type's fields. */
export interface AgentEventDraft {
  type: 'message' | 'file' | 'form' | 'rich_message' | 'system_message' | 'custom';
  [field: string]: unknown;
}

/** An agent named by id: one the emulator knows, or a new one described by `name` and the rest. */
export interface AgentIdentity {
  name?: string;
  avatar?: string;
  job_title?: string;
  is_bot?: boolean;
}

export interface SendEventBody extends ChatBody {
  /** A message with this text; give `text` or `event`, not both. */
  text?: string;
  event?: AgentEventDraft;
  author_id?: string;
}

export interface UpdateEventBody extends ChatBody {
  event_id: string;
  text: string;
}

export interface TypingBody extends ChatBody {
  /** Default true. */
  is_typing?: boolean;
  author_id?: string;
}

export interface ThinkingBody extends ChatBody {
  title?: string;
  description?: string;
  custom_id?: string;
  author_id?: string;
}

export interface EventPreviewBody extends ChatBody {
  text: string;
  custom_id?: string;
  author_id?: string;
}

export interface QueueBody {
  position: number;
  /** Seconds; default 0. */
  wait_time?: number;
}

export interface TransferBody extends ChatBody {
  /** `group_id` and/or `agent_id`. */
  group_id?: number;
  agent_id?: string;
  /** Default `manual`. */
  reason?: string;
  queue?: QueueBody;
}

export type QueuePositionBody = ChatBody & QueueBody;

export interface AddUserBody extends ChatBody, AgentIdentity {
  /** `second-agent@livechat.local`, `emulator-bot@livechat.local`, or any id with `name`. */
  agent_id: string;
  /** Default `manual`. */
  reason?: string;
}

export type RemovalReason = 'disconnected' | 'signed_out' | 'remotely_signed_out' | 'deleted' | 'chat_deactivated' | 'manual' | 'inactive' | 'other';

export interface RemoveUserBody extends ChatBody {
  user_id: string;
  /** Default `manual`. */
  reason?: RemovalReason;
}

export interface GreetingBody extends AgentBody, AgentIdentity {
  customer_id: string;
  /** A message with this text (default "Hi! Can I help you?"), or `event` (a message or rich message), not both. */
  text?: string;
  event?: AgentEventDraft;
  /** The greeting template's id. Default 1. */
  id?: number;
  subtype?: string;
  addon?: string;
  is_exit_intent?: boolean;
  /** Default the emulator agent. */
  agent_id?: string;
}

export type GroupStatus = 'online' | 'online_for_queue' | 'offline';

export interface GroupBody extends AgentBody {
  group_id: number;
}

export interface GroupStatusBody extends GroupBody {
  status: GroupStatus;
}

export interface GroupSettingsBody extends GroupBody {
  /** false: the group is unknown (`group_not_found`). */
  exists?: boolean;
  /** true: no predicted agent (`group_unavailable`). */
  manual_routing?: boolean;
}

export type FormType = 'prechat' | 'postchat' | 'ask_for_email' | 'ticket';

/** A form as `get_form` answers it. */
export interface WireForm {
  id: string;
  fields: Array<Record<string, unknown>>;
}

export interface FormBody extends GroupBody {
  type: FormType;
  /** Required unless `enabled` is false. */
  form?: WireForm;
  enabled?: false;
}

/** How many of the customer's sockets the push was written to. */
export interface Delivered {
  delivered: number;
}

/** Agent action name → its body and answer. */
export interface AgentActions {
  send_event: { body: SendEventBody; response: { event_id: string } };
  update_event: { body: UpdateEventBody; response: { event_id: string } };
  typing: { body: TypingBody; response: Delivered };
  thinking: { body: ThinkingBody; response: Delivered };
  event_preview: { body: EventPreviewBody; response: Delivered };
  transfer: { body: TransferBody; response: Delivered };
  queue: { body: QueuePositionBody; response: Delivered };
  add_user: { body: AddUserBody; response: Delivered };
  remove_user: { body: RemoveUserBody; response: Delivered };
  deactivate_chat: { body: ChatBody; response: { thread_id: string } };
  greeting: { body: GreetingBody; response: { unique_id: string; id: number; delivered: number } };
  group_status: { body: GroupStatusBody; response: { group_id: number; status: GroupStatus; delivered: number } };
  group: { body: GroupSettingsBody; response: { group_id: number; exists: boolean; manual_routing: boolean } };
  form: { body: FormBody; response: { enabled: false } | { enabled: true; form: WireForm } };
}

export type AgentActionName = keyof AgentActions;

/** What every refusal of the control API carries (400 validation, 404 not_found, 409 chat_inactive, …). */
export interface ControlErrorBody {
  error: { type: string; message: string };
}
