import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/server';
import { useEmulator } from '../support/emulator';
import { RtmClient, connect, newCustomer, randomOrg, wsUrl, type Frame, trackClients } from './helpers';

const env = useEmulator();

const track = trackClients();
async function rawSocket(org: string): Promise<RtmClient> {
  return track({ client: await RtmClient.open(wsUrl(env.emulator.url, org)) }).client;
}

const ID = /^[A-Z0-9]{10}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const errorOf = (f: Frame) => ({ success: f.success, type: f.payload.error?.type, message: f.payload.error?.message as string });

describe('login', () => {
  it('returns the payload the SDK requires: customer with statistics, chats, dynamic config', async () => {
    const org = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    const { login } = track(
      await connect(env.emulator.url, customer, {
        customer: { name: 'Ann', email: 'ann@example.com', session_fields: [{ plan: 'pro' }] },
        customer_page: { url: 'https://shop.example/a', title: 'A' },
        tab_id: 'tab-1',
      }),
    );
    expect(login).toMatchObject({ type: 'response', action: 'login', success: true, request_id: expect.any(String) });
    expect(login.payload).toEqual({
      customer_id: customer.customerId,
      customer: {
        id: customer.customerId,
        type: 'customer',
        name: 'Ann',
        email: 'ann@example.com',
        session_fields: [{ plan: 'pro' }],
        statistics: { chats_count: 0, threads_count: 0, visits_count: 1, page_views_count: 1, greetings_shown_count: 0, greetings_accepted_count: 0 },
      },
      has_active_thread: false,
      chats: [],
      __priv_dynamic_config: {
        organization_id: org,
        online_groups_ids: [0],
        customer_groups: {
          monitoring: { id: 0, static_config_url: `/licence/${org}/get_static_config.0.js`, language_config_url: `/licence/${org}/v2/localization.en.0.js` },
        },
      },
    });
  });

  it('counts a new page view for a new URL but not a second visit right away', async () => {
    const org = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    track(await connect(env.emulator.url, customer, { customer_page: { url: 'https://x.example/1' } }));
    const { login } = track(await connect(env.emulator.url, customer, { customer_page: { url: 'https://x.example/2' } }));
    expect(login.payload.customer.statistics).toMatchObject({ visits_count: 1, page_views_count: 2 });
  });

  it('puts the login group in access and in the monitoring group', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client, login } = track(await connect(env.emulator.url, customer, { group_id: 3 }));
    expect(login.payload.__priv_dynamic_config).toMatchObject({ online_groups_ids: [0, 3], customer_groups: { monitoring: { id: 3 } } });
    const started = await client.request('start_chat', {});
    const chat = await client.push('incoming_chat');
    expect(started.success).toBe(true);
    expect(chat.payload.chat.access).toEqual({ group_ids: [3] });
  });

  it.each([
    ['an unknown token', (t: string) => `Bearer dal:${t.slice(4)}x`],
    ['a token without its type', (t: string) => t],
    ['a non-string token', () => 42],
    ['no token', () => undefined],
  ])('refuses %s with an authentication error and keeps the socket usable', async (_name, make) => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const client = await rawSocket(customer.organizationId);
    const bad = await client.request('login', { token: make(customer.accessToken), customer: {} });
    expect(errorOf(bad)).toEqual({ success: false, type: 'authentication', message: 'Invalid access token' });
    const good = await client.request('login', { token: `Bearer ${customer.accessToken}` });
    expect(good.success).toBe(true);
  });

  it("refuses a token issued for another organization", async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const client = await rawSocket(randomOrg());
    const res = await client.request('login', { token: `Bearer ${customer.accessToken}` });
    expect(errorOf(res).type).toBe('authentication');
  });

  it('refuses a second login on the same socket', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    const again = await client.request('login', { token: `Bearer ${customer.accessToken}` });
    expect(errorOf(again)).toMatchObject({ success: false, type: 'validation' });
  });

  it('refuses other actions before login, and ignores ping until then', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const client = await rawSocket(customer.organizationId);
    const early = await client.request('get_customer');
    expect(errorOf(early)).toEqual({ success: false, type: 'authorization', message: 'Login required' });
    const pingId = client.send('ping');
    await client.request('login', { token: `Bearer ${customer.accessToken}` });
    const pong = await client.request('ping');
    expect(pong).toMatchObject({ action: 'ping', type: 'response', success: true, payload: {} });
    expect(client.received.some((f) => f.request_id === pingId)).toBe(false);
  });
});

