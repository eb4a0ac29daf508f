// RTM request handling: frame parsing, dispatch (login in login.ts) and one handler per action. Handlers
// mutate the State and the Session and describe what must be sent; they never touch a socket, so the
// fan-out rules (who gets a push, who gets the request_id) live in one place: the Hub.
import type { ApiVersion, Payload, ResponseFrame } from './wire';
import { ACTIONS_SINCE_3_6, API_VERSION, errorResponse, okResponse } from './wire';
import { deactivateThread } from './deactivate';
import { ENGAGEMENT_HANDLERS } from './engagement';
import { listChats, listThreads } from './paging';
import { applyProfile, customerPage, customerProfile, mergeSessionFields, sessionFields, SESSION_FIELDS_LIMIT } from './customer-fields';
import { login } from './login';
import { PROPERTY_HANDLERS } from './properties';
import { existingGroup, ownChat, predictableGroup, type Ctx, type Handler } from './handler';
import type { Chat, State, Thread } from './state';
import { wireChat, wireCustomer, wirePredictedAgent } from './projections';
import { EMULATOR_AGENT, isActive, lastThread } from './state';
import {
  RtmError,
  customerEvent,
  invalid,
  isGroupId,
  isObject,
  optionalAccess,
  optionalBoolean,
  optionalGroupId,
  optionalObject,
  optionalProperties,
  optionalString,
  parseJson,
  requiredString,
  type Obj,
} from './validate';

/** What the server knows about one customer socket. */
export interface Session {
  readonly organizationId: string;
  /** API version of the endpoint the socket connected to (`/v3.5/…` or `/v3.6/…`). */
  readonly version: ApiVersion;
  /** Set by a successful login; undefined = not authorized yet. */
  customerId?: string;
  groupId: number;
  tabId?: string;
  page?: { url: string; title?: string };
  referrer?: string;
  /** Push names this socket subscribed to in login (`customer_disconnected` is always delivered). */
  pushes: ReadonlySet<string> | 'all';
  /** ms timestamp at which the access token used to log in expires. */
  tokenExpiresAt?: number;
}

export type Outgoing =
  | { kind: 'reply'; frame: ResponseFrame }
  /** Goes to every logged-in socket of the session's customer; only the requester's copy carries request_id. */
  | { kind: 'push'; action: string; payload: Payload; requestId?: string }
  /** `customer_disconnected` with this reason to the requesting socket, which is then closed. */
  | { kind: 'disconnect'; reason: string; data?: Payload };

/** Why a login with a valid token is turned away with `customer_disconnected` (errors are thrown as RtmError instead). */
export interface Refusal {
  reason: string;
  data?: Payload;
}

export interface RtmOptions {
  chatsPerCustomer: number;
  /**
   * Asked once a login is known to be valid, before anything changes: undefined admits the customer,
   * a Refusal disconnects the socket, a thrown RtmError becomes the login's error response.
   */
  admit?: (session: Session, customerId: string) => Refusal | undefined;
}

export interface Request {
  requestId?: string;
  action: string;
  payload: Obj;
}

export type ParsedFrame = { ok: true; request: Request } | { ok: false; requestId?: string; action?: string; message: string; type?: 'unsupported_version' };

/** Reads one text frame of a `version` connection. Never throws: garbage becomes a description of what is wrong. */
export function parseFrame(text: string, version: ApiVersion = API_VERSION): ParsedFrame {
  const data = parseJson(text);
  if (data === undefined) return { ok: false, message: 'Frame is not valid JSON' };
  if (!isObject(data)) return { ok: false, message: 'Frame must be a JSON object' };
  const requestId = typeof data.request_id === 'string' ? data.request_id : undefined;
  const action = typeof data.action === 'string' ? data.action : undefined;
  if (data.request_id !== undefined && requestId === undefined) return { ok: false, action, message: 'request_id must be a string' };
  if (action === undefined || action === '') return { ok: false, requestId, message: 'action is required and must be a string' };
  // The API treats a missing payload as {}; anything else that is not an object is malformed.
  const payload = data.payload === undefined ? {} : data.payload;
  if (!isObject(payload)) return { ok: false, requestId, action, message: 'payload must be an object' };
  if (data.version !== undefined) {
    if (typeof data.version !== 'string') return { ok: false, requestId, action, message: 'version must be a string' };
    if (data.version !== version) {
      return { ok: false, requestId, action, type: 'unsupported_version', message: `Version ${data.version} is not supported on a ${version} connection` };
    }
  }
  return { ok: true, request: { requestId, action, payload } };
}

