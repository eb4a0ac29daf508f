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

/** The demo shop's page. */
export const DEMO_PAGE = `${WEB_URL}/index.html`;

/**
 * `pageUrl` with the query every SDK page reads (the emulator as `server`, the organization, then
 * `extra`): the demo shop by default, or another page that reads the same query (the agent console,
 * a second demo build, the package's consumer apps).
 */
export function demoUrl(organizationId: string, extra: Record<string, string> = {}, pageUrl: string = DEMO_PAGE): string {
  const query = new URLSearchParams({ server: EMULATOR_URL, organizationId, ...extra });
  return `${pageUrl}?${query}`;
}

export async function stats(organizationId: string): Promise<Stats> {
  const response = await fetch(`${EMULATOR_URL}/__emulator/stats?organization_id=${encodeURIComponent(organizationId)}`);
  return (await response.json()) as Stats;
}

/** The customer sockets the emulator has open for the organization (poll it to wait for a count). */
export async function openConnections(organizationId: string): Promise<number> {
  return (await stats(organizationId)).openConnections;
}

/** A chat as the emulator stores it (`GET /__emulator/chats`), the parts tests look at. */
export interface ServerChat {
  id: string;
  active: boolean;
  properties: Record<string, Record<string, unknown>>;
  threads: Array<{ id: string; properties: Record<string, Record<string, unknown>>; events: Array<{ type: string; text?: string }> }>;
}

/** The chats the emulator holds for the organization, oldest first. */
export async function serverChats(organizationId: string): Promise<ServerChat[]> {
  const response = await fetch(`${EMULATOR_URL}/__emulator/chats?organization_id=${encodeURIComponent(organizationId)}`);
  return ((await response.json()) as { chats: ServerChat[] }).chats;
}

/** Texts of the messages the emulator holds in the organization's first chat, in order, every thread. */
export async function serverTexts(organizationId: string): Promise<string[]> {
  const chats = await serverChats(organizationId);
  return chats[0]!.threads.flatMap((thread) => thread.events).filter((event) => event.type === 'message').map((event) => event.text ?? '');
}

/** POSTs a JSON body to one of the emulator's control endpoints (`/__emulator/…`). */
export function emulatorPost(path: string, body: unknown): Promise<Response> {
  return fetch(`${EMULATOR_URL}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/** The service disconnects the organization's one customer socket with `reason` (`customer_disconnected`). */
export async function serverDisconnects(organizationId: string, reason: string, data?: Record<string, unknown>): Promise<void> {
  const response = await emulatorPost('/__emulator/disconnect', { organization_id: organizationId, reason, ...(data ? { data } : {}) });
  expect(await response.json()).toEqual({ disconnected: 1 });
}

/** The service goes down for the organization: its sockets are cut and new ones refused for `durationMs`; the data stays. */
export async function serverOutage(organizationId: string, durationMs: number): Promise<void> {
  const response = await emulatorPost('/__emulator/outage', { organization_id: organizationId, duration_ms: durationMs });
  expect(response.status).toBe(200);
}

export async function agentSays(organizationId: string, chatId: string, text: string): Promise<void> {
  await agentAction(organizationId, 'send_event', { chat_id: chatId, text });
}

/** Opens a demo tab (or another SDK page, see `demoUrl`) and waits until its SDK instance emitted `connected`. */
export async function openTab(context: BrowserContext, organizationId: string, extra: Record<string, string> = {}, pageUrl: string = DEMO_PAGE): Promise<Page> {
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await tab.goto(demoUrl(organizationId, extra, pageUrl));
  await expect.poll(() => countEvents(tab, 'connected')).toBeGreaterThanOrEqual(1);
  return tab;
}

/** `N` pages: a tuple when N is a literal, so that `const [a, b] = await openTabs(…, 2)` needs no checks. */
type Pages<N extends number, Opened extends Page[] = []> = number extends N ? Page[] : Opened['length'] extends N ? Opened : Pages<N, [...Opened, Page]>;

/** Opens `count` demo tabs in the context, one after another, each connected before the next opens. */
export async function openTabs<N extends number>(context: BrowserContext, organizationId: string, count: N, extra: Record<string, string> = {}): Promise<Pages<N>> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) pages.push(await openTab(context, organizationId, extra));
  return pages as Pages<N>;
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

type StartedChat = Awaited<ReturnType<Window['sdk']['startChat']>>['chat'];

/** Starts a chat from `page`, with `firstMessage` in its thread when given, and resolves the chat the SDK returned. */
export function startChatResult(page: Page, firstMessage?: string): Promise<StartedChat> {
  return page.evaluate(
    (text) =>
      (text === undefined ? window.sdk.startChat() : window.sdk.startChat({ chat: { thread: { events: [{ type: 'message', text }] } } })).then((result) => result.chat),
    firstMessage,
  );
}

/** Starts a chat from `page` (with a first message when given) and resolves its id. */
export async function startChat(page: Page, firstMessage?: string): Promise<string> {
  return (await startChatResult(page, firstMessage)).id;
}

/** Sends a message from `page` and resolves the event the SDK returned. */
export function sendText(page: Page, chatId: string, text: string) {
  return page.evaluate(([id, message]) => window.sdk.sendEvent({ chatId: id, event: { type: 'message', text: message } }), [chatId, text] as const);
}

/** The customer id this tab was told first (`customer_id`). */
export async function customerIdOf(page: Page): Promise<string> {
  return (await eventPayloads(page, 'customer_id'))[0] as string;
}

/** How `getCustomer()` settles in this tab: 'resolved', or the SdkError code it rejected with. */
export function getCustomerOutcome(page: Page): Promise<string> {
  return page.evaluate(() => window.sdk.getCustomer().then(() => 'resolved', (error: { code: string }) => error.code));
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
  const response = await emulatorPost(`/__emulator/agent/${action}`, { organization_id: organizationId, ...body });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** The payloads of the events of that name this tab received, in order. */
export function eventPayloads(page: Page, name: string): Promise<unknown[]> {
  return page.evaluate((eventName) => window.sdkEvents.filter((event) => event.name === eventName).map((event) => event.payload), name);
}
