/**
 * The catch-up after a login asks the server for each chat the runtime remembers; a customer's
 * chats only accumulate, so it remembers the most recently active ones only (as many as the cache
 * keeps). Against a real emulator that lets one customer start more chats than that; assertions
 * are what tabs receive and what the server counts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { CACHED_CHATS } from '../../src/worker/cache-records';
import { SeenEvents } from '../../src/shared/seen';
import type { Chat, ChatEvent } from '../../src/shared/types';
import { useEmulator } from '../support/emulator';
import { agentSays, Browser, connected, newRuntime, post, startChat, TestTab } from './harness';

const CHATS = CACHED_CHATS + 10;
const env = useEmulator({ chatsPerCustomer: CHATS });
const { cleanup } = env;

/** How long a login (the first, or after an outage) may take here (ms). */
const LOGIN_WAIT = 10_000;
const getChats = (organizationId: string) => env.emulator.stats(organizationId).requests.get_chat ?? 0;

async function startChats(t: TestTab, count: number): Promise<Chat[]> {
  const chats: Chat[] = [];
  for (let i = 0; i < count; i += 1) chats.push(await startChat(t, `chat ${i}`));
  return chats;
}

describe('catching up on a customer with more chats than the runtime remembers', () => {
  it('after a reconnect: at most one get_chat per remembered chat, and the recently active chats catch up', async () => {
    const organizationId = `seen-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const a = new TestTab(runtime, new Browser(env.emulator.url, organizationId), { tabId: 'a' });
    cleanup.push(() => a.session.detach('destroyed'));
    await connected(a, 1, LOGIN_WAIT);
    const chats = await startChats(a, CHATS);
    const [oldest, newest] = [chats[0]!, chats[CHATS - 1]!];
    // The first chat started is the most recently active one again.
    await agentSays(env.emulator.url, organizationId, oldest.id, 'back to this one');
    await vi.waitFor(() => expect(a.texts(oldest.id)).toEqual(['back to this one']));
    expect(getChats(organizationId)).toBe(0);

    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 300 });
    await agentSays(env.emulator.url, organizationId, oldest.id, 'while away');
    await agentSays(env.emulator.url, organizationId, newest.id, 'while away');
    await connected(a, 2, LOGIN_WAIT);

    // Whatever order the catch-up takes, it has asked for both chats once both arrived: it is done.
    await vi.waitFor(() => {
      expect(a.texts(oldest.id)).toEqual(['back to this one', 'while away']);
      expect(a.texts(newest.id)).toEqual(['while away']);
    });
    expect(getChats(organizationId)).toBeGreaterThanOrEqual(2);
    expect(getChats(organizationId)).toBeLessThanOrEqual(CACHED_CHATS);
  });

  it('a runtime that starts afresh keeps the bound on what a tab hands over, and catches up on its latest chats', async () => {
    const organizationId = `seen-${randomUUID()}`;
    const browser = new Browser(env.emulator.url, organizationId);
    const first = newRuntime(env.emulator.url, organizationId);
    const a = new TestTab(first, browser, { tabId: 'a' });
    await connected(a, 1, LOGIN_WAIT);
    const chats = await startChats(a, CHATS);
    // What the tab's own record holds (sdk.ts notes every chat it started), handed to the next runtime.
    const told = new SeenEvents();
    for (const chat of chats) told.noteChat(chat);
    a.session.detach('destroyed'); // the runtime goes away with its memory (a leader tab closing)
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    const newest = chats[CHATS - 1]!;
    await agentSays(env.emulator.url, organizationId, newest.id, 'meanwhile');

    const second = newRuntime(env.emulator.url, organizationId);
    const b = new TestTab(second, browser, { tabId: 'a', seen: told.snapshot() });
    cleanup.push(() => b.session.detach('destroyed'));
    await vi.waitFor(() => expect(b.texts(newest.id)).toEqual(['meanwhile']));
    // The newest chat is the last one the tab handed over, so the catch-up is done by now.
    expect(getChats(organizationId)).toBeLessThanOrEqual(CACHED_CHATS);
    // Nothing the tab was told of comes again.
    expect(b.count('incoming_chat')).toBe(0);
    expect(b.payloads('incoming_event')).toHaveLength(1);
  });
});

describe('catching up on a long thread', () => {
  it('a tab hands over only its latest event ids: the runtime that starts afresh delivers what came after them, nothing older', async () => {
    const organizationId = `seen-${randomUUID()}`;
    const browser = new Browser(env.emulator.url, organizationId);
    const first = newRuntime(env.emulator.url, organizationId);
    const a = new TestTab(first, browser, { tabId: 'a' });
    await connected(a, 1, LOGIN_WAIT);
    const [chat] = await startChats(a, 1);
    // More events than a tab's snapshot carries per chat.
    const said = Array.from({ length: 60 }, (_, i) => `agent ${i}`);
    for (const text of said) await agentSays(env.emulator.url, organizationId, chat!.id, text);
    await vi.waitFor(() => expect(a.texts(chat!.id)).toEqual(said));
    // The tab's own record, fed as sdk.ts feeds it.
    const told = new SeenEvents();
    told.noteChat(chat!);
    for (const payload of a.payloads('incoming_event')) {
      const { chatId, event } = payload as { chatId: string; event: ChatEvent };
      told.noteEvent(chatId, event);
    }
    a.session.detach('destroyed');
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    await agentSays(env.emulator.url, organizationId, chat!.id, 'after');

    const second = newRuntime(env.emulator.url, organizationId);
    const b = new TestTab(second, browser, { tabId: 'a', seen: told.snapshot() });
    cleanup.push(() => b.session.detach('destroyed'));
    // The catch-up delivers a chat's events in thread order: anything older would come first.
    await vi.waitFor(() => expect(b.texts(chat!.id)).toContain('after'));
    expect(b.texts(chat!.id)).toEqual(['after']);
  });
});
