/**
 * The runtime with its chat cache, against a real emulator over real sockets, the cache in
 * IndexedDB (fake-indexeddb) through the same idb-keyval store as in browsers. Assertions are what
 * tabs receive and what the server counts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { startEmulator } from '../../emulator/server';
import { chatKey, outboxKey } from '../../src/worker/cache-records';
import { isOutboxReceipt } from '../../src/client/outbox';
import type { CachedStatePayload, Chat, ListChatsResult } from '../../src/shared/types';
import { idbStorage, type KeyValueStore } from '../../src/worker/storage';
import { agentSays, Browser, connected, newRuntime, post, startChat, TestTab } from './harness';
import { useEmulator } from '../support/emulator';

const env = useEmulator();
const { cleanup } = env;

/** A runtime as a browser host builds it: cache in this organization's IndexedDB database. */
function runtimeFor(server: string, organizationId: string, storage: KeyValueStore = idbStorage(organizationId)) {
  return newRuntime(server, organizationId, { openStorage: () => storage, cacheFlushMs: 0 });
}

function tab(runtime: ReturnType<typeof runtimeFor>, browser: Browser, hello: ConstructorParameters<typeof TestTab>[2]): TestTab {
  const created = new TestTab(runtime, browser, hello);
  cleanup.push(() => created.session.detach('destroyed'));
  return created;
}

/** How long a login (the first, or after an outage) may take here (ms). */
const LOGIN_WAIT = 10_000;
const requests = (organizationId: string, action: string) => env.emulator.stats(organizationId).requests[action] ?? 0;

describe('instant tabs', () => {
  it('a tab that attaches while connected gets connected, the chat list and the chat without a login or a request', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const runtime = runtimeFor(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const first = tab(runtime, browser, { tabId: 'first' });
    await connected(first, 1, LOGIN_WAIT);
    await first.session.request('listChats', undefined);
    const chat = await startChat(first);
    await agentSays(env.emulator.url, organizationId, chat.id, 'from the agent');
    await vi.waitFor(() => expect(first.texts()).toEqual(['from the agent']));
    const before = { ...env.emulator.stats(organizationId).requests };

    const second = tab(runtime, browser, { tabId: 'second' });
    expect(second.names()).toEqual(['customer_id', 'connected']);
    const list = (await second.session.request('listChats', undefined)) as ListChatsResult;
    const got = (await second.session.request('getChat', { chatId: chat.id })) as Chat;
    expect(env.emulator.stats(organizationId)).toMatchObject({ logins: 1, requests: before });
    // The asking tab learns the users, as from a network answer.
    expect(second.count('user_data')).toBeGreaterThan(0);

    // Exact: what the server answers a socket that never saw any of it.
    const witness = runtimeFor(env.emulator.url, organizationId);
    const fresh = tab(witness, browser, { tabId: 'witness' });
    await connected(fresh, 1, LOGIN_WAIT);
    expect(await fresh.session.request('listChats', undefined)).toEqual(list);
    expect(await fresh.session.request('getChat', { chatId: chat.id })).toEqual(got);
    expect(got.thread?.events.map((event) => (event.type === 'message' ? event.text : ''))).toEqual(['hi', 'from the agent']);
  });

  it('asks the network for what it cannot answer exactly: another page size, an older thread, after a reconnect', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const runtime = runtimeFor(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const a = tab(runtime, browser, { tabId: 'a' });
    await connected(a, 1, LOGIN_WAIT);
    const chat = await startChat(a);
    await a.session.request('listChats', undefined);
    expect(requests(organizationId, 'list_chats')).toBe(1);
    await a.session.request('listChats', { limit: 5 });
    expect(requests(organizationId, 'list_chats')).toBe(2);
    await a.session.request('getChat', { chatId: chat.id });
    expect(requests(organizationId, 'get_chat')).toBe(0);
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'internal_error' });
    await connected(a, 2, LOGIN_WAIT);
    await a.session.request('listChats', undefined);
    expect(requests(organizationId, 'list_chats')).toBe(3);
    // The catch-up after the reconnect (it runs after `connected`) fetches the chat: from then on
    // the chat is exact again and getChat stops reaching the network.
    await vi.waitFor(async () => {
      const before = requests(organizationId, 'get_chat');
      await a.session.request('getChat', { chatId: chat.id });
      expect(requests(organizationId, 'get_chat')).toBe(before);
    });
    expect(requests(organizationId, 'get_chat')).toBeGreaterThanOrEqual(1);
  });

  it('serves a history page asked before in this login, with the events that came since', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const runtime = runtimeFor(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const [a, b] = [tab(runtime, browser, { tabId: 'a' }), tab(runtime, browser, { tabId: 'b' })];
    await connected(a, 1, LOGIN_WAIT);
    const chat = await startChat(a);
    const page = { chatId: chat.id, minEventsCount: 25 };
    await a.session.request('listThreads', page);
    await agentSays(env.emulator.url, organizationId, chat.id, 'later');
    await vi.waitFor(() => expect(b.texts()).toEqual(['later']));
    const fromCache = await b.session.request('listThreads', page);
    expect(requests(organizationId, 'list_threads')).toBe(1);
    const witness = tab(runtimeFor(env.emulator.url, organizationId), browser, { tabId: 'witness' });
    await connected(witness, 1, LOGIN_WAIT);
    expect(await witness.session.request('listThreads', page)).toEqual(fromCache);
  });
});

