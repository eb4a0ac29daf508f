/**
 * Public types of the Customer SDK v5 API (camelCase), as the SDK hands them to the app.
 * `parse.ts` and `pushes.ts` map the API's snake_case frames onto them.
 */

export type Region = 'dal' | 'fra';
export type Availability = 'online' | 'offline';
export type Properties = Record<string, Record<string, unknown>>;

export interface CustomerStatistics {
  chatsCount: number;
  threadsCount: number;
  visitsCount: number;
  pageViewsCount: number;
  greetingsShownCount: number;
  greetingsAcceptedCount: number;
}

export interface Customer {
  id: string;
  type: 'customer';
  name?: string;
  email?: string;
  avatar?: string;
  sessionFields: Record<string, string>;
  statistics?: CustomerStatistics;
  present?: boolean;
}

export interface Agent {
  id: string;
  type: 'agent';
  name: string;
  avatar: string;
  jobTitle: string;
  present?: boolean;
}

export type User = Customer | Agent;

/**
 * The `user_data` payload. A customer's session fields come as `fields`, the name the v5 docs give
 * them in `user_data` (and `customer_updated`), and as `sessionFields` too, the name of
 * `getCustomer()` and of 4.0.2's `user_data`, so that widgets written for either keep working.
 */
export type UserData = Agent | (Customer & { fields: Record<string, string> });

export interface Access {
  groupIds?: number[];
}

interface EventBase {
  id: string;
  authorId: string;
  createdAt: string;
  threadId: string | null;
  properties: Properties;
  customId?: string;
}

export interface MessageEvent extends EventBase {
  type: 'message';
  text: string;
  postback?: { id: string; threadId: string; eventId: string; type?: string; value?: string };
}

export interface FileEvent extends EventBase {
  type: 'file';
  url: string;
  name: string;
  contentType: string;
  width?: number;
  height?: number;
  alternativeText?: string;
  thumbnails?: {
    default: { url: string; width: number; height: number };
    high: { url: string; width: number; height: number };
  };
}

export interface FormField {
  type: string;
  id: string;
  label?: string;
  [key: string]: unknown;
}

export interface FormEvent extends EventBase {
  type: 'form';
  formId: string;
  formType?: string;
  fields: FormField[];
}

export interface FilledFormEvent extends EventBase {
  type: 'filled_form';
  formId: string;
  formType?: string;
  fields: FormField[];
}

export interface RichMessageButton {
  type?: string;
  text: string;
  postbackId: string;
  userIds: string[];
  role: string;
  value?: string;
  target?: string;
  webviewHeight?: string;
  /** Greeting buttons only: what `sendGreetingButtonClicked({ buttonId })` names. */
  buttonId?: string;
}

export interface RichMessageElement {
  title?: string;
  subtitle?: string;
  image?: { url: string; name?: string; alternativeText?: string };
  buttons?: RichMessageButton[];
  ecommerce?: Record<string, unknown>;
}

export interface RichMessageEvent extends EventBase {
  type: 'rich_message';
  template: string;
  elements: RichMessageElement[];
}

export interface SystemMessageEvent extends EventBase {
  type: 'system_message';
  text: string;
  systemMessageType: string;
  textVars?: Record<string, string>;
}

export interface CustomEvent extends EventBase {
  type: 'custom';
  content?: unknown;
}

export type ChatEvent =
  | MessageEvent
  | FileEvent
  | FormEvent
  | FilledFormEvent
  | RichMessageEvent
  | SystemMessageEvent
  | CustomEvent;

export interface Queue {
  position: number;
  waitTime: number;
  queuedAt?: string;
}

export interface Thread {
  id: string;
  chatId: string;
  active: boolean;
  access: Access;
  createdAt: string;
  userIds: string[];
  events: ChatEvent[];
  properties: Properties;
  previousThreadId: string | null;
  nextThreadId: string | null;
  queue: Queue | null;
}

export interface Chat {
  id: string;
  access: Access;
  users: User[];
  properties: Properties;
  eventsSeenUpToMap: Record<string, string | null>;
  thread: Thread | null;
}

