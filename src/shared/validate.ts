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

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(field, `one of ${allowed.map((item) => `'${item}'`).join(', ')}`, value);
  }
  return value as T;
}
