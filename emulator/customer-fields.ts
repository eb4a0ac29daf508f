// The customer fields a request may carry (profile, session fields, page), as login, update_customer,
// set_customer_session_fields and update_customer_page check and apply them.
import type { Customer } from './state';
import { RtmError, invalid, isObject, optionalObject, optionalString, requiredString } from './validate';

export type Profile = { name?: string; email?: string; avatar?: string; sessionFields?: Array<Record<string, string>> };

export function customerProfile(value: unknown, field: string): Profile {
  const c = optionalObject(value, field);
  if (c === undefined) return {};
  const out: Profile = {};
  const name = optionalString(c.name, `${field}.name`);
  const email = optionalString(c.email, `${field}.email`);
  const avatar = optionalString(c.avatar, `${field}.avatar`);
  if (name !== undefined) out.name = name;
  if (email !== undefined) out.email = email;
  if (avatar !== undefined) out.avatar = avatar;
  if (c.session_fields !== undefined) out.sessionFields = sessionFields(c.session_fields, `${field}.session_fields`);
  return out;
}

/** Session fields a customer may hold (wire-protocol.md: `set_customer_session_fields`, max 100 keys). */
export const SESSION_FIELDS_LIMIT = 100;

export function sessionFields(value: unknown, field: string): Array<Record<string, string>> {
  const ok =
    Array.isArray(value) &&
    value.every((f) => isObject(f) && Object.keys(f).length === 1 && Object.values(f).every((v) => typeof v === 'string'));
  if (!ok) throw invalid(`${field} must be an array of single-key objects with string values`);
  if (value.length > SESSION_FIELDS_LIMIT) {
    throw new RtmError('customer_session_fields_limit_reached', `${field}: more than ${SESSION_FIELDS_LIMIT} session fields`);
  }
  return value as Array<Record<string, string>>;
}

export function mergeSessionFields(current: Array<Record<string, string>>, update: Array<Record<string, string>>): Array<Record<string, string>> {
  const byKey = new Map(current.flatMap((field) => Object.entries(field)));
  for (const field of update) for (const [key, value] of Object.entries(field)) byKey.set(key, value);
  return [...byKey].map(([key, value]) => ({ [key]: value }));
}

export function applyProfile(customer: Customer, profile: Profile): void {
  if (profile.name !== undefined) customer.name = profile.name;
  if (profile.email !== undefined) customer.email = profile.email;
  if (profile.avatar !== undefined) customer.avatar = profile.avatar;
  if (profile.sessionFields !== undefined) customer.sessionFields = profile.sessionFields;
}

export function customerPage(value: unknown, field: string): { url: string; title?: string } | undefined {
  const page = optionalObject(value, field);
  if (page === undefined) return undefined;
  const url = requiredString(page.url, `${field}.url`);
  const title = optionalString(page.title, `${field}.title`);
  return title === undefined ? { url } : { url, title };
}
