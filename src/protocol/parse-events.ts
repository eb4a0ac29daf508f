/**
 * Wire → SDK chat events: messages, files, rich messages (cards, quick replies, buttons), forms
 * and system messages. Pure; an event type this SDK does not expose is dropped, as the official
 * SDK drops it.
 */
import type { ChatEvent, FormField, RichMessageButton, RichMessageElement } from '../shared/types';
import { isPlainObject } from '../shared/validate';
import { array, object, properties, stringOrUndefined } from './wire-values';

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

export function parseEvents(value: unknown, threadId: string): ChatEvent[] {
  return array(value)
    .map((event) => parseEvent(event, threadId))
    .filter((event): event is ChatEvent => event !== null);
}