describe('garbage frames', () => {
  it.each([
    ['not JSON', '{"action":', undefined, /JSON/],
    ['a JSON array', '[1,2,3]', undefined, /object/],
    ['a JSON string', '"login"', undefined, /object/],
    ['no action', JSON.stringify({ request_id: 'g1', payload: {} }), 'g1', /action/],
    ['a numeric action', JSON.stringify({ request_id: 'g2', action: 5, payload: {} }), 'g2', /action/],
    ['a string payload', JSON.stringify({ request_id: 'g3', action: 'ping', payload: 'x' }), 'g3', /payload/],
    ['a null payload', JSON.stringify({ request_id: 'g4', action: 'get_customer', payload: null }), 'g4', /payload/],
    ['an unknown action', JSON.stringify({ request_id: 'g5', action: 'fly_to_moon', payload: {} }), 'g5', /^Unknown action fly_to_moon$/],
  ])('answers %s with a validation error and the socket stays usable', async (_name, raw, requestId, message) => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    client.sendRaw(raw);
    const err = await client.next((f) => f.type === 'response' && f.success === false);
    expect(err.payload.error.type).toBe('validation');
    expect(err.payload.error.message).toMatch(message);
    expect(err.request_id).toBe(requestId);
    expect((await client.request('ping')).success).toBe(true);
  });

  it('answers binary frames with a validation error', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    client.sendRaw(Buffer.from([0xff, 0x00, 0x01]));
    const err = await client.next((f) => f.success === false);
    expect(err.payload.error).toMatchObject({ type: 'validation', message: expect.stringMatching(/text/) });
  });

  it('rejects a frame version other than 3.6 with unsupported_version', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    client.sendRaw(JSON.stringify({ request_id: 'v1', action: 'ping', version: '3.5', payload: {} }));
    const err = await client.next((f) => f.request_id === 'v1');
    expect(err.payload.error.type).toBe('unsupported_version');
  });
});

/** Two logged-in sockets of one customer (two tabs of one browser) plus a second customer in the same org. */
async function twoTabs() {
  const org = randomOrg();
  const alice = await newCustomer(env.emulator.url, org);
  const a = track(await connect(env.emulator.url, alice)).client;
  const b = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie))).client;
  const bob = await newCustomer(env.emulator.url, org);
  const other = track(await connect(env.emulator.url, bob)).client;
  return { org, alice, bob, a, b, other };
}

