// The agent API (`/__emulator/agent/*`): each action and the push it sends on the wire, to every
// socket of the chat's customer and to no one else.
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator';
import { connect, getJson, newCustomer, postJson, randomOrg, trackClients, type RtmClient } from './helpers';

const env = useEmulator();

const track = trackClients();
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const agent = (action: string, body: Record<string, unknown>) => postJson(env.emulator.url, `/__emulator/agent/${action}`, body);
const EMMA = 'emulator-agent@livechat.local';

/** A customer with two tabs in a chat, a stranger, and the chat's ids; `version` for the second tab. */
async function chatWithTwoTabs(version = '3.6') {
  const org = randomOrg();
  const alice = await newCustomer(env.emulator.url, org);
  const a = track(await connect(env.emulator.url, alice)).client;
  const b = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie), {}, version)).client;
  const other = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org))).client;
  const start = await a.request('start_chat', { chat: { thread: { events: [{ type: 'message', text: 'hello' }] } } });
  const { chat_id, thread_id } = start.payload as { chat_id: string; thread_id: string };
  return { org, alice, a, b, other, chat_id, thread_id };
}

/** The same push, without request_id, on each client. */
async function pushedToAll(clients: RtmClient[], action: string) {
  const frames = [];
  for (const client of clients) {
    const frame = await client.push(action);
    expect(frame.request_id).toBeUndefined();
    frames.push(frame.payload);
  }
  expect(new Set(frames.map((f) => JSON.stringify(f))).size).toBe(1);
  return frames[0]!;
}

