/**
 * SDK → wire serializers. Pure functions that validate as they go: they either return the exact
 * payload to put on the socket, or throw a `VALIDATION` SdkError naming the field.
 */
import { fail, oneOf, optionalBoolean, optionalObject, optionalString, requireObject, requireString, type Json } from '../shared/validate';
import { optionalArray, optionalProperties } from './validate-data';

/** Event types a customer may send (`form` and `rich_message` come only from agents and bots). */
export const CUSTOMER_EVENT_TYPES = ['message', 'file', 'filled_form', 'system_message', 'custom'] as const;

/**
 * The server rejects messages over 16 KB of raw text, counted in UTF-8 ("one UTF-8 char like emoji
 * can use up to 4 B", data-structures § Message); checking here gives a clearer error with the field name.
 */
const MAX_MESSAGE_BYTES = 16 * 1024;

function withoutUndefined(object: Json): Json {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

function formFieldsToWire(value: unknown, field: string): Json[] {
  const fields = optionalArray(value, field) ?? fail(field, 'an array', value);
  return fields.map((entry, index) => {
    const formField = { ...requireObject(entry, `${field}[${index}]`) };
    const answer = formField.answer;
    if (formField.type === 'group_chooser' && typeof answer === 'object' && answer !== null && 'groupId' in answer) {
      const { groupId, ...rest } = answer as Json;
      formField.answer = { ...rest, group_id: groupId };
    }
    return formField;
  });
}

export function serializeEvent(value: unknown, field = 'event'): Json {
  const event = requireObject(value, field);
  const type = oneOf(event.type, `${field}.type`, CUSTOMER_EVENT_TYPES);
  const common = {
    custom_id: optionalString(event.customId, `${field}.customId`),
    properties: optionalProperties(event.properties, `${field}.properties`),
  };
  switch (type) {
    case 'message': {
      const text = requireString(event.text, `${field}.text`);
      if (new TextEncoder().encode(text).length > MAX_MESSAGE_BYTES) fail(`${field}.text`, `at most ${MAX_MESSAGE_BYTES} bytes in UTF-8 (16 KB)`, text);
      const postback = optionalObject(event.postback, `${field}.postback`);
      return withoutUndefined({
        type,
        text,
        ...common,
        postback: postback && {
          id: requireString(postback.id, `${field}.postback.id`),
          thread_id: requireString(postback.threadId, `${field}.postback.threadId`),
          event_id: requireString(postback.eventId, `${field}.postback.eventId`),
          type: optionalString(postback.type, `${field}.postback.type`),
          value: optionalString(postback.value, `${field}.postback.value`),
        },
      });
    }
    case 'file':
      return withoutUndefined({
        type,
        url: requireString(event.url, `${field}.url`),
        alternative_text: optionalString(event.alternativeText, `${field}.alternativeText`),
        ...common,
      });
    case 'filled_form':
      return withoutUndefined({
        type,
        form_id: requireString(event.formId, `${field}.formId`),
        form_type: optionalString(event.formType, `${field}.formType`),
        fields: formFieldsToWire(event.fields, `${field}.fields`),
        ...common,
      });
    case 'system_message':
      return withoutUndefined({
        type,
        text: requireString(event.text, `${field}.text`),
        system_message_type: requireString(event.systemMessageType, `${field}.systemMessageType`),
        recipients: event.recipients === undefined ? undefined : oneOf(event.recipients, `${field}.recipients`, ['all', 'agents']),
        ...common,
      });
    case 'custom':
      return withoutUndefined({ type, content: event.content, ...common });
  }
}

/** `startChat`/`resumeChat` parameters → `start_chat`/`resume_chat` payload (wire-protocol §7.3). */
export function serializeChatStart(value: unknown, options: { resume: boolean }): Json {
  const params = options.resume ? requireObject(value, 'params') : (optionalObject(value, 'params') ?? {});
  const chat = options.resume ? requireObject(params.chat, 'chat') : (optionalObject(params.chat, 'chat') ?? {});
  const wireChat: Json = {};
  if (options.resume) wireChat.id = requireString(chat.id, 'chat.id');
  const chatAccess = optionalObject(chat.access, 'chat.access');
  if (chatAccess?.groupIds !== undefined) {
    const groupIds = optionalArray(chatAccess.groupIds, 'chat.access.groupIds') ?? [];
    groupIds.forEach((id, index) => {
      if (typeof id !== 'number' || !Number.isInteger(id)) fail(`chat.access.groupIds[${index}]`, 'an integer', id);
    });
    wireChat.access = { group_ids: groupIds };
  }
  const chatProperties = optionalProperties(chat.properties, 'chat.properties');
  if (chatProperties) wireChat.properties = chatProperties;
  const thread = optionalObject(chat.thread, 'chat.thread');
  if (thread) {
    const events = optionalArray(thread.events, 'chat.thread.events') ?? [];
    wireChat.thread = withoutUndefined({
      events: events.map((event, index) => serializeEvent(event, `chat.thread.events[${index}]`)),
      properties: optionalProperties(thread.properties, 'chat.thread.properties'),
    });
  }
  return withoutUndefined({
    chat: wireChat,
    active: optionalBoolean(params.active, 'active') ?? true,
    continuous: optionalBoolean(params.continuous, 'continuous'),
    welcome_message_id: optionalString(params.welcomeMessageId, 'welcomeMessageId'),
  });
}

/** The server keeps at most 100 session fields per customer. */
const MAX_SESSION_FIELDS = 100;

/** `{k: 'v', …}` → `[{k: 'v'}, …]`, the wire form of session fields, insertion order kept. */
export function serializeSessionFields(value: unknown, field = 'sessionFields'): Json[] {
  const fields = requireObject(value, field);
  const entries = Object.entries(fields);
  if (entries.length > MAX_SESSION_FIELDS) fail(field, `at most ${MAX_SESSION_FIELDS} fields`, value);
  return entries.map(([key, fieldValue]) => {
    if (typeof fieldValue !== 'string') fail(`${field}.${key}`, 'a string', fieldValue);
    return { [key]: fieldValue };
  });
}
