import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startEmulator, type Emulator } from '../../emulator/server';
import { useEmulator } from '../support/emulator';
import { RtmClient, connect, eventually, getJson, newCustomer, postJson, randomOrg, sleep, wsUrl, trackClients } from './helpers';

const env = useEmulator();

const track = trackClients();

describe('agent API', () => {
  it('POST /__emulator/agent/send_event reaches every socket of the customer and no one else', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const a = track(await connect(env.emulator.url, alice)).client;
    const b = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie))).client;
    const other = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org))).client;
    const start = await a.request('start_chat', { chat: { thread: { events: [{ type: 'message', text: 'help?' }] } } });
    const { chat_id, thread_id } = start.payload;

    const res = await postJson(env.emulator.url, '/__emulator/agent/send_event', { organization_id: org, chat_id, text: 'Hi, Emma here' });
    expect(res).toEqual({ status: 200, body: { event_id: `${thread_id}_2` } });
    for (const client of [a, b]) {
      const push = await client.next((f) => f.action === 'incoming_event' && f.payload.event.text === 'Hi, Emma here');
      expect(push.request_id).toBeUndefined();
      expect(push.payload).toMatchObject({
        chat_id,
        thread_id,
        event: { id: `${thread_id}_2`, type: 'message', author_id: 'emulator-agent@livechat.local', properties: {} },
      });
    }
    expect(await other.quietFor(100, (f) => f.type === 'push')).toEqual([]);

    const custom = await postJson(env.emulator.url, '/__emulator/agent/send_event', { organization_id: org, chat_id, text: 'bot', author_id: 'bot@x' });
    expect(custom.status).toBe(200);
    expect((await a.next((f) => f.payload.event?.text === 'bot')).payload.event.author_id).toBe('bot@x');

    const chats = await getJson(env.emulator.url, `/__emulator/chats?organization_id=${org}`);
    expect(chats.body.chats).toHaveLength(1);
    expect(chats.body.chats[0]).toMatchObject({ id: chat_id, customer_id: alice.customerId, active: true });
    expect(chats.body.chats[0].users).toHaveLength(2);
    expect(chats.body.chats[0].threads).toHaveLength(1);
    expect(chats.body.chats[0].threads[0]).toMatchObject({ id: thread_id, active: true, created_at: expect.any(String) });
    expect(chats.body.chats[0].threads[0].events.map((e: { text: string }) => e.text)).toEqual(['help?', 'Hi, Emma here', 'bot']);
  });

  it('answers 404 for an unknown chat, 409 for an inactive one and 400 naming the bad field', async () => {
    const org = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    const { client } = track(await connect(env.emulator.url, customer));
    const start = await client.request('start_chat');
    const chatId = start.payload.chat_id as string;

    expect(await postJson(env.emulator.url, '/__emulator/agent/send_event', { organization_id: org, chat_id: 'NOPE', text: 'x' })).toEqual({
      status: 404,
      body: { error: { type: 'not_found', message: 'Chat not found' } },
    });
    // A chat id is only found within its own organization.
    expect((await postJson(env.emulator.url, '/__emulator/agent/send_event', { organization_id: randomOrg(), chat_id: chatId, text: 'x' })).status).toBe(404);

    for (const [body, fieldName] of [
      [{ chat_id: chatId, text: 'x' }, 'organization_id'],
      [{ organization_id: org, text: 'x' }, 'chat_id'],
      [{ organization_id: org, chat_id: chatId }, 'text'],
      [{ organization_id: org, chat_id: chatId, text: 5 }, 'text'],
      // What is wrong with the request itself comes before "not found".
      [{ organization_id: org, chat_id: 'NOPE', event: { type: 'teleport' } }, 'event.type'],
    ] as const) {
      const res = await postJson(env.emulator.url, '/__emulator/agent/send_event', body);
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('validation');
      expect(res.body.error.message).toContain(fieldName);
    }
    const garbage = await postJson(env.emulator.url, '/__emulator/agent/send_event', '{not json');
    expect(garbage).toMatchObject({ status: 400, body: { error: { type: 'validation' } } });

    await client.request('deactivate_chat', { id: chatId });
    const inactive = await postJson(env.emulator.url, '/__emulator/agent/send_event', { organization_id: org, chat_id: chatId, text: 'x' });
    expect(inactive.status).toBe(409);
    expect(inactive.body.error.type).toBe('chat_inactive');
  });
});

describe('stats', () => {
  it('counts connections, logins and requests per organization, and open sockets drop when they close', async () => {
    const org = randomOrg();
    const quietOrg = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    const { client: a } = await connect(env.emulator.url, customer);
    const { client: b } = await connect(env.emulator.url, customer);
    const anonymous = await RtmClient.open(wsUrl(env.emulator.url, org));
    await a.request('ping');
    await a.request('ping');
    await b.request('get_customer');
    anonymous.sendRaw('garbage');
    await anonymous.next((f) => f.success === false);

    expect(env.emulator.stats(org)).toEqual({
      openConnections: 3,
      totalConnections: 3,
      logins: 2,
      requests: { login: 2, ping: 2, get_customer: 1 },
      refusedConnections: 0,
      pings: 2,
      uploads: 0,
      // login and the other requests answer directly; no push was caused.
      pushes: {},
    });
    expect(env.emulator.stats(quietOrg)).toEqual({ openConnections: 0, totalConnections: 0, logins: 0, requests: {}, refusedConnections: 0, pings: 0, uploads: 0, pushes: {} });
    const all = env.emulator.stats();
    expect(all.totalConnections).toBeGreaterThanOrEqual(3);
    expect(all.logins).toBeGreaterThanOrEqual(2);

    const overHttp = await getJson(env.emulator.url, `/__emulator/stats?organization_id=${encodeURIComponent(org)}`);
    expect(overHttp.body).toEqual(env.emulator.stats(org));

    a.close();
    anonymous.ws.terminate();
    await eventually(() => expect(env.emulator.stats(org).openConnections).toBe(1));
    b.close();
    await eventually(() => expect(env.emulator.stats(org)).toMatchObject({ openConnections: 0, totalConnections: 3, logins: 2 }));
  });
});

