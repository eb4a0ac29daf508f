/**
 * The request table: for each SDK method that becomes an RTM request, how its parameters become
 * a wire action and how the answer becomes the SDK result. Pure, so every runtime mode
 * (SharedWorker, dedicated Worker, inline) validates and parses in exactly one way.
 */
import { SdkError } from '../shared/errors';
import { parseChat, parseCustomer, parseListChats, parseListThreads } from './parse';
import { parseForm, parseUrlInfo, parseWelcomeMessage } from './parse-engagement';
import { parseEvent } from './parse-events';
import { object, ProtocolError, string } from './wire-values';
import { userData, type SdkEvent } from './pushes';
import { serializeChatStart, serializeEvent, serializeSessionFields } from './serialize';
import type { MethodName, ResultOf } from '../shared/methods';
import type { GroupStatuses, Success } from '../shared/types';
import { fail, oneOf, optionalBoolean, optionalInteger, optionalObject, optionalString, requireObject, requireString, type Json } from '../shared/validate';
import { requireGroupIds, requireInteger, requireProperties, requirePropertyKeys, requireStringArray } from './validate-data';

/**
 * The push that answers a request, for the three actions the server answers indirectly
 * (wire-protocol §3.4): the push echoes the request's `request_id` on the requester's socket.
 */
export type IndirectPush = 'incoming_event' | 'incoming_chat';

export interface WireCall {
  action: string;
  payload: Json;
  resolvedBy?: IndirectPush;
}

/** Sends one request on the connection; resolves with the response (or answering push) payload. */
export type Send = (action: string, payload: Json, resolvedBy?: IndirectPush) => Promise<Json>;

/** A method's result, and the events only the asking tab gets with it. */
export interface ResultWithEvents<M extends MethodName> {
  result: ResultOf<M>;
  requesterEvents: SdkEvent[];
}

/** A method that is one request: validate and serialize, send, parse. */
interface SingleRequestSpec<M extends MethodName> {
  build(params: unknown): WireCall;
  /**
   * `payload` is the response payload, or the push payload for indirect answers; `request` is the
   * payload that was sent (some answers only make sense with it, e.g. threads carry no chat id).
   */
  parse(payload: Json, request: Json): ResultOf<M>;
  /**
   * Fire-and-forget methods (`setSneakPeek`, `updateCustomerPage`): the docs call them without
   * handling a promise, so once the arguments are valid a failed send is dropped, not rejected.
   */
  fireAndForget?: true;
  /** Events for the asking tab along with the result (e.g. `user_data` for the users a result names). */
  requesterEvents?(result: ResultOf<M>): SdkEvent[];
}

/** A method made of several requests (e.g. `rateChat`: find the thread, then set its rating). Validates before sending. */
interface CompoundSpec<M extends MethodName> {
  run(params: unknown, send: Send): Promise<ResultWithEvents<M>>;
}

type MethodSpec<M extends MethodName> = SingleRequestSpec<M> | CompoundSpec<M>;

const LIST_CHATS_MAX = 25;
const LIST_THREADS_MAX = 100;
const NON_NEGATIVE = { min: 0, max: Number.MAX_SAFE_INTEGER };

const success = (): Success => ({ success: true });

/** The methods that resolve `{ success: true }` (so `write` cannot be used for any other). */
type SuccessMethod = { [M in MethodName]: ResultOf<M> extends Success ? M : never }[MethodName];

/** A single request whose answer carries nothing: the method resolves `{ success: true }`. */
function write<M extends SuccessMethod>(action: string, payload: (params: Json) => Json): SingleRequestSpec<M> {
  return {
    build: (value) => ({ action, payload: payload(requireObject(value, 'params')) }),
    parse: () => success() as ResultOf<M>,
  };
}

/** `startChat` and `resumeChat`: answered by the `incoming_chat` push that starts the thread. */
function chatStart<M extends 'startChat' | 'resumeChat'>(action: string, options: { resume: boolean }): SingleRequestSpec<M> {
  return {
    build: (params) => ({ action, payload: serializeChatStart(params, options), resolvedBy: 'incoming_chat' }),
    parse: (payload) => ({ chat: parseChat(payload.chat) }) as ResultOf<M>,
  };
}

const chatId = (params: Json) => requireString(params.chatId, 'chatId');
const threadId = (params: Json) => requireString(params.threadId, 'threadId');
const eventId = (params: Json) => requireString(params.eventId, 'eventId');