describe('a runtime that restarts with its memory wiped', () => {
  it('paints from the cache before the login completes, then delivers only what it missed', async () => {
    // A slow service, so that the login answer comes well after the cache is read.
    const slow = await startEmulator({ port: 0, latencyMs: 400 });
    try {
      const organizationId = `cache-${randomUUID()}`;
      const storage = idbStorage(organizationId);
      const browser = new Browser(slow.url, organizationId);
      const first = runtimeFor(slow.url, organizationId, storage);
      const a = tab(first, browser, { tabId: 'a' });
      await connected(a, 1, LOGIN_WAIT);
      const chat = await startChat(a);
      await agentSays(slow.url, organizationId, chat.id, 'one');
      await vi.waitFor(() => expect(a.texts()).toEqual(['one']));
      a.session.detach('destroyed'); // the runtime goes with its last tab, its memory with it
      await vi.waitFor(() => expect(slow.stats(organizationId).openConnections).toBe(0));
      await agentSays(slow.url, organizationId, chat.id, 'two');

      // A new runtime, and a tab that brings no record of what it saw (a reload).
      const second = runtimeFor(slow.url, organizationId, storage);
      const b = tab(second, browser, { tabId: 'a' });
      await connected(b, 1, LOGIN_WAIT);
      expect(b.names().slice(0, 3)).toEqual(['customer_id', 'cached_state', 'connected']);
      const cached = b.payloads('cached_state')[0] as CachedStatePayload;
      expect(cached).toMatchObject({ cached: true, customer: { id: b.payloads('customer_id')[0] } });
      expect(cached.chats.map((known) => known.thread?.events.map((event) => (event.type === 'message' ? event.text : '')))).toEqual([['hi', 'one']]);
      // Nothing missing, nothing twice: only what came while no runtime was there.
      await vi.waitFor(() => expect(b.texts()).toEqual(['two']));
      await agentSays(slow.url, organizationId, chat.id, 'three');
      await vi.waitFor(() => expect(b.texts()).toEqual(['two', 'three']));
    } finally {
      await slow.close();
    }
  });

  it('a tab that brings its record is not offered a cache holding what it was never told, and gets that as incoming_event', async () => {
    // A dedicated-mode leader tab hangs: its page relays nothing, while its worker (`first`) goes
    // on receiving and storing. A follower's new runtime (`second`) on the same storage reads that
    // cache before its login completes (a slow service makes the order certain).
    const slow = await startEmulator({ port: 0, latencyMs: 400 });
    try {
      const organizationId = `cache-${randomUUID()}`;
      const storage = idbStorage(organizationId);
      const browser = new Browser(slow.url, organizationId);
      const first = runtimeFor(slow.url, organizationId, storage);
      const hungLeader = tab(first, browser, { tabId: 'leader' });
      await connected(hungLeader, 1, LOGIN_WAIT);
      const chat = await startChat(hungLeader);
      const told = [{ chatId: chat.id, threadId: chat.thread!.id, eventIds: chat.thread!.events.map((event) => event.id) }];
      await agentSays(slow.url, organizationId, chat.id, 'said while the leader hangs');
      await vi.waitFor(() => expect(hungLeader.texts()).toEqual(['said while the leader hangs']));
      const customerId = hungLeader.payloads('customer_id')[0] as string;
      await vi.waitFor(async () => expect(JSON.stringify(await storage.getMany([chatKey(customerId, chat.id)]))).toContain('said while the leader hangs'));

      const second = runtimeFor(slow.url, organizationId, storage);
      const follower = tab(second, browser, { tabId: 'follower', seen: told });
      await connected(follower, 1, LOGIN_WAIT);
      await vi.waitFor(() => expect(follower.texts()).toEqual(['said while the leader hangs']));
      // A tab counts what cached_state shows as told (sdk.ts), and would drop the incoming_event.
      const offered = follower.payloads('cached_state') as CachedStatePayload[];
      expect(offered.flatMap((state) => state.chats).flatMap((known) => known.thread?.events ?? []).map((event) => (event.type === 'message' ? event.text : ''))).not.toContain(
        'said while the leader hangs',
      );
    } finally {
      await slow.close();
    }
  });

  it('a tab that attaches while the runtime reconnects gets the cached state to paint', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const runtime = runtimeFor(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const a = tab(runtime, browser, { tabId: 'a' });
    await connected(a, 1, LOGIN_WAIT);
    await startChat(a, 'painted');
    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 1_000 });
    await vi.waitFor(() => expect(runtime.state).not.toBe('connected'));
    const late = tab(runtime, browser, { tabId: 'late' });
    expect(late.names()).toEqual(['customer_id', 'cached_state']);
    await connected(late, 1, LOGIN_WAIT);
  });

  it('identity_changed wipes the previous customer: nothing of theirs is offered to the new one', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const storage = idbStorage(organizationId);
    const runtime = runtimeFor(env.emulator.url, organizationId, storage);
    const browser = new Browser(env.emulator.url, organizationId);
    const a = tab(runtime, browser, { tabId: 'a' });
    await connected(a, 1, LOGIN_WAIT);
    await startChat(a, 'private');
    const otherBrowser = new Browser(env.emulator.url, organizationId);
    a.tokenProvider = () => otherBrowser.token();
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'access_token_expired' });
    await connected(a, 2, LOGIN_WAIT);
    expect(a.count('identity_changed')).toBe(1);
    // A tab attaching now, and a runtime restarted on the same storage, find nothing of the old customer.
    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 1_000 });
    await vi.waitFor(() => expect(runtime.state).not.toBe('connected'));
    const late = tab(runtime, browser, { tabId: 'late' });
    const offered = late.payloads('cached_state') as CachedStatePayload[];
    expect(offered.flatMap((state) => state.chats)).toEqual([]);
  });
});

