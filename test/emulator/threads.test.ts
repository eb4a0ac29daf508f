// list_threads and the *_properties actions: what SDK 4.x's getChatHistory, rateChat/cancelRate and
// (update|delete)(Chat|Thread|Event)Properties need (wire-protocol.md §7, §7.2, §8.1), on 3.6 and 3.5.
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator';
import { RtmClient, connect, newCustomer, randomOrg, type Frame, trackClients } from './helpers';

const env = useEmulator();

const track = trackClients();
const errorOf = (f: Frame) => ({ success: f.success, type: f.payload.error?.type, message: f.payload.error?.message as string });
const ids = (f: Frame): string[] => f.payload.threads.map((t: { id: string }) => t.id);

/** Two tabs of one customer, plus another customer of the same organization. */
async function twoTabs(version = '3.6') {
  const org = randomOrg();
  const alice = await newCustomer(env.emulator.url, org);
  const a = track(await connect(env.emulator.url, alice, {}, version)).client;
  const b = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie), {}, version)).client;
  const other = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org), {}, version)).client;
  return { org, alice, a, b, other };
}

/**
 * A chat with `messages.length` threads, oldest first; thread i holds messages[i] customer messages, and every
 * thread but the last is closed (which adds the system message of deactivate_chat).
 */
async function chatWithThreads(client: RtmClient, messages: number[]): Promise<{ chatId: string; threadIds: string[] }> {
  const threadIds: string[] = [];
  let chatId = '';
  for (const [i, count] of messages.entries()) {
    const events = Array.from({ length: count }, (_, n) => ({ type: 'message', text: `t${i}m${n}` }));
    const res = i === 0 ? await client.request('start_chat', { chat: { thread: { events } } }) : await client.request('resume_chat', { chat: { id: chatId, thread: { events } } });
    expect(res.success, JSON.stringify(res.payload)).toBe(true);
    if (i === 0) chatId = res.payload.chat_id;
    threadIds.push(res.payload.thread_id);
    if (i < messages.length - 1) expect((await client.request('deactivate_chat', { id: chatId })).success).toBe(true);
  }
  return { chatId, threadIds };
}