export interface ChatSummary {
  id: string;
  active: boolean;
  access: Access;
  properties: Properties;
  users: User[];
  lastThreadId: string | null;
  lastThreadCreatedAt: string | null;
  eventsSeenUpToMap: Record<string, string | null>;
  lastEventsPerType?: Record<string, ChatEvent>;
  lastEvent?: ChatEvent;
}

export interface ListChatsResult {
  chatsSummary: ChatSummary[];
  totalChats: number;
  users: User[];
  previousPageId: string | null;
  nextPageId: string | null;
}

export interface GreetingAgent {
  id: string;
  name: string;
  avatar: string;
  jobTitle: string;
  isBot: boolean;
}

export interface Greeting {
  id: number;
  /** The greeting's text (v5 payload): its message's text, or a rich message's first title; else `''`. */
  text: string;
  uniqueId: string;
  displayedFirstTime: boolean;
  accepted: boolean;
  subtype: string;
  addon: unknown;
  event: ChatEvent | null;
  agent: GreetingAgent;
}

export interface ConnectedPayload {
  customer: Customer;
  availability: Availability;
  greeting?: Greeting;
}

/**
 * `cached_state` (this SDK only): what the runtime's cache held for this customer when it
 * started, offered before the login completes so a widget can paint at once. Every field is as
 * it was last seen, not as it is now: `connected` and the usual events follow and are the truth.
 */
export interface CachedStatePayload {
  cached: true;
  customer: Customer | null;
  availability: Availability | null;
  /** Recently active chats, newest first, each with its latest thread's last events (at most 100). */
  chats: Chat[];
  /** The last first page of `listChats()` the runtime saw. */
  chatsSummary: ChatSummary[];
  /** Greetings shown and not yet accepted or canceled. */
  greetings: Greeting[];
  /** When the cache was last written (ISO 8601). */
  savedAt: string;
}

export interface DisconnectedPayload {
  reason: string;
  [key: string]: unknown;
}

/** A customer access token, in the shape `@livechat/customer-auth` produces. */
export interface Token {
  accessToken: string;
  entityId: string;
  /** Lifetime in milliseconds. */
  expiresIn: number;
  tokenType: string;
  /** `Date.now()` when the token was issued. */
  creationDate: number;
  organizationId?: string;
}

/** The token handlers an `identityProvider` returns (same contract as `@livechat/customer-auth`). */
export interface CustomerAuth {
  getFreshToken(): Promise<Token>;
  getToken(): Promise<Token>;
  hasToken(): Promise<boolean>;
  invalidate(): Promise<void>;
}

export interface CustomerData {
  name?: string;
  email?: string;
  sessionFields?: Record<string, string>;
}

export interface Page {
  url?: string;
  title?: string;
}

/** How the tabs reach the runtime that owns the connection. */
export type RuntimeMode = 'auto' | 'shared' | 'dedicated' | 'inline';

