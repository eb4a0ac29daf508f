/**
 * What the agent side does, as two tabs of one runtime see it: the real core on a real socket to
 * the emulator, whose agent API plays the agent. Events reach both tabs with the v5 camelCase
 * payloads; a request's answer reaches only the tab that asked.
 */
import { describe, expect, it, vi } from 'vitest';
import { SdkError } from '../../src/shared/errors';
import type { Greeting } from '../../src/shared/types';
import { asAgent, connectedTabs, post, rejection, startChat, TestTab } from './harness';
import { useEmulator } from '../support/emulator';

const env = useEmulator();

const EMMA = 'emulator-agent@livechat.local';
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

async function twoTabs() {
  const tabs = await connectedTabs(env, 'agent-driven');
  const agent = (action: string, body: Record<string, unknown>) => asAgent(env.emulator.url, tabs.organizationId, action, body);
  return { ...tabs, agent };
}

/** Waits until both tabs got `count` events of that name, and returns each tab's last one (they must be equal). */
async function bothGot(tabs: TestTab[], name: string, count = 1): Promise<unknown> {
  for (const tab of tabs) await vi.waitFor(() => expect(tab.count(name)).toBe(count));
  const last = tabs.map((tab) => tab.payloads(name).at(-1));
  for (const payload of last) expect(payload).toEqual(last[0]);
  return last[0];
}

describe('greetings', () => {
  it('incoming_greeting reaches both tabs; acceptGreeting answers the caller and greeting_accepted reaches both; then GREETING_NOT_FOUND', async () => {
    const { a, b, customerId, agent } = await twoTabs();
    const sent = await agent('greeting', { customer_id: customerId, id: 7, text: 'Need a hand?' });

    const greeting = (await bothGot([a, b], 'incoming_greeting')) as Greeting;
    expect(greeting).toEqual({
      id: 7,
      text: 'Need a hand?',
      uniqueId: sent.unique_id,
      displayedFirstTime: true,
      accepted: false,
      subtype: 'greeting',
      addon: null,
      event: {
        id: `${String(sent.unique_id)}_1`,
        type: 'message',
        text: 'Need a hand?',
        authorId: EMMA,
        createdAt: expect.stringMatching(TIMESTAMP),
        threadId: null,
        properties: {},
      },
      agent: { id: EMMA, name: 'Emma Emulator', avatar: expect.any(String), jobTitle: 'Support Agent', isBot: false },
    });

    await expect(b.session.request('acceptGreeting', { greetingId: greeting.id, uniqueId: greeting.uniqueId })).resolves.toEqual({ success: true });
    expect(await bothGot([a, b], 'greeting_accepted')).toEqual({ uniqueId: greeting.uniqueId });

    const again = await rejection(a.session.request('acceptGreeting', { greetingId: greeting.id, uniqueId: greeting.uniqueId }));
    expect(again).toBeInstanceOf(SdkError);
    expect(again).toMatchObject({ code: 'GREETING_NOT_FOUND' });
    expect(await rejection(a.session.request('cancelGreeting', { uniqueId: 'NOSUCHGREET' }))).toMatchObject({ code: 'GREETING_NOT_FOUND' });
    // Local validation: nothing is sent for a bad argument.
    expect(await rejection(a.session.request('acceptGreeting', { greetingId: 'seven', uniqueId: greeting.uniqueId }))).toMatchObject({ code: 'VALIDATION' });
  });

  it('a newer greeting cancels the shown one for both tabs; cancelGreeting and sendGreetingButtonClicked answer the caller', async () => {
    const { a, b, customerId, agent } = await twoTabs();
    const first = await agent('greeting', { customer_id: customerId, id: 1 });
    const rich = { type: 'rich_message', template_id: 'quick_replies', elements: [{ title: 'Sale!', buttons: [{ type: 'message', text: 'Show me', postback_id: 'show' }] }] };
    const second = await agent('greeting', { customer_id: customerId, id: 2, event: rich, subtype: 'announcement' });
    expect(await bothGot([a, b], 'greeting_canceled')).toEqual({ uniqueId: first.unique_id });
    const shown = (await bothGot([a, b], 'incoming_greeting', 2)) as Greeting;
    expect(shown).toMatchObject({ uniqueId: second.unique_id, subtype: 'announcement', event: { type: 'rich_message', template: 'quick_replies' } });

    await expect(a.session.request('sendGreetingButtonClicked', { greetingUniqueId: shown.uniqueId, buttonId: 'show' })).resolves.toEqual({ success: true });
    await expect(a.session.request('cancelGreeting', { uniqueId: shown.uniqueId })).resolves.toEqual({ success: true });
    expect(await bothGot([a, b], 'greeting_canceled', 2)).toEqual({ uniqueId: second.unique_id });
    expect(await rejection(b.session.request('sendGreetingButtonClicked', { greetingUniqueId: shown.uniqueId, buttonId: 'show' }))).toMatchObject({
      code: 'GREETING_NOT_FOUND',
    });
    // Neither result was an event: the only greeting events are the pushes.
    expect(a.names().filter((name) => name.startsWith('greeting_'))).toEqual(['greeting_canceled', 'greeting_canceled']);
  });
});

