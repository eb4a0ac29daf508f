/**
 * Wire → SDK for what engages a customer before or beside a chat: greetings, the pre-chat and
 * post-chat forms, URL previews and welcome messages. Pure.
 */
import type { ChatEvent, FormField, FormResult, Greeting, PredictedAgent, UrlInfo, WelcomeMessageResult } from '../shared/types';
import { isPlainObject, type Json } from '../shared/validate';
import { parseEvent } from './parse-events';
import { array, object, string, stringOrUndefined } from './wire-values';

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