describe('agent events', () => {
  it('send_event takes a rich message (cards, quick replies, sticker, ecommerce) and fills button postback ids', async () => {
    const { org, a, b, other, chat_id, thread_id } = await chatWithTwoTabs();
    const ecommerce = {
      type: 'rich_message',
      template_id: 'ecommerce',
      elements: [
        {
          title: 'Blue shirt',
          image: { url: 'https://shop.test/shirt.png' },
          buttons: [{ type: 'url', text: 'Buy', value: 'https://shop.test/buy', target: 'new' }],
          ecommerce: { view_type: 'swatch', product_id: 'p1', label: 'Colour', options: [{ option_id: 'o1', label: 'Blue', price: '10.00', currency: 'USD' }] },
        },
      ],
    };
    const res = await agent('send_event', { organization_id: org, chat_id, event: ecommerce });
    expect(res).toEqual({ status: 200, body: { event_id: `${thread_id}_2` } });
    const payload = await pushedToAll([a, b], 'incoming_event');
    expect(payload).toEqual({
      chat_id,
      thread_id,
      event: {
        id: `${thread_id}_2`,
        type: 'rich_message',
        properties: {},
        template_id: 'ecommerce',
        elements: [{ ...ecommerce.elements[0], buttons: [{ type: 'url', text: 'Buy', value: 'https://shop.test/buy', target: 'new', postback_id: 'action_0_0', user_ids: [] }] }],
        recipients: 'all',
        author_id: EMMA,
        created_at: expect.stringMatching(TIMESTAMP),
      },
    });
    expect(await other.quietFor(50, (f) => f.type === 'push')).toEqual([]);
    for (const template of ['cards', 'quick_replies', 'sticker']) {
      const sent = await agent('send_event', { organization_id: org, chat_id, event: { type: 'rich_message', template_id: template, elements: [{ title: template }] } });
      expect(sent.status).toBe(200);
      expect((await a.next((f) => f.payload.event?.template_id === template)).payload.event.elements).toEqual([{ title: template }]);
    }
  });

  it('send_event takes forms (with form_type), system messages (by "system"), custom events, images and bot authors', async () => {
    const { org, a, b, chat_id } = await chatWithTwoTabs();
    const fields = [{ type: 'email', id: 'e', label: 'E-mail', required: true }];
    await agent('send_event', { organization_id: org, chat_id, event: { type: 'form', form_id: 'f1', form_type: 'ask_for_email', fields } });
    expect((await pushedToAll([a, b], 'incoming_event')).event).toMatchObject({ type: 'form', form_id: 'f1', form_type: 'ask_for_email', fields, author_id: EMMA });

    await agent('send_event', { organization_id: org, chat_id, event: { type: 'system_message', text: 'Chat transferred', system_message_type: 'routing.transferred' } });
    expect((await pushedToAll([a, b], 'incoming_event')).event).toMatchObject({ type: 'system_message', text: 'Chat transferred', system_message_type: 'routing.transferred', author_id: 'system' });

    await agent('send_event', { organization_id: org, chat_id, author_id: 'emulator-bot@livechat.local', event: { type: 'custom', content: { coupon: 'SPRING10' }, custom_id: 'c-1' } });
    expect((await pushedToAll([a, b], 'incoming_event')).event).toMatchObject({ type: 'custom', content: { coupon: 'SPRING10' }, custom_id: 'c-1', author_id: 'emulator-bot@livechat.local' });

    await agent('send_event', { organization_id: org, chat_id, event: { type: 'file', url: 'https://cdn.test/cat.png', width: 800, height: 600, size: 48213 } });
    expect((await pushedToAll([a, b], 'incoming_event')).event).toMatchObject({
      type: 'file',
      name: 'cat.png',
      content_type: 'image/png',
      size: 48213,
      width: 800,
      height: 600,
      thumbnail_url: 'https://cdn.test/cat.png',
      thumbnail2x_url: 'https://cdn.test/cat.png',
    });
  });

  it('send_event validates events by type and names the field', async () => {
    const { org, chat_id } = await chatWithTwoTabs();
    for (const [event, name] of [
      [{ type: 'filled_form' }, 'event.type'],
      [{ type: 'rich_message', template_id: 'carousel', elements: [{}] }, 'event.template_id'],
      [{ type: 'rich_message', template_id: 'cards', elements: [] }, 'event.elements'],
      [{ type: 'rich_message', template_id: 'cards', elements: [{ buttons: [{ type: 'message' }] }] }, 'event.elements[0].buttons[0].text'],
      [{ type: 'form', form_id: 'f', form_type: 'survey', fields: [{ type: 'email', id: 'e' }] }, 'event.form_type'],
      [{ type: 'form', form_id: 'f', form_type: 'prechat', fields: [{ type: 'email' }] }, 'event.fields[0].id'],
      [{ type: 'file', url: 'https://x.test/a.png', width: 10 }, 'event.height'],
      [{ type: 'file', url: 'https://x.test/a.png', width: 10, height: 10 }, 'event.size'],
    ] as const) {
      const res = await agent('send_event', { organization_id: org, chat_id, event });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(name);
    }
  });

  it('update_event edits a message and pushes event_updated with the whole event', async () => {
    const { org, a, b, chat_id, thread_id } = await chatWithTwoTabs();
    const { body } = await agent('send_event', { organization_id: org, chat_id, text: 'Helo' });
    const res = await agent('update_event', { organization_id: org, chat_id, event_id: body.event_id, text: 'Hello' });
    expect(res).toEqual({ status: 200, body: { event_id: body.event_id } });
    expect(await pushedToAll([a, b], 'event_updated')).toEqual({
      chat_id,
      thread_id,
      event: { id: body.event_id, type: 'message', text: 'Hello', properties: {}, recipients: 'all', author_id: EMMA, created_at: expect.stringMatching(TIMESTAMP) },
    });
    expect((await a.request('get_chat', { chat_id })).payload.thread.events[1].text).toBe('Hello');
    expect((await agent('update_event', { organization_id: org, chat_id, event_id: 'nope', text: 'x' })).status).toBe(404);
  });
});