describe('requests answered to the caller', () => {
  it('requestWelcomeMessage resolves {id, predictedAgent, queue}; incoming_welcome_message reaches both tabs', async () => {
    const { a, b } = await twoTabs();
    const result = (await a.session.request('requestWelcomeMessage', undefined)) as { id: string };
    expect(result).toEqual({
      id: expect.stringMatching(/^[A-Z0-9]{10}$/),
      predictedAgent: { id: EMMA, name: 'Emma Emulator', avatar: expect.any(String), jobTitle: 'Support Agent', type: 'agent', isBot: false },
      queue: false,
    });
    expect(await bothGot([a, b], 'incoming_welcome_message')).toEqual({
      id: result.id,
      event: {
        id: '',
        type: 'message',
        text: 'Hi there! How can we help you today?',
        authorId: EMMA,
        createdAt: expect.stringMatching(TIMESTAMP),
        threadId: null,
        properties: {},
      },
    });
    await expect(b.session.request('requestWelcomeMessage', { id: result.id })).resolves.toMatchObject({ id: result.id });
  });

  it('getForm, getUrlInfo and listGroupStatuses resolve the parsed answers for the caller only', async () => {
    const { a, b, agent } = await twoTabs();
    const bEventsBefore = b.messages.length;
    const prechat = (await a.session.request('getForm', { groupId: 0, type: 'prechat' })) as { enabled: true; form: { id: string; fields: unknown[] } };
    expect(prechat).toMatchObject({ enabled: true, form: { id: 'emulator-prechat' } });
    // The wire's group_id becomes groupId in a group chooser's options.
    expect(prechat.form.fields[3]).toMatchObject({ type: 'group_chooser', options: [{ id: '0', groupId: 0, label: 'General' }, { id: '1', groupId: 1, label: 'Sales' }] });
    await expect(a.session.request('getForm', { groupId: 0, type: 'postchat' })).resolves.toMatchObject({
      form: { fields: [{ type: 'header' }, { type: 'rating', commentLabel: 'Tell us more:' }] },
    });
    await expect(a.session.request('getForm', { groupId: 0, type: 'ticket' })).resolves.toEqual({ enabled: false });

    await expect(a.session.request('getUrlInfo', { url: 'https://shop.test/products/blue-shirt' })).resolves.toEqual({
      url: 'https://shop.test/products/blue-shirt',
      title: 'Blue shirt · shop.test',
      description: 'A page on shop.test.',
      // The protocol-relative image address comes back as https.
      imageUrl: 'https://shop.test/og-image.png',
      imageWidth: 1200,
      imageHeight: 630,
    });
    await expect(a.session.request('getUrlInfo', { url: 'https://example.com' })).resolves.toEqual({
      url: 'https://example.com',
      title: 'Example Domain',
      description: 'This domain is for use in illustrative examples in documents.',
    });
    expect(await rejection(a.session.request('getUrlInfo', { url: 'https://down.invalid/' }))).toMatchObject({ code: 'NOT_FOUND' });

    await agent('group_status', { group_id: 3, status: 'online_for_queue' });
    await expect(a.session.request('listGroupStatuses', undefined)).resolves.toEqual({ '0': 'online', '3': 'online_for_queue' });
    await expect(a.session.request('listGroupStatuses', { groupIds: [3, 4] })).resolves.toEqual({ '3': 'online_for_queue', '4': 'online' });
    expect(b.messages.slice(bEventsBefore).filter((m) => m.kind === 'event')).toEqual([]);
  });

  it('sendRichMessagePostback resolves { success: true }; incoming_rich_message_postback reaches both tabs', async () => {
    const { a, b, customerId, agent } = await twoTabs();
    const chat = await startChat(a);
    const card = { type: 'rich_message', template_id: 'cards', elements: [{ title: 'Deal?', buttons: [{ type: 'message', text: 'Yes', postback_id: 'action_yes' }] }] };
    const sent = await agent('send_event', { chat_id: chat.id, event: card });
    await bothGot([a, b], 'incoming_event');
    expect(b.payloads('incoming_event').at(-1)).toMatchObject({
      chatId: chat.id,
      event: { type: 'rich_message', template: 'cards', elements: [{ title: 'Deal?', buttons: [{ type: 'message', text: 'Yes', postbackId: 'action_yes', role: 'default' }] }] },
    });

    const params = { chatId: chat.id, threadId: chat.thread!.id, eventId: sent.event_id, postback: { id: 'action_yes' } };
    await expect(b.session.request('sendRichMessagePostback', params)).resolves.toEqual({ success: true });
    expect(await bothGot([a, b], 'incoming_rich_message_postback')).toEqual({
      userId: customerId,
      chatId: chat.id,
      threadId: chat.thread!.id,
      eventId: sent.event_id,
      // `toggled` defaults to true (v5 docs).
      postback: { id: 'action_yes', toggled: true },
    });
  });
});