describe('start_chat', () => {
  it('answers the requester directly and with an incoming_chat carrying its request_id; other tabs get the push without it', async () => {
    const { alice, a, b, other } = await twoTabs();
    const requestId = a.send('start_chat', {
      active: true,
      continuous: true,
      chat: { properties: { source: { page: 'home' } }, thread: { events: [{ type: 'message', text: 'Hello', custom_id: 'c-1' }] } },
    });
    const response = await a.next((f) => f.type === 'response' && f.request_id === requestId);
    expect(response).toMatchObject({ action: 'start_chat', success: true });
    const { chat_id, thread_id, event_ids } = response.payload;
    expect(chat_id).toMatch(ID);
    expect(thread_id).toMatch(ID);
    expect(event_ids).toEqual([`${thread_id}_1`]);

    const mine = await a.push('incoming_chat');
    const theirs = await b.push('incoming_chat');
    expect(mine.request_id).toBe(requestId);
    expect(mine.version).toBe('3.6');
    expect(theirs.request_id).toBeUndefined();
    expect(theirs.payload).toEqual(mine.payload);

    const chat = mine.payload.chat;
    expect(chat).toMatchObject({ id: chat_id, access: { group_ids: [0] }, properties: { source: { page: 'home' } } });
    expect(mine.payload.requester_id).toBe(alice.customerId);
    // The customer has seen their own first message; the agent nothing yet (the chat's start).
    expect(chat.users).toEqual([
      expect.objectContaining({ id: alice.customerId, type: 'customer', present: true, events_seen_up_to: chat.thread.events[0].created_at }),
      {
        id: 'emulator-agent@livechat.local',
        type: 'agent',
        name: 'Emma Emulator',
        avatar: 'https://cdn.livechat.local/avatars/emma.png',
        job_title: 'Support Agent',
        present: true,
        events_seen_up_to: chat.thread.created_at,
      },
    ]);
    expect(chat.thread).toMatchObject({ id: thread_id, active: true, created_at: expect.stringMatching(TIMESTAMP), user_ids: [alice.customerId, 'emulator-agent@livechat.local'], properties: {} });
    expect(chat.thread.events).toEqual([
      { id: `${thread_id}_1`, type: 'message', text: 'Hello', custom_id: 'c-1', properties: {}, recipients: 'all', author_id: alice.customerId, created_at: expect.stringMatching(TIMESTAMP) },
    ]);

    expect(await other.quietFor(100, (f) => f.type === 'push')).toEqual([]);
  });

  it('allows one chat per customer (chat_limit_reached)', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    expect((await client.request('start_chat')).success).toBe(true);
    const second = await client.request('start_chat');
    expect(errorOf(second)).toMatchObject({ success: false, type: 'chat_limit_reached' });
  });

  it('validates initial events and creates nothing when one is invalid', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    const bad = await client.request('start_chat', { chat: { thread: { events: [{ type: 'message', text: 'ok' }, { type: 'message' }] } } });
    expect(errorOf(bad)).toMatchObject({ type: 'validation', message: expect.stringContaining('chat.thread.events[1].text') });
    const customerNow = await client.request('get_customer');
    expect(customerNow.payload.statistics.chats_count).toBe(0);
  });
});