export interface InitConfig {
  organizationId: string;
  clientId: string;
  /** Connect as soon as the instance is created. Default `true`. */
  autoConnect?: boolean;
  /** Default `0`. */
  groupId?: number;
  uniqueGroups?: boolean;
  /** Default `'dal'`. */
  region?: Region;
  redirectUri?: string;
  customerDataProvider?: () => CustomerData;
  identityProvider?: () => CustomerAuth;
  page?: Page;
  referrer?: string;
  /** Identifies this browser tab; generated and kept in `sessionStorage` when omitted. */
  tabId?: string;
  /**
   * Base URL of a server that speaks the Customer Chat API instead of LiveChat's production hosts,
   * e.g. the bundled emulator: `'http://127.0.0.1:8787'`. The RTM socket becomes
   * `ws(s)://<server>/v3.6/customer/rtm/ws` and tokens come from `<server>/v2/customer/token`
   * (cookie grant) unless an `identityProvider` is given.
   */
  server?: string;
  /**
   * Base URLs of the server for each region, e.g. `{ dal: 'http://127.0.0.1:8787', fra: 'http://127.0.0.1:8788' }`:
   * where the SDK reconnects when the server answers `misdirected_connection` naming a region.
   * The region in force (`region`, default `'dal'`) picks the first one; `server` is the fallback.
   */
  regionServers?: Partial<Record<Region, string>>;
  /** Force a runtime mode. Default `'auto'` (SharedWorker where available). */
  mode?: RuntimeMode;
  /**
   * **This SDK only:** the URL of the package's worker file (`dist/lib/livechat-multitab-sdk.worker.js`)
   * hosted on the page's own origin, for sites that load the SDK without a bundler (script tag) or
   * through its CommonJS build; used for the SharedWorker and for the dedicated mode's Worker. With
   * a bundler and the ESM build it is not needed: the bundler emits the worker itself.
   */
  workerUrl?: string | URL;
  /** Accounts/API environment for production hosts (`'production'` by default), as in the official SDK. */
  env?: string;
  /**
   * Ask the browser to keep the shared worker, and so the socket, alive for a few seconds after
   * the last tab leaves (SharedWorker `extendedLifetime`, Chrome 148+), so a single-tab visitor
   * moving between pages does not log in again on every page. Default `true`.
   */
  extendedLifetime?: boolean;
  /** Forward the runtime's log lines to this tab's console (SharedWorkers have no devtools in Safari). Default `false`. */
  debug?: boolean;
  /**
   * **This SDK only:** keep `sendEvent` calls made while the connection is down in an outbox
   * (IndexedDB) and send them, in order, after the next login; the call resolves when the event
   * is finally sent. Each queued event gets a `customId` (one is generated if absent) so that a
   * retry the server already has is never sent twice. Default `false`.
   */
  outbox?: boolean;
}

/** What most write requests resolve with (the official SDK's frozen `SUCCESS` object). */
export interface Success {
  success: true;
}

/** `{ns: [keys]}`: the properties a delete request or push names. */
export type PropertyKeys = Record<string, string[]>;

export type FormType = 'prechat' | 'postchat' | 'ticket';

export type FormResult = { enabled: false } | { enabled: true; form: { id: string; fields: FormField[] } };

export interface UrlInfo {
  url: string;
  title?: string;
  description?: string;
  imageUrl?: string;
  imageWidth?: number;
  imageHeight?: number;
}

export interface ListThreadsResult {
  threads: Thread[];
  previousPageId: string | null;
  nextPageId: string | null;
}

/** Group id (as a string key) → `'online' | 'online_for_queue' | 'offline'`, as the server sent it. */
export type GroupStatuses = Record<string, string>;

export interface PredictedAgent {
  id: string;
  name: string;
  avatar: string;
  jobTitle: string;
  type: string;
  isBot: boolean;
  botType?: string;
}

export interface WelcomeMessageResult {
  id: string;
  predictedAgent: PredictedAgent;
  queue: boolean;
}

// ---- push event payloads -------------------------------------------------------------------

export interface ChatTransferredPayload {
  chatId: string;
  threadId: string | null;
  reason: string;
  /** Only when `reason` is `'manual'`. */
  requesterId?: string;
  transferredTo: { agentIds?: string[]; groupIds?: number[] };
  queue: Queue | null;
}

export interface CustomerUpdatedPayload {
  id?: string;
  name?: string;
  email?: string;
  avatar?: string;
  /** Session fields (the v5 name; 4.0.2 called it `sessionFields`). */
  fields?: Record<string, string>;
}

export interface TypingIndicatorPayload {
  chatId: string;
  typingIndicator: { authorId: string; isTyping: boolean };
}

export interface ThinkingIndicatorPayload {
  chatId: string;
  threadId: string;
  authorId: string;
  sentAt: string;
  title?: string;
  description?: string;
  customId?: string;
}

export interface RichMessagePostbackPayload {
  userId: string;
  chatId: string;
  threadId: string;
  eventId: string;
  /** As the server sent it (`{id, toggled, button_type?, button_value?, ecommerce?}`). */
  postback: Record<string, unknown>;
}

export interface QueuePositionPayload {
  chatId: string;
  threadId: string;
  queue: Queue;
}

export interface UserRemovedPayload {
  chatId: string;
  userId: string;
  /** `disconnected`, `signed_out`, `manual`, …; absent when the server gave none. */
  reason?: string;
}