/** Customer actions of the 3.6 reference the emulator does not model (no SDK method sends them): answered with a clear error. */
const UNSUPPORTED_ACTIONS = new Set(['delete_event']);

export function handleRequest(state: State, session: Session, request: Request, options: RtmOptions): Outgoing[] {
  const { action, requestId } = request;
  const fail = (e: RtmError): Outgoing[] => [{ kind: 'reply', frame: errorResponse(action, requestId, e) }];
  try {
    if (action === 'login') return login(state, session, request, options);
    if (action === 'ping') {
      // Before login a ping only keeps the socket alive; the API defines no answer.
      if (session.customerId === undefined) return [];
      return [{ kind: 'reply', frame: okResponse(action, requestId, {}) }];
    }
    if (session.version !== '3.6' && ACTIONS_SINCE_3_6.has(action)) throw invalid(`Action ${action} is not supported in API ${session.version}`);
    const handler = HANDLERS[action];
    if (handler === undefined) {
      if (UNSUPPORTED_ACTIONS.has(action)) throw invalid(`Action ${action} is not supported by the emulator`);
      throw invalid(`Unknown action ${action}`);
    }
    if (session.customerId === undefined) throw new RtmError('authorization', 'Login required');
    const org = state.org(session.organizationId);
    const customer = state.customer(session.organizationId, session.customerId);
    customer.lastActivityAt = Date.now();
    const result = handler({ state, org, session, customer, request, options });
    const out: Outgoing[] = [{ kind: 'reply', frame: okResponse(action, requestId, result.response) }];
    for (const p of result.pushes ?? []) {
      out.push(p.echo && requestId !== undefined ? { kind: 'push', action: p.action, payload: p.payload, requestId } : { kind: 'push', action: p.action, payload: p.payload });
    }
    return out;
  } catch (e) {
    if (e instanceof RtmError) return fail(e);
    // A bug in a handler must cost one request, not the server.
    console.error(`[emulator] ${action} failed:`, e);
    return fail(new RtmError('internal', 'Internal emulator error'));
  }
}

// ---- chats ----------------------------------------------------------------------------------

/** Shared by start_chat and resume_chat: validates `chat.thread` and opens the new thread with its events. */
function openThread(ctx: Ctx, chat: Chat | undefined, chatInput: Obj) {
  const thread = optionalObject(chatInput.thread, 'chat.thread') ?? {};
  const threadProps = optionalProperties(thread.properties, 'chat.thread.properties') ?? {};
  if (thread.events !== undefined && !Array.isArray(thread.events)) throw invalid('chat.thread.events must be an array');
  const drafts = ((thread.events as unknown[] | undefined) ?? []).map((e, i) => customerEvent(e, `chat.thread.events[${i}]`));
  const active = optionalBoolean(ctx.request.payload.active, 'active') ?? true;
  const continuous = optionalBoolean(ctx.request.payload.continuous, 'continuous') ?? false;
  const access = optionalAccess(chatInput.access, 'chat.access');
  const props = optionalProperties(chatInput.properties, 'chat.properties');
  // A live chat needs an agent: with every group of the chat offline only a continuous (async) chat may start.
  const groups = (access ?? chat?.access ?? { group_ids: [ctx.session.groupId] }).group_ids;
  for (const id of groups) existingGroup(ctx, id);
  if (active && !continuous && groups.length > 0 && groups.every((id) => ctx.state.groupStatus(ctx.session.organizationId, id) === 'offline')) {
    throw new RtmError('groups_offline', 'Every group of the chat is offline');
  }
  return (): { chat: Chat; thread: Thread; eventIds: string[] } => {
    const target =
      chat ?? ctx.state.createChat(ctx.session.organizationId, ctx.customer.id, access ?? { group_ids: [ctx.session.groupId] }, props ?? {});
    if (chat !== undefined) {
      if (access !== undefined) chat.access = access;
      if (props !== undefined) Object.assign(chat.properties, props);
    }
    const created = ctx.state.createThread(target, true, threadProps);
    const eventIds = drafts.map((d) => ctx.state.addEvent(target, created, d, ctx.customer.id).id);
    // "The method updates the requester's events_seen_up_to as if they've seen all chat events" (start_chat,
    // resume_chat): their own initial events did so already; without any, the new thread is the newest thing.
    if (eventIds.length === 0) target.seenUpTo[ctx.customer.id] = created.createdAt;
    // `active:false` creates the thread already closed (API), after its initial events were written.
    created.active = active;
    return { chat: target, thread: created, eventIds };
  };
}

