// Request validation shared by the RTM handlers and the agent API. Every failure names the offending
// field, because the point of an emulator is to tell the SDK author exactly what was wrong.
import type { ErrorType, Properties, WireAccess } from './wire';
import { CUSTOMER_EVENT_TYPES, MAX_MESSAGE_LENGTH } from './wire';
import type { FormType } from './control';
import type { EventDraft } from './state';

/** Thrown by handlers; the dispatcher turns it into an error response. */
export class RtmError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

export function invalid(message: string): RtmError {
  return new RtmError('validation', message);
}

export type Obj = Record<string, unknown>;

/** Percent-decoding of client input that never throws: a malformed escape stays as it was. */
export function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** JSON.parse that never throws: text that is not JSON gives undefined (which no JSON text parses to). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalObject(value: unknown, field: string): Obj | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw invalid(`${field} must be an object`);
  return value;
}

export function requiredString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${field} is required and must be a non-empty string`);
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${field} must be a boolean`);
  return value;
}

export function isGroupId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A group id, or another id the API numbers from 0 (a greeting template's). */
export function requiredGroupId(value: unknown, field: string): number {
  if (!isGroupId(value)) throw invalid(`${field} is required and must be a non-negative integer`);
  return value;
}

export function optionalGroupId(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!isGroupId(value)) throw invalid(`${field} must be a non-negative integer`);
  return value;
}

/** Properties are `{namespace: {name: value}}`; anything else would break clients that merge them. */
export function optionalProperties(value: unknown, field: string): Properties | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw invalid(`${field} must be an object of namespaces`);
  for (const [ns, props] of Object.entries(value)) {
    if (!isObject(props)) throw invalid(`${field}.${ns} must be an object`);
  }
  return value as Properties;
}

export function optionalAccess(value: unknown, field: string): WireAccess | undefined {
  const access = optionalObject(value, field);
  if (access === undefined || access.group_ids === undefined) return undefined;
  const ids = access.group_ids;
  if (!Array.isArray(ids) || !ids.every(isGroupId)) throw invalid(`${field}.group_ids must be an array of non-negative integers`);
  return { group_ids: [...ids] };
}

export function messageText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(`${field} is required and must be a string`);
  // "max 16 KB" (rtm-reference, send_event): counted in UTF-8 bytes, as the SDKs count it.
  if (Buffer.byteLength(value, 'utf8') > MAX_MESSAGE_LENGTH) throw invalid(`${field} is too long (max ${MAX_MESSAGE_LENGTH} bytes)`);
  return value;
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

/**
 * Validates an event a customer sends (send_event, or the initial events of start_chat/resume_chat)
 * and keeps only the fields the API defines for its type, so clients never see echoed junk.
 */