describe('list_threads', () => {
  it('answers {chat_id} (what rateChat sends) with the 3 newest threads, their events, found_threads and page ids', async () => {
    const { a } = await twoTabs();
    const { chatId, threadIds } = await chatWithThreads(a, [1, 1, 1, 1, 2]);
    const first = await a.request('list_threads', { chat_id: chatId });
    expect(first).toMatchObject({ action: 'list_threads', success: true });
    expect(first.payload.found_threads).toBe(5);
    expect(ids(first)).toEqual([threadIds[4], threadIds[3], threadIds[2]]);
    expect(first.payload.previous_page_id).toBeUndefined();
    expect(typeof first.payload.next_page_id).toBe('string');

    const [newest, second] = first.payload.threads;
    expect(newest).toMatchObject({ id: threadIds[4], active: true, created_at: expect.any(String), user_ids: expect.any(Array), properties: {}, access: { group_ids: [0] } });
    expect(newest.events.map((e: { text: string }) => e.text)).toEqual(['t4m0', 't4m1']);
    expect(newest.previous_thread_id).toBe(threadIds[3]);
    expect(newest.next_thread_id).toBeUndefined();
    expect(second).toMatchObject({ active: false, previous_thread_id: threadIds[2], next_thread_id: threadIds[4] });
    // The closed thread keeps its message and the system message of deactivate_chat.
    expect(second.events.map((e: { type: string }) => e.type)).toEqual(['message', 'system_message']);

    const rest = await a.request('list_threads', { chat_id: chatId, page_id: first.payload.next_page_id });
    expect(ids(rest)).toEqual([threadIds[1], threadIds[0]]);
    expect(rest.payload.next_page_id).toBeUndefined();
    expect(rest.payload.threads[1].previous_thread_id).toBeUndefined();
    const back = await a.request('list_threads', { chat_id: chatId, page_id: rest.payload.previous_page_id });
    expect(ids(back)).toEqual(ids(first));
  });

  it('pages by min_events_count (what getChatHistory sends): as many threads as it takes to reach the count', async () => {
    const { a } = await twoTabs();
    // Events per thread, oldest first: 3+1, 1+1, 2+1, 4 (closed threads get a system message).
    const { chatId, threadIds } = await chatWithThreads(a, [3, 1, 2, 4]);
    const first = await a.request('list_threads', { chat_id: chatId, min_events_count: 5 });
    expect(ids(first)).toEqual([threadIds[3], threadIds[2]]);
    const second = await a.request('list_threads', { chat_id: chatId, page_id: first.payload.next_page_id });
    expect(ids(second)).toEqual([threadIds[1], threadIds[0]]);
    expect(second.payload.next_page_id).toBeUndefined();
    expect(second.payload.found_threads).toBe(4);

    const all = await a.request('list_threads', { chat_id: chatId, min_events_count: 25 });
    expect(ids(all)).toEqual([...threadIds].reverse());
    expect(all.payload.next_page_id).toBeUndefined();
  });

  it('sorts oldest first with sort_order asc and honours limit', async () => {
    const { a } = await twoTabs();
    const { chatId, threadIds } = await chatWithThreads(a, [1, 1, 1]);
    const asc = await a.request('list_threads', { chat_id: chatId, sort_order: 'asc', limit: 2 });
    expect(ids(asc)).toEqual([threadIds[0], threadIds[1]]);
    const next = await a.request('list_threads', { chat_id: chatId, page_id: asc.payload.next_page_id });
    expect(ids(next)).toEqual([threadIds[2]]);
  });

  it('answers a chat with one thread in one page', async () => {
    const { a } = await twoTabs();
    const { chatId, threadIds } = await chatWithThreads(a, [0]);
    const res = await a.request('list_threads', { chat_id: chatId, min_events_count: 25 });
    expect(res.payload).toEqual({ threads: [expect.objectContaining({ id: threadIds[0], events: [] })], found_threads: 1 });
  });

  it('validates the request, and hides other customers\' chats', async () => {
    const { a, other } = await twoTabs();
    const { chatId } = await chatWithThreads(a, [1, 1]);
    const { chatId: otherChat } = await chatWithThreads(other, [1, 1, 1, 1]);
    const page = (await other.request('list_threads', { chat_id: otherChat, limit: 1 })).payload.next_page_id as string;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{}, 'validation', /chat_id/],
      [{ chat_id: 'NOSUCHCHAT' }, 'not_found', /Chat not found/],
      [{ chat_id: otherChat }, 'not_found', /Chat not found/],
      [{ chat_id: chatId, limit: 0 }, 'validation', /limit/],
      [{ chat_id: chatId, limit: 101 }, 'validation', /limit/],
      [{ chat_id: chatId, min_events_count: 0 }, 'validation', /min_events_count/],
      [{ chat_id: chatId, limit: 2, min_events_count: 5 }, 'validation', /cannot be combined/],
      [{ chat_id: chatId, sort_order: 'up' }, 'validation', /sort_order/],
      [{ chat_id: chatId, page_id: 'garbage!' }, 'validation', /page_id/],
      // A page id belongs to its chat.
      [{ chat_id: chatId, page_id: page }, 'validation', /page_id/],
      [{ chat_id: otherChat, page_id: page, limit: 1 }, 'not_found', /Chat not found/],
    ];
    for (const [payload, type, message] of cases) {
      const res = await a.request('list_threads', payload);
      expect(errorOf(res), JSON.stringify(payload)).toMatchObject({ success: false, type, message: expect.stringMatching(message) });
    }
    expect(errorOf(await other.request('list_threads', { chat_id: otherChat, page_id: page, limit: 1 }))).toMatchObject({ message: expect.stringMatching(/page_id cannot be combined/) });
  });

  it('words each paging error exactly (clients show these messages)', async () => {
    const { a } = await twoTabs();
    const { chatId } = await chatWithThreads(a, [1]);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ limit: 101 }, 'limit must be an integer between 1 and 100'],
      [{ limit: null }, 'limit must be an integer between 1 and 100'],
      [{ min_events_count: 0 }, 'min_events_count must be an integer between 1 and 100'],
      [{ limit: 2, min_events_count: 5 }, 'limit and min_events_count cannot be combined'],
      [{ sort_order: 'up' }, 'sort_order must be "asc" or "desc"'],
      [{ page_id: 'garbage!' }, 'page_id is invalid'],
      [{ page_id: '' }, 'page_id is required and must be a non-empty string'],
      [{ page_id: 'x', min_events_count: 5 }, 'page_id cannot be combined with limit, min_events_count or sort_order'],
    ];
    for (const [payload, message] of cases) {
      const res = await a.request('list_threads', { chat_id: chatId, ...payload });
      expect(errorOf(res), JSON.stringify(payload)).toEqual({ success: false, type: 'validation', message });
    }
  });
});