describe('agent-driven events', () => {
  it('typing, thinking, event preview and event_updated reach both tabs', async () => {
    const { a, b, agent } = await twoTabs();
    const chat = await startChat(a);
    const threadId = chat.thread!.id;

    await agent('typing', { chat_id: chat.id });
    expect(await bothGot([a, b], 'incoming_typing_indicator')).toEqual({ chatId: chat.id, typingIndicator: { authorId: EMMA, isTyping: true } });
    await agent('thinking', { chat_id: chat.id, title: 'Thinking…', description: 'Reading your order', custom_id: 't-1' });
    expect(await bothGot([a, b], 'incoming_thinking_indicator')).toEqual({
      chatId: chat.id,
      threadId,
      authorId: 'emulator-bot@livechat.local',
      sentAt: expect.stringMatching(TIMESTAMP),
      title: 'Thinking…',
      description: 'Reading your order',
      customId: 't-1',
    });
    await agent('event_preview', { chat_id: chat.id, text: 'It ships tomor' });
    expect(await bothGot([a, b], 'incoming_event_preview')).toEqual({
      chatId: chat.id,
      threadId,
      event: { id: '', type: 'message', text: 'It ships tomor', authorId: EMMA, createdAt: expect.stringMatching(TIMESTAMP), threadId, properties: {} },
    });

    const sent = await agent('send_event', { chat_id: chat.id, text: 'It ships tomorow' });
    await agent('update_event', { chat_id: chat.id, event_id: sent.event_id, text: 'It ships tomorrow' });
    expect(await bothGot([a, b], 'event_updated')).toEqual({
      chatId: chat.id,
      threadId,
      event: { id: sent.event_id, type: 'message', text: 'It ships tomorrow', authorId: EMMA, createdAt: expect.stringMatching(TIMESTAMP), threadId, properties: {} },
    });
  });

  it('chat_transferred, queue_position_updated, user_added_to_chat (with user_data), user_removed_from_chat with reason, and chat_deactivated', async () => {
    const { a, b, agent } = await twoTabs();
    const chat = await startChat(a);
    const threadId = chat.thread!.id;

    await agent('transfer', { chat_id: chat.id, group_id: 2, queue: { position: 4, wait_time: 240 } });
    expect(await bothGot([a, b], 'chat_transferred')).toEqual({
      chatId: chat.id,
      threadId,
      reason: 'manual',
      requesterId: EMMA,
      transferredTo: { groupIds: [2] },
      queue: { position: 4, waitTime: 240, queuedAt: expect.stringMatching(TIMESTAMP) },
    });
    await agent('transfer', { chat_id: chat.id, agent_id: 'second-agent@livechat.local', reason: 'routing.assigned' });
    // The requester is named for manual transfers only.
    expect(await bothGot([a, b], 'chat_transferred', 2)).toEqual({
      chatId: chat.id,
      threadId,
      reason: 'routing.assigned',
      transferredTo: { agentIds: ['second-agent@livechat.local'] },
      queue: null,
    });

    await agent('queue', { chat_id: chat.id, position: 2, wait_time: 60 });
    expect(await bothGot([a, b], 'queue_position_updated')).toEqual({ chatId: chat.id, threadId, queue: { position: 2, waitTime: 60 } });

    const userDataBefore = [a.count('user_data'), b.count('user_data')];
    await agent('add_user', { chat_id: chat.id, agent_id: 'second-agent@livechat.local' });
    const sam = { id: 'second-agent@livechat.local', type: 'agent', name: 'Sam Second', avatar: expect.any(String), jobTitle: 'Sales', present: true };
    expect(await bothGot([a, b], 'user_added_to_chat')).toEqual({ chatId: chat.id, user: sam, present: true });
    expect([a.count('user_data'), b.count('user_data')]).toEqual(userDataBefore.map((n) => n + 1));
    expect(a.payloads('user_data').at(-1)).toEqual(sam);
    // user_data comes first, so a user_added_to_chat listener can already look the user up.
    const names = a.names();
    expect(names.lastIndexOf('user_data')).toBeLessThan(names.lastIndexOf('user_added_to_chat'));

    await agent('remove_user', { chat_id: chat.id, user_id: EMMA, reason: 'remotely_signed_out' });
    expect(await bothGot([a, b], 'user_removed_from_chat')).toEqual({ chatId: chat.id, userId: EMMA, reason: 'remotely_signed_out' });

    await agent('deactivate_chat', { chat_id: chat.id });
    expect(await bothGot([a, b], 'chat_deactivated')).toEqual({ chatId: chat.id });
    expect(a.payloads('incoming_event').at(-1)).toMatchObject({ chatId: chat.id, event: { type: 'system_message', systemMessageType: 'manual_archived_agent', authorId: 'system' } });
  });

  it('availability_updated follows the login group’s status, for both tabs', async () => {
    const { a, b, agent } = await twoTabs();
    expect((a.payloads('connected')[0] as { availability: string }).availability).toBe('online');
    await agent('group_status', { group_id: 0, status: 'offline' });
    expect(await bothGot([a, b], 'availability_updated')).toEqual({ availability: 'offline' });
    // online_for_queue still lets the customer chat.
    await agent('group_status', { group_id: 0, status: 'online_for_queue' });
    expect(await bothGot([a, b], 'availability_updated', 2)).toEqual({ availability: 'online' });
    // Another group's status is not this customer's availability.
    await agent('group_status', { group_id: 5, status: 'offline' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.count('availability_updated')).toBe(2);
  });
});

describe('server faults', () => {
  it('INTERNAL and SERVICE_UNAVAILABLE from the emulator’s faults reach the caller with their code; the next call succeeds', async () => {
    const { organizationId, a, b } = await twoTabs();
    await post(env.emulator.url, '/__emulator/faults', { organization_id: organizationId, action: 'get_url_info', type: 'internal' });
    await post(env.emulator.url, '/__emulator/faults', { organization_id: organizationId, action: 'get_form', type: 'service_unavailable' });

    const internal = await rejection(a.session.request('getUrlInfo', { url: 'https://example.com' }));
    expect(internal).toBeInstanceOf(SdkError);
    expect(internal).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('emulated') });
    expect(await rejection(b.session.request('getForm', { groupId: 0, type: 'prechat' }))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    await expect(a.session.request('getUrlInfo', { url: 'https://example.com' })).resolves.toMatchObject({ title: 'Example Domain' });
    await expect(b.session.request('getForm', { groupId: 0, type: 'prechat' })).resolves.toMatchObject({ enabled: true });
    // A failed request is not a connection problem: both tabs stay connected, once.
    expect([a.count('disconnected'), b.count('disconnected')]).toEqual([0, 0]);
  });
});