describe('send_event', () => {
  it('answers {event_id}, echoes request_id on the requester only, and never reaches another customer', async () => {
    const { alice, a, b, other } = await twoTabs();
    await a.request('start_chat');
    const started = await a.push('incoming_chat');
    await b.push('incoming_chat');
    const chatId = started.payload.chat.id as string;
    const threadId = started.payload.chat.thread.id as string;

    const requestId = a.send('send_event', { chat_id: chatId, event: { type: 'message', text: 'second', custom_id: 'x-9', extra: 'dropped' } });
    const response = await a.next((f) => f.type === 'response' && f.request_id === requestId);
    expect(response).toMatchObject({ action: 'send_event', success: true, payload: { event_id: `${threadId}_1` } });

    const mine = await a.push('incoming_event');
    const theirs = await b.push('incoming_event');
    expect(mine.request_id).toBe(requestId);
    expect(theirs.request_id).toBeUndefined();
    expect(mine.payload).toEqual({
      chat_id: chatId,
      thread_id: threadId,
      event: { id: `${threadId}_1`, type: 'message', text: 'second', custom_id: 'x-9', properties: {}, recipients: 'all', author_id: alice.customerId, created_at: expect.stringMatching(TIMESTAMP) },
    });
    expect(theirs.payload).toEqual(mine.payload);
    expect(await other.quietFor(100, (f) => f.type === 'push')).toEqual([]);
  });

  it('gives events increasing ids and strictly increasing timestamps', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    const start = await client.request('start_chat');
    const ids: string[] = [];
    const stamps: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = client.send('send_event', { chat_id: start.payload.chat_id, event: { type: 'message', text: `m${i}` } });
      const push = await client.next((f) => f.type === 'push' && f.request_id === id);
      ids.push(push.payload.event.id);
      stamps.push(push.payload.event.created_at);
    }
    expect(ids).toEqual([1, 2, 3, 4, 5].map((n) => `${start.payload.thread_id}_${n}`));
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(5);
  });

  it('validates the request and names the faulty field', async () => {
    const { a, other } = await twoTabs();
    const start = await a.request('start_chat');
    const chatId = start.payload.chat_id as string;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ event: { type: 'message', text: 'x' } }, 'validation', /chat_id/],
      [{ chat_id: 12, event: { type: 'message', text: 'x' } }, 'validation', /chat_id/],
      [{ chat_id: 'NOSUCHCHAT', event: { type: 'message', text: 'x' } }, 'not_found', /Chat not found/],
      [{ chat_id: chatId }, 'validation', /event/],
      [{ chat_id: chatId, event: { type: 'rich_message' } }, 'validation', /event\.type/],
      [{ chat_id: chatId, event: { type: 'message' } }, 'validation', /event\.text/],
      [{ chat_id: chatId, event: { type: 'message', text: 'x'.repeat(16385) } }, 'validation', /event\.text.*16384/],
      // 16 KB of UTF-8: 5462 three-byte characters are 16386 bytes, though only 5462 UTF-16 units.
      [{ chat_id: chatId, event: { type: 'message', text: '€'.repeat(5462) } }, 'validation', /event\.text.*16384 bytes/],
      [{ chat_id: chatId, event: { type: 'message', text: 'x', properties: 'p' } }, 'validation', /event\.properties/],
      [{ chat_id: chatId, event: { type: 'file' } }, 'validation', /event\.url/],
    ];
    for (const [payload, type, message] of cases) {
      const res = await a.request('send_event', payload);
      expect(errorOf(res), JSON.stringify(payload)).toMatchObject({ success: false, type, message: expect.stringMatching(message) });
    }
    const ok = await a.request('send_event', { chat_id: chatId, event: { type: 'message', text: 'x'.repeat(16384) } });
    expect(ok.success).toBe(true);
    const multibyte = await a.request('send_event', { chat_id: chatId, event: { type: 'message', text: '€'.repeat(5461) } });
    expect(multibyte.success).toBe(true);
    // Another customer's chat is indistinguishable from a missing one.
    const foreign = await other.request('send_event', { chat_id: chatId, event: { type: 'message', text: 'hi' } });
    expect(errorOf(foreign).type).toBe('not_found');
  });

  it('describes files from their URL', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    const start = await client.request('start_chat');
    client.send('send_event', { chat_id: start.payload.chat_id, event: { type: 'file', url: 'https://cdn.example/f/photo.png', alternative_text: 'cat' } });
    const push = await client.push('incoming_event');
    expect(push.payload.event).toMatchObject({ type: 'file', url: 'https://cdn.example/f/photo.png', name: 'photo.png', content_type: 'image/png', alternative_text: 'cat' });
    // A malformed percent-escape in the name is kept as it is, not a server error.
    client.send('send_event', { chat_id: start.payload.chat_id, event: { type: 'file', url: 'https://cdn.example/f/50%off.png' } });
    expect((await client.push('incoming_event')).payload.event).toMatchObject({ name: '50%off.png', content_type: 'image/png' });
  });
});

describe('deactivate_chat and resume_chat', () => {
  it('closes the thread for every tab, then rejects events unless attach_to_last_thread, and resume opens a new thread', async () => {
    const { a, b } = await twoTabs();
    const start = await a.request('start_chat');
    const { chat_id, thread_id } = start.payload;

    const requestId = a.send('deactivate_chat', { id: chat_id });
    expect((await a.next((f) => f.request_id === requestId && f.type === 'response')).success).toBe(true);
    const deactivatedA = await a.push('chat_deactivated');
    const deactivatedB = await b.push('chat_deactivated');
    expect(deactivatedA).toMatchObject({ request_id: requestId, payload: { chat_id, thread_id } });
    expect(deactivatedB.request_id).toBeUndefined();
    const notice = await b.next((f) => f.action === 'incoming_event' && f.payload.event.type === 'system_message');
    expect(notice.payload.event.author_id).toBe('system');

    const rejected = await a.request('send_event', { chat_id, event: { type: 'message', text: 'late' } });
    expect(errorOf(rejected).type).toBe('chat_inactive');
    const attached = await a.request('send_event', { chat_id, event: { type: 'message', text: 'late' }, attach_to_last_thread: true });
    expect(attached.payload.event_id).toMatch(new RegExp(`^${thread_id}_`));
    expect(errorOf(await a.request('deactivate_chat', { id: chat_id })).type).toBe('chat_inactive');

    const resumeId = a.send('resume_chat', { chat: { id: chat_id, thread: { events: [{ type: 'message', text: 'back' }] } } });
    const resumed = await a.next((f) => f.type === 'response' && f.request_id === resumeId);
    expect(resumed.payload.thread_id).toMatch(ID);
    expect(resumed.payload.thread_id).not.toBe(thread_id);
    const incoming = await a.next((f) => f.action === 'incoming_chat' && f.request_id === resumeId);
    expect(incoming.payload.chat.thread).toMatchObject({ id: resumed.payload.thread_id, active: true, events: [expect.objectContaining({ text: 'back' })] });
    expect((await b.next((f) => f.action === 'incoming_chat' && f.payload.chat.thread.id === resumed.payload.thread_id)).request_id).toBeUndefined();
    expect(errorOf(await a.request('resume_chat', { chat: { id: chat_id } })).type).toBe('chat_already_active');

    const customer = await a.request('get_customer');
    expect(customer.payload.statistics).toMatchObject({ chats_count: 1, threads_count: 2 });
  });
});

