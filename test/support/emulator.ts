/**
 * The lifecycle the emulator and core test files share: one emulator on a random port for the
 * file (started before its tests, closed after them), and `cleanup` callbacks a test registers,
 * run after it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/server';

export function useEmulator(): { readonly emulator: Emulator; cleanup: Array<() => void> } {
  let emulator: Emulator | undefined;
  const cleanup: Array<() => void> = [];
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
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