describe('group and limit errors reach the caller with their documented code', () => {
  it('GROUP_NOT_FOUND, GROUPS_OFFLINE, GROUP_OFFLINE, GROUP_UNAVAILABLE and CUSTOMER_SESSION_FIELDS_LIMIT_REACHED', async () => {
    const { a, b, agent } = await twoTabs();
    await agent('group', { group_id: 6, exists: false });
    await agent('group_status', { group_id: 8, status: 'offline' });
    const inGroup = (id: number) => ({ chat: { access: { groupIds: [id] }, thread: { events: [{ type: 'message', text: 'hi' }] } } });

    expect(await rejection(a.session.request('startChat', inGroup(6)))).toMatchObject({ code: 'GROUP_NOT_FOUND' });
    expect(await rejection(a.session.request('startChat', inGroup(8)))).toMatchObject({ code: 'GROUPS_OFFLINE' });
    expect(await rejection(b.session.request('getForm', { groupId: 6, type: 'prechat' }))).toMatchObject({ code: 'GROUP_NOT_FOUND' });
    // The welcome message comes from the group the runtime logged in to (0).
    await agent('group', { group_id: 0, manual_routing: true });
    expect(await rejection(b.session.request('requestWelcomeMessage', undefined))).toMatchObject({ code: 'GROUP_UNAVAILABLE' });
    await agent('group_status', { group_id: 0, status: 'offline' });
    expect(await rejection(b.session.request('requestWelcomeMessage', undefined))).toMatchObject({ code: 'GROUP_OFFLINE' });
    // The limit is on what the customer would hold: 60 set, then 50 more through updateCustomer.
    const fields = (from: number, count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${from + i}`, 'v']));
    await expect(a.session.request('setCustomerSessionFields', { sessionFields: fields(0, 60) })).resolves.toEqual({ success: true });
    const limit = await rejection(a.session.request('updateCustomer', { sessionFields: fields(60, 50) }));
    expect(limit).toBeInstanceOf(SdkError);
    expect(limit).toMatchObject({ code: 'CUSTOMER_SESSION_FIELDS_LIMIT_REACHED' });
    // Errors of requests are not connection problems, and nothing leaked to the other tab.
    expect([a.count('disconnected'), b.count('disconnected')]).toEqual([0, 0]);
    expect(a.count('incoming_chat') + b.count('incoming_chat')).toBe(0);
  });
});
