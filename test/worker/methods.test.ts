/**
 * The v5 request methods end to end: a tab asks through the runtime core, the real emulator
 * answers on a real socket, and the pushes the request causes reach the other tabs as SDK events.
 * Only actions the emulator implements are here; the rest are covered by test/shared unit tests.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Chat, ChatEvent, Customer } from '../../src/shared/types';
import { Browser, connected, connectedTabs, newRuntime, rejection, startChat, TestTab } from './harness';
import { useEmulator } from '../support/emulator';

const env = useEmulator();

/** Two tabs of one customer, both connected through one runtime. */
const twoTabs = () => connectedTabs(env, 'methods');

describe('chat lifecycle', () => {
  it('getChat answers the asker with the chat and gives it user_data for each user', async () => {
    const { a, b, customerId } = await twoTabs();
    const started = await startChat(a);
    const userDataBefore = a.count('user_data');
    const bUserDataBefore = b.count('user_data');

    const chat = (await a.session.request('getChat', { chatId: started.id })) as Chat;
    expect(chat.id).toBe(started.id);
    expect(chat.thread?.id).toBe(started.thread?.id);
    expect(chat.thread?.events).toMatchObject([{ type: 'message', text: 'hi', authorId: customerId }]);
    expect(chat.users.map((user) => user.id)).toContain(customerId);
    expect(a.count('user_data')).toBe(userDataBefore + chat.users.length);
    // Only the asker: getChat is not a push.
    expect(b.count('user_data')).toBe(bUserDataBefore);
  });

  it('deactivateChat resolves { success: true }; every tab gets the system message and chat_deactivated', async () => {
    const { a, b } = await twoTabs();
    const chat = await startChat(a);

    await expect(a.session.request('deactivateChat', { id: chat.id })).resolves.toEqual({ success: true });
    for (const tab of [a, b]) {
      await vi.waitFor(() => expect(tab.payloads('chat_deactivated')).toEqual([{ chatId: chat.id }]));
      const system = tab.payloads('incoming_event') as Array<{ chatId: string; event: ChatEvent }>;
      expect(system).toMatchObject([{ chatId: chat.id, event: { type: 'system_message', authorId: 'system', threadId: chat.thread?.id } }]);
    }
    // The server's own error for an inactive chat reaches the asker with its code.
    expect(await rejection(a.session.request('deactivateChat', { id: chat.id }))).toMatchObject({ code: 'CHAT_INACTIVE' });
  });

  it('resumeChat answers the asker with { chat } and gives the other tab incoming_chat', async () => {
    const { a, b } = await twoTabs();
    const chat = await startChat(a);
    await a.session.request('deactivateChat', { id: chat.id });
    const aChatsBefore = a.count('incoming_chat');

    const resumed = (await b.session.request('resumeChat', {
      chat: { id: chat.id, thread: { events: [{ type: 'message', text: 'back again' }] } },
    })) as { chat: Chat };
    expect(resumed.chat.id).toBe(chat.id);
    expect(resumed.chat.thread?.id).not.toBe(chat.thread?.id);
    expect(resumed.chat.thread?.active).toBe(true);
    expect(resumed.chat.thread?.events).toMatchObject([{ type: 'message', text: 'back again' }]);

    await vi.waitFor(() => expect(a.count('incoming_chat')).toBe(aChatsBefore + 1));
    expect(a.payloads('incoming_chat').at(-1)).toEqual(resumed);
    // The asker got its answer as the result, not as an event.
    expect(b.payloads('incoming_chat')).not.toContainEqual(resumed);

    expect(await rejection(b.session.request('resumeChat', { chat: { id: chat.id } }))).toMatchObject({ code: 'CHAT_ALREADY_ACTIVE' });
  });

  it('markEventsAsSeen resolves { success: true } and events_marked_as_seen reaches every tab', async () => {
    const { a, b, customerId } = await twoTabs();
    const chat = await startChat(a);
    const seenUpTo = chat.thread!.events[0]!.createdAt;

    await expect(b.session.request('markEventsAsSeen', { chatId: chat.id, seenUpTo })).resolves.toEqual({ success: true });
    for (const tab of [a, b]) {
      await vi.waitFor(() => expect(tab.payloads('events_marked_as_seen')).toEqual([{ chatId: chat.id, userId: customerId, seenUpTo }]));
    }
  });
});

