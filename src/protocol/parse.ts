/**
 * Wire → SDK parsers. Pure functions: no state, no I/O.
 *
 * They never trust the frame: a missing optional field gets the documented default, a missing
 * required one throws a `ProtocolError` that the worker logs and drops, so a malformed frame can
 * never take the runtime down.
 */
import type {
  Access,
  Agent,
  Availability,
  Chat,
  ChatEvent,
  ChatSummary,
  ConnectedPayload,
  Customer,
  CustomerStatistics,
  FormField,
  FormResult,
  Greeting,
  ListChatsResult,
  ListThreadsResult,
  PredictedAgent,
  Properties,
  PropertyKeys,
  Queue,
  RichMessageButton,
  RichMessageElement,
  Thread,
  UrlInfo,
  User,
  WelcomeMessageResult,
} from '../shared/types';
import { isPlainObject, type Json } from '../shared/validate';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}


export function object(value: unknown, what: string): Json {
  if (!isPlainObject(value)) throw new ProtocolError(`${what} is not an object`);
  return value;
}

export function string(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new ProtocolError(`${what} is not a string`);
  return value;
}

/** Lenient, unlike `optionalString` in validate.ts (which throws): a server field that is not a string reads as absent. */
export const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const properties = (value: unknown): Properties => (isPlainObject(value) ? (value as Properties) : {});

/** Properties a push is about: unlike inside a chat, a push without them says nothing, so it is malformed. */
export function requiredProperties(value: unknown, what: string): Properties {
  return object(value, what) as Properties;
}

/** `{ns: [keys]}` of a delete push; keys that are not strings are dropped rather than failing the push. */
export function parsePropertyKeys(value: unknown, what: string): PropertyKeys {
  const keys: PropertyKeys = {};
  for (const [namespace, names] of Object.entries(object(value, what))) {
    keys[namespace] = array(names).filter((name): name is string => typeof name === 'string');
  }
  return keys;
}

function access(value: unknown): Access {
  if (isPlainObject(value) && Array.isArray(value.group_ids)) {
    return { groupIds: value.group_ids.filter((id): id is number => typeof id === 'number') };
  }
  return {};
}

/** `[{a: '1'}, {b: '2'}]` → `{a: '1', b: '2'}`, order kept. */
export function parseSessionFields(value: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const entry of array(value)) {
    if (!isPlainObject(entry)) continue;
    for (const [key, fieldValue] of Object.entries(entry)) fields[key] = String(fieldValue);
  }
  return fields;
}

function statistics(value: Json): CustomerStatistics {
  const number = (key: string) => (typeof value[key] === 'number' ? (value[key] as number) : 0);
  return {
    chatsCount: number('chats_count'),
    threadsCount: number('threads_count'),
    visitsCount: number('visits_count'),
    pageViewsCount: number('page_views_count'),
    greetingsShownCount: number('greetings_shown_count'),
    greetingsAcceptedCount: number('greetings_accepted_count'),
  };
}

export function parseCustomer(value: unknown): Customer {
  const wire = object(value, 'customer');
  const customer: Customer = {
    id: string(wire.id, 'customer.id'),
    type: 'customer',
    sessionFields: parseSessionFields(wire.session_fields),
  };
  for (const key of ['name', 'email', 'avatar'] as const) {
    const field = stringOrUndefined(wire[key]);
    if (field !== undefined) customer[key] = field;
  }
  if (isPlainObject(wire.statistics)) customer.statistics = statistics(wire.statistics);
  if (typeof wire.present === 'boolean') customer.present = wire.present;
  return customer;
}

export function parseUser(value: unknown): User {
  const wire = object(value, 'user');
  if (wire.type === 'customer') return parseCustomer(wire);
  // Any user that is not the customer is an agent (bots included), as in the official SDK.
  const agent: Agent = {
    id: string(wire.id, 'user.id'),
    type: 'agent',
    name: stringOrUndefined(wire.name) ?? '',
    avatar: stringOrUndefined(wire.avatar) ?? '',
    jobTitle: stringOrUndefined(wire.job_title) ?? '',
  };
  if (typeof wire.present === 'boolean') agent.present = wire.present;
  return agent;
}