export function customerEvent(value: unknown, field: string): EventDraft {
  if (!isObject(value)) throw invalid(`${field} is required and must be an object`);
  const type = value.type;
  if (typeof type !== 'string' || !(CUSTOMER_EVENT_TYPES as readonly string[]).includes(type)) {
    throw invalid(`${field}.type must be one of ${CUSTOMER_EVENT_TYPES.join(', ')}`);
  }
  const draft: EventDraft = { type, properties: optionalProperties(value.properties, `${field}.properties`) ?? {} };
  const customId = optionalString(value.custom_id, `${field}.custom_id`);
  if (customId !== undefined) draft.custom_id = customId;
  if (value.recipients !== undefined) {
    if (value.recipients !== 'all' && value.recipients !== 'agents') throw invalid(`${field}.recipients must be "all" or "agents"`);
    draft.recipients = value.recipients;
  }

  switch (type) {
    case 'message': {
      draft.text = messageText(value.text, `${field}.text`);
      const postback = optionalObject(value.postback, `${field}.postback`);
      if (postback !== undefined) draft.postback = postback;
      break;
    }
    case 'file': {
      const url = requiredString(value.url, `${field}.url`);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw invalid(`${field}.url must be an absolute URL`);
      }
      // The real server fills these from the upload; derive plausible values from the URL instead.
      const name = decodeLenient(parsed.pathname.split('/').pop() || 'file');
      const ext = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '';
      draft.url = url;
      draft.name = name;
      draft.content_type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
      const alt = optionalString(value.alternative_text, `${field}.alternative_text`);
      if (alt !== undefined) draft.alternative_text = alt;
      break;
    }
    case 'filled_form': {
      draft.form_id = requiredString(value.form_id, `${field}.form_id`);
      if (!Array.isArray(value.fields) || !value.fields.every(isObject)) throw invalid(`${field}.fields must be an array of objects`);
      draft.fields = value.fields;
      const formType = optionalString(value.form_type, `${field}.form_type`);
      if (formType !== undefined) draft.form_type = formType;
      break;
    }
    case 'system_message': {
      draft.text = messageText(value.text, `${field}.text`);
      draft.system_message_type = requiredString(value.system_message_type, `${field}.system_message_type`);
      break;
    }
    case 'custom': {
      if (value.content !== undefined) draft.content = value.content;
      break;
    }
  }
  return draft;
}

/** Event types an agent (the control API) can send; `filled_form` is the customer's answer, not theirs. */
const AGENT_EVENT_TYPES = ['message', 'file', 'form', 'rich_message', 'system_message', 'custom'] as const;
const RICH_MESSAGE_TEMPLATES = ['cards', 'quick_replies', 'sticker', 'ecommerce'] as const;
const BUTTON_TYPES = ['message', 'phone', 'url', 'webview', 'cancel'];

/** Form types: what `get_form` asks for and what a form event carries; `ticket` is what the SDK asks when no agent is online. */
export const FORM_TYPES: readonly FormType[] = ['prechat', 'postchat', 'ask_for_email', 'ticket'];
export type { FormType };

export function isFormType(value: unknown): value is FormType {
  return (FORM_TYPES as readonly unknown[]).includes(value);
}

/**
 * Validates an event the agent API sends. Customer-sendable types follow `customerEvent`; the
 * agent-only ones (form, rich_message) get the server's defaults filled in: rich message buttons
 * get a postback_id and user_ids, so postbacks can name them.
 */
export function agentEvent(value: unknown, field: string): EventDraft {
  if (!isObject(value)) throw invalid(`${field} is required and must be an object`);
  const type = value.type;
  if (typeof type !== 'string' || !(AGENT_EVENT_TYPES as readonly string[]).includes(type)) {
    throw invalid(`${field}.type must be one of ${AGENT_EVENT_TYPES.join(', ')}`);
  }
  if (type !== 'form' && type !== 'rich_message') {
    const draft = customerEvent(value, field);
    if (type === 'file') fileDimensions(draft, value, field);
    return draft;
  }
  const draft: EventDraft = { type, properties: optionalProperties(value.properties, `${field}.properties`) ?? {} };
  const customId = optionalString(value.custom_id, `${field}.custom_id`);
  if (customId !== undefined) draft.custom_id = customId;
  if (type === 'form') {
    const formType = value.form_type;
    if (!isFormType(formType)) throw invalid(`${field}.form_type must be one of ${FORM_TYPES.join(', ')}`);
    draft.form_id = requiredString(value.form_id, `${field}.form_id`);
    draft.form_type = formType;
    draft.fields = formFieldsOf(value.fields, `${field}.fields`);
    return draft;
  }
  const template = value.template_id;
  if (typeof template !== 'string' || !(RICH_MESSAGE_TEMPLATES as readonly string[]).includes(template)) {
    throw invalid(`${field}.template_id must be one of ${RICH_MESSAGE_TEMPLATES.join(', ')}`);
  }
  if (!Array.isArray(value.elements) || value.elements.length === 0) throw invalid(`${field}.elements must be a non-empty array`);
  draft.template_id = template;
  draft.elements = value.elements.map((element, i) => richElement(element, `${field}.elements[${i}]`, i));
  return draft;
}

