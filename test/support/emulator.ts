/**
 * The lifecycle the emulator and core test files share: one emulator on a random port for the
 * file, or for the describe block it is called in (started before its tests, closed after them),
 * and `cleanup` callbacks a test registers, run after it. `options` are the emulator's own, for a
 * file that needs another limit than the defaults.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/server';

export function useEmulator(options: EmulatorOptions = {}): { readonly emulator: Emulator; cleanup: Array<() => void> } {
  let emulator: Emulator | undefined;
  const cleanup: Array<() => void> = [];
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, ...options });
  });
  afterAll(() => emulator?.close());
  afterEach(() => {
    while (cleanup.length) cleanup.pop()!();
  });
  return {
    get emulator(): Emulator {
      if (!emulator) throw new Error('The emulator starts in beforeAll: use it inside a test.');
      return emulator;
    },
    cleanup,
  };
}

export type EmulatorEnv = ReturnType<typeof useEmulator>;