describe('indicators and previews', () => {
  it('typing pushes incoming_typing_indicator; thinking and event_preview reach 3.6 sockets only', async () => {
    const { org, a, b, other, chat_id, thread_id } = await chatWithTwoTabs('3.5');
    expect((await agent('typing', { organization_id: org, chat_id })).body).toEqual({ delivered: 2 });
    const typing = await pushedToAll([a, b], 'incoming_typing_indicator');
    expect(typing).toEqual({ chat_id, thread_id, typing_indicator: { author_id: EMMA, recipients: 'all', timestamp: expect.any(Number), is_typing: true } });
    await agent('typing', { organization_id: org, chat_id, is_typing: false });
    expect((await a.push('incoming_typing_indicator')).payload.typing_indicator.is_typing).toBe(false);

    await agent('thinking', { organization_id: org, chat_id, title: 'Looking it up', description: 'Checking your order', custom_id: 'think-1' });
    expect((await a.push('incoming_thinking_indicator')).payload).toEqual({
      chat_id,
      thread_id,
      author_id: 'emulator-bot@livechat.local',
      sent_at: expect.stringMatching(TIMESTAMP),
      title: 'Looking it up',
      description: 'Checking your order',
      custom_id: 'think-1',
    });
    await agent('event_preview', { organization_id: org, chat_id, text: 'Your order ships tomor' });
    expect((await a.push('incoming_event_preview')).payload).toEqual({
      chat_id,
      thread_id,
      event: { type: 'message', text: 'Your order ships tomor', author_id: EMMA, created_at: expect.stringMatching(TIMESTAMP) },
    });
    // b is on 3.5, which has neither push; nobody else hears any of it.
    expect(await b.quietFor(50, (f) => f.action === 'incoming_thinking_indicator' || f.action === 'incoming_event_preview')).toEqual([]);
    expect(await other.quietFor(0, (f) => f.type === 'push')).toEqual([]);
  });

  it('needs an active chat (409) and a known chat (404)', async () => {
    const { org, a, chat_id } = await chatWithTwoTabs();
    expect((await agent('typing', { organization_id: org, chat_id: 'NOSUCHCHAT' })).status).toBe(404);
    expect((await agent('typing', { organization_id: randomOrg(), chat_id })).status).toBe(404);
    await a.request('deactivate_chat', { id: chat_id });
    for (const action of ['typing', 'thinking', 'queue']) {
      expect(await agent(action, { organization_id: org, chat_id, position: 1 })).toMatchObject({ status: 409, body: { error: { type: 'chat_inactive' } } });
    }
    expect((await agent('nonsense', { organization_id: org })).status).toBe(404);
  });

  it('answers every refusal with exactly {error: {type, message}} and its status', async () => {
    const { org, a, chat_id } = await chatWithTwoTabs();
    const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
      ['send_event', { organization_id: org, chat_id, event: { type: 'form', form_id: 'f', form_type: 'survey', fields: [{ type: 'email', id: 'e' }] } }, 400, 'validation', 'event.form_type must be one of prechat, postchat, ask_for_email, ticket'],
      ['send_event', { chat_id, text: 'x' }, 400, 'validation', 'organization_id is required and must be a non-empty string'],
      ['send_event', { organization_id: 'no-such-org', chat_id, text: 'x' }, 404, 'not_found', 'Organization no-such-org not found'],
      ['send_event', { organization_id: org, chat_id: 'NOSUCHCHAT', text: 'x' }, 404, 'not_found', 'Chat not found'],
      ['add_user', { organization_id: org, chat_id, agent_id: EMMA }, 409, 'already_in_chat', `${EMMA} is already in the chat`],
    ];
    for (const [action, body, status, type, message] of cases) {
      expect(await agent(action, body), `${action} ${JSON.stringify(body)}`).toEqual({ status, body: { error: { type, message } } });
    }
    const unknown = await agent('nonsense', { organization_id: org });
    expect(unknown).toEqual({ status: 404, body: { error: { type: 'not_found', message: expect.stringMatching(/^No agent action nonsense; known: send_event, /) } } });
    await a.request('deactivate_chat', { id: chat_id });
    expect(await agent('typing', { organization_id: org, chat_id })).toEqual({ status: 409, body: { error: { type: 'chat_inactive', message: 'Chat is inactive' } } });
  });
});

