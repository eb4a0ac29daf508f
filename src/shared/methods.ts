/**
 * The request table: for each SDK method that becomes an RTM request, how its parameters become
 * a wire action and how the answer becomes the SDK result. Pure and shared, so every runtime
 * mode (SharedWorker, dedicated Worker, inline) validates and parses in exactly one way.
 */
import { SdkError } from './errors';
import { parseChat, parseCustomer, parseEvent, parseListChats, ProtocolError } from './parse';
import type { SdkEvent } from './pushes';
import { serializeChatStart, serializeEvent } from './serialize';
import type { Chat, ChatEvent, Customer, ListChatsResult } from './types';
import {
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  requireObject,
  requireString,
  type Json,
} from './validate';

export interface StartChatParams {
  active?: boolean;
  continuous?: boolean;
  welcomeMessageId?: string;
  chat?: {
    access?: { groupIds?: number[] };
    properties?: Record<string, Record<string, unknown>>;
    thread?: { events?: unknown[]; properties?: Record<string, Record<string, unknown>> };
  };
}

export interface SendEventParams {
  chatId: string;
  event: Record<string, unknown> & { type: string };
  attachToLastThread?: boolean;
}

export interface ListChatsParams {
  pageId?: string;
  limit?: number;
}

/** Parameters and results of every request method, by SDK method name. */
export interface MethodMap {
  getCustomer: { params: void; result: Customer };
  startChat: { params: StartChatParams | void; result: { chat: Chat } };
  sendEvent: { params: SendEventParams; result: ChatEvent };
  listChats: { params: ListChatsParams | void; result: ListChatsResult };
}

export type MethodName = keyof MethodMap;
export type ParamsOf<M extends MethodName> = MethodMap[M]['params'];
export type ResultOf<M extends MethodName> = MethodMap[M]['result'];

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
export interface Outcome<M extends MethodName> {
  result: ResultOf<M>;
  requesterEvents: SdkEvent[];
}

/** A method that is one request: validate and serialize, send, parse. */
interface SingleRequestSpec<M extends MethodName> {
  build(params: unknown): WireCall;
  /** `payload` is the response payload, or the push payload for indirect answers. */
  parse(payload: Json): ResultOf<M>;
  /** Events for the asking tab along with the result (e.g. `user_data` for the users a result names). */
  requesterEvents?(result: ResultOf<M>): SdkEvent[];
}

/** A method made of several requests (e.g. `rateChat`: find the thread, then set its rating). Validates before sending. */
interface CompoundSpec<M extends MethodName> {
  run(params: unknown, send: Send): Promise<Outcome<M>>;
}

type MethodSpec<M extends MethodName> = SingleRequestSpec<M> | CompoundSpec<M>;

const LIST_CHATS_MAX = 25;

const specs: { [M in MethodName]: MethodSpec<M> } = {
  getCustomer: {
    build: () => ({ action: 'get_customer', payload: {} }),
    parse: (payload) => parseCustomer(payload),
  },
  startChat: {
    build: (params) => ({
      action: 'start_chat',
      payload: serializeChatStart(params, { resume: false }),
      resolvedBy: 'incoming_chat',
    }),
    parse: (payload) => ({ chat: parseChat(payload.chat) }),
  },
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
    requesterEvents: (result) => result.users.map((user): SdkEvent => ({ name: 'user_data', payload: user })),
  },
};

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(specs, name);
}

/**
 * Runs one SDK method: validates its parameters (rejecting with VALIDATION before anything is
 * sent), sends its request(s) through `send`, and parses the answer.
 */
export async function executeMethod<M extends MethodName>(method: M, params: unknown, send: Send): Promise<Outcome<M>> {
  const spec = specs[method] as MethodSpec<M>;
  if ('run' in spec) return spec.run(params, send);
  const call = spec.build(params);
  const result = spec.parse(await send(call.action, call.payload, call.resolvedBy));
  return { result, requesterEvents: spec.requesterEvents?.(result) ?? [] };
}

/** The wire request of a single-request method (for tests and tools); throws for compound methods. */
export function buildCall(method: MethodName, params: unknown): WireCall {
  const spec = specs[method];
  if ('run' in spec) throw new Error(`${method} is made of several requests`);
  return spec.build(params);
}

export function parseResult<M extends MethodName>(method: M, payload: Json): ResultOf<M> {
  const spec = specs[method] as MethodSpec<M>;
  if ('run' in spec) throw new Error(`${method} is made of several requests`);
  return spec.parse(payload);
}
