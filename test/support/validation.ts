import { expect } from 'vitest';
import { SdkError } from '../../src/shared/errors';

/** Runs `work`, expects it to throw a VALIDATION SdkError, and returns that error. */
export function validationError(work: () => unknown): SdkError {
  let thrown: unknown;
  try {
    work();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SdkError);
  const error = thrown as SdkError;
  expect(error.code).toBe('VALIDATION');
  return error;
}
