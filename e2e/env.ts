/** Where the e2e servers listen, and how Chromium is launched on machines like this one. */
export const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 8790);
export const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 4190);
export const EMULATOR_URL = `http://127.0.0.1:${EMULATOR_PORT}`;
export const WEB_URL = `http://127.0.0.1:${WEB_PORT}`;
/** The version stamped into the second demo build served under /next/. */
export const NEXT_SDK_VERSION = '99.0.0';

export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the networking flags Chromium's background requests are refused here, many at a time.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // No pre-spawned spare renderer: a new tab then gets a process of its own that a test can
  // identify and kill, to crash a tab the way a real renderer crash does.
  '--disable-features=SpareRendererForSitePerProcess',
];