function eventsSeenUpToMap(users: unknown): Record<string, string | null> {
  const map: Record<string, string | null> = {};
  for (const user of array(users)) {
    if (isPlainObject(user) && typeof user.id === 'string') {
      map[user.id] = stringOrUndefined(user.events_seen_up_to) ?? null;
    }
  }
  return map;
}

/** Scales `width × height` down to fit a `box × box` square, keeping the ratio (ceil, as the official SDK). */
function fit(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: Math.ceil(width * scale), height: Math.ceil(height * scale) };
}

function richMessageButton(value: unknown): RichMessageButton | null {
  if (!isPlainObject(value)) return null;
  const button: RichMessageButton = {
    text: stringOrUndefined(value.text) ?? '',
    postbackId: stringOrUndefined(value.postback_id) ?? '',
    userIds: array(value.user_ids).filter((id): id is string => typeof id === 'string'),
    role: stringOrUndefined(value.role) ?? 'default',
  };
  const type = stringOrUndefined(value.type);
  if (type === 'message' || type === 'phone' || type === 'url' || type === 'webview') {
    button.type = type;
    button.value = stringOrUndefined(value.value) ?? '';
  } else if (type === 'cancel') {
    button.type = type;
  }
  // 3.6 returns `button_id` on greeting buttons only: the id `sendGreetingButtonClicked` takes (v5 docs: `buttonId`).
  if (typeof value.button_id === 'string') button.buttonId = value.button_id;
  if (type === 'url' && typeof value.target === 'string') button.target = value.target;
  if (type === 'webview' && typeof value.webview_height === 'string') {
    button.webviewHeight = value.webview_height;
  }
  return button;
}

function richMessageElement(value: unknown): RichMessageElement {
  const wire = isPlainObject(value) ? value : {};
  const element: RichMessageElement = {};
  if (typeof wire.title === 'string') element.title = wire.title;
  if (typeof wire.subtitle === 'string') element.subtitle = wire.subtitle;
  if (isPlainObject(wire.image) && typeof wire.image.url === 'string') {
    element.image = { url: wire.image.url };
    if (typeof wire.image.name === 'string') element.image.name = wire.image.name;
    if (typeof wire.image.alternative_text === 'string') {
      element.image.alternativeText = wire.image.alternative_text;
    }
  }
  if (Array.isArray(wire.buttons)) {
    element.buttons = wire.buttons
      .map(richMessageButton)
      .filter((button): button is RichMessageButton => button !== null);
  }
  if (isPlainObject(wire.ecommerce)) element.ecommerce = wire.ecommerce;
  return element;
}

function formFields(value: unknown): FormField[] {
  return array(value).filter(isPlainObject).map((field) => {
    const parsed: FormField = { ...field, type: String(field.type ?? ''), id: String(field.id ?? '') };
    // group_chooser answers carry a group id the SDK exposes in camelCase.
    if (isPlainObject(field.answer) && 'group_id' in field.answer) {
      const { group_id: groupId, ...answer } = field.answer;
      parsed.answer = { ...answer, groupId };
    }
    return parsed;
  });
}

const RICH_MESSAGE_TEMPLATES = new Set(['cards', 'quick_replies', 'sticker', 'ecommerce']);

/**
 * Parses one event. Returns `null` for event types this SDK does not expose (they are dropped,
 * as the official SDK drops them), and throws only when the event is not an object at all.
 */
