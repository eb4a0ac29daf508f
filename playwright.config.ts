import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import { CHROMIUM_ARGS, chromiumPath, EMULATOR_PORT, NEXT_SDK_VERSION, WEB_PORT } from './e2e/env';

// `DEMO_OUT_DIR` lets e2e runs on other ports build into their own folder.
const demoOut = resolve(process.env.DEMO_OUT_DIR ?? 'dist/demo');

/**
 * E2E runs real tabs in Debian's Chromium (Playwright cannot download its own browser here)
 * against the built demo (`vite build && vite preview`, so the worker is the bundled one) and a
 * real emulator process. Ports differ from `npm start`'s, so both can run at once.
 */
export default defineConfig({
  testDir: 'e2e',
  // e2e/engines is the cross-engine suite, run by Vitest (vitest.engines.config.ts).
  testIgnore: 'engines/**',
  // Every test opens several pages; on a 2-core machine one worker is faster and steadier.
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  webServer: [
    {
      command: `node --import tsx emulator/cli.ts --port ${EMULATOR_PORT}`,
      url: `http://127.0.0.1:${EMULATOR_PORT}/__emulator/stats`,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      timeout: 30_000,
    },
    {
      // Two generations of the demo: this build, and the same code stamped as a newer SDK version
      // under /next/, to test a deploy while tabs of the old one are open.
      command:
        `DEMO_OUT_DIR=${demoOut} node node_modules/vite/bin/vite.js build --logLevel warn && ` +
        `SDK_VERSION=${NEXT_SDK_VERSION} node node_modules/vite/bin/vite.js build --logLevel warn --base /next/ --outDir ${demoOut}/next && ` +
        `DEMO_OUT_DIR=${demoOut} node node_modules/vite/bin/vite.js preview --port ${WEB_PORT} --strictPort`,
      url: `http://127.0.0.1:${WEB_PORT}/index.html`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
  ],
});