describe('the outbox', () => {
  it('tells the waiting caller when an identity change drops its queued message', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const runtime = runtimeFor(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const writer = tab(runtime, browser, { tabId: 'writer', outbox: true });
    await connected(writer, 1, LOGIN_WAIT);
    const chat = await startChat(writer);
    // The next token, slow to come, names another customer (cookies lost meanwhile).
    const otherBrowser = new Browser(env.emulator.url, organizationId);
    writer.tokenProvider = () => new Promise((resolve) => setTimeout(resolve, 500)).then(() => otherBrowser.token());
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'access_token_expired' });
    await vi.waitFor(() => expect(runtime.state).not.toBe('connected'));
    expect(await writer.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text: 'queued', customId: 'q-1' } })).toEqual({
      outbox: 'queued',
      customId: 'q-1',
    });
    await connected(writer, 2, LOGIN_WAIT);
    expect(writer.count('identity_changed')).toBe(1);
    await vi.waitFor(() =>
      expect(writer.messages.filter((message) => message.kind === 'outbox')).toEqual([
        { kind: 'outbox', customId: 'q-1', error: expect.objectContaining({ code: 'CONNECTION_LOST' }) },
      ]),
    );
    expect(env.emulator.stats(organizationId).requests.send_event ?? 0).toBe(0);
  });

  it('keeps messages sent while the service is down and sends them after the reconnect, in order, once', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const runtime = runtimeFor(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const [writer, reader] = [tab(runtime, browser, { tabId: 'writer', outbox: true }), tab(runtime, browser, { tabId: 'reader' })];
    await connected(writer, 1, LOGIN_WAIT);
    const chat = await startChat(writer);
    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 1_500 });
    await vi.waitFor(() => expect(runtime.state).not.toBe('connected'));
    const receipts = [];
    for (const text of ['offline 1', 'offline 2']) {
      receipts.push(await writer.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text } }));
    }
    expect(receipts.every(isOutboxReceipt)).toBe(true);
    // A tab without the outbox is refused as before.
    await expect(reader.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text: 'x' } })).rejects.toMatchObject({ code: 'NO_CONNECTION' });
    await connected(writer, 2, LOGIN_WAIT);
    await vi.waitFor(() => expect(reader.texts()).toEqual(['offline 1', 'offline 2']));
    // The writer's caller learns each event (an `outbox` message with the sent event).
    await vi.waitFor(() => expect(writer.messages.filter((message) => message.kind === 'outbox' && message.event)).toHaveLength(2));
    expect(await serverTexts(organizationId)).toEqual(['hi', 'offline 1', 'offline 2']);
    // Bad params are refused at once, never queued.
    await expect(writer.session.request('sendEvent', { chatId: 7, event: { type: 'message', text: 'x' } })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('survives a restart of the runtime, and never sends a message the server already has (by customId)', async () => {
    const organizationId = `cache-${randomUUID()}`;
    const storage = idbStorage(organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const first = runtimeFor(env.emulator.url, organizationId, storage);
    const a = tab(first, browser, { tabId: 'a', outbox: true });
    await connected(a, 1, LOGIN_WAIT);
    const customerId = a.payloads('customer_id')[0] as string;
    const chat = await startChat(a);
    // Reaches the server; say its answer was lost with the socket and the app retries it.
    await a.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text: 'delivered', customId: 'c-1' } });
    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 1_500 });
    await vi.waitFor(() => expect(first.state).not.toBe('connected'));
    await a.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text: 'delivered', customId: 'c-1' } });
    await a.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text: 'queued', customId: 'c-2' } });
    // The page reloads before the service is back: the runtime goes, the outbox stays on disk.
    a.session.detach('destroyed');
    await vi.waitFor(async () => {
      const [outbox] = await storage.getMany([outboxKey(customerId)]);
      expect((outbox as { entries?: unknown[] } | undefined)?.entries).toHaveLength(2);
    });

    const second = runtimeFor(env.emulator.url, organizationId, storage);
    const b = tab(second, browser, { tabId: 'a', outbox: true });
    await connected(b, 1, LOGIN_WAIT);
    await vi.waitFor(() => expect(b.messages.filter((message) => message.kind === 'outbox')).toHaveLength(2), { timeout: 10_000 });
    expect(b.texts()).toEqual(['queued']);
    expect(await serverTexts(organizationId)).toEqual(['hi', 'delivered', 'queued']);
    expect(requests(organizationId, 'send_event')).toBe(2);
    await vi.waitFor(async () => expect(((await storage.getMany([outboxKey(customerId)]))[0] as { entries: unknown[] }).entries).toEqual([]));
  });
});

async function serverTexts(organizationId: string): Promise<Array<string | undefined>> {
  const response = await fetch(`${env.emulator.url}/__emulator/chats?organization_id=${organizationId}`);
  const { chats } = (await response.json()) as { chats: Array<{ threads: Array<{ events: Array<{ text?: string }> }> }> };
  return chats[0]!.threads.flatMap((thread) => thread.events).map((event) => event.text);
}
