/**
 * Argument checks shared by every runtime mode. Each check throws an `SdkError` with code
 * `VALIDATION` whose message names the offending field, so a widget developer sees at once
 * which argument is wrong (`"chatId" must be a non-empty string, got number`).
 */
import { SdkError } from './errors';

export type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function fail(field: string, expectation: string, value: unknown): never {
  throw new SdkError('VALIDATION', `"${field}" must be ${expectation}, got ${describe(value)}`, { field });
}

export function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, field: string): Json {
  if (!isPlainObject(value)) fail(field, 'an object', value);
  return value;
}

export function optionalObject(value: unknown, field: string): Json | undefined {
  return value === undefined ? undefined : requireObject(value, field);
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(field, 'a non-empty string', value);
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(field, 'a string', value);
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(field, 'a boolean', value);
  return value;
}

export function optionalInteger(
  value: unknown,
  field: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    fail(field, `an integer from ${range.min} to ${range.max}`, value);
  }
  return value;
}

export function optionalFunction<T extends (...args: never[]) => unknown>(
  value: unknown,
  field: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(field, 'a function', value);
  return value as T;
}

export function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(field, 'an array', value);
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(field, `one of ${allowed.map((item) => `'${item}'`).join(', ')}`, value);
  }
  return value as T;
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
