// The multi-tab test kit for Playwright: a `test` whose workers each run an emulator (port 0), and
// helpers to open N tabs of a widget page, wait until each tab's SDK is connected, read the events
// each tab received, and assert that every tab got one event exactly once.
//
// How events are seen: an init script (added to the context before any page loads) records every
// SDK event of every SDK instance it is told about, in the page. A page that loads the script-tag
// build is seen without any change (the script catches the `CustomerSDK` global as it is assigned
// and records what its `init()` returns); a bundled widget hands its instance over with one line,
// `window.__livechatTestKit?.register(customerSDK)`, which does nothing outside these tests.
import { randomUUID } from 'node:crypto';
import {
  test as base,
  expect,
  type BrowserContext,
  type Page,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestType,
} from '@playwright/test';
import { createEmulatorClient, type EmulatorClient } from './client';
import { startEmulator, type Emulator, type EmulatorOptions } from './server';

export { expect };

/**
 * The events the kit subscribes to on every SDK it records: the Customer SDK v5's, and
 * livechat-multitab-sdk's own (`cached_state`, `identity_changed`, `connection_unstable`,
 * `connection_recovered`). Kept equal to that SDK's list by a test of this repository.
 */
export const SDK_EVENT_NAMES: readonly string[] = [
  'connected',
  'cached_state',
  'disconnected',
  'customer_id',
  'identity_changed',
  'connection_unstable',
  'connection_recovered',
  'incoming_chat',
  'incoming_event',
  'chat_deactivated',
  'user_data',
  'availability_updated',
  'chat_properties_deleted',
  'chat_properties_updated',
  'chat_transferred',
  'customer_updated',
  'event_properties_deleted',
  'event_properties_updated',
  'event_updated',
  'events_marked_as_seen',
  'greeting_accepted',
  'greeting_canceled',
  'incoming_event_preview',
  'incoming_greeting',
  'incoming_rich_message_postback',
  'incoming_thinking_indicator',
  'incoming_typing_indicator',
  'incoming_welcome_message',
  'queue_position_updated',
  'thread_properties_deleted',
  'thread_properties_updated',
  'user_added_to_chat',
  'user_removed_from_chat',
];

/** One SDK event as a tab received it. `payload` is what the SDK passed to its listeners (as JSON-like data). */
export interface TabEvent<Payload = unknown> {
  name: string;
  payload: Payload;
  /** `Date.now()` in the page when it arrived. */
  at: number;
  /** Which SDK instance of the page emitted it, 1 for the first `init()`. */
  sdk: number;
}

/** The page-side recorder, `window.__livechatTestKit`. */
export interface TestKitRecorder {
  /** Records the events of an SDK instance (the object `init()` returned); returns it. */
  register<T>(sdk: T): T;
  events: TabEvent[];
  /** SDK instances registered so far. */
  instances: number;
}

/** The emulator of this worker. */
export interface EmulatorFixture {
  /** e.g. `http://127.0.0.1:39127`: the widget's server URL. */
  url: string;
  port: number;
  /** The running server (`stats()`, `close()`, …). */
  server: Emulator;
  /** A control client, narrowed to one organization (or to none: every organization). */
  client(organizationId?: string): EmulatorClient;
}

export interface EmulatorWorkerFixtures {
  /** Options of the worker's emulator (`use: { emulatorOptions: { … } }` in the config or `test.use`); the port defaults to 0. */
  emulatorOptions: EmulatorOptions;
  emulator: EmulatorFixture;
}

export interface EmulatorTestFixtures {
  /** A fresh organization id for this test, so tests sharing the worker's emulator never see each other. */
  organizationId: string;
  /** The control client for `organizationId`. */
  emulatorClient: EmulatorClient;
}