describe('routing', () => {
  it('transfer pushes chat_transferred with reason, requester (manual only), target and queue; the chat moves group', async () => {
    const { org, a, b, chat_id, thread_id } = await chatWithTwoTabs();
    const res = await agent('transfer', { organization_id: org, chat_id, group_id: 3, queue: { position: 2, wait_time: 90 } });
    expect(res).toEqual({ status: 200, body: { delivered: 2 } });
    expect(await pushedToAll([a, b], 'chat_transferred')).toEqual({
      chat_id,
      thread_id,
      reason: 'manual',
      requester_id: EMMA,
      transferred_to: { group_ids: [3] },
      queue: { position: 2, wait_time: 90, queued_at: expect.stringMatching(TIMESTAMP) },
    });
    const chat = (await a.request('get_chat', { chat_id })).payload;
    expect(chat.access).toEqual({ group_ids: [3] });
    expect(chat.thread.queue).toMatchObject({ position: 2, wait_time: 90 });

    await agent('transfer', { organization_id: org, chat_id, agent_id: 'second-agent@livechat.local', reason: 'routing.assigned' });
    expect(await pushedToAll([a, b], 'chat_transferred')).toEqual({ chat_id, thread_id, reason: 'routing.assigned', transferred_to: { agent_ids: ['second-agent@livechat.local'] } });
    expect((await agent('transfer', { organization_id: org, chat_id })).body.error.message).toContain('group_id or agent_id');
  });

  it('queue pushes queue_position_updated (without queued_at) and keeps the first queued_at on the thread', async () => {
    const { org, a, b, chat_id, thread_id } = await chatWithTwoTabs();
    await agent('queue', { organization_id: org, chat_id, position: 3, wait_time: 120 });
    expect(await pushedToAll([a, b], 'queue_position_updated')).toEqual({ chat_id, thread_id, queue: { position: 3, wait_time: 120 } });
    const first = (await a.request('get_chat', { chat_id })).payload.thread.queue;
    await agent('queue', { organization_id: org, chat_id, position: 1, wait_time: 30 });
    expect((await pushedToAll([a, b], 'queue_position_updated')).queue).toEqual({ position: 1, wait_time: 30 });
    expect((await a.request('get_chat', { chat_id })).payload.thread.queue).toEqual({ position: 1, wait_time: 30, queued_at: first.queued_at });
    expect((await agent('queue', { organization_id: org, chat_id, position: 0 })).body.error.message).toContain('position');
  });

  it('add_user and remove_user push user_added_to_chat / user_removed_from_chat with reasons, and change the chat users', async () => {
    const { org, a, b, chat_id, thread_id } = await chatWithTwoTabs();
    const { thread } = (await a.request('get_chat', { chat_id })).payload;
    const res = await agent('add_user', { organization_id: org, chat_id, agent_id: 'second-agent@livechat.local' });
    expect(res.body).toEqual({ delivered: 2 });
    expect(await pushedToAll([a, b], 'user_added_to_chat')).toEqual({
      chat_id,
      thread_id,
      // Joining, they have seen nothing yet: their marker is the chat's start, before every event.
      user: { id: 'second-agent@livechat.local', type: 'agent', name: 'Sam Second', avatar: expect.any(String), job_title: 'Sales', present: true, events_seen_up_to: thread.created_at },
      reason: 'manual',
      requester_id: EMMA,
    });
    const users = (await a.request('get_chat', { chat_id })).payload.users.map((u: { id: string }) => u.id);
    expect(users).toEqual([expect.any(String), EMMA, 'second-agent@livechat.local']);
    expect((await agent('add_user', { organization_id: org, chat_id, agent_id: 'second-agent@livechat.local' })).status).toBe(409);
    expect((await agent('add_user', { organization_id: org, chat_id, agent_id: 'stranger@x' })).body.error.message).toContain('name');
    await agent('add_user', { organization_id: org, chat_id, agent_id: 'new@x', name: 'Nia New', reason: 'routing.assigned' });
    expect((await a.next((f) => f.action === 'user_added_to_chat' && f.payload.user.id === 'new@x')).payload).toMatchObject({ reason: 'routing.assigned', user: { name: 'Nia New' } });

    await agent('remove_user', { organization_id: org, chat_id, user_id: EMMA, reason: 'signed_out' });
    expect(await pushedToAll([a, b], 'user_removed_from_chat')).toEqual({ chat_id, thread_id, user_id: EMMA, reason: 'signed_out' });
    expect((await a.request('get_chat', { chat_id })).payload.thread.user_ids).not.toContain(EMMA);
    expect((await agent('remove_user', { organization_id: org, chat_id, user_id: EMMA })).status).toBe(404);
    expect((await agent('remove_user', { organization_id: org, chat_id, user_id: 'new@x', reason: 'bored' })).body.error.message).toContain('reason');
  });

  it('deactivate_chat: a system message, then chat_deactivated naming the agent; the chat is inactive', async () => {
    const { org, a, b, chat_id, thread_id } = await chatWithTwoTabs();
    expect(await agent('deactivate_chat', { organization_id: org, chat_id })).toEqual({ status: 200, body: { thread_id } });
    for (const client of [a, b]) {
      const frames = [await client.push('incoming_event'), await client.push('chat_deactivated')];
      expect(frames[0]!.payload.event).toMatchObject({ type: 'system_message', system_message_type: 'manual_archived_agent', author_id: 'system' });
      expect(frames[1]!.payload).toEqual({ chat_id, thread_id, user_id: EMMA });
      expect(client.received.indexOf(frames[0]!)).toBeLessThan(client.received.indexOf(frames[1]!));
    }
    expect((await a.request('list_chats')).payload.chats_summary[0].active).toBe(false);
    expect((await agent('deactivate_chat', { organization_id: org, chat_id })).status).toBe(409);
  });

  it('a queued chat the customer closes: chat_deactivated naming the customer, and the thread no longer queued nor peeked', async () => {
    const { org, alice, a, b, chat_id, thread_id } = await chatWithTwoTabs();
    await agent('queue', { organization_id: org, chat_id, position: 2, wait_time: 60 });
    await pushedToAll([a, b], 'queue_position_updated');
    await a.request('send_sneak_peek', { chat_id, sneak_peek_text: 'never m' });

    const requestId = a.send('deactivate_chat', { id: chat_id });
    for (const client of [a, b]) {
      const frames = [await client.push('incoming_event'), await client.push('chat_deactivated')];
      expect(frames[0]!.request_id).toBeUndefined();
      expect(frames[0]!.payload.event).toMatchObject({ type: 'system_message', system_message_type: 'manual_archived_customer', author_id: 'system' });
      expect(frames[1]!.request_id).toBe(client === a ? requestId : undefined);
      expect(frames[1]!.payload).toEqual({ chat_id, thread_id, user_id: alice.customerId });
      expect(client.received.indexOf(frames[0]!)).toBeLessThan(client.received.indexOf(frames[1]!));
    }

    const thread = (await a.request('get_chat', { chat_id })).payload.thread;
    expect(thread).toMatchObject({ id: thread_id, active: false });
    expect(thread).not.toHaveProperty('queue');
    expect((await a.request('list_threads', { chat_id })).payload.threads[0]).not.toHaveProperty('queue');
    const snapshot = (await getJson(env.emulator.url, `/__emulator/chats?organization_id=${org}`)).body.chats[0];
    expect(snapshot.threads[0]).not.toHaveProperty('queue');
    expect(snapshot.sneak_peek).toBeNull();
  });
});

