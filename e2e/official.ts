/**
 * The page of the unchanged official `@livechat/customer-sdk@4.0.2` (demo/official.html, production
 * hosts routed by e2e/official-route.ts), and what official.spec.ts and differential.spec.ts both do with it.
 */
import type { Page } from '@playwright/test';
import { WEB_URL } from './env';

/** What demo/official.ts exposes (typed loosely: the package's own declarations do not compile). */
export interface OfficialSdk {
  startChat(data?: Record<string, unknown>): Promise<any>;
  sendEvent(params: { chatId: string; event: Record<string, unknown> }): Promise<any>;
  getChat(params: { chatId: string }): Promise<any>;
  getChatHistory(params: { chatId: string }): { next(): Promise<{ value: { threads: any[] } | undefined; done: boolean }> };
  getPredictedAgent(params?: { groupId?: number }): Promise<any>;
  updateChatProperties(params: { id: string; properties: Record<string, Record<string, unknown>> }): Promise<any>;
  rateChat(params: { chatId: string; rating: { score: 0 | 1; comment?: string } }): Promise<any>;
  deactivateChat(params: { id: string }): Promise<any>;
  updateCustomerPage(page: { url?: string; title?: string }): void;
}
declare global {
  interface Window {
    officialSdk: OfficialSdk;
    officialEvents: Array<{ name: string; payload: any; at: number }>;
  }
}

/** official.html for the organization; the routed hosts stand in for the emulator, so it takes no `server`. */
export const officialUrl = (organizationId: string): string => `${WEB_URL}/official.html?${new URLSearchParams({ organizationId })}`;

/**
 * Pages through `getChatHistory({ chatId })` of the SDK in the page global `sdk` (the official one or
 * this project's: both return an iterator) until done, at most 5 pages, and returns every page.
 */
export function chatHistoryPages(page: Page, sdk: 'officialSdk' | 'sdk', chatId: string): Promise<Array<{ value: unknown; done: boolean }>> {
  return page.evaluate(
    async ([global, id]) => {
      const instance = (window as unknown as Record<string, { getChatHistory(p: { chatId: string }): { next(): Promise<{ value: unknown; done: boolean }> } }>)[global]!;
      const iterator = instance.getChatHistory({ chatId: id });
      const pages: Array<{ value: unknown; done: boolean }> = [];
      for (let i = 0; i < 5; i++) {
        const result = await iterator.next();
        pages.push(result);
        if (result.done) break;
      }
      return pages;
    },
    [sdk, chatId] as const,
  );
}