/**
 * Rating lives in the `rating` namespace of the chat's newest thread (the first a default,
 * newest-first `list_threads` returns), so rating needs that thread's id first.
 */
async function newestThreadId(chat: string, send: Send): Promise<string> {
  const answer = await send('list_threads', { chat_id: chat });
  const threads = Array.isArray(answer.threads) ? answer.threads : [];
  if (threads.length === 0) throw new SdkError('MISSING_CHAT_THREAD', `There is no thread in "${chat}".`);
  return string(object(threads[0], 'thread').id, 'thread.id');
}

const specs: { [M in MethodName]: MethodSpec<M> } = {
  getCustomer: {
    build: () => ({ action: 'get_customer', payload: {} }),
    parse: (payload) => parseCustomer(payload),
  },
  startChat: chatStart('start_chat', { resume: false }),
  sendEvent: {
    build: (value) => {
      const params = requireObject(value, 'params');
      const payload: Json = {
        chat_id: requireString(params.chatId, 'chatId'),
        event: serializeEvent(params.event),
      };
      if (optionalBoolean(params.attachToLastThread, 'attachToLastThread')) payload.attach_to_last_thread = true;
      return { action: 'send_event', payload, resolvedBy: 'incoming_event' };
    },
    parse: (payload) => {
      const event = parseEvent(payload.event, typeof payload.thread_id === 'string' ? payload.thread_id : null);
      if (!event) throw new ProtocolError('send_event was answered with an event of an unsupported type');
      return event;
    },
  },
  listChats: {
    build: (value) => {
      const params = optionalObject(value, 'params') ?? {};
      const pageId = optionalString(params.pageId, 'pageId');
      const limit = optionalInteger(params.limit, 'limit', { min: 1, max: LIST_CHATS_MAX });
      if (pageId !== undefined && limit !== undefined) {
        throw new SdkError('VALIDATION', '"limit" cannot be combined with "pageId"', { field: 'limit' });
      }
      return { action: 'list_chats', payload: pageId !== undefined ? { page_id: pageId } : { limit: limit ?? 10 } };
    },
    parse: (payload) => parseListChats(payload),
    requesterEvents: (result) => result.users.map(userData),
  },
  acceptGreeting: write('accept_greeting', (params) => ({
    greeting_id: requireInteger(params.greetingId, 'greetingId', NON_NEGATIVE),
    unique_id: requireString(params.uniqueId, 'uniqueId'),
  })),
  cancelGreeting: write('cancel_greeting', (params) => ({ unique_id: requireString(params.uniqueId, 'uniqueId') })),
  cancelRate: {
    run: async (value, send) => {
      const params = requireObject(value, 'params');
      const chat = chatId(params);
      const names = params.properties === undefined ? ['score'] : requireStringArray(params.properties, 'properties');
      const thread = await newestThreadId(chat, send);
      await send('delete_thread_properties', { chat_id: chat, thread_id: thread, properties: { rating: names } });
      return { result: success(), requesterEvents: [] };
    },
  },
  // 4.0.2 resolved undefined; the v5 docs (and this project) promise `{ success: true }`.
  deactivateChat: write('deactivate_chat', (params) => ({ id: requireString(params.id, 'id') })),
  deleteChatProperties: write('delete_chat_properties', (params) => ({
    id: requireString(params.id, 'id'),
    properties: requirePropertyKeys(params.properties, 'properties'),
  })),
  deleteEventProperties: write('delete_event_properties', (params) => ({
    chat_id: chatId(params),
    thread_id: threadId(params),
    event_id: eventId(params),
    properties: requirePropertyKeys(params.properties, 'properties'),
  })),
  deleteThreadProperties: write('delete_thread_properties', (params) => ({
    chat_id: chatId(params),
    thread_id: threadId(params),
    properties: requirePropertyKeys(params.properties, 'properties'),
  })),
  getChat: {
    build: (value) => {
      const params = requireObject(value, 'params');
      const payload: Json = { chat_id: chatId(params) };
      const thread = optionalString(params.threadId, 'threadId');
      if (thread !== undefined) payload.thread_id = thread;
      return { action: 'get_chat', payload };
    },
    parse: (payload) => parseChat(payload),
    requesterEvents: (chat) => chat.users.map(userData),
  },
  getForm: {
    build: (value) => {
      const params = requireObject(value, 'params');
      return {
        action: 'get_form',
        payload: {
          group_id: requireInteger(params.groupId, 'groupId', NON_NEGATIVE),
          type: oneOf(params.type, 'type', ['prechat', 'postchat', 'ticket']),
        },
      };
    },
    parse: (payload) => parseForm(payload),
  },
  getUrlInfo: {
    build: (value) => ({ action: 'get_url_info', payload: { url: requireString(requireObject(value, 'params').url, 'url') } }),
    parse: (payload) => parseUrlInfo(payload),
  },
  listGroupStatuses: {
    build: (value) => {
      const params = optionalObject(value, 'params') ?? {};
      const payload = params.groupIds === undefined ? { all: true } : { group_ids: requireGroupIds(params.groupIds, 'groupIds') };
      return { action: 'list_group_statuses', payload };
    },
    // Returned as the server sent it: `online_for_queue` is information an app may want.
    parse: (payload) => ({ ...object(payload.groups_status, 'groups_status') }) as GroupStatuses,
  },
  listThreads: {
    build: (value) => {
      const params = requireObject(value, 'params');
      const payload: Json = { chat_id: chatId(params) };
      const pageId = optionalString(params.pageId, 'pageId');
      const sortOrder = params.sortOrder === undefined ? undefined : oneOf(params.sortOrder, 'sortOrder', ['asc', 'desc']);
      const limit = optionalInteger(params.limit, 'limit', { min: 1, max: LIST_THREADS_MAX });
      const minEventsCount = optionalInteger(params.minEventsCount, 'minEventsCount', { min: 1, max: LIST_THREADS_MAX });
      // The API rejects these combinations; saying so locally names the field.
      if (limit !== undefined && minEventsCount !== undefined) {
        throw new SdkError('VALIDATION', '"limit" cannot be combined with "minEventsCount"', { field: 'limit' });
      }
      if (pageId !== undefined) {
        const extra = [
          ['sortOrder', sortOrder],
          ['limit', limit],
          ['minEventsCount', minEventsCount],
        ].find(([, given]) => given !== undefined);
        if (extra) throw new SdkError('VALIDATION', `"${extra[0]}" cannot be combined with "pageId"`, { field: extra[0] });
        payload.page_id = pageId;
      }
      if (sortOrder !== undefined) payload.sort_order = sortOrder;
      if (limit !== undefined) payload.limit = limit;
      if (minEventsCount !== undefined) payload.min_events_count = minEventsCount;
      return { action: 'list_threads', payload };
    },
    parse: (payload, request) => parseListThreads(payload, String(request.chat_id)),
  },
  markEventsAsSeen: write('mark_events_as_seen', (params) => ({
    chat_id: chatId(params),
    seen_up_to: requireString(params.seenUpTo, 'seenUpTo'),
  })),
  rateChat: {
    run: async (value, send) => {
      const params = requireObject(value, 'params');
      const chat = chatId(params);
      const rating = requireObject(params.rating, 'rating');
      if (rating.score !== 0 && rating.score !== 1) {
        throw new SdkError('VALIDATION', '"rating.score" must be 0 or 1', { field: 'rating.score' });
      }
      const comment = optionalString(rating.comment, 'rating.comment');
      const properties = { rating: comment === undefined ? { score: rating.score } : { score: rating.score, comment } };
      const thread = await newestThreadId(chat, send);
      await send('update_thread_properties', { chat_id: chat, thread_id: thread, properties });
      return { result: success(), requesterEvents: [] };
    },
  },
  requestWelcomeMessage: {
    build: (value) => {
      const id = optionalString((optionalObject(value, 'params') ?? {}).id, 'id');
      return { action: 'request_welcome_message', payload: id === undefined ? {} : { id } };
    },
    parse: (payload) => parseWelcomeMessage(payload),
  },
  resumeChat: chatStart('resume_chat', { resume: true }),
  sendGreetingButtonClicked: write('send_greeting_button_clicked', (params) => ({
    greeting_unique_id: requireString(params.greetingUniqueId, 'greetingUniqueId'),
    button_id: requireString(params.buttonId, 'buttonId'),
  })),
  sendRichMessagePostback: write('send_rich_message_postback', (params) => {
    const postback = requireObject(params.postback, 'postback');
    requireString(postback.id, 'postback.id');
    // Passed through as given (3.6 adds snake_case button_type, button_value, ecommerce); the
    // docs default `toggled` to true, and the API requires it.
    const toggled = optionalBoolean(postback.toggled, 'postback.toggled') ?? true;
    return {
      chat_id: chatId(params),
      thread_id: threadId(params),
      event_id: eventId(params),
      postback: { ...postback, toggled },
    };
  }),
  setCustomerSessionFields: write('set_customer_session_fields', (params) => ({
    session_fields: serializeSessionFields(params.sessionFields),
  })),
  setSneakPeek: {
    build: (value) => {
      const params = requireObject(value, 'params');
      return {
        action: 'send_sneak_peek',
        // An empty text is allowed: it clears the preview when the customer empties the input.
        payload: { chat_id: chatId(params), sneak_peek_text: optionalString(params.sneakPeekText, 'sneakPeekText') ?? fail('sneakPeekText', 'a string', undefined) },
      };
    },
    parse: () => undefined,
    fireAndForget: true,
  },
  updateChatProperties: write('update_chat_properties', (params) => ({
    id: requireString(params.id, 'id'),
    properties: requireProperties(params.properties, 'properties'),
  })),
  updateCustomer: write('update_customer', (params) => {
    const payload: Json = {};
    for (const key of ['name', 'email', 'avatar'] as const) {
      const given = optionalString(params[key], key);
      if (given !== undefined) payload[key] = given;
    }
    if (params.sessionFields !== undefined) payload.session_fields = serializeSessionFields(params.sessionFields);
    // The API needs at least one field; an empty update is a caller mistake worth naming.
    if (Object.keys(payload).length === 0) {
      throw new SdkError('VALIDATION', '"params" must contain name, email, avatar or sessionFields', { field: 'params' });
    }
    return payload;
  }),
  updateCustomerPage: {
    build: (value) => {
      const params = requireObject(value, 'params');
      const payload: Json = {};
      const url = optionalString(params.url, 'url');
      const title = optionalString(params.title, 'title');
      if (url !== undefined) payload.url = url;
      if (title !== undefined) payload.title = title;
      return { action: 'update_customer_page', payload };
    },
    parse: () => undefined,
    fireAndForget: true,
  },
  updateEventProperties: write('update_event_properties', (params) => ({
    chat_id: chatId(params),
    thread_id: threadId(params),
    event_id: eventId(params),
    properties: requireProperties(params.properties, 'properties'),
  })),
  updateThreadProperties: write('update_thread_properties', (params) => ({
    chat_id: chatId(params),
    thread_id: threadId(params),
    properties: requireProperties(params.properties, 'properties'),
  })),
};

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(specs, name);
}

