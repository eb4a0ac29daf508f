/**
 * The primitives every wire parser reads a frame with: a required field that is missing throws a
 * `ProtocolError` (the worker logs and drops the frame), an optional one reads as absent.
 */
import type { Properties } from '../shared/types';
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

/** A list field that is absent or not a list reads as empty. */
export const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Properties that are absent or not an object read as none. */
export const properties = (value: unknown): Properties => (isPlainObject(value) ? (value as Properties) : {});