/** A form's fields: each an object with a string type and id (what clients key answers by). */
export function formFieldsOf(value: unknown, field: string): Array<Record<string, unknown>> {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${field} must be a non-empty array`);
  return value.map((f, i) => {
    if (!isObject(f)) throw invalid(`${field}[${i}] must be an object`);
    requiredString(f.type, `${field}[${i}].type`);
    requiredString(f.id, `${field}[${i}].id`);
    return f;
  });
}

function richElement(value: unknown, field: string, index: number): Obj {
  if (!isObject(value)) throw invalid(`${field} must be an object`);
  const element: Obj = {};
  const title = optionalString(value.title, `${field}.title`);
  const subtitle = optionalString(value.subtitle, `${field}.subtitle`);
  if (title !== undefined) element.title = title;
  if (subtitle !== undefined) element.subtitle = subtitle;
  const image = optionalObject(value.image, `${field}.image`);
  if (image !== undefined) {
    requiredString(image.url, `${field}.image.url`);
    element.image = image;
  }
  if (value.buttons !== undefined) {
    if (!Array.isArray(value.buttons)) throw invalid(`${field}.buttons must be an array`);
    element.buttons = value.buttons.map((b, j) => {
      const at = `${field}.buttons[${j}]`;
      if (!isObject(b)) throw invalid(`${at} must be an object`);
      const text = requiredString(b.text, `${at}.text`);
      const buttonType = optionalString(b.type, `${at}.type`);
      if (buttonType !== undefined && !BUTTON_TYPES.includes(buttonType)) throw invalid(`${at}.type must be one of ${BUTTON_TYPES.join(', ')}`);
      const userIds = b.user_ids ?? [];
      if (!Array.isArray(userIds) || !userIds.every((id) => typeof id === 'string')) throw invalid(`${at}.user_ids must be an array of strings`);
      return { ...b, text, postback_id: optionalString(b.postback_id, `${at}.postback_id`) ?? `action_${index}_${j}`, user_ids: userIds };
    });
  }
  const ecommerce = optionalObject(value.ecommerce, `${field}.ecommerce`);
  if (ecommerce !== undefined) element.ecommerce = ecommerce;
  return element;
}

/**
 * A greeting's buttons also carry `button_id` ("Returned only for greetings", data-structures, Rich
 * message), the id `send_greeting_button_clicked` names: the agent's `button_id` or `id`, else the
 * button's postback id.
 */
export function withGreetingButtonIds(draft: EventDraft): EventDraft {
  if (draft.type !== 'rich_message' || !Array.isArray(draft.elements)) return draft;
  const elements = draft.elements.map((element: unknown) =>
    isObject(element) && Array.isArray(element.buttons)
      ? { ...element, buttons: element.buttons.map((b: unknown) => (isObject(b) ? { ...b, button_id: b.button_id ?? b.id ?? b.postback_id } : b)) }
      : element,
  );
  return { ...draft, elements };
}

/**
 * Images carry their dimensions, byte size and thumbnails (data-structures, File: `size`, `width`,
 * `height` "only for images"); the emulator serves the original for both thumbnails. The real server
 * knows the size from the upload; the agent API is told it.
 */
function fileDimensions(draft: EventDraft, value: Obj, field: string): void {
  if (value.width === undefined && value.height === undefined && value.size === undefined) return;
  const ok = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0;
  if (!ok(value.width) || !ok(value.height) || !ok(value.size)) {
    throw invalid(`an image needs ${field}.width, ${field}.height and ${field}.size (bytes), all positive integers`);
  }
  draft.size = value.size;
  draft.width = value.width;
  draft.height = value.height;
  draft.thumbnail_url = draft.url;
  draft.thumbnail2x_url = draft.url;
}