describe('thread properties (rateChat / cancelRate)', () => {
  it('update_thread_properties merges, answers {} and pushes thread_properties_updated to every tab', async () => {
    const { a, b, other } = await twoTabs();
    const { chatId, threadIds } = await chatWithThreads(a, [1]);
    const threadId = threadIds[0]!;
    const requestId = a.send('update_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: { score: 1, comment: 'Great' } } });
    expect(await a.next((f) => f.type === 'response' && f.request_id === requestId)).toMatchObject({ action: 'update_thread_properties', success: true, payload: {} });
    const mine = await a.push('thread_properties_updated');
    const theirs = await b.push('thread_properties_updated');
    expect(mine.request_id).toBe(requestId);
    expect(theirs.request_id).toBeUndefined();
    expect(mine.payload).toEqual({ chat_id: chatId, thread_id: threadId, properties: { rating: { score: 1, comment: 'Great' } } });
    expect(theirs.payload).toEqual(mine.payload);

    // A later update changes one key and keeps the others; the push carries only what was sent.
    await a.request('update_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: { score: 0 }, extra: { x: true } } });
    expect((await b.push('thread_properties_updated')).payload.properties).toEqual({ rating: { score: 0 }, extra: { x: true } });
    const listed = await a.request('list_threads', { chat_id: chatId });
    expect(listed.payload.threads[0].properties).toEqual({ rating: { score: 0, comment: 'Great' }, extra: { x: true } });
    expect(await other.quietFor(50, (f) => f.type === 'push')).toEqual([]);
  });

  it('rates a closed thread too, and delete_thread_properties removes keys with a thread_properties_deleted push', async () => {
    const { a, b } = await twoTabs();
    const { chatId, threadIds } = await chatWithThreads(a, [1]);
    const threadId = threadIds[0]!;
    await a.request('deactivate_chat', { id: chatId });
    expect((await a.request('update_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: { score: 1, comment: 'ok' } } })).success).toBe(true);
    const res = await a.request('delete_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: ['score'] } });
    expect(res).toMatchObject({ success: true, payload: {} });
    expect((await b.push('thread_properties_deleted')).payload).toEqual({ chat_id: chatId, thread_id: threadId, properties: { rating: ['score'] } });
    expect((await a.request('get_chat', { chat_id: chatId })).payload.thread.properties).toEqual({ rating: { comment: 'ok' } });
    await a.request('delete_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: ['comment'] } });
    expect((await a.request('get_chat', { chat_id: chatId })).payload.thread.properties).toEqual({});
  });

  it('validates thread property requests', async () => {
    const { a, other } = await twoTabs();
    const { chatId, threadIds } = await chatWithThreads(a, [1]);
    const threadId = threadIds[0]!;
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['update_thread_properties', { thread_id: threadId, properties: { a: { b: 1 } } }, 'validation', /chat_id/],
      ['update_thread_properties', { chat_id: chatId, properties: { a: { b: 1 } } }, 'validation', /thread_id/],
      ['update_thread_properties', { chat_id: chatId, thread_id: 'NOSUCHTHRD', properties: { a: { b: 1 } } }, 'not_found', /Thread not found/],
      ['update_thread_properties', { chat_id: chatId, thread_id: threadId }, 'validation', /properties/],
      ['update_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: 5 } }, 'validation', /properties\.rating/],
      ['update_thread_properties', { chat_id: chatId, thread_id: threadId, properties: {} }, 'validation', /at least one/],
      ['delete_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: 'score' } }, 'validation', /properties\.rating/],
      ['delete_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: [] } }, 'validation', /properties\.rating/],
      ['delete_thread_properties', { chat_id: chatId, thread_id: threadId }, 'validation', /properties/],
    ];
    for (const [action, payload, type, message] of cases) {
      const res = await a.request(action, payload);
      expect(errorOf(res), `${action} ${JSON.stringify(payload)}`).toMatchObject({ success: false, type, message: expect.stringMatching(message) });
    }
    const foreign = await other.request('update_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { a: { b: 1 } } });
    expect(errorOf(foreign).type).toBe('not_found');
  });
});

describe('chat and event properties', () => {
  it('update_chat_properties / delete_chat_properties take {id, properties} and push chat_properties_updated / _deleted', async () => {
    const { a, b, other } = await twoTabs();
    const { chatId } = await chatWithThreads(a, [1]);
    const requestId = a.send('update_chat_properties', { id: chatId, properties: { shop: { cart: 3, vip: true } } });
    expect(await a.next((f) => f.type === 'response' && f.request_id === requestId)).toMatchObject({ action: 'update_chat_properties', success: true, payload: {} });
    expect(await a.push('chat_properties_updated')).toMatchObject({ request_id: requestId, payload: { chat_id: chatId, properties: { shop: { cart: 3, vip: true } } } });
    expect((await b.push('chat_properties_updated')).request_id).toBeUndefined();
    expect((await a.request('get_chat', { chat_id: chatId })).payload.properties).toEqual({ shop: { cart: 3, vip: true } });

    await a.request('delete_chat_properties', { id: chatId, properties: { shop: ['vip'] } });
    expect((await b.push('chat_properties_deleted')).payload).toEqual({ chat_id: chatId, properties: { shop: ['vip'] } });
    const listed = await a.request('list_chats');
    expect(listed.payload.chats_summary[0].properties).toEqual({ shop: { cart: 3 } });

    expect(errorOf(await a.request('update_chat_properties', { chat_id: chatId, properties: { a: { b: 1 } } }))).toMatchObject({ type: 'validation', message: expect.stringMatching(/^id /) });
    expect(errorOf(await other.request('update_chat_properties', { id: chatId, properties: { a: { b: 1 } } })).type).toBe('not_found');
    expect(await other.quietFor(50, (f) => f.type === 'push')).toEqual([]);
  });

  it('update_event_properties / delete_event_properties push event_properties_updated / _deleted', async () => {
    const { a, b } = await twoTabs();
    const { chatId, threadIds } = await chatWithThreads(a, [2]);
    const threadId = threadIds[0]!;
    const eventId = `${threadId}_2`;
    const res = await a.request('update_event_properties', { chat_id: chatId, thread_id: threadId, event_id: eventId, properties: { tags: { read: true } } });
    expect(res).toMatchObject({ success: true, payload: {} });
    expect((await b.push('event_properties_updated')).payload).toEqual({ chat_id: chatId, thread_id: threadId, event_id: eventId, properties: { tags: { read: true } } });
    const chat = await a.request('get_chat', { chat_id: chatId });
    expect(chat.payload.thread.events[1].properties).toEqual({ tags: { read: true } });
    expect(chat.payload.thread.events[0].properties).toEqual({});

    await a.request('delete_event_properties', { chat_id: chatId, thread_id: threadId, event_id: eventId, properties: { tags: ['read'] } });
    expect((await b.push('event_properties_deleted')).payload).toEqual({ chat_id: chatId, thread_id: threadId, event_id: eventId, properties: { tags: ['read'] } });
    expect((await a.request('get_chat', { chat_id: chatId })).payload.thread.events[1].properties).toEqual({});
    const missing = await a.request('update_event_properties', { chat_id: chatId, thread_id: threadId, event_id: `${threadId}_9`, properties: { tags: { read: true } } });
    expect(errorOf(missing)).toMatchObject({ type: 'not_found', message: 'Event not found' });
  });
});

describe('on a 3.5 connection', () => {
  it('list_threads and the property actions work the same, with pushes stamped 3.5', async () => {
    const { a, b } = await twoTabs('3.5');
    const { chatId, threadIds } = await chatWithThreads(a, [1, 2]);
    const listed = await a.request('list_threads', { chat_id: chatId });
    expect(ids(listed)).toEqual([threadIds[1], threadIds[0]]);
    const threadId = ids(listed)[0]!;
    await a.request('update_thread_properties', { chat_id: chatId, thread_id: threadId, properties: { rating: { score: 1 } } });
    expect(await b.push('thread_properties_updated')).toMatchObject({ version: '3.5', payload: { thread_id: threadId, properties: { rating: { score: 1 } } } });
    await a.request('update_chat_properties', { id: chatId, properties: { shop: { cart: 1 } } });
    expect(await b.push('chat_properties_updated')).toMatchObject({ version: '3.5', payload: { chat_id: chatId } });
  });
});
