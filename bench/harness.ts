/**
 * What every scenario gets: the emulators, the served bench pages, one Chromium, and helpers to open
 * tabs of either SDK and read what the emulator and the tabs saw. A scenario's usual shape is "for
 * each SDK: a fresh browser context, N connected tabs of a fresh organization, measure, close":
 * `withTabs`, `withTabsOfEachSdk` and `eachSdk` are that shape, once.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { Emulator } from '../emulator/server';
import type { CleanHarness } from './clean';
// Also brings in the `window.bench` declaration the evaluate callbacks use.
import type {} from './pages/harness';

export type SdkKind = 'official' | 'ours';
/** Official first in every table, so "ratio" always reads this SDK ÷ official. */
export const SDKS: readonly SdkKind[] = ['official', 'ours'];
export const SDK_LABELS: Record<SdkKind, string> = { official: 'official 4.0.2', ours: 'this SDK' };

/** A vite manifest entry (build.manifest), as far as the bench reads it. */
export interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  assets?: string[];
}

export interface Bench {
  browser: Browser;
  /** No per-customer connection cap, so the official SDK's N tabs all connect. */
  emulator: Emulator;
  /** The API's defaults (5 logged-in sockets per customer), to show what the cap does. */
  cappedEmulator: Emulator;
  /** Where the built bench pages are served. */
  web: string;
  buildDir: string;
  manifest: Record<string, ManifestChunk>;
  quick: boolean;
  /** Round trips (ms) the latency scenario runs at (`--rtt`). */
  rtts: readonly number[];
  /**
   * The clean start-up method (bench/clean.ts): a second Chromium over a raw CDP pipe, launched on
   * first use and kept for the rest of the run.
   */
  clean(): Promise<CleanHarness>;
  log(message: string): void;
}

const OUTCOME_TIMEOUT_MS = 30_000;

export const newOrganization = (scenario: string, kind: SdkKind): string => `bench-${scenario}-${kind}-${randomUUID().slice(0, 8)}`;

export function pageUrl(bench: Bench, kind: SdkKind, organizationId: string, extra: Record<string, string> = {}, server = bench.emulator.url): string {
  const query = new URLSearchParams({ server, organizationId, ...extra });
  return `${bench.web}/${kind}.html?${query}`;
}

export interface TabOutcome {
  page: Page;
  connected: boolean;
  disconnectReason?: string;
}