describe('POST /__emulator/disconnect', () => {
  it('sends customer_disconnected with reason and data, then closes with 1000, only for the matching customer', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: a1 } = await connect(env.emulator.url, alice);
    const { client: a2 } = await connect(env.emulator.url, alice);
    const { client: bob } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org)));

    const res = await postJson(env.emulator.url, '/__emulator/disconnect', {
      organization_id: org,
      customer_id: alice.customerId,
      reason: 'misdirected_connection',
      data: { region: 'fra' },
    });
    expect(res).toEqual({ status: 200, body: { disconnected: 2 } });
    for (const client of [a1, a2]) {
      const push = await client.push('customer_disconnected');
      expect(push).toEqual({ version: '3.6', action: 'customer_disconnected', type: 'push', payload: { reason: 'misdirected_connection', data: { region: 'fra' } } });
      expect((await client.closed).code).toBe(1000);
    }
    expect((await bob.request('ping')).success).toBe(true);

    // Without customer_id, the whole organization goes; the push has no data key when none was given.
    const all = await postJson(env.emulator.url, '/__emulator/disconnect', { organization_id: org, reason: 'connection_evicted' });
    expect(all.body).toEqual({ disconnected: 1 });
    expect((await bob.push('customer_disconnected')).payload).toEqual({ reason: 'connection_evicted' });
    expect((await bob.closed).code).toBe(1000);
    await eventually(() => expect(env.emulator.stats(org).openConnections).toBe(0));
  });

  it('validates its body', async () => {
    const res = await postJson(env.emulator.url, '/__emulator/disconnect', { organization_id: randomOrg() });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('reason');
  });
});

describe('WebSocket endpoint', () => {
  it.each(['3.4', '3.7', '9.9'])('tells a /v%s client unsupported_version, then closes', async (version) => {
    const client = await RtmClient.open(wsUrl(env.emulator.url, randomOrg(), version));
    expect((await client.push('customer_disconnected')).payload).toEqual({ reason: 'unsupported_version' });
    await client.closed;
  });

  it('tells a client without organization_id license_not_found, then closes', async () => {
    const client = await RtmClient.open(wsUrl(env.emulator.url, undefined));
    expect((await client.push('customer_disconnected')).payload).toEqual({ reason: 'license_not_found' });
    await client.closed;
  });

  it('refuses the upgrade with 404 on any other path', async () => {
    const ws = new WebSocket(`${env.emulator.url.replace('http', 'ws')}/v3.6/agent/rtm/ws?organization_id=x`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(404);
  });

  it('survives garbage followed by an abrupt disconnect, and oversized frames', async () => {
    const org = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    const { client } = await connect(env.emulator.url, customer);
    client.sendRaw('\u0000\u0001not json at all');
    client.sendRaw(JSON.stringify({ action: 'send_event', payload: { chat_id: null, event: [] } }));
    client.ws.terminate();

    const big = await RtmClient.open(wsUrl(env.emulator.url, org));
    big.sendRaw('x'.repeat(2 * 1024 * 1024));
    expect((await big.closed).code).toBe(1009);

    await eventually(() => expect(env.emulator.stats(org).openConnections).toBe(0));
    const health = await getJson(env.emulator.url, '/__emulator/health');
    expect(health.body.ok).toBe(true);
    const { client: again } = track(await connect(env.emulator.url, customer));
    expect((await again.request('ping')).success).toBe(true);
  });
});

describe('timeouts and reset (own emulator)', () => {
  let own: Emulator;
  beforeAll(async () => {
    own = await startEmulator({ port: 0, loginTimeoutMs: 150 });
  });
  afterAll(() => own.close());

  it('closes sockets that do not log in in time, but not logged-in ones', async () => {
    const org = randomOrg();
    const lazy = await RtmClient.open(wsUrl(own.url, org));
    const { client: active } = await connect(own.url, await newCustomer(own.url, org));
    expect((await lazy.push('customer_disconnected')).payload.reason).toBe('connection_timeout');
    await lazy.closed;
    await sleep(200);
    expect((await active.request('ping')).success).toBe(true);
    active.close();
  });

  it('POST /__emulator/reset wipes customers, chats, tokens and counters and closes every socket', async () => {
    const org = randomOrg();
    const customer = await newCustomer(own.url, org);
    const { client } = await connect(own.url, customer);
    await client.request('start_chat');
    expect((await getJson(own.url, `/__emulator/chats?organization_id=${org}`)).body.chats).toHaveLength(1);

    const res = await postJson(own.url, '/__emulator/reset', {});
    expect(res).toEqual({ status: 200, body: { ok: true } });
    await client.closed;
    await eventually(() => expect(own.stats()).toEqual({ openConnections: 0, totalConnections: 0, logins: 0, requests: {}, refusedConnections: 0, pings: 0, uploads: 0, pushes: {} }));
    expect((await getJson(own.url, `/__emulator/chats?organization_id=${org}`)).body.chats).toEqual([]);

    const stale = await RtmClient.open(wsUrl(own.url, org));
    const login = await stale.request('login', { token: `Bearer ${customer.accessToken}` });
    expect(login.payload.error.type).toBe('authentication');
    // The old cookie no longer identifies anyone: a new customer is minted.
    const fresh = await newCustomer(own.url, org, customer.cookie);
    expect(fresh.customerId).not.toBe(customer.customerId);
    stale.close();
  });
});
