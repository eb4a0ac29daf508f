/**
 * Where the engines suite's own servers listen. Its defaults differ from Playwright's (e2e/env.ts:
 * 8790, 4190) and `npm start`'s (8787), so the suites never collide; override them (and the
 * demo's build folder) to run beside another run.
 */
import { resolve } from 'node:path';

export const ENGINES_EMULATOR_PORT = Number(process.env.ENGINES_EMULATOR_PORT ?? 8792);
export const ENGINES_WEB_PORT = Number(process.env.ENGINES_WEB_PORT ?? 4192);
export const ENGINES_DEMO_OUT_DIR = resolve(process.env.ENGINES_DEMO_OUT_DIR ?? 'dist/demo-engines');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The emulator the global setup started, e.g. `http://127.0.0.1:8792`. */
    emulatorUrl: string;
    /** The demo the global setup built and serves (this build at `/`, a newer SDK version at `/next/`). */
    webUrl: string;
  }
}
