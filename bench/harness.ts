/**
 * What every scenario gets: the emulators, the served bench pages, one Chromium, and helpers to open
 * tabs of either SDK and read what the emulator and the tabs saw.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { Emulator } from '../emulator/server';
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

/** How many agent messages each page has received so far. */
export function receivedCounts(pages: readonly Page[]): Promise<number[]> {
  return Promise.all(pages.map((page) => page.evaluate(() => window.bench.received)));
}
