/**
 * The official `@livechat/customer-sdk@4.0.2` (Customer Chat API 3.5) on a page, unchanged, for comparing
 * it with this project's SDK in the e2e tests (e2e/official.spec.ts). It always talks to the production
 * hosts (`wss://api.livechatinc.com/v3.5/…`, `https://accounts.livechatinc.com/v2/customer/token`); the tests
 * route those to the emulator (e2e/official-route.ts). Opened without that routing it cannot connect.
 *
 * `?organizationId=ORG`. Exposes the instance as `window.officialSdk` and every event it emits as
 * `window.officialEvents`.
 */
// The package's own declarations do not compile (they import './types', which the tarball lacks, and
// ts-toolbelt overflows), and loading them would break `tsc -p tsconfig.json`; the bare specifier resolves to
// this same file (the package's `module` entry), so import it by path, untyped, and describe what is used here.
// @ts-expect-error -- no declaration file for the path import (see above)
import * as untypedSdk from '@livechat/customer-sdk/dist/customer-sdk.esm.js';

/** The subset of the 4.0.2 API the demo and the tests use (names and shapes from its README and code). */
export interface OfficialCustomerSdk {
  on(event: '*', handler: (name: string, payload: unknown) => void): void;
  on(event: string, handler: (payload: any) => void): void;
  off(event: string, handler?: (payload: any) => void): void;
  connect(): void;
  disconnect(): void;
  destroy(): void;
  startChat(data?: Record<string, unknown>): Promise<{ chat: OfficialChat }>;
  resumeChat(data: Record<string, unknown>): Promise<{ chat: OfficialChat }>;
  sendEvent(params: { chatId: string; event: Record<string, unknown>; attachToLastThread?: boolean }): Promise<OfficialEvent>;
  getChat(params: { chatId: string; threadId?: string }): Promise<OfficialChat>;
  getChatHistory(params: { chatId: string }): { next(): Promise<{ value: { threads: OfficialThread[] } | undefined; done: boolean }> };
  listChats(params?: { limit?: number; pageId?: string }): Promise<{ chatsSummary: Array<Record<string, unknown>>; totalChats: number }>;
  listThreads(params: { chatId: string; pageId?: string; limit?: number; minEventsCount?: number }): Promise<{ threads: OfficialThread[]; nextPageId: string | null }>;
  getCustomer(): Promise<Record<string, unknown>>;
  getPredictedAgent(params?: { groupId?: number }): Promise<{ agent: Record<string, unknown>; queue: boolean }>;
  updateChatProperties(params: { id: string; properties: Record<string, Record<string, unknown>> }): Promise<{ success: true }>;
  updateThreadProperties(params: { chatId: string; threadId: string; properties: Record<string, Record<string, unknown>> }): Promise<{ success: true }>;
  rateChat(params: { chatId: string; rating: { score: 0 | 1; comment?: string } }): Promise<{ success: true }>;
  cancelRate(params: { chatId: string; properties?: Array<'score' | 'comment'> }): Promise<{ success: true }>;
  deactivateChat(params: { id: string }): Promise<unknown>;
  updateCustomerPage(page: { url?: string; title?: string }): void;
}

export interface OfficialEvent {
  id: string;
  type: string;
  authorId: string;
  createdAt: string;
  threadId: string | null;
  text?: string;
  properties: Record<string, unknown>;
}

export interface OfficialThread {
  id: string;
  chatId: string;
  active: boolean;
  events: OfficialEvent[];
  properties: Record<string, Record<string, unknown>>;
  previousThreadId: string | null;
  nextThreadId: string | null;
}

export interface OfficialChat {
  id: string;
  users: Array<{ id: string; type: string }>;
  properties: Record<string, Record<string, unknown>>;
  thread: OfficialThread | null;
}

interface OfficialModule {
  // 4.0.2's signature is init(config, env?, licenseId?); its README calls init(config).
  init(config: { organizationId: string; clientId: string; groupId?: number; page?: { url: string; title?: string } }): OfficialCustomerSdk;
}

declare global {
  interface Window {
    officialSdk: OfficialCustomerSdk;
    /** Every event the instance emitted, in order (`*` listener), with the page time it arrived. */
    officialEvents: Array<{ name: string; payload: unknown; at: number }>;
  }
}

const CustomerSDK = untypedSdk as OfficialModule;
const query = new URLSearchParams(location.search);
const organizationId = query.get('organizationId') ?? 'demo-organization';

const sdk = CustomerSDK.init({ organizationId, clientId: 'official-demo' });
window.officialSdk = sdk;
window.officialEvents = [];

const state = document.querySelector<HTMLElement>('#state');
const log = document.querySelector<HTMLOListElement>('#log');
sdk.on('*', (name: string, payload: unknown) => {
  window.officialEvents.push({ name, payload, at: performance.now() });
  if (name === 'connected') setState('connected');
  if (name === 'disconnected') setState(`disconnected: ${(payload as { reason?: string } | undefined)?.reason ?? '?'}`);
  if (log !== null) {
    const item = document.createElement('li');
    item.textContent = `${name} ${name === 'incoming_event' ? ((payload as { event?: { text?: string } }).event?.text ?? '') : ''}`.trim();
    log.append(item);
  }
});

function setState(text: string): void {
  if (state === null) return;
  state.textContent = text;
  state.dataset.state = text;
}

const organization = document.querySelector('#organization');
if (organization !== null) organization.textContent = organizationId;