/** `event_ids` of start_chat and resume_chat: "Returned only when the chat was started with initial events." */
function initialEventIds(eventIds: string[]): { event_ids?: string[] } {
  return eventIds.length === 0 ? {} : { event_ids: eventIds };
}

/** The incoming_chat push of the customer's own start or resume: they are its requester. */
function incomingChat(ctx: Ctx, chat: Chat, thread: Thread) {
  return { requester_id: ctx.customer.id, chat: wireChat(ctx.state, ctx.session.organizationId, chat, thread) };
}

const HANDLERS: Record<string, Handler> = {
  get_customer: (ctx) => ({ response: wireCustomer(ctx.state, ctx.session.organizationId, ctx.customer) }),

  start_chat: (ctx) => {
    const chatInput = optionalObject(ctx.request.payload.chat, 'chat') ?? {};
    const commit = openThread(ctx, undefined, chatInput);
    if (ctx.state.chatsOf(ctx.session.organizationId, ctx.customer.id).length >= ctx.options.chatsPerCustomer) {
      throw new RtmError('chat_limit_reached', 'Chat limit reached');
    }
    const { chat, thread, eventIds } = commit();
    return {
      response: { chat_id: chat.id, thread_id: thread.id, ...initialEventIds(eventIds) },
      pushes: [{ action: 'incoming_chat', payload: incomingChat(ctx, chat, thread), echo: true }],
    };
  },

  resume_chat: (ctx) => {
    const chatInput = optionalObject(ctx.request.payload.chat, 'chat');
    if (chatInput === undefined) throw invalid('chat is required and must be an object');
    const existing = ownChat(ctx, chatInput.id, 'chat.id');
    const commit = openThread(ctx, existing, chatInput);
    if (isActive(existing)) throw new RtmError('chat_already_active', 'Chat is already active');
    const { chat, thread, eventIds } = commit();
    return {
      response: { thread_id: thread.id, ...initialEventIds(eventIds) },
      pushes: [{ action: 'incoming_chat', payload: incomingChat(ctx, chat, thread), echo: true }],
    };
  },

  deactivate_chat: (ctx) => {
    const chat = ownChat(ctx, ctx.request.payload.id, 'id');
    const thread = lastThread(chat);
    if (thread === undefined || !thread.active) throw new RtmError('chat_inactive', 'Chat is not active');
    const [notice, deactivated] = deactivateThread(ctx.state, chat, thread, 'customer');
    return {
      response: {},
      // The system message is not an answer to deactivate_chat: no request_id, or an SDK could resolve the wrong promise.
      pushes: [
        { ...notice, echo: false },
        { ...deactivated, echo: true },
      ],
    };
  },

  send_event: (ctx) => {
    const p = ctx.request.payload;
    const chat = ownChat(ctx, p.chat_id, 'chat_id');
    const draft = customerEvent(p.event, 'event');
    const attach = optionalBoolean(p.attach_to_last_thread, 'attach_to_last_thread') ?? false;
    const thread = lastThread(chat);
    if (thread === undefined || (!thread.active && !attach)) throw new RtmError('chat_inactive', 'Chat is inactive');
    const event = ctx.state.addEvent(chat, thread, draft, ctx.customer.id);
    // What they were typing is now sent.
    delete chat.sneakPeek;
    return {
      response: { event_id: event.id },
      pushes: [{ action: 'incoming_event', payload: { chat_id: chat.id, thread_id: thread.id, event }, echo: true }],
    };
  },

  get_chat: (ctx) => {
    const chat = ownChat(ctx, ctx.request.payload.chat_id, 'chat_id');
    const threadId = optionalString(ctx.request.payload.thread_id, 'thread_id');
    const thread = threadId === undefined ? lastThread(chat) : chat.threads.find((t) => t.id === threadId);
    if (thread === undefined) throw new RtmError('not_found', 'Thread not found');
    return { response: wireChat(ctx.state, ctx.session.organizationId, chat, thread) };
  },

  list_chats: listChats,

  mark_events_as_seen: (ctx) => {
    const chat = ownChat(ctx, ctx.request.payload.chat_id, 'chat_id');
    const seenUpTo = requiredString(ctx.request.payload.seen_up_to, 'seen_up_to');
    if (Number.isNaN(Date.parse(seenUpTo))) throw invalid('seen_up_to must be an RFC 3339 date');
    const previous = chat.seenUpTo[ctx.customer.id];
    // Seen markers never move back. Clients may send another RFC 3339 form than the server's
    // (no fraction, an offset), so compare times; within one millisecond, the server's
    // microsecond stamps order as strings.
    const [next, last] = [Date.parse(seenUpTo), previous === undefined ? -Infinity : Date.parse(previous)];
    if (next > last || (next === last && seenUpTo > previous!)) chat.seenUpTo[ctx.customer.id] = seenUpTo;
    const payload = { user_id: ctx.customer.id, chat_id: chat.id, seen_up_to: chat.seenUpTo[ctx.customer.id] ?? seenUpTo };
    return { response: {}, pushes: [{ action: 'events_marked_as_seen', payload, echo: true }] };
  },

  update_customer: (ctx) => {
    const p = ctx.request.payload;
    const profile = customerProfile(p, 'payload');
    if (Object.keys(profile).length === 0) throw invalid('At least one of name, email, avatar, session_fields is required');
    if (profile.sessionFields !== undefined) {
      // update_customer adds to the session fields (same key: new value); the total is capped.
      const merged = mergeSessionFields(ctx.customer.sessionFields, profile.sessionFields);
      if (merged.length > SESSION_FIELDS_LIMIT) {
        throw new RtmError('customer_session_fields_limit_reached', `session_fields: the customer would hold more than ${SESSION_FIELDS_LIMIT}`);
      }
      profile.sessionFields = merged;
    }
    applyProfile(ctx.customer, profile);
    const changed: Record<string, unknown> = { id: ctx.customer.id };
    if (profile.name !== undefined) changed.name = profile.name;
    if (profile.email !== undefined) changed.email = profile.email;
    if (profile.avatar !== undefined) changed.avatar = profile.avatar;
    if (profile.sessionFields !== undefined) changed.session_fields = profile.sessionFields;
    return { response: {}, pushes: [{ action: 'customer_updated', payload: changed, echo: true }] };
  },

  set_customer_session_fields: (ctx) => {
    ctx.customer.sessionFields = sessionFields(ctx.request.payload.session_fields, 'session_fields');
    return { response: {} };
  },

  update_customer_page: (ctx) => {
    const page = customerPage(ctx.request.payload, 'payload');
    if (page === undefined) throw invalid('url is required');
    ctx.session.page = page;
    ctx.state.recordActivity(ctx.customer, page.url);
    // A 3.5-only push (removed in 3.6): the Hub drops it on 3.6 sockets.
    const pushed: Record<string, string> = { url: page.url };
    if (page.title !== undefined) pushed.title = page.title;
    pushed.opened_at = ctx.state.timestamp();
    return { response: {}, pushes: [{ action: 'customer_page_updated', payload: pushed, echo: true }] };
  },

  // In 3.5 and 3.6 (removed in 3.7): always the emulator agent; a queue while the group is online_for_queue.
  get_predicted_agent: (ctx) => {
    const status = predictableGroup(ctx, optionalGroupId(ctx.request.payload.group_id, 'group_id') ?? ctx.session.groupId);
    return { response: { agent: wirePredictedAgent(EMULATOR_AGENT), queue: status === 'online_for_queue' } };
  },

  list_threads: listThreads,

  list_group_statuses: (ctx) => {
    const p = ctx.request.payload;
    let ids: number[];
    // "All" = group 0 and every group the agent API has given a status.
    if (p.all === true) ids = [...new Set([0, ...ctx.org.groupStatuses.keys()])].sort((a, b) => a - b);
    else if (Array.isArray(p.group_ids) && p.group_ids.every(isGroupId)) ids = p.group_ids;
    else throw invalid('group_ids must be an array of non-negative integers, or all must be true');
    return { response: { groups_status: Object.fromEntries(ids.map((id) => [String(id), ctx.state.groupStatus(ctx.session.organizationId, id)])) } };
  },

  // Fire-and-forget in the SDK; kept on the chat for the agent console (GET /__emulator/chats).
  send_sneak_peek: (ctx) => {
    const chat = ownChat(ctx, ctx.request.payload.chat_id, 'chat_id');
    const text = optionalString(ctx.request.payload.sneak_peek_text, 'sneak_peek_text') ?? '';
    chat.sneakPeek = { text, updated_at: ctx.state.timestamp() };
    return { response: {} };
  },

  ...PROPERTY_HANDLERS,
  ...ENGAGEMENT_HANDLERS,
};