describe('customer data', () => {
  it('updateCustomer resolves { success: true } and customer_updated (with `fields`) reaches the other tab', async () => {
    const { a, b, customerId } = await twoTabs();
    await expect(
      a.session.request('updateCustomer', { name: 'John Doe', email: 'john.doe@example.com', sessionFields: { basket: '10usd' } }),
    ).resolves.toEqual({ success: true });
    await vi.waitFor(() =>
      expect(b.payloads('customer_updated')).toEqual([
        { id: customerId, name: 'John Doe', email: 'john.doe@example.com', fields: { basket: '10usd' } },
      ]),
    );
    const customer = (await b.session.request('getCustomer', undefined)) as Customer;
    expect(customer).toMatchObject({ name: 'John Doe', email: 'john.doe@example.com', sessionFields: { basket: '10usd' } });
  });

  it('setCustomerSessionFields resolves { success: true } and replaces the session fields', async () => {
    const { a, b } = await twoTabs();
    await expect(a.session.request('setCustomerSessionFields', { sessionFields: { foo: 'bar', test: 'qwerty' } })).resolves.toEqual({
      success: true,
    });
    const customer = (await b.session.request('getCustomer', undefined)) as Customer;
    expect(customer.sessionFields).toEqual({ foo: 'bar', test: 'qwerty' });
  });

  it("updateCustomerPage: the focused tab's page reaches the server; a background tab's is kept until it gets the focus", async () => {
    const { organizationId, a, b } = await twoTabs();
    b.session.setFocus(true);
    await expect(b.session.request('updateCustomerPage', { url: 'https://shop.test/cart', title: 'Cart' })).resolves.toBeUndefined();
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).requests.update_customer_page).toBe(1));
    // A background tab navigating (an SPA route change) does not move the customer.
    await expect(a.session.request('updateCustomerPage', { url: 'https://shop.test/help', title: 'Help' })).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(env.emulator.stats(organizationId).requests.update_customer_page).toBe(1);
    a.session.setFocus(true);
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).requests.update_customer_page).toBe(2));
    // A refusal from the server (the emulator wants a url) is swallowed, as for any fire-and-forget call.
    await expect(a.session.request('updateCustomerPage', { title: 'No url' })).resolves.toBeUndefined();
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).requests.update_customer_page).toBe(3));
    // Bad arguments still fail locally, before anything is sent.
    expect(await rejection(a.session.request('updateCustomerPage', { url: 5 }))).toMatchObject({ code: 'VALIDATION' });
    expect(env.emulator.stats(organizationId).requests.update_customer_page).toBe(3);
  });
});

describe('other requests', () => {
  it('listGroupStatuses returns the groups_status map for all groups or the groups asked', async () => {
    const { a, b } = await twoTabs();
    await expect(a.session.request('listGroupStatuses', undefined)).resolves.toEqual({ '0': 'online' });
    await expect(b.session.request('listGroupStatuses', { groupIds: [0, 3] })).resolves.toEqual({ '0': 'online', '3': 'online' });
    expect(await rejection(a.session.request('listGroupStatuses', { groupIds: ['3'] }))).toMatchObject({ code: 'VALIDATION' });
  });

  it('setSneakPeek goes to the server only for a chat known active (v5 docs), whichever tab started it', async () => {
    const { organizationId, a, b } = await twoTabs();
    const sent = () => env.emulator.stats(organizationId).requests.send_sneak_peek ?? 0;
    // Never heard of: not active, nothing sent (and nothing to reject: the v5 method returns nothing).
    await expect(a.session.request('setSneakPeek', { chatId: 'NOSUCHCHAT', sneakPeekText: 'x' })).resolves.toBeUndefined();
    expect(sent()).toBe(0);
    const chat = await startChat(a);
    // Started in tab a, typed in tab b: one runtime knows it for both.
    await expect(b.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: 'what is the price for your ' })).resolves.toBeUndefined();
    expect(sent()).toBe(1);
    await a.session.request('deactivateChat', { id: chat.id });
    await vi.waitFor(() => expect(b.payloads('chat_deactivated')).toEqual([{ chatId: chat.id }]));
    await b.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: 'after the end' });
    // Past the once-a-second throttle's window too: a text held for its end is not sent either.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(sent()).toBe(1);
    await a.session.request('resumeChat', { chat: { id: chat.id } });
    await b.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: 'back' });
    await vi.waitFor(() => expect(sent()).toBe(2));
  });

  it.each(['listChats', 'getChat'] as const)('setSneakPeek: a runtime that did not see the chat start learns it is active from %s', async (method) => {
    const organizationId = `methods-${randomUUID()}`;
    const browser = new Browser(env.emulator.url, organizationId);
    // Two runtimes of one customer (as a reload gets a fresh one): the second saw no incoming_chat.
    const a = new TestTab(newRuntime(env.emulator.url, organizationId), browser, { tabId: 'a' });
    env.cleanup.push(() => a.session.detach('destroyed'));
    await connected(a);
    const chat = await startChat(a);
    // Attached once the browser has its cookie: the same customer.
    const b = new TestTab(newRuntime(env.emulator.url, organizationId), browser, { tabId: 'b' });
    env.cleanup.push(() => b.session.detach('destroyed'));
    await connected(b);
    expect(b.payloads('customer_id')).toEqual(a.payloads('customer_id'));
    const sent = () => env.emulator.stats(organizationId).requests.send_sneak_peek ?? 0;
    await b.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: 'x' });
    expect(sent()).toBe(0);
    await b.session.request(method, method === 'getChat' ? { chatId: chat.id } : undefined);
    // The chat's throttle window, opened by 'x', is over before the next text.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await b.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: 'y' });
    await vi.waitFor(() => expect(sent()).toBe(1));
  });
});