/** `@playwright/test`'s `test` with an emulator per worker, and a fresh organization and its control client per test. */
// Spelled out so that the declarations name only @playwright/test (not its `playwright` dependency).
export const test: TestType<PlaywrightTestArgs & PlaywrightTestOptions & EmulatorTestFixtures, PlaywrightWorkerArgs & PlaywrightWorkerOptions & EmulatorWorkerFixtures> = base.extend<
  EmulatorTestFixtures,
  EmulatorWorkerFixtures
>({
  emulatorOptions: [{}, { scope: 'worker', option: true }],
  emulator: [
    async ({ emulatorOptions }, use) => {
      const server = await startEmulator({ ...emulatorOptions, port: emulatorOptions.port ?? 0 });
      try {
        await use({ url: server.url, port: server.port, server, client: (organizationId) => createEmulatorClient(server.url, organizationId === undefined ? {} : { organizationId }) });
      } finally {
        await server.close();
      }
    },
    { scope: 'worker' },
  ],
  // Playwright reads a fixture's dependencies from its first parameter: it must be a destructuring pattern.
  // eslint-disable-next-line no-empty-pattern
  organizationId: async ({}, use) => use(`org-${randomUUID()}`),
  emulatorClient: async ({ emulator, organizationId }, use) => use(emulator.client(organizationId)),
});

declare global {
  interface Window {
    __livechatTestKit?: TestKitRecorder;
  }
}

/** Runs in every page of the context before its scripts: the recorder, and the catch of the script-tag global. */
function installRecorder(eventNames: readonly string[]): void {
  if (window.__livechatTestKit !== undefined) return;
  const registered = new WeakSet<object>();
  const kit: TestKitRecorder = {
    events: [],
    instances: 0,
    register(sdk) {
      const instance = sdk as { on?: unknown } | null;
      if (typeof instance !== 'object' || instance === null || typeof instance.on !== 'function') {
        throw new TypeError('__livechatTestKit.register() takes the SDK instance init() returned');
      }
      if (registered.has(instance)) return sdk;
      registered.add(instance);
      const number = ++kit.instances;
      const on = instance.on as (name: string, listener: (payload: unknown) => void) => void;
      for (const name of eventNames) {
        on.call(instance, name, (payload) => {
          // A snapshot: a payload the page changes later must not change what the tab received.
          let copy: unknown = payload;
          try {
            copy = structuredClone(payload);
          } catch {
            // Not cloneable (a function inside): kept as it is.
          }
          kit.events.push({ name, payload: copy, at: Date.now(), sdk: number });
        });
      }
      return sdk;
    },
  };
  window.__livechatTestKit = kit;

  // The script-tag build assigns the global `CustomerSDK` (`var CustomerSDK = …`): with an accessor in
  // place that assignment goes through the setter, which hands out a namespace whose init() registers.
  const wrapped = new WeakSet<object>();
  let current: unknown;
  const wrap = (namespace: unknown): unknown => {
    if (typeof namespace !== 'object' || namespace === null || wrapped.has(namespace)) return namespace;
    const init = (namespace as { init?: unknown }).init;
    if (typeof init !== 'function') return namespace;
    const copy: Record<string | symbol, unknown> = { ...(namespace as Record<string, unknown>) };
    copy.init = (...args: unknown[]) => kit.register(init.apply(namespace, args));
    wrapped.add(copy);
    return copy;
  };
  Object.defineProperty(window, 'CustomerSDK', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: unknown) => {
      current = wrap(value);
    },
  });
}

const recording = new WeakSet<BrowserContext>();

/** Adds the recorder to the context (once); pages opened afterwards record their SDK events. */
export async function recordSdkEvents(context: BrowserContext): Promise<void> {
  if (recording.has(context)) return;
  recording.add(context);
  await context.addInitScript(installRecorder, SDK_EVENT_NAMES);
}

export interface OpenTabsOptions {
  /** Wait until each tab's SDK emitted `connected` (default true). */
  connected?: boolean;
  /** For each tab's `connected`, in ms (default 15000). */
  timeout?: number;
}

/**
 * Opens `count` tabs of `url` in `context`, one after another (as a visitor does), each recording its
 * SDK events; by default waits until each tab's SDK is connected.
 */