describe('list_chats', () => {
  it('summarises the chat with users and the last event per type', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    expect((await client.request('list_chats')).payload).toEqual({ chats_summary: [], total_chats: 0 });
    const start = await client.request('start_chat', { chat: { thread: { events: [{ type: 'message', text: 'one' }] } } });
    await client.request('send_event', { chat_id: start.payload.chat_id, event: { type: 'message', text: 'two' } });
    await client.request('send_event', { chat_id: start.payload.chat_id, event: { type: 'custom', content: { a: 1 } } });

    const list = await client.request('list_chats', { limit: 25 });
    expect(list.payload.total_chats).toBe(1);
    expect(list.payload.next_page_id).toBeUndefined();
    expect(list.payload.previous_page_id).toBeUndefined();
    const [summary] = list.payload.chats_summary;
    expect(summary).toMatchObject({
      id: start.payload.chat_id,
      active: true,
      access: { group_ids: [0] },
      properties: {},
      last_thread_id: start.payload.thread_id,
      last_thread_created_at: expect.stringMatching(TIMESTAMP),
    });
    expect(summary.users.map((u: { type: string }) => u.type)).toEqual(['customer', 'agent']);
    expect(Object.keys(summary.last_event_per_type).sort()).toEqual(['custom', 'message']);
    expect(summary.last_event_per_type.message).toMatchObject({ thread_id: start.payload.thread_id, event: { text: 'two' } });
    expect(summary.last_event_per_type.custom.event.content).toEqual({ a: 1 });

    const login = await connect(env.emulator.url, customer);
    track(login);
    expect(login.login.payload).toMatchObject({ has_active_thread: true, chats: [{ chat_id: start.payload.chat_id, has_unread_events: false, has_active_thread: true }] });
  });

  it.each([
    [{ limit: 0 }, /limit/],
    [{ limit: 26 }, /limit/],
    [{ limit: 'ten' }, /limit/],
    [{ page_id: 'garbage!' }, /page_id/],
    [{ page_id: Buffer.from('{"o":0,"l":5,"s":"desc"}').toString('base64url'), limit: 5 }, /page_id/],
  ])('rejects %j', async (payload, message) => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    const res = await client.request('list_chats', payload);
    expect(errorOf(res)).toMatchObject({ success: false, type: 'validation', message: expect.stringMatching(message) });
  });

  it('words each paging error exactly (clients show these messages)', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ limit: 0 }, 'limit must be an integer between 1 and 25'],
      [{ limit: 2.5 }, 'limit must be an integer between 1 and 25'],
      [{ sort_order: 'up' }, 'sort_order must be "asc" or "desc"'],
      [{ page_id: 'garbage!' }, 'page_id is invalid'],
      [{ page_id: Buffer.from('{"o":0,"l":26,"s":"desc"}').toString('base64url') }, 'page_id is invalid'],
      [{ page_id: 7 }, 'page_id is required and must be a non-empty string'],
      [{ page_id: 'x', sort_order: 'asc' }, 'page_id cannot be combined with limit or sort_order'],
    ];
    for (const [payload, message] of cases) {
      expect(errorOf(await client.request('list_chats', payload)), JSON.stringify(payload)).toEqual({ success: false, type: 'validation', message });
    }
  });
});