describe('properties and rating', () => {
  it('chat properties: update and delete resolve { success: true } to the asker; both tabs get the pushes', async () => {
    const { a, b } = await twoTabs();
    const chat = await startChat(a);
    await expect(b.session.request('updateChatProperties', { id: chat.id, properties: { shop: { order: 'A-1', paid: true } } })).resolves.toEqual({
      success: true,
    });
    for (const tab of [a, b]) {
      await vi.waitFor(() => expect(tab.payloads('chat_properties_updated')).toEqual([{ chatId: chat.id, properties: { shop: { order: 'A-1', paid: true } } }]));
    }
    await expect(a.session.request('deleteChatProperties', { id: chat.id, properties: { shop: ['paid'] } })).resolves.toEqual({ success: true });
    for (const tab of [a, b]) {
      await vi.waitFor(() => expect(tab.payloads('chat_properties_deleted')).toEqual([{ chatId: chat.id, properties: { shop: ['paid'] } }]));
    }
    expect(((await a.session.request('getChat', { chatId: chat.id })) as Chat).properties).toEqual({ shop: { order: 'A-1' } });
    expect(await rejection(a.session.request('updateChatProperties', { id: chat.id, properties: { shop: 'flat' } }))).toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('thread properties: update and delete reach both tabs with chatId and threadId', async () => {
    const { a, b } = await twoTabs();
    const chat = await startChat(a);
    const threadId = chat.thread!.id;
    await expect(a.session.request('updateThreadProperties', { chatId: chat.id, threadId, properties: { ticket: { open: true } } })).resolves.toEqual({
      success: true,
    });
    await expect(b.session.request('deleteThreadProperties', { chatId: chat.id, threadId, properties: { ticket: ['open'] } })).resolves.toEqual({
      success: true,
    });
    for (const tab of [a, b]) {
      await vi.waitFor(() => {
        expect(tab.payloads('thread_properties_updated')).toEqual([{ chatId: chat.id, threadId, properties: { ticket: { open: true } } }]);
        expect(tab.payloads('thread_properties_deleted')).toEqual([{ chatId: chat.id, threadId, properties: { ticket: ['open'] } }]);
      });
    }
  });

  it('event properties: update and delete reach both tabs with the event id', async () => {
    const { a, b } = await twoTabs();
    const chat = await startChat(a);
    const threadId = chat.thread!.id;
    const eventId = chat.thread!.events[0]!.id;
    const where = { chatId: chat.id, threadId, eventId };
    await expect(a.session.request('updateEventProperties', { ...where, properties: { tags: { urgent: true } } })).resolves.toEqual({ success: true });
    await expect(a.session.request('deleteEventProperties', { ...where, properties: { tags: ['urgent'] } })).resolves.toEqual({ success: true });
    for (const tab of [a, b]) {
      await vi.waitFor(() => {
        expect(tab.payloads('event_properties_updated')).toEqual([{ ...where, properties: { tags: { urgent: true } } }]);
        expect(tab.payloads('event_properties_deleted')).toEqual([{ ...where, properties: { tags: ['urgent'] } }]);
      });
    }
    expect(await rejection(a.session.request('deleteEventProperties', { chatId: chat.id, threadId, properties: { tags: ['urgent'] } }))).toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('rateChat sets the rating on the newest thread and cancelRate removes what it names', async () => {
    const { organizationId, a, b } = await twoTabs();
    const chat = await startChat(a);
    const threadId = chat.thread!.id;
    await expect(a.session.request('rateChat', { chatId: chat.id, rating: { score: 1, comment: 'Quick' } })).resolves.toEqual({ success: true });
    for (const tab of [a, b]) {
      await vi.waitFor(() =>
        expect(tab.payloads('thread_properties_updated')).toEqual([{ chatId: chat.id, threadId, properties: { rating: { score: 1, comment: 'Quick' } } }]),
      );
    }
    await expect(b.session.request('cancelRate', { chatId: chat.id, properties: ['comment'] })).resolves.toEqual({ success: true });
    for (const tab of [a, b]) {
      await vi.waitFor(() => expect(tab.payloads('thread_properties_deleted')).toEqual([{ chatId: chat.id, threadId, properties: { rating: ['comment'] } }]));
    }
    // Each rating call finds the newest thread with list_threads first.
    expect(env.emulator.stats(organizationId).requests).toMatchObject({ list_threads: 2, update_thread_properties: 1, delete_thread_properties: 1 });
    expect(await rejection(a.session.request('rateChat', { chatId: chat.id, rating: { score: 5 } }))).toMatchObject({ code: 'VALIDATION' });
  });
});
