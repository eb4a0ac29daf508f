import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { EMULATOR_URL, WEB_URL } from './env';

export interface Stats {
  openConnections: number;
  totalConnections: number;
  logins: number;
  requests: Record<string, number>;
  /** Requests to the upload_file endpoint for the organization. */
  uploads: number;
}

/** A fresh organization per test keeps tests apart on the one emulator. */
export const newOrganization = (): string => `e2e-${randomUUID()}`;

export function demoUrl(organizationId: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ server: EMULATOR_URL, organizationId, ...extra });
  return `${WEB_URL}/index.html?${query}`;
}

export async function stats(organizationId: string): Promise<Stats> {
  const response = await fetch(`${EMULATOR_URL}/__emulator/stats?organization_id=${encodeURIComponent(organizationId)}`);
  return (await response.json()) as Stats;
}

export async function agentSays(organizationId: string, chatId: string, text: string): Promise<void> {
  await agentAction(organizationId, 'send_event', { chat_id: chatId, text });
}

/** Opens a demo tab and waits until its SDK instance emitted `connected`. */
export async function openTab(context: BrowserContext, organizationId: string, extra: Record<string, string> = {}): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(demoUrl(organizationId, extra));
  await expect.poll(() => countEvents(page, 'connected')).toBeGreaterThanOrEqual(1);
  return page;
}

export function countEvents(page: Page, name: string): Promise<number> {
  return page.evaluate((eventName) => window.sdkEvents.filter((event) => event.name === eventName).length, name);
}

/** Texts of the messages this tab received as `incoming_event`, in order. */
export function receivedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    window.sdkEvents
      .filter((event) => event.name === 'incoming_event')
      .map((event) => (event.payload as { event: { text?: string } }).event.text ?? ''),
  );
}

export function runtimeStatus(page: Page) {
  return page.evaluate(() => window.sdk.getRuntimeStatus());
}

/** Starts a chat from `page` and returns its id once every given tab knows it. */
export async function startChat(page: Page): Promise<string> {
  return page.evaluate(() => window.sdk.startChat().then((result) => result.chat.id));
}

/**
 * Pids of Chromium renderer processes on this machine (e2e runs one browser at a time). A test
 * kills the one a tab got to crash that tab the way a real renderer crash does.
 */
export function rendererPids(): Set<number> {
  const lines = execSync('ps -eo pid=,args=').toString().split('\n');
  return new Set(lines.filter((line) => line.includes('--type=renderer')).map((line) => Number.parseInt(line.trim(), 10)));
}

/** Calls one of the emulator's agent actions (`POST /__emulator/agent/<action>`) and returns its JSON answer. */
export async function agentAction(organizationId: string, action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${EMULATOR_URL}/__emulator/agent/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ organization_id: organizationId, ...body }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** The payloads of the events of that name this tab received, in order. */
export function eventPayloads(page: Page, name: string): Promise<unknown[]> {
  return page.evaluate((eventName) => window.sdkEvents.filter((event) => event.name === eventName).map((event) => event.payload), name);
}