export function parseEvent(value: unknown, threadId: string | null): ChatEvent | null {
  const wire = object(value, 'event');
  const base = {
    id: stringOrUndefined(wire.id) ?? '',
    authorId: stringOrUndefined(wire.author_id) ?? '',
    createdAt: stringOrUndefined(wire.created_at) ?? '',
    threadId,
    properties: properties(wire.properties),
    ...(typeof wire.custom_id === 'string' ? { customId: wire.custom_id } : {}),
  };
  switch (wire.type) {
    case 'message': {
      const event: ChatEvent = { ...base, type: 'message', text: stringOrUndefined(wire.text) ?? '' };
      if (isPlainObject(wire.postback) && typeof wire.postback.id === 'string') {
        const postback = wire.postback;
        event.postback = {
          id: postback.id as string,
          threadId: stringOrUndefined(postback.thread_id) ?? '',
          eventId: stringOrUndefined(postback.event_id) ?? '',
          ...(typeof postback.type === 'string' ? { type: postback.type } : {}),
          ...(typeof postback.value === 'string' ? { value: postback.value } : {}),
        };
      }
      return event;
    }
    case 'file': {
      const event: ChatEvent = {
        ...base,
        type: 'file',
        url: stringOrUndefined(wire.url) ?? '',
        name: stringOrUndefined(wire.name) ?? '',
        contentType: stringOrUndefined(wire.content_type) ?? '',
      };
      if (typeof wire.width === 'number' && typeof wire.height === 'number') {
        event.width = wire.width;
        event.height = wire.height;
        if (typeof wire.alternative_text === 'string') event.alternativeText = wire.alternative_text;
        event.thumbnails = {
          default: { url: stringOrUndefined(wire.thumbnail_url) ?? '', ...fit(wire.width, wire.height, 300) },
          high: { url: stringOrUndefined(wire.thumbnail2x_url) ?? '', ...fit(wire.width, wire.height, 600) },
        };
      }
      return event;
    }
    case 'form':
    case 'filled_form':
      return {
        ...base,
        authorId: wire.type === 'form' ? 'system' : base.authorId,
        type: wire.type,
        formId: stringOrUndefined(wire.form_id) ?? '',
        ...(typeof wire.form_type === 'string' ? { formType: wire.form_type } : {}),
        fields: formFields(wire.fields),
      };
    case 'rich_message': {
      const template = stringOrUndefined(wire.template_id) ?? '';
      if (!RICH_MESSAGE_TEMPLATES.has(template)) return null;
      return { ...base, type: 'rich_message', template, elements: array(wire.elements).map(richMessageElement) };
    }
    case 'system_message': {
      const event: ChatEvent = {
        ...base,
        authorId: 'system',
        type: 'system_message',
        text: stringOrUndefined(wire.text) ?? '',
        systemMessageType: stringOrUndefined(wire.system_message_type) ?? '',
      };
      if (isPlainObject(wire.text_vars)) event.textVars = wire.text_vars as Record<string, string>;
      return event;
    }
    case 'custom':
      return { ...base, type: 'custom', ...(wire.content !== undefined ? { content: wire.content } : {}) };
    default:
      return null;
  }
}

function parseEvents(value: unknown, threadId: string): ChatEvent[] {
  return array(value)
    .map((event) => parseEvent(event, threadId))
    .filter((event): event is ChatEvent => event !== null);
}

export function parseQueue(value: unknown): Queue | null {
  if (!isPlainObject(value) || typeof value.position !== 'number') return null;
  const parsed: Queue = {
    position: value.position,
    waitTime: typeof value.wait_time === 'number' ? value.wait_time : 0,
  };
  if (typeof value.queued_at === 'string') parsed.queuedAt = value.queued_at;
  return parsed;
}

export function parseThread(value: unknown, chatId: string): Thread {
  const wire = object(value, 'thread');
  const id = string(wire.id, 'thread.id');
  return {
    id,
    chatId,
    active: wire.active === true,
    access: access(wire.access),
    createdAt: stringOrUndefined(wire.created_at) ?? '',
    userIds: array(wire.user_ids).filter((userId): userId is string => typeof userId === 'string'),
    events: parseEvents(wire.events, id),
    properties: properties(wire.properties),
    previousThreadId: stringOrUndefined(wire.previous_thread_id) ?? null,
    nextThreadId: stringOrUndefined(wire.next_thread_id) ?? null,
    queue: parseQueue(wire.queue),
  };
}

export function parseChat(value: unknown): Chat {
  const wire = object(value, 'chat');
  const id = string(wire.id, 'chat.id');
  return {
    id,
    access: access(wire.access),
    users: array(wire.users).map(parseUser),
    properties: properties(wire.properties),
    eventsSeenUpToMap: eventsSeenUpToMap(wire.users),
    thread: isPlainObject(wire.thread) ? parseThread(wire.thread, id) : null,
  };
}

