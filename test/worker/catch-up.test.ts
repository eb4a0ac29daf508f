/**
 * A tab that attaches with a record of what it was told (it was dropped while frozen, or its
 * runtime was replaced) gets what the runtime told the other tabs meanwhile, once, and nothing it
 * already had (src/worker/runtime.ts, catchUpTab). The real runtime core against the real emulator
 * on a real port, tabs from the harness; assertions are what each tab is told.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { SeenSnapshot } from '../../src/shared/seen';
import type { Chat, ChatEvent } from '../../src/shared/types';
import { useEmulator } from '../support/emulator';
import { agentSays, Browser, connected, newRuntime, startChat, TestTab } from './harness';

const env = useEmulator();
const { cleanup } = env;

function tab(runtime: ReturnType<typeof newRuntime>, browser: Browser, hello: ConstructorParameters<typeof TestTab>[2]): TestTab {
  const created = new TestTab(runtime, browser, hello);
  cleanup.push(() => created.session.detach('destroyed'));
  return created;
}

/** The ids of the `incoming_event`s a tab was told of, in order. */
const eventIds = (of: TestTab): string[] => of.payloads('incoming_event').map((payload) => (payload as { event: ChatEvent }).event.id);

/** What a tab that was told of `chat`'s opening and then of `told` hands over when it attaches. */
function seenRecord(chat: Chat, told: TestTab): SeenSnapshot[] {
  return [{ chatId: chat.id, threadId: chat.thread!.id, eventIds: [...chat.thread!.events.map((event) => event.id), ...eventIds(told)] }];
}

