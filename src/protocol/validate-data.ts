/**
 * The checks of request payloads (properties, id lists, integers), used by the runtime's method
 * table. Apart from validate.ts because tabs need only the basic checks: a module shared with
 * the lazily loaded runtime modes would be bundled, whole, into every tab's first chunk.
 */
import type { CustomerData } from '../shared/types';
import { fail, optionalInteger, optionalObject, optionalString, requireObject, requireString, type Json } from '../shared/validate';

export function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(field, 'an array', value);
  return value;
}

/** `{ns: {key: value}}`: the shape of chat, thread and event properties. */
export function optionalProperties(value: unknown, field: string): Json | undefined {
  const properties = optionalObject(value, field);
  if (properties) {
    for (const [namespace, entries] of Object.entries(properties)) {
      requireObject(entries, `${field}.${namespace}`);
    }
  }
  return properties;
}

export function requireInteger(value: unknown, field: string, range: { min: number; max: number }): number {
  if (value === undefined) fail(field, `an integer from ${range.min} to ${range.max}`, value);
  return optionalInteger(value, field, range) as number;
}

/** `{ns: {key: value}}` that must be given (update requests). */
export function requireProperties(value: unknown, field: string): Json {
  return optionalProperties(requireObject(value, field), field) as Json;
}

/** `{ns: ['key', …]}`: the properties a delete request names. */
export function requirePropertyKeys(value: unknown, field: string): Record<string, string[]> {
  const properties = requireObject(value, field);
  for (const [namespace, keys] of Object.entries(properties)) {
    requireStringArray(keys, `${field}.${namespace}`);
  }
  return properties as Record<string, string[]>;
}

export function requireStringArray(value: unknown, field: string): string[] {
  const items = optionalArray(value, field) ?? fail(field, 'an array', value);
  items.forEach((item, index) => requireString(item, `${field}[${index}]`));
  return items as string[];
}

/** Group ids are non-negative integers (0 is the default group). */
export function requireGroupIds(value: unknown, field: string): number[] {
  const ids = optionalArray(value, field) ?? fail(field, 'an array', value);
  ids.forEach((id, index) => requireInteger(id, `${field}[${index}]`, { min: 0, max: Number.MAX_SAFE_INTEGER }));
  return ids as number[];
}

/**
 * What the app's `customerDataProvider` returned in a tab, as a login's customer data. Checked here,
 * in the runtime, rather than in the tab: the runtime must not trust data from another context
 * anyway, and the check is then not paid for in every tab's bundle.
 */
export function customerDataFrom(value: unknown): CustomerData {
  const data = requireObject(value, 'customerDataProvider()');
  const result: CustomerData = {};
  const name = optionalString(data.name, 'customerDataProvider().name');
  const email = optionalString(data.email, 'customerDataProvider().email');
  if (name !== undefined) result.name = name;
  if (email !== undefined) result.email = email;
  const fields = optionalObject(data.sessionFields, 'customerDataProvider().sessionFields');
  if (fields) result.sessionFields = Object.fromEntries(Object.entries(fields).map(([key, v]) => [key, String(v)]));
  return result;
}