/**
 * Runs one SDK method: validates its parameters (rejecting with VALIDATION before anything is
 * sent), sends its request(s) through `send`, and parses the answer.
 */
export async function executeMethod<M extends MethodName>(method: M, params: unknown, send: Send): Promise<ResultWithEvents<M>> {
  const spec = specs[method] as MethodSpec<M>;
  if ('run' in spec) return spec.run(params, send);
  return executeCall(method, spec.build(params), send);
}

/**
 * Sends a single-request method's call, already built (`buildCall`), and parses the answer: what
 * `executeMethod` does after validating, for a caller that needed the call first (the cache's key).
 */
export async function executeCall<M extends MethodName>(method: M, call: WireCall, send: Send): Promise<ResultWithEvents<M>> {
  const spec = specs[method] as MethodSpec<M>;
  if ('run' in spec) throw new Error(`${method} is made of several requests`);
  let answer: Json;
  try {
    answer = await send(call.action, call.payload, call.resolvedBy);
  } catch (error) {
    if (!spec.fireAndForget) throw error;
    answer = {};
  }
  const result = spec.parse(answer, call.payload);
  return { result, requesterEvents: requesterEventsOf(method, result) };
}

/** What the asking tab gets along with a result (e.g. `user_data` for the users it names), wherever the result came from. */
export function requesterEventsOf<M extends MethodName>(method: M, result: ResultOf<M>): SdkEvent[] {
  const spec = specs[method] as MethodSpec<M>;
  return 'requesterEvents' in spec ? (spec.requesterEvents?.(result) ?? []) : [];
}

/** The wire request of a single-request method (for tests and tools); throws for compound methods. */
export function buildCall(method: MethodName, params: unknown): WireCall {
  const spec = specs[method];
  if ('run' in spec) throw new Error(`${method} is made of several requests`);
  return spec.build(params);
}

/** Parses an answer; `request` is the payload that was sent (see `SingleRequestSpec.parse`). */
export function parseResult<M extends MethodName>(method: M, payload: Json, request: Json = {}): ResultOf<M> {
  const spec = specs[method] as MethodSpec<M>;
  if ('run' in spec) throw new Error(`${method} is made of several requests`);
  return spec.parse(payload, request);
}
