/**
 * `getChatHistory({ chatId })`: an iterator over a chat's threads, newest page first, each
 * page's threads in chronological order (wire-protocol §7.2). It lives in the tab: each tab pages
 * through history on its own, while every page is one `listThreads` request to the runtime.
 *
 * `next()` calls are queued, so calling it twice without waiting fetches two consecutive pages
 * rather than the same one twice; a failed fetch rejects that call and every queued one, and
 * the next call retries the same page.
 */
import type { ListThreadsParams } from '../shared/methods';
import type { ListThreadsResult, Thread } from '../shared/types';
import { requireObject, requireString } from '../shared/validate';

/** The first page asks for enough threads to hold this many events, as the official SDK does. */
const FIRST_PAGE_EVENTS = 25;

export interface HistoryPage {
  threads: Thread[];
}

/**
 * `done` comes together with the last page (as in the official SDK), so this is deliberately not
 * an `AsyncIterable`: `for await` would drop that last page. Call `next()` until `done`.
 */
export type HistoryResult = { value: HistoryPage; done: boolean } | { value: undefined; done: true };

export interface ChatHistory {
  next(): Promise<HistoryResult>;
}

export function chatHistory(params: unknown, listThreads: (params: ListThreadsParams) => Promise<ListThreadsResult>): ChatHistory {
  const chatId = requireString(requireObject(params, 'params').chatId, 'chatId');
  // undefined: the first page was not fetched yet; null: the last page was.
  let nextPageId: string | null | undefined;
  const waiting: Array<{ resolve(result: HistoryResult): void; reject(error: unknown): void }> = [];
  let fetching = false;

  const fetchPage = async (): Promise<HistoryResult> => {
    if (nextPageId === null) return { value: undefined, done: true };
    const page = await listThreads(nextPageId === undefined ? { chatId, minEventsCount: FIRST_PAGE_EVENTS } : { chatId, pageId: nextPageId });
    nextPageId = page.nextPageId;
    // The server pages newest first; a page reads best oldest first. `done` comes with the last page.
    return { value: { threads: [...page.threads].reverse() }, done: nextPageId === null };
  };

  /** Serves queued `next()` calls one at a time. */
  const pump = async () => {
    if (fetching) return;
    fetching = true;
    while (waiting.length > 0) {
      try {
        const result = await fetchPage();
        waiting.shift()!.resolve(result);
      } catch (error) {
        for (const waiter of waiting.splice(0)) waiter.reject(error);
      }
    }
    fetching = false;
  };

  return {
    next: () =>
      new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        void pump();
      }),
  };
}
