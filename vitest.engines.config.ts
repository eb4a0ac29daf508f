import { defineConfig } from 'vitest/config';

/**
 * The cross-engine scenarios (e2e/engines): one scenario set, run in Chromium (Playwright),
 * Firefox ESR (puppeteer-core, WebDriver BiDi) and WebKitGTK (selenium-webdriver), one engine
 * file at a time (2 cores), against the emulator and demo build the global setup starts on ports
 * of their own (e2e/engines/env.ts). `npm run test:engines`.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/engines/*.test.ts'],
    globalSetup: ['e2e/engines/setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 90_000,
    retry: 0,
  },
});
