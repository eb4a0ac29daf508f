// Request validation shared by the RTM handlers and the agent API. Every failure names the offending
// field, because the point of an emulator is to tell the SDK author exactly what was wrong.
import type { ErrorType, Properties, WireAccess } from './wire';
import { CUSTOMER_EVENT_TYPES, MAX_MESSAGE_LENGTH } from './wire';
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
  if (value.length > MAX_MESSAGE_LENGTH) throw invalid(`${field} is too long (max ${MAX_MESSAGE_LENGTH} characters)`);
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
      const name = decodeURIComponent(parsed.pathname.split('/').pop() || 'file');
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
