/**
 * The request methods a tab can call, by SDK name: their parameters and results. Types only, so
 * both sides share them; how each becomes a wire request is the worker's (protocol/method-table.ts).
 */
import type {
  Chat,
  ChatEvent,
  Customer,
  FormResult,
  FormType,
  GroupStatuses,
  ListChatsResult,
  ListThreadsResult,
  Page,
  Properties,
  PropertyKeys,
  Success,
  UrlInfo,
  WelcomeMessageResult,
} from './types';

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

export interface ResumeChatParams extends StartChatParams {
  chat: NonNullable<StartChatParams['chat']> & { id: string };
}

export interface ListThreadsParams {
  chatId: string;
  pageId?: string;
  sortOrder?: 'asc' | 'desc';
  limit?: number;
  minEventsCount?: number;
}

export interface UpdateCustomerParams {
  name?: string;
  email?: string;
  avatar?: string;
  sessionFields?: Record<string, string>;
}

type ChatRef = { chatId: string };
type ThreadRef = ChatRef & { threadId: string };
type EventRef = ThreadRef & { eventId: string };

/** Parameters and results of every request method, by SDK method name. */
export interface MethodMap {
  getCustomer: { params: void; result: Customer };
  startChat: { params: StartChatParams | void; result: { chat: Chat } };
  sendEvent: { params: SendEventParams; result: ChatEvent };
  listChats: { params: ListChatsParams | void; result: ListChatsResult };
  acceptGreeting: { params: { greetingId: number; uniqueId: string }; result: Success };
  cancelGreeting: { params: { uniqueId: string }; result: Success };
  cancelRate: { params: ChatRef & { properties?: string[] }; result: Success };
  deactivateChat: { params: { id: string }; result: Success };
  deleteChatProperties: { params: { id: string; properties: PropertyKeys }; result: Success };
  deleteEventProperties: { params: EventRef & { properties: PropertyKeys }; result: Success };
  deleteThreadProperties: { params: ThreadRef & { properties: PropertyKeys }; result: Success };
  getChat: { params: ChatRef & { threadId?: string }; result: Chat };
  getForm: { params: { groupId: number; type: FormType }; result: FormResult };
  getUrlInfo: { params: { url: string }; result: UrlInfo };
  listGroupStatuses: { params: { groupIds?: number[] } | void; result: GroupStatuses };
  listThreads: { params: ListThreadsParams; result: ListThreadsResult };
  markEventsAsSeen: { params: ChatRef & { seenUpTo: string }; result: Success };
  rateChat: { params: ChatRef & { rating: { score: 0 | 1; comment?: string } }; result: Success };
  requestWelcomeMessage: { params: { id?: string } | void; result: WelcomeMessageResult };
  resumeChat: { params: ResumeChatParams; result: { chat: Chat } };
  sendGreetingButtonClicked: { params: { greetingUniqueId: string; buttonId: string }; result: Success };
  sendRichMessagePostback: {
    params: EventRef & { postback: { id: string; toggled?: boolean; [key: string]: unknown } };
    result: Success;
  };
  setCustomerSessionFields: { params: { sessionFields: Record<string, string> }; result: Success };
  setSneakPeek: { params: ChatRef & { sneakPeekText: string }; result: void };
  updateChatProperties: { params: { id: string; properties: Properties }; result: Success };
  updateCustomer: { params: UpdateCustomerParams; result: Success };
  updateCustomerPage: { params: Page; result: void };
  updateEventProperties: { params: EventRef & { properties: Properties }; result: Success };
  updateThreadProperties: { params: ThreadRef & { properties: Properties }; result: Success };
}

export type MethodName = keyof MethodMap;
export type ParamsOf<M extends MethodName> = MethodMap[M]['params'];
export type ResultOf<M extends MethodName> = MethodMap[M]['result'];