function chatSummary(value: unknown): ChatSummary {
  const wire = object(value, 'chat summary');
  const summary: ChatSummary = {
    id: string(wire.id, 'chat summary id'),
    active: wire.active === true,
    access: access(wire.access),
    properties: properties(wire.properties),
    users: array(wire.users).map(parseUser),
    lastThreadId: stringOrUndefined(wire.last_thread_id) ?? null,
    lastThreadCreatedAt: stringOrUndefined(wire.last_thread_created_at) ?? null,
    eventsSeenUpToMap: eventsSeenUpToMap(wire.users),
  };
  if (isPlainObject(wire.last_event_per_type)) {
    const perType: Record<string, ChatEvent> = {};
    let newest: { event: ChatEvent; threadCreatedAt: string } | undefined;
    for (const [type, entry] of Object.entries(wire.last_event_per_type)) {
      if (!isPlainObject(entry)) continue;
      const event = parseEvent(entry.event, stringOrUndefined(entry.thread_id) ?? null);
      if (!event) continue;
      perType[type] = event;
      const threadCreatedAt = stringOrUndefined(entry.thread_created_at) ?? '';
      // Newest = later thread; within one thread, later event.
      const isNewer =
        !newest ||
        threadCreatedAt > newest.threadCreatedAt ||
        (threadCreatedAt === newest.threadCreatedAt && event.createdAt > newest.event.createdAt);
      if (isNewer) newest = { event, threadCreatedAt };
    }
    summary.lastEventsPerType = perType;
    if (newest) summary.lastEvent = newest.event;
  }
  return summary;
}

export function parseListChats(value: unknown): ListChatsResult {
  const wire = object(value, 'list_chats response');
  const chatsSummary = array(wire.chats_summary).map(chatSummary);
  const users = new Map<string, User>();
  for (const summary of chatsSummary) for (const user of summary.users) users.set(user.id, user);
  return {
    chatsSummary,
    totalChats: typeof wire.total_chats === 'number' ? wire.total_chats : chatsSummary.length,
    users: [...users.values()],
    previousPageId: stringOrUndefined(wire.previous_page_id) ?? null,
    nextPageId: stringOrUndefined(wire.next_page_id) ?? null,
  };
}

// 4.0.2 dropped the text; the v5 docs list it, and a widget showing a greeting bubble wants it.
function greetingText(event: ChatEvent | null): string {
  if (event === null) return '';
  if (event.type === 'message') return event.text;
  if (event.type === 'rich_message') return event.elements[0]?.title ?? '';
  return '';
}

export function parseGreeting(value: unknown): Greeting {
  const wire = object(value, 'greeting');
  const agent = object(wire.agent, 'greeting.agent');
  const event = isPlainObject(wire.event) ? parseEvent(wire.event, null) : null;
  return {
    id: typeof wire.id === 'number' ? wire.id : Number(wire.id),
    text: greetingText(event),
    uniqueId: string(wire.unique_id, 'greeting.unique_id'),
    displayedFirstTime: wire.displayed_first_time === true,
    accepted: wire.accepted === true,
    subtype: stringOrUndefined(wire.subtype) ?? 'greeting',
    addon: wire.addon ?? null,
    event,
    agent: {
      id: string(agent.id, 'greeting.agent.id'),
      name: stringOrUndefined(agent.name) ?? '',
      avatar: stringOrUndefined(agent.avatar) ?? '',
      jobTitle: stringOrUndefined(agent.job_title) ?? '',
      isBot: agent.is_bot === true,
    },
  };
}

/** Online iff the monitoring group of the dynamic config is among the online groups. */
export function parseAvailability(dynamicConfig: unknown): Availability {
  if (!isPlainObject(dynamicConfig)) return 'offline';
  const groups = isPlainObject(dynamicConfig.customer_groups) ? dynamicConfig.customer_groups : {};
  const monitoring = isPlainObject(groups.monitoring) ? groups.monitoring.id : undefined;
  const online = dynamicConfig.online_groups_ids;
  return Array.isArray(online) && online.includes(monitoring) ? 'online' : 'offline';
}

export function parseLoginResponse(value: unknown): ConnectedPayload {
  const wire = object(value, 'login response');
  const connected: ConnectedPayload = {
    customer: parseCustomer(wire.customer),
    availability: parseAvailability(wire.__priv_dynamic_config),
  };
  if (isPlainObject(wire.greeting)) connected.greeting = parseGreeting(wire.greeting);
  return connected;
}