/** Opens a bench page and waits until its SDK connected or was disconnected (e.g. refused). */
export async function openTab(context: BrowserContext, url: string): Promise<TabOutcome> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[bench page error] ${error.message}`));
  await page.goto(url);
  return { page, ...(await waitForOutcome(page)) };
}

export async function waitForOutcome(page: Page): Promise<{ connected: boolean; disconnectReason?: string }> {
  await page
    .waitForFunction(() => window.bench !== undefined && (window.bench.connectedAt !== undefined || window.bench.disconnectReason !== undefined), undefined, {
      timeout: OUTCOME_TIMEOUT_MS,
      polling: 10,
    })
    .catch(async (error: Error) => {
      const state = await page.evaluate(() => JSON.stringify(window.bench ?? null)).catch(() => 'unreadable');
      throw new Error(`${page.url()} neither connected nor disconnected (page state ${state}): ${error.message}`);
    });
  return page.evaluate(() => {
    const state = window.bench;
    return {
      connected: state.connectedAt !== undefined && state.disconnectReason === undefined,
      ...(state.disconnectReason === undefined ? {} : { disconnectReason: state.disconnectReason }),
    };
  });
}

/** Opens a tab that must connect; anything else is a broken bench, not a result. */
export async function openConnectedTab(context: BrowserContext, url: string): Promise<Page> {
  const outcome = await openTab(context, url);
  if (!outcome.connected) throw new Error(`A bench tab did not connect (${outcome.disconnectReason ?? 'no reason'}): ${url}`);
  return outcome.page;
}

/** Opens `count` tabs one after another, each connected before the next opens (as a visitor opens them). */
export async function openConnectedTabs(context: BrowserContext, url: string, count: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) pages.push(await openConnectedTab(context, url));
  return pages;
}

/** Runs `use` in a fresh browser context, closed afterwards whatever happens: no worker, socket or cache of another run is left in it. */
async function inNewContext<T>(bench: Bench, use: (context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await bench.browser.newContext();
  try {
    return await use(context);
  } finally {
    await context.close();
  }
}

/** One SDK's tabs in one browser context, as `withTabs` hands them over. */
export interface Tabs {
  kind: SdkKind;
  context: BrowserContext;
  /** Fresh for every call, so the emulator's counters for it are this run's only. */
  organizationId: string;
  /** The bench page of this SDK and organization: open it again for more tabs of the same visitor. */
  url: string;
  /** The tabs opened for `use`, all connected. */
  pages: Page[];
}

export interface TabsOptions {
  /** The emulator the tabs talk to; default `bench.emulator` (uncapped). */
  emulator?: Emulator;
}

/** A fresh context with `count` connected tabs of one SDK and a fresh organization, for `use`; closed afterwards. */
export function withTabs<T>(bench: Bench, scenario: string, kind: SdkKind, count: number, use: (tabs: Tabs) => Promise<T>, options: TabsOptions = {}): Promise<T> {
  return inNewContext(bench, async (context) => {
    const organizationId = newOrganization(scenario, kind);
    const url = pageUrl(bench, kind, organizationId, {}, (options.emulator ?? bench.emulator).url);
    return use({ kind, context, organizationId, url, pages: await openConnectedTabs(context, url, count) });
  });
}

/**
 * `withTabs` for every SDK at once, for scenarios that alternate between the SDKs while both are open
 * (so that a busy moment of the shared machine does not land on one of them only).
 */
export function withTabsOfEachSdk<T>(bench: Bench, scenario: string, count: number, use: (tabs: Record<SdkKind, Tabs>) => Promise<T>): Promise<T> {
  const open = (next: number, opened: Partial<Record<SdkKind, Tabs>>): Promise<T> => {
    const kind = SDKS[next];
    if (kind === undefined) return use(opened as Record<SdkKind, Tabs>);
    return withTabs(bench, scenario, kind, count, (tabs) => open(next + 1, { ...opened, [kind]: tabs }));
  };
  return open(0, {});
}

/** `measure` for each SDK in table order, one after the other (never at once: they would share the CPU). */
export async function eachSdk<T>(measure: (kind: SdkKind) => Promise<T>): Promise<Record<SdkKind, T>> {
  const out = {} as Record<SdkKind, T>;
  for (const kind of SDKS) out[kind] = await measure(kind);
  return out;
}

/** Starts a chat in this tab; its id. */
export const startChat = (page: Page): Promise<string> => page.evaluate(() => window.bench.startChat());

/** `connected` time minus `init()` time, in the page's own clock. */
export function initToConnected(page: Page): Promise<number> {
  return page.evaluate(() => window.bench.connectedAt! - window.bench.initAt);
}

/** The clock the pages stamp arrivals with (both read the same system clock). */
export const nodeNow = (): number => performance.timeOrigin + performance.now();

export async function agentSays(emulator: Emulator, organizationId: string, chatId: string, text: string): Promise<void> {
  const response = await fetch(`${emulator.url}/__emulator/agent/send_event`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ organization_id: organizationId, chat_id: chatId, text }),
  });
  if (response.status !== 200) throw new Error(`agent send_event answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

/** Polls `probe` until it returns true; throws after `timeoutMs` with `what` in the message. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = OUTCOME_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pushes `count` agent messages to a chat, texts `text(i)`, with `inFlight` control requests at a time
 * (one request at a time would measure the loopback HTTP round trip, not the SDKs).
 */
export async function agentSaysMany(emulator: Emulator, organizationId: string, chatId: string, count: number, inFlight: number, text: (i: number) => string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await agentSays(emulator, organizationId, chatId, text(next++));
    }),
  );
}

/** How many agent messages each page has received so far. */
export function receivedCounts(pages: readonly Page[]): Promise<number[]> {
  return Promise.all(pages.map((page) => page.evaluate(() => window.bench.received)));
}

/** Agent messages that arrived more than once, over all these pages. */
export async function duplicateDeliveries(pages: readonly Page[]): Promise<number> {
  const perPage = await Promise.all(pages.map((page) => page.evaluate(() => window.bench.duplicates)));
  return perPage.reduce((a, b) => a + b, 0);
}

/** Each page's arrival times by text (see `BenchState.takeArrivals`), which the pages then forget. */
export function takeArrivals(pages: readonly Page[]): Promise<Array<Record<string, number>>> {
  return Promise.all(pages.map((page) => page.evaluate(() => window.bench.takeArrivals())));
}