describe('list_chats paging (an emulator allowing several chats per customer)', () => {
  let multi: Emulator;
  beforeAll(async () => {
    multi = await startEmulator({ port: 0, chatsPerCustomer: 5 });
  });
  afterAll(() => multi.close());

  it('pages newest first with opaque page ids in both directions', async () => {
    const customer = await newCustomer(multi.url, randomOrg());
    const { client } = track(await connect(multi.url, customer));
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const start = await client.request('start_chat');
      created.push(start.payload.chat_id);
      await client.request('deactivate_chat', { id: start.payload.chat_id });
    }
    const first = await client.request('list_chats', { limit: 2 });
    expect(first.payload.total_chats).toBe(3);
    expect(first.payload.chats_summary.map((c: { id: string }) => c.id)).toEqual([created[2], created[1]]);
    expect(first.payload.previous_page_id).toBeUndefined();
    expect(typeof first.payload.next_page_id).toBe('string');

    const second = await client.request('list_chats', { page_id: first.payload.next_page_id });
    expect(second.payload.chats_summary.map((c: { id: string }) => c.id)).toEqual([created[0]]);
    expect(second.payload.next_page_id).toBeUndefined();
    const back = await client.request('list_chats', { page_id: second.payload.previous_page_id });
    expect(back.payload.chats_summary.map((c: { id: string }) => c.id)).toEqual([created[2], created[1]]);
  });
});

describe('other actions', () => {
  it('update_customer changes the profile and notifies every tab', async () => {
    const { a, b } = await twoTabs();
    const res = await a.request('update_customer', { name: 'Zoe', session_fields: [{ k: 'v' }] });
    expect(res.success).toBe(true);
    const pushed = await b.push('customer_updated');
    expect(pushed.payload).toMatchObject({ name: 'Zoe', session_fields: [{ k: 'v' }] });
    expect((await b.request('get_customer')).payload).toMatchObject({ name: 'Zoe', session_fields: [{ k: 'v' }] });
  });

  it('mark_events_as_seen never moves the marker back, whatever RFC 3339 form the client sends', async () => {
    const { a } = await twoTabs();
    const chatId = (await a.request('start_chat')).payload.chat_id as string;
    const seen = async (seenUpTo: string) => {
      await a.request('mark_events_as_seen', { chat_id: chatId, seen_up_to: seenUpTo });
      return (await a.push('events_marked_as_seen')).payload.seen_up_to as string;
    };
    expect(await seen('2030-01-01T10:00:00.500000Z')).toBe('2030-01-01T10:00:00.500000Z');
    // Earlier, though it sorts later as a string.
    expect(await seen('2030-01-01T10:00:00Z')).toBe('2030-01-01T10:00:00.500000Z');
    expect(await seen('2030-01-01T10:30:00+01:00')).toBe('2030-01-01T10:00:00.500000Z');
    expect(await seen('2030-01-01T10:00:01Z')).toBe('2030-01-01T10:00:01Z');
  });

    it('answers known but unmodelled actions with a clear validation error', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    const res = await client.request('delete_event', { chat_id: 'X', thread_id: 'Y', event_id: 'Z' });
    expect(errorOf(res)).toMatchObject({ type: 'validation', message: 'Action delete_event is not supported by the emulator' });
  });

  it('delivers only the pushes the login subscribed to', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: a } = track(await connect(env.emulator.url, alice));
    const { client: narrow } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie), { pushes: { '3.6': ['incoming_event'] } }));
    const start = await a.request('start_chat');
    await a.request('send_event', { chat_id: start.payload.chat_id, event: { type: 'message', text: 'hi' } });
    await narrow.push('incoming_event');
    expect(narrow.received.filter((f) => f.action === 'incoming_chat')).toEqual([]);
  });
});