/** Lets what the runtime does on its own (socket traffic, a catch-up) happen before asserting that nothing more came. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('a tab that attaches with an older seen-record', () => {
  it('to the running runtime: gets what the other tabs were told since its record, once, and nothing it had', async () => {
    const organizationId = `catch-up-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const a = tab(runtime, browser, { tabId: 'a' });
    const b = tab(runtime, browser, { tabId: 'b' });
    for (const each of [a, b]) await connected(each);
    const chat = await startChat(a, 'hello from the customer');
    await agentSays(env.emulator.url, organizationId, chat.id, 'one');
    for (const each of [a, b]) await vi.waitFor(() => expect(each.texts()).toEqual(['one']));
    // The record of a tab that saw everything so far, then froze (the runtime dropped it).
    const record = seenRecord(chat, b);

    for (const text of ['two', 'three']) await agentSays(env.emulator.url, organizationId, chat.id, text);
    for (const each of [a, b]) await vi.waitFor(() => expect(each.texts()).toEqual(['one', 'two', 'three']));
    const requestsBefore = { ...env.emulator.stats(organizationId).requests };

    const late = tab(runtime, browser, { tabId: 'late', seen: record });
    // At once, from what the runtime holds: no request to the server for it.
    expect(late.texts()).toEqual(['two', 'three']);
    await quiet();
    expect(late.texts()).toEqual(['two', 'three']);
    expect(env.emulator.stats(organizationId).requests).toEqual(requestsBefore);

    await agentSays(env.emulator.url, organizationId, chat.id, 'four');
    await vi.waitFor(() => expect(late.texts()).toEqual(['two', 'three', 'four']));
    await quiet();
    expect(late.texts()).toEqual(['two', 'three', 'four']);
    expect(new Set(eventIds(late)).size).toBe(3);
    // The tabs that were there all along are told nothing twice.
    for (const each of [a, b]) expect(each.texts()).toEqual(['one', 'two', 'three', 'four']);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });

  it('with a record that covers everything: gets nothing again', async () => {
    const organizationId = `catch-up-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const a = tab(runtime, browser, { tabId: 'a' });
    await connected(a);
    const chat = await startChat(a);
    for (const text of ['one', 'two']) await agentSays(env.emulator.url, organizationId, chat.id, text);
    await vi.waitFor(() => expect(a.texts()).toEqual(['one', 'two']));

    const again = tab(runtime, browser, { tabId: 'again', seen: seenRecord(chat, a) });
    await quiet();
    expect(again.count('incoming_event')).toBe(0);
    expect(again.count('incoming_chat')).toBe(0);
  });

  it('to a runtime that replaced a dead one, after its catch-up: gets from the cache what it missed, the other tabs nothing twice', async () => {
    const organizationId = `catch-up-${randomUUID()}`;
    const browser = new Browser(env.emulator.url, organizationId);
    const old = newRuntime(env.emulator.url, organizationId);
    const a = new TestTab(old, browser, { tabId: 'a' });
    const b = new TestTab(old, browser, { tabId: 'b' });
    for (const each of [a, b]) await connected(each);
    const chat = await startChat(a);
    await agentSays(env.emulator.url, organizationId, chat.id, 'one');
    for (const each of [a, b]) await vi.waitFor(() => expect(each.texts()).toEqual(['one']));
    const recordOfB = seenRecord(chat, b); // b is frozen from here on: it hears nothing more
    await agentSays(env.emulator.url, organizationId, chat.id, 'two');
    await vi.waitFor(() => expect(a.texts()).toEqual(['one', 'two']));
    const recordOfA = seenRecord(chat, a);
    // The runtime dies with its memory; the agent keeps writing.
    a.session.detach('destroyed');
    b.session.detach('destroyed');
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    await agentSays(env.emulator.url, organizationId, chat.id, 'three');

    const replacement = newRuntime(env.emulator.url, organizationId);
    const a2 = tab(replacement, browser, { tabId: 'a', seen: recordOfA });
    await vi.waitFor(() => expect(a2.texts()).toEqual(['three']), { timeout: 10_000 });
    const b2 = tab(replacement, browser, { tabId: 'b', seen: recordOfB });
    await vi.waitFor(() => expect(b2.texts()).toEqual(['two', 'three']));

    await agentSays(env.emulator.url, organizationId, chat.id, 'four');
    await vi.waitFor(() => expect(b2.texts()).toEqual(['two', 'three', 'four']));
    await vi.waitFor(() => expect(a2.texts()).toEqual(['three', 'four']));
    await quiet();
    expect(b2.texts()).toEqual(['two', 'three', 'four']);
    expect(a2.texts()).toEqual(['three', 'four']);
    expect(env.emulator.stats(organizationId).openConnections).toBe(1);
  });

  // Two tabs with different records attach to a fresh runtime before its login: the merged
  // record says only what neither had, and the cache holds nothing yet. Records differ when the old
  // runtime died part-way through a fan-out, or a tab was frozen.
  it('two tabs with different records attach before the replacement logged in: each gets what it missed', async () => {
    const organizationId = `catch-up-${randomUUID()}`;
    const browser = new Browser(env.emulator.url, organizationId);
    const old = newRuntime(env.emulator.url, organizationId);
    const a = new TestTab(old, browser, { tabId: 'a' });
    const b = new TestTab(old, browser, { tabId: 'b' });
    for (const each of [a, b]) await connected(each);
    const chat = await startChat(a);
    await agentSays(env.emulator.url, organizationId, chat.id, 'one');
    for (const each of [a, b]) await vi.waitFor(() => expect(each.texts()).toEqual(['one']));
    const recordOfB = seenRecord(chat, b);
    await agentSays(env.emulator.url, organizationId, chat.id, 'two');
    await vi.waitFor(() => expect(a.texts()).toEqual(['one', 'two']));
    const recordOfA = seenRecord(chat, a);
    a.session.detach('destroyed');
    b.session.detach('destroyed');
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    await agentSays(env.emulator.url, organizationId, chat.id, 'three');

    const replacement = newRuntime(env.emulator.url, organizationId);
    const a2 = tab(replacement, browser, { tabId: 'a', seen: recordOfA });
    const b2 = tab(replacement, browser, { tabId: 'b', seen: recordOfB });
    await vi.waitFor(() => expect(a2.texts()).toEqual(['three']), { timeout: 10_000 });
    await vi.waitFor(() => expect(b2.texts().sort()).toEqual(['three', 'two']));
  });
});
