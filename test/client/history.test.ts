import { describe, expect, it } from 'vitest';
import { chatHistory } from '../../src/client/history';
import { SdkError } from '../../src/shared/errors';
import type { ListThreadsParams } from '../../src/shared/methods';
import type { ListThreadsResult, Thread } from '../../src/shared/types';

const thread = (id: string): Thread => ({
  id,
  chatId: 'C1',
  active: false,
  access: {},
  createdAt: '',
  userIds: [],
  events: [],
  properties: {},
  previousThreadId: null,
  nextThreadId: null,
  queue: null,
});

/** Three pages, newest first, as the server sends them. */
const PAGES: Record<string, ListThreadsResult> = {
  first: { threads: [thread('T6'), thread('T5')], previousPageId: null, nextPageId: 'p2' },
  p2: { threads: [thread('T4'), thread('T3')], previousPageId: 'first', nextPageId: 'p3' },
  p3: { threads: [thread('T2'), thread('T1')], previousPageId: 'p2', nextPageId: null },
};

function server(failOnce?: string) {
  const asked: ListThreadsParams[] = [];
  let failed = false;
  const listThreads = async (params: ListThreadsParams) => {
    asked.push(params);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const key = params.pageId ?? 'first';
    if (key === failOnce && !failed) {
      failed = true;
      throw new SdkError('CONNECTION_LOST', 'Connection lost.');
    }
    return PAGES[key]!;
  };
  return { asked, listThreads };
}

const ids = (result: { value?: { threads: Thread[] } }) => result.value?.threads.map((t) => t.id);

describe('getChatHistory', () => {
  it('pages newest first, each page oldest first, with done on the last page and after it', async () => {
    const { asked, listThreads } = server();
    const history = chatHistory({ chatId: 'C1' }, listThreads);
    const first = await history.next();
    expect(ids(first)).toEqual(['T5', 'T6']);
    expect(first.done).toBe(false);
    expect(ids(await history.next())).toEqual(['T3', 'T4']);
    const last = await history.next();
    expect(ids(last)).toEqual(['T1', 'T2']);
    expect(last.done).toBe(true);
    expect(await history.next()).toEqual({ value: undefined, done: true });
    expect(asked).toEqual([{ chatId: 'C1', minEventsCount: 25 }, { chatId: 'C1', pageId: 'p2' }, { chatId: 'C1', pageId: 'p3' }]);
  });

  it('queues next() calls made without waiting, so they fetch consecutive pages', async () => {
    const { asked, listThreads } = server();
    const history = chatHistory({ chatId: 'C1' }, listThreads);
    const results = await Promise.all([history.next(), history.next(), history.next(), history.next()]);
    expect(results.map(ids)).toEqual([['T5', 'T6'], ['T3', 'T4'], ['T1', 'T2'], undefined]);
    expect(asked).toHaveLength(3);
  });

  it('rejects the failing call and every queued one, then retries the same page', async () => {
    const { asked, listThreads } = server('p2');
    const history = chatHistory({ chatId: 'C1' }, listThreads);
    await history.next();
    const queued = [history.next(), history.next()].map((call) => call.then(ids, (error: SdkError) => error.code));
    expect(await Promise.all(queued)).toEqual(['CONNECTION_LOST', 'CONNECTION_LOST']);
    expect(ids(await history.next())).toEqual(['T3', 'T4']);
    expect(asked.map((params) => params.pageId ?? 'first')).toEqual(['first', 'p2', 'p2']);
  });

  it('throws VALIDATION at once for a missing chatId', () => {
    expect(() => chatHistory({}, server().listThreads)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => chatHistory(undefined, server().listThreads)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
