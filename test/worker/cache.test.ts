/**
 * The chat cache on its own, over IndexedDB (fake-indexeddb in Node) through the same idb-keyval
 * store the browser hosts use: scoping per organization and customer, what survives a restart,
 * what is discarded, and the fallback to memory.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CACHE_SCHEMA, chatKey, metaKey, outboxKey, type OutboxEntry } from '../../src/worker/cache-records';
import type { Chat, ChatEvent, ConnectedPayload, ListChatsResult } from '../../src/shared/types';
import { ChatCache } from '../../src/worker/cache';
import { systemClock } from '../../src/worker/clock';
import { idbStorage, memoryStorage, type KeyValueStore } from '../../src/worker/storage';
import { ManualClock } from '../support/manual-clock';

const customer = (id: string): ConnectedPayload => ({ customer: { id, type: 'customer', sessionFields: {} }, availability: 'online' });

function event(id: string, threadId: string, text: string): ChatEvent {
  return { id, type: 'message', text, authorId: 'agent@example.com', createdAt: `2026-01-01T00:00:0${id.length % 10}.000000Z`, threadId, properties: {} };
}

function chat(id: string, texts: string[]): Chat {
  const threadId = `${id}-t1`;
  return {
    id,
    access: {},
    users: [{ id: 'agent@example.com', type: 'agent', name: 'Agent', avatar: '', jobTitle: '' }],
    properties: {},
    eventsSeenUpToMap: { 'agent@example.com': null },
    thread: {
      id: threadId,
      chatId: id,
      active: true,
      access: {},
      createdAt: '2026-01-01T00:00:00.000000Z',
      userIds: ['agent@example.com'],
      events: texts.map((text, index) => event(`${id}-e${index}`, threadId, text)),
      properties: {},
      previousThreadId: null,
      nextThreadId: null,
      queue: null,
    },
  };
}

const list = (chats: Chat[]): ListChatsResult => ({ chatsSummary: [], totalChats: chats.length, users: [], previousPageId: null, nextPageId: null });

function newCache(store: KeyValueStore | undefined, options: { clock?: ManualClock } = {}) {
  const warnings: string[] = [];
  const cache = new ChatCache({
    store,
    clock: options.clock ?? systemClock,
    log: (level, message) => {
      if (level === 'warn') warnings.push(message);
    },
    seen: () => [{ chatId: 'c1', threadId: 'c1-t1', eventIds: ['c1-e0'] }],
    flushDelayMs: 0,
  });
  return { cache, warnings };
}

const texts = (state: { chats: Chat[] } | undefined) => state?.chats.map((known) => known.thread?.events.map((e) => (e.type === 'message' ? e.text : '')));

describe('scope', () => {
  it('keeps each organization in its own database and each customer in their own records', async () => {
    const orgA = `org-a-${randomUUID()}`;
    const orgB = `org-b-${randomUUID()}`;
    const { cache: writer } = newCache(idbStorage(orgA));
    await writer.open('customer-1');
    writer.setConnected(customer('customer-1'));
    writer.storeChat(chat('c1', ['hello']));
    await writer.flush();

    // A runtime restarted with its memory wiped: the same organization and customer get it back.
    const { cache: restarted } = newCache(idbStorage(orgA));
    expect(await restarted.open('customer-1')).toEqual({ seen: [{ chatId: 'c1', threadId: 'c1-t1', eventIds: ['c1-e0'] }] });
    expect(restarted.cachedState()).toMatchObject({ cached: true, customer: { id: 'customer-1' }, availability: 'online' });
    expect(texts(restarted.cachedState())).toEqual([['hello']]);
    // Loaded from storage, so for painting only: never an answer until the server confirms it.
    expect(restarted.getChat('c1')).toBeUndefined();

    // The same customer id in another organization, or another customer here: nothing.
    const { cache: otherOrg } = newCache(idbStorage(orgB));
    expect(await otherOrg.open('customer-1')).toBeUndefined();
    expect(otherOrg.cachedState()).toBeUndefined();
    const { cache: otherCustomer } = newCache(idbStorage(orgA));
    expect(await otherCustomer.open('customer-2')).toBeUndefined();
    expect(otherCustomer.cachedState()).toBeUndefined();
  });

  it('clear() (identity change, ban, logout) removes the customer from memory and storage, and the next customer starts empty', async () => {
    const storage = idbStorage(`org-${randomUUID()}`);
    const { cache } = newCache(storage);
    await cache.open('before');
    cache.setConnected(customer('before'));
    cache.storeChat(chat('c1', ['secret']));
    await cache.flush();
    await cache.clear();
    await cache.open('after');
    expect(cache.cachedState()).toBeUndefined();
    const [meta, chatRecord] = await storage.getMany([metaKey('before'), chatKey('before', 'c1')]);
    expect(meta).toBeUndefined();
    expect(chatRecord).toBeUndefined();
    const { cache: restarted } = newCache(storage);
    expect(await restarted.open('before')).toBeUndefined();
  });
});

describe('records that cannot be trusted', () => {
  it('discards an older-schema or corrupt record, says so, and deletes it', async () => {
    const storage = idbStorage(`org-${randomUUID()}`);
    await storage.write(
      [
        [metaKey('older'), { schema: CACHE_SCHEMA - 1, customerId: 'older', savedAt: 1, connected: null, chatList: null, greetings: [], seen: [], chatIds: [] }],
        [metaKey('corrupt'), { schema: CACHE_SCHEMA, customerId: 'corrupt', savedAt: 'yesterday', chatIds: 'c1' }],
        [outboxKey('corrupt'), { schema: CACHE_SCHEMA, customerId: 'corrupt', entries: [{ customId: 7 }] }],
        // A record stored under one customer's key that names another is not theirs.
        [metaKey('victim'), { schema: CACHE_SCHEMA, customerId: 'intruder', savedAt: 1, connected: null, chatList: null, greetings: [], seen: [], chatIds: [] }],
      ],
      [],
    );
    for (const customerId of ['older', 'corrupt', 'victim']) {
      const { cache, warnings } = newCache(storage);
      expect(await cache.open(customerId)).toBeUndefined();
      expect(cache.cachedState()).toBeUndefined();
      expect(cache.outbox()).toEqual([]);
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      await cache.flush();
      expect(await storage.getMany([metaKey(customerId)])).toEqual([undefined]);
    }
  });

  it('keeps the valid chats of a record set with one corrupt chat', async () => {
    const storage = idbStorage(`org-${randomUUID()}`);
    const { cache } = newCache(storage);
    await cache.open('me');
    cache.storeChat(chat('good', ['kept']));
    cache.storeChat(chat('bad', ['lost']));
    await cache.flush();
    await storage.write([[chatKey('me', 'bad'), { schema: CACHE_SCHEMA, customerId: 'me', chat: { id: 'bad', thread: 'nope' }, complete: true }]], []);
    const { cache: restarted, warnings } = newCache(storage);
    await restarted.open('me');
    expect(texts(restarted.cachedState())).toEqual([['kept']]);
    expect(warnings).toHaveLength(1);
  });
});

describe('degrade, never break', () => {
  const failing: KeyValueStore = {
    getMany: () => Promise.reject(new DOMException('The operation failed', 'UnknownError')),
    write: () => Promise.reject(new DOMException('Quota exceeded', 'QuotaExceededError')),
  };

  it('works from memory with one warning when storage fails (unavailable, over quota)', async () => {
    const { cache, warnings } = newCache(failing);
    expect(await cache.open('me')).toBeUndefined();
    cache.storeList(10, list([]));
    cache.storeChat(chat('c1', ['hi']));
    await cache.flush();
    await expect(cache.enqueue(outboxEntry('x'))).resolves.toBe(true);
    await cache.settle('x');
    await cache.clear();
    expect(warnings).toHaveLength(1);
    expect(cache.persistent).toBe(false);
    // Memory still answers.
    cache.storeChat(chat('c1', ['hi']));
    expect(cache.getChat('c1')?.id).toBe('c1');
  });

  it('gives up on storage that never answers (a blocked open) instead of waiting for it', async () => {
    const clock = new ManualClock();
    const hanging: KeyValueStore = { getMany: () => new Promise(() => undefined), write: () => new Promise(() => undefined) };
    const { cache, warnings } = newCache(hanging, { clock });
    const opened = cache.open('me');
    clock.advance(3_000);
    await expect(opened).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(cache.persistent).toBe(false);
  });

  it('a throwing IndexedDB (missing in this context) is one warning, not an error', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error -- simulating a context without IndexedDB
    delete globalThis.indexedDB;
    try {
      const { cache, warnings } = newCache(idbStorage(`org-${randomUUID()}`));
      await cache.open('me');
      cache.storeChat(chat('c1', ['hi']));
      await cache.flush();
      expect(warnings).toHaveLength(1);
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});

function outboxEntry(customId: string, chatId = 'c1'): OutboxEntry {
  return { customId, chatId, params: { chatId, event: { type: 'message', text: customId, customId } }, queuedAt: 1 };
}

describe('the outbox', () => {
  it('keeps queued messages in order across a restart, with those queued before the customer was known', async () => {
    const storage = memoryStorage();
    const { cache } = newCache(storage);
    await cache.open('me');
    await cache.enqueue(outboxEntry('first'));
    await cache.enqueue(outboxEntry('second'));
    const { cache: restarted } = newCache(storage);
    // Queued before the token named the customer (the runtime had just started).
    await restarted.enqueue(outboxEntry('third'));
    await restarted.open('me');
    expect(restarted.outbox().map((entry) => entry.customId)).toEqual(['first', 'second', 'third']);
    await restarted.settle('first');
    const { cache: again } = newCache(storage);
    await again.open('me');
    expect(again.outbox().map((entry) => entry.customId)).toEqual(['second', 'third']);
  });
});

describe('live updates keep answers exact', () => {
  it('appends events to the cached chat, and stops answering for a chat whose thread it does not hold', async () => {
    const { cache } = newCache(undefined);
    await cache.open('me');
    cache.storeChat(chat('c1', ['one']));
    cache.apply({ name: 'incoming_event', payload: { chatId: 'c1', event: event('c1-e9', 'c1-t1', 'two') } });
    expect(cache.getChat('c1')?.thread?.events.map((e) => e.id)).toEqual(['c1-e0', 'c1-e9']);
    // The same event again (a redelivery) changes nothing.
    cache.apply({ name: 'incoming_event', payload: { chatId: 'c1', event: event('c1-e9', 'c1-t1', 'two') } });
    expect(cache.getChat('c1')?.thread?.events).toHaveLength(2);
    cache.apply({ name: 'incoming_event', payload: { chatId: 'c1', event: event('c1-e10', 'other-thread', 'three') } });
    expect(cache.getChat('c1')).toBeUndefined();
    expect(texts(cache.cachedState())).toEqual([['one', 'two']]);
  });

  it('answers nothing once the socket is gone, until the server confirms again', async () => {
    const { cache } = newCache(undefined);
    await cache.open('me');
    cache.storeList(10, list([]));
    cache.storeChat(chat('c1', ['one']));
    expect(cache.listChats(10)).toBeDefined();
    expect(cache.listChats(5)).toBeUndefined();
    cache.sessionEnded();
    expect(cache.listChats(10)).toBeUndefined();
    expect(cache.getChat('c1')).toBeUndefined();
  });

  it('bounds what it keeps: the last events of long threads, the most recently active chats', async () => {
    const { cache } = newCache(undefined);
    await cache.open('me');
    cache.storeChat(chat('long', Array.from({ length: 150 }, (_, index) => `m${index}`)));
    const state = cache.cachedState();
    expect(state?.chats[0]?.thread?.events).toHaveLength(100);
    expect(state?.chats[0]?.thread?.events.at(-1)).toMatchObject({ text: 'm149' });
    // Trimmed: it can paint, but cannot answer getChat (which promises the whole thread).
    expect(cache.getChat('long')).toBeUndefined();
    for (let index = 0; index < 30; index += 1) cache.storeChat(chat(`c${index}`, ['x']));
    const ids = cache.cachedState()?.chats.map((known) => known.id);
    expect(ids).toHaveLength(25);
    expect(ids?.[0]).toBe('c29');
    expect(ids).not.toContain('long');
  });
});