export async function openTabs(context: BrowserContext, url: string, count: number, options: OpenTabsOptions = {}): Promise<Page[]> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`openTabs: count must be a positive integer, got ${count}`);
  await recordSdkEvents(context);
  const tabs: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(url);
    if (options.connected !== false) await waitForConnected(page, options.timeout);
    tabs.push(page);
  }
  return tabs;
}

/** The SDK events the tab received so far, in order (only `name`'s when given). */
export async function tabEvents<Payload = unknown>(page: Page, name?: string): Promise<Array<TabEvent<Payload>>> {
  const events = await page.evaluate(() => window.__livechatTestKit?.events ?? []);
  return (name === undefined ? events : events.filter((event) => event.name === name)) as Array<TabEvent<Payload>>;
}

/** Waits until the tab's SDK emitted `connected`; says why when it does not (no SDK seen, or how it was disconnected). */
export async function waitForConnected(page: Page, timeout = 15_000): Promise<void> {
  try {
    await page.waitForFunction(() => window.__livechatTestKit?.events.some((event) => event.name === 'connected') === true, undefined, { timeout });
  } catch (error) {
    const seen = await page.evaluate(() => ({ recorder: window.__livechatTestKit !== undefined, instances: window.__livechatTestKit?.instances ?? 0, events: window.__livechatTestKit?.events ?? [] })).catch(() => undefined);
    let why = 'the page could not be read';
    if (seen !== undefined && !seen.recorder) why = 'the kit\'s recorder is not in this page: open it with openTabs(), or call recordSdkEvents(context) before the page loads';
    else if (seen !== undefined && seen.instances === 0) {
      why = 'no SDK instance was seen: load the script-tag build, or call window.__livechatTestKit?.register(customerSDK) with what init() returned';
    } else if (seen !== undefined) {
      const disconnected = seen.events.filter((event) => event.name === 'disconnected').map((event) => JSON.stringify(event.payload));
      why = `the SDK emitted ${seen.events.map((event) => event.name).join(', ') || 'no event'}${disconnected.length ? ` (disconnected: ${disconnected.join(', ')})` : ''}`;
    }
    throw new Error(`${page.url()}: no 'connected' within ${timeout} ms: ${why}`, { cause: error });
  }
}

export interface EveryTabOnceOptions {
  /** How long every tab has to receive it, in ms (default 10000). */
  timeout?: number;
  /** After every tab has it, how long to keep watching for a second one, in ms (default 300). */
  settleMs?: number;
}

/**
 * Asserts that every tab received exactly one event matching `predicate`: waits until each has one,
 * then watches `settleMs` longer for a duplicate. Returns each tab's matching event, in tab order.
 */
export async function expectEveryTabOnce<Payload = unknown>(
  tabs: readonly Page[],
  predicate: (event: TabEvent<Payload>) => boolean,
  options: EveryTabOnceOptions = {},
): Promise<Array<TabEvent<Payload>>> {
  if (tabs.length === 0) throw new RangeError('expectEveryTabOnce: no tabs');
  const matching = async () => Promise.all(tabs.map(async (page) => (await tabEvents<Payload>(page)).filter((event) => predicate(event))));
  const once = tabs.map(() => 1);
  const deadline = Date.now() + (options.timeout ?? 10_000);
  let counts: number[];
  // Polled by hand rather than with expect.poll: a tab that already has two fails at once, not at the timeout.
  for (;;) {
    counts = (await matching()).map((events) => events.length);
    if (counts.some((n) => n > 1) || counts.every((n) => n === 1) || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(counts, 'matching events per tab (every tab should have exactly 1)').toEqual(once);
  await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 300));
  const final = await matching();
  expect(final.map((events) => events.length), `matching events per tab, ${options.settleMs ?? 300} ms later (a duplicate arrived)`).toEqual(once);
  return final.map((events) => events[0]!);
}