/** `customer_disconnected` push → `disconnected` payload: the reason plus whatever `data` carried. */
export function parseDisconnected(value: unknown): { reason: string; [key: string]: unknown } {
  const wire = isPlainObject(value) ? value : {};
  const reason = stringOrUndefined(wire.reason) ?? 'internal_error';
  return isPlainObject(wire.data) ? { ...wire.data, reason } : { reason };
}

/** `list_threads` response; threads carry no chat id on the wire, so the caller passes the one it asked about. */
export function parseListThreads(value: unknown, chatId: string): ListThreadsResult {
  const wire = object(value, 'list_threads response');
  return {
    threads: array(wire.threads).map((thread) => parseThread(thread, chatId)),
    previousPageId: stringOrUndefined(wire.previous_page_id) ?? null,
    nextPageId: stringOrUndefined(wire.next_page_id) ?? null,
  };
}

function formField(field: Json): FormField {
  const parsed: FormField = { ...field, type: String(field.type ?? ''), id: String(field.id ?? '') };
  if (field.type === 'group_chooser' && Array.isArray(field.options)) {
    parsed.options = field.options.map((option: unknown) => {
      if (!isPlainObject(option) || !('group_id' in option)) return option;
      const { group_id: groupId, ...rest } = option;
      return { ...rest, groupId };
    });
  }
  if (field.type === 'rating' && 'comment_label' in field) {
    const { comment_label: commentLabel, ...rest } = parsed;
    return { ...rest, commentLabel } as FormField;
  }
  return parsed;
}

/**
 * `get_form` response (wire-protocol §7.6). Legacy ticket forms have fields without ids; they get
 * their index as id so that a filled form can still name each answer.
 */
export function parseForm(value: unknown): FormResult {
  const wire = object(value, 'get_form response');
  if (wire.enabled !== true) return { enabled: false };
  const form = object(wire.form, 'form');
  const raw = array(form.fields).filter(isPlainObject);
  const legacy = raw.length > 0 && raw[0]?.id === undefined;
  const fields = raw.map((field, index) => formField(legacy ? { ...field, id: String(index) } : field));
  return { enabled: true, form: { id: string(form.id, 'form.id'), fields } };
}

/**
 * `get_url_info` response (§7.7). The image URL is rebuilt as `https://` + host/path because the
 * server has been seen to send it with a duplicated or missing protocol.
 */
export function parseUrlInfo(value: unknown): UrlInfo {
  const wire = object(value, 'get_url_info response');
  const info: UrlInfo = { url: string(wire.url, 'url') };
  if (typeof wire.title === 'string' && wire.title) info.title = wire.title;
  if (typeof wire.description === 'string' && wire.description) info.description = wire.description;
  if (typeof wire.image_url === 'string' && wire.image_url) {
    info.imageUrl = `https://${wire.image_url.replace(/^(https?:)?\/\//, '')}`;
    // A size only describes the image, and is only useful as a pair (to reserve the preview's box).
    if (typeof wire.image_width === 'number' && wire.image_width && typeof wire.image_height === 'number' && wire.image_height) {
      info.imageWidth = wire.image_width;
      info.imageHeight = wire.image_height;
    }
  }
  return info;
}

/** `request_welcome_message` response → `{id, predictedAgent, queue}` (v5 docs). */
export function parseWelcomeMessage(value: unknown): WelcomeMessageResult {
  const wire = object(value, 'request_welcome_message response');
  const agent = object(wire.predicted_agent, 'predicted_agent');
  const predictedAgent: PredictedAgent = {
    id: string(agent.id, 'predicted_agent.id'),
    name: stringOrUndefined(agent.name) ?? '',
    avatar: stringOrUndefined(agent.avatar) ?? '',
    jobTitle: stringOrUndefined(agent.job_title) ?? '',
    type: stringOrUndefined(agent.type) ?? 'agent',
    isBot: agent.is_bot === true,
  };
  if (typeof agent.bot_type === 'string') predictedAgent.botType = agent.bot_type;
  return { id: string(wire.id, 'id'), predictedAgent, queue: wire.queue === true };
}