describe('console data', () => {
  it('GET /__emulator/customers lists customers with their sockets; /__emulator/chats shows the sneak peek until the message is sent', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const a = track(await connect(env.emulator.url, alice, { customer: { name: 'Alice' }, customer_page: { url: 'https://shop.test/cart', title: 'Cart' } })).client;
    const start = await a.request('start_chat');
    const { chat_id } = start.payload;

    const customers = (await getJson(env.emulator.url, `/__emulator/customers?organization_id=${org}`)).body.customers;
    expect(customers).toEqual([
      expect.objectContaining({ id: alice.customerId, name: 'Alice', online: true, connections: 1, group_id: 0, page: { url: 'https://shop.test/cart', title: 'Cart' }, banned: false }),
    ]);

    await a.request('send_sneak_peek', { chat_id, sneak_peek_text: 'where is my ord' });
    const chat = () => getJson(env.emulator.url, `/__emulator/chats?organization_id=${org}`).then((r) => r.body.chats[0]);
    expect((await chat()).sneak_peek).toEqual({ text: 'where is my ord', updated_at: expect.stringMatching(TIMESTAMP) });
    await a.request('send_event', { chat_id, event: { type: 'message', text: 'where is my order?' } });
    expect((await chat()).sneak_peek).toBeNull();
  });
});
