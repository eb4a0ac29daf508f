// Connection limits, timeouts, latency and the fault-injection control endpoints, as a client sees them:
// which push reason or error type arrives, whether and how the socket closes, what the stats say.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/server';
import { RtmClient, connect, eventually, newCustomer, postJson, randomOrg, requestToken, sleep, wsUrl, type Customer, type Frame } from './helpers';

const emulators: Emulator[] = [];
const clients: RtmClient[] = [];
async function emulatorWith(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator({ port: 0, ...options });
  emulators.push(e);
  return e;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.ws.terminate();
});
afterAll(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function open(url: string, organizationId: string): Promise<RtmClient> {
  const c = await RtmClient.open(wsUrl(url, organizationId));
  clients.push(c);
  return c;
}
async function login(url: string, customer: Customer, payload: Record<string, unknown> = {}): Promise<RtmClient> {
  const { client } = await connect(url, customer, payload);
  clients.push(client);
  return client;
}
/** Opens a socket, sends login and returns what came back first: the login response or a push. */
async function tryLogin(url: string, customer: Customer): Promise<{ client: RtmClient; frame: Frame }> {
  const client = await open(url, customer.organizationId);
  const id = client.send('login', { token: `Bearer ${customer.accessToken}` });
  const frame = await client.next((f) => f.request_id === id || (f.type === 'push' && f.action === 'customer_disconnected'));
  return { client, frame };
}
/** Expects the socket to get customer_disconnected with `reason` and then a clean close (1000); returns the push payload. */
async function expectDisconnected(client: RtmClient, reason: string): Promise<Record<string, any>> {
  const push = await client.push('customer_disconnected');
  expect(push.payload.reason).toBe(reason);
  expect((await client.closed).code).toBe(1000);
  return push.payload;
}
async function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  return new Promise<number>((resolve) => {
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('maxConnectionsPerCustomer', () => {
  it('refuses the login over the cap with too_many_connections, keeps the others and counts logged-in sockets only', async () => {
    const e = await emulatorWith({ maxConnectionsPerCustomer: 2 });
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    // Sockets that never log in do not count.
    await open(e.url, org);
    await open(e.url, org);
    const a1 = await login(e.url, alice);
    const a2 = await login(e.url, await newCustomer(e.url, org, alice.cookie));

    const { client: third, frame } = await tryLogin(e.url, alice);
    expect(frame).toEqual({ version: '3.6', action: 'customer_disconnected', type: 'push', payload: { reason: 'too_many_connections' } });
    expect((await third.closed).code).toBe(1000);
    expect(third.received.filter((f) => f.type === 'response')).toEqual([]);

    for (const c of [a1, a2]) expect((await c.request('ping')).success).toBe(true);
    // Another customer of the organization is not affected.
    await login(e.url, await newCustomer(e.url, org));
    expect(e.stats(org)).toMatchObject({ refusedConnections: 1, logins: 3 });

    // Once a socket is gone there is room again.
    a1.close();
    await eventually(async () => expect((await tryLogin(e.url, alice)).frame).toMatchObject({ type: 'response', success: true }));
  });

  it('allows 5 logged-in sockets per customer by default', async () => {
    const e = await emulatorWith();
    const alice = await newCustomer(e.url, randomOrg());
    for (let i = 0; i < 5; i++) await login(e.url, alice);
    const { client, frame } = await tryLogin(e.url, alice);
    expect(frame.payload).toEqual({ reason: 'too_many_connections' });
    await client.closed;
  });
});

describe('blockAfterRefusals / blockDurationMs', () => {
  it('blocks a customer refused too often with customer_temporarily_blocked and the remaining time, then lets it back', async () => {
    const e = await emulatorWith({ maxConnectionsPerCustomer: 1, blockAfterRefusals: 2, blockDurationMs: 400 });
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    const first = await login(e.url, alice);

    expect((await tryLogin(e.url, alice)).frame.payload).toEqual({ reason: 'too_many_connections' });
    const blockedAt = Date.now();
    expect((await tryLogin(e.url, alice)).frame.payload).toEqual({ reason: 'too_many_connections' });

    // Blocked even though there would be room now.
    first.close();
    await eventually(() => expect(e.stats(org).openConnections).toBe(0));
    const { client, frame } = await tryLogin(e.url, alice);
    expect(frame.payload.reason).toBe('customer_temporarily_blocked');
    expect(frame.payload.data.timeout_ms).toBeGreaterThan(0);
    expect(frame.payload.data.timeout_ms).toBeLessThanOrEqual(400 - (Date.now() - blockedAt) + 50);
    expect((await client.closed).code).toBe(1000);
    // Blocked logins are not too_many_connections refusals.
    expect(e.stats(org).refusedConnections).toBe(2);
    // Other customers are not blocked.
    await login(e.url, await newCustomer(e.url, org));

    await sleep(frame.payload.data.timeout_ms + 20);
    expect((await tryLogin(e.url, alice)).frame).toMatchObject({ type: 'response', success: true });
  });

  it('only counts refusals inside the window', async () => {
    const e = await emulatorWith({ maxConnectionsPerCustomer: 1, blockAfterRefusals: 2, blockDurationMs: 150 });
    const alice = await newCustomer(e.url, randomOrg());
    await login(e.url, alice);
    expect((await tryLogin(e.url, alice)).frame.payload.reason).toBe('too_many_connections');
    await sleep(200);
    expect((await tryLogin(e.url, alice)).frame.payload.reason).toBe('too_many_connections');
    expect((await tryLogin(e.url, alice)).frame.payload.reason).toBe('too_many_connections');
    expect((await tryLogin(e.url, alice)).frame.payload.reason).toBe('customer_temporarily_blocked');
  });
});

describe('maxUnauthorizedPerIp', () => {
  it('refuses one unauthorized socket too many from an address with too_many_unauthorized_connections', async () => {
    const e = await emulatorWith({ maxUnauthorizedPerIp: 2 });
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    const s1 = await open(e.url, org);
    await open(e.url, org);
    const s3 = await open(e.url, org);
    await expectDisconnected(s3, 'too_many_unauthorized_connections');

    // A socket that logs in stops counting.
    expect((await s1.request('login', { token: `Bearer ${alice.accessToken}` })).success).toBe(true);
    const s4 = await open(e.url, randomOrg());
    expect((await s4.quietFor(100, (f) => f.type === 'push')).length).toBe(0);
  });

  it('is off by default', async () => {
    const e = await emulatorWith();
    const org = randomOrg();
    const sockets = await Promise.all(Array.from({ length: 12 }, () => open(e.url, org)));
    expect((await sockets[11]!.quietFor(100)).length).toBe(0);
  });
});

describe('idleTimeoutMs', () => {
  it('drops a silent logged-in socket with connection_timeout, but not one that pings (action or control frame)', async () => {
    const e = await emulatorWith({ idleTimeoutMs: 200 });
    const org = randomOrg();
    const silent = await login(e.url, await newCustomer(e.url, org));
    const pinger = await login(e.url, await newCustomer(e.url, org));
    const controlPinger = await login(e.url, await newCustomer(e.url, org));
    const timer = setInterval(() => {
      pinger.send('ping');
      controlPinger.ws.ping();
    }, 60);
    try {
      await expectDisconnected(silent, 'connection_timeout');
      await sleep(150);
    } finally {
      clearInterval(timer);
    }
    expect(pinger.received.some((f) => f.action === 'customer_disconnected')).toBe(false);
    expect(controlPinger.received.some((f) => f.action === 'customer_disconnected')).toBe(false);
    expect(e.stats(org).pings).toBeGreaterThanOrEqual(8);
    await expectDisconnected(controlPinger, 'connection_timeout');
  });

  it('never drops non-pinging clients by default', async () => {
    const e = await emulatorWith({ loginTimeoutMs: 100 });
    const client = await login(e.url, await newCustomer(e.url, randomOrg()));
    expect(await client.quietFor(250)).toEqual([]);
  });
});

describe('inactivityTimeoutMs', () => {
  it('disconnects every socket of an idle customer with inactivity_timeout; pings do not count as activity', async () => {
    const e = await emulatorWith({ inactivityTimeoutMs: 250 });
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    const a1 = await login(e.url, alice);
    const a2 = await login(e.url, alice);
    const timer = setInterval(() => a1.send('ping'), 50);
    try {
      await Promise.all([expectDisconnected(a1, 'inactivity_timeout'), expectDisconnected(a2, 'inactivity_timeout')]);
    } finally {
      clearInterval(timer);
    }
  });

  it('is postponed by chat activity and page updates', async () => {
    const e = await emulatorWith({ inactivityTimeoutMs: 250, chatsPerCustomer: 5 });
    const org = randomOrg();
    const client = await login(e.url, await newCustomer(e.url, org));
    const other = await login(e.url, await newCustomer(e.url, org));
    const chat = await client.request('start_chat');
    await sleep(150);
    await client.request('send_event', { chat_id: chat.payload.chat_id, event: { type: 'message', text: 'hi' } });
    await sleep(150);
    const lastActivity = Date.now();
    await client.request('update_customer_page', { url: 'https://x.example/2' });
    await sleep(150);
    expect(client.received.some((f) => f.action === 'customer_disconnected')).toBe(false);
    // The other customer did nothing since login: long gone.
    expect(other.received.some((f) => f.payload.reason === 'inactivity_timeout')).toBe(true);
    await expectDisconnected(client, 'inactivity_timeout');
    expect(Date.now() - lastActivity).toBeGreaterThanOrEqual(240);
  });
});

describe('accessTokenLifetimeSec', () => {
  it('issues tokens with that expires_in, disconnects sockets when the token expires and refuses it afterwards', async () => {
    const e = await emulatorWith({ accessTokenLifetimeSec: 0.3 });
    const org = randomOrg();
    const token = await requestToken(e.url, org);
    expect(token.body.expires_in).toBe(0.3);
    const customer = await newCustomer(e.url, org, token.cookie);
    const client = await login(e.url, customer);
    const t0 = Date.now();
    await expectDisconnected(client, 'access_token_expired');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);

    const again = await open(e.url, org);
    const res = await again.request('login', { token: `Bearer ${customer.accessToken}` });
    expect(res).toMatchObject({ success: false, payload: { error: { type: 'authentication' } } });
    // A fresh token for the same browser works.
    const fresh = await newCustomer(e.url, org, customer.cookie);
    expect(fresh.customerId).toBe(customer.customerId);
    expect((await again.request('login', { token: `Bearer ${fresh.accessToken}` })).success).toBe(true);
  });
});

describe('maxPendingRequests and latencyMs', () => {
  it('answers the 11th and later unanswered request with pending_requests_limit_reached', async () => {
    const e = await emulatorWith({ latencyMs: 120 });
    const client = await login(e.url, await newCustomer(e.url, randomOrg()));
    const ids = Array.from({ length: 12 }, () => client.send('get_customer'));
    const answers = await Promise.all(ids.map((id) => client.next((f) => f.request_id === id && f.type === 'response')));
    expect(answers.slice(0, 10).every((f) => f.success === true)).toBe(true);
    for (const f of answers.slice(10)) {
      expect(f).toMatchObject({ action: 'get_customer', success: false, payload: { error: { type: 'pending_requests_limit_reached' } } });
    }
    // Responses still come in request order, and once answered the slots are free again.
    expect(client.received.filter((f) => f.type === 'response').slice(-12).map((f) => f.request_id)).toEqual(ids);
    expect((await client.request('get_customer')).success).toBe(true);
  });

  it('honours a custom maxPendingRequests', async () => {
    const e = await emulatorWith({ latencyMs: 80, maxPendingRequests: 2 });
    const client = await login(e.url, await newCustomer(e.url, randomOrg()));
    const ids = [client.send('ping'), client.send('ping'), client.send('ping')];
    const last = await client.next((f) => f.request_id === ids[2]);
    expect(last.payload.error.type).toBe('pending_requests_limit_reached');
  });

  it('delays responses, pushes and closes by the latency, keeps per-socket order, and changes at runtime', async () => {
    const e = await emulatorWith({ latencyMs: 150 });
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    const client = await login(e.url, alice);

    let t0 = Date.now();
    const id = client.send('start_chat');
    await client.push('incoming_chat');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(client.received.filter((f) => f.request_id === id).map((f) => f.type)).toEqual(['response', 'push']);

    // Lowering the latency never lets a later frame overtake an earlier one.
    const slow = client.send('get_customer');
    expect(await postJson(e.url, '/__emulator/latency', { latency_ms: 0 })).toEqual({ status: 200, body: { latency_ms: 0 } });
    const fast = client.send('get_customer');
    await client.next((f) => f.request_id === fast);
    const order = client.received.filter((f) => f.request_id === slow || f.request_id === fast).map((f) => f.request_id);
    expect(order).toEqual([slow, fast]);
    t0 = Date.now();
    await client.request('ping');
    expect(Date.now() - t0).toBeLessThan(100);

    expect((await postJson(e.url, '/__emulator/latency', { latency_ms: -1 })).status).toBe(400);
    expect((await postJson(e.url, '/__emulator/latency', {})).status).toBe(400);

    // A server-side disconnect still pushes first and closes after.
    await postJson(e.url, '/__emulator/latency', { latency_ms: 100 });
    t0 = Date.now();
    await postJson(e.url, '/__emulator/disconnect', { organization_id: org, reason: 'connection_evicted' });
    await expectDisconnected(client, 'connection_evicted');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });
});

describe('usersLimit', () => {
  it('refuses the login of one customer too many with users_limit_reached; more sockets of an online customer are fine', async () => {
    const e = await emulatorWith({ usersLimit: 1 });
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    const bob = await newCustomer(e.url, org);
    const a1 = await login(e.url, alice);
    const a2 = await login(e.url, alice);

    const socket = await open(e.url, org);
    const refused = await socket.request('login', { token: `Bearer ${bob.accessToken}` });
    expect(refused).toMatchObject({ type: 'response', action: 'login', success: false, payload: { error: { type: 'users_limit_reached' } } });
    // Per organization.
    await login(e.url, await newCustomer(e.url, randomOrg()));

    a1.close();
    a2.close();
    await eventually(() => expect(e.stats(org).openConnections).toBe(1));
    expect((await socket.request('login', { token: `Bearer ${bob.accessToken}` })).success).toBe(true);
  });
});

describe('POST /__emulator/organizations', () => {
  it('status missing / expired refuses sockets at open and at login; active restores', async () => {
    const e = await emulatorWith();
    const org = randomOrg();
    const customer = await newCustomer(e.url, org);

    expect(await postJson(e.url, '/__emulator/organizations', { organization_id: org, status: 'missing' })).toEqual({
      status: 200,
      body: { organization_id: org, status: 'missing', region: null },
    });
    await expectDisconnected(await open(e.url, org), 'license_not_found');

    await postJson(e.url, '/__emulator/organizations', { organization_id: org, status: 'expired' });
    await expectDisconnected(await open(e.url, org), 'license_expired');

    await postJson(e.url, '/__emulator/organizations', { organization_id: org, status: 'active' });
    const early = await open(e.url, org);
    // Expired between socket open and login.
    await postJson(e.url, '/__emulator/organizations', { organization_id: org, status: 'expired' });
    early.send('login', { token: `Bearer ${customer.accessToken}` });
    await expectDisconnected(early, 'license_expired');

    await postJson(e.url, '/__emulator/organizations', { organization_id: org, status: 'active' });
    await login(e.url, customer);
  });

  it('validates its body', async () => {
    const e = await emulatorWith();
    for (const body of [{ status: 'active' }, { organization_id: 'o' }, { organization_id: 'o', status: 'gone' }, { organization_id: 'o', region: 5 }]) {
      const res = await postJson(e.url, '/__emulator/organizations', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.type).toBe('validation');
    }
  });
});

describe('POST /__emulator/ban', () => {
  it('pushes customer_banned to every socket of the customer, closes them, and refuses later logins', async () => {
    const e = await emulatorWith();
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    const a1 = await login(e.url, alice);
    const a2 = await login(e.url, alice);
    const bob = await login(e.url, await newCustomer(e.url, org));

    expect(await postJson(e.url, '/__emulator/ban', { organization_id: org, customer_id: alice.customerId })).toEqual({ status: 200, body: { disconnected: 2 } });
    await Promise.all([expectDisconnected(a1, 'customer_banned'), expectDisconnected(a2, 'customer_banned')]);
    expect((await bob.request('ping')).success).toBe(true);

    const fresh = await newCustomer(e.url, org, alice.cookie);
    const { frame } = await tryLogin(e.url, fresh);
    expect(frame).toMatchObject({ type: 'response', action: 'login', success: false, payload: { error: { type: 'customer_banned' } } });
    expect((await postJson(e.url, '/__emulator/ban', { organization_id: org })).status).toBe(400);
  });
});

describe('POST /__emulator/outage', () => {
  it('cuts one organization’s sockets (1006), refuses its upgrades with 503 for the duration, and keeps its data', async () => {
    const e = await emulatorWith();
    const org = randomOrg();
    const otherOrg = randomOrg();
    const alice = await newCustomer(e.url, org);
    const a = await login(e.url, alice);
    const chat = await a.request('start_chat');
    const other = await login(e.url, await newCustomer(e.url, otherOrg));

    const res = await postJson(e.url, '/__emulator/outage', { duration_ms: 300, organization_id: org });
    expect(res).toEqual({ status: 200, body: { terminated: 1, duration_ms: 300 } });
    expect((await a.closed).code).toBe(1006);
    expect(a.received.some((f) => f.action === 'customer_disconnected')).toBe(false);
    expect(await upgradeStatus(wsUrl(e.url, org))).toBe(503);
    expect((await other.request('ping')).success).toBe(true);

    await sleep(320);
    // Same token, same chat: the service restarted, it did not forget.
    const back = await login(e.url, alice);
    const chats = await back.request('list_chats');
    expect(chats.payload.chats_summary.map((c: { id: string }) => c.id)).toEqual([chat.payload.chat_id]);
  });

  it('without organization_id cuts everything and refuses every upgrade', async () => {
    const e = await emulatorWith();
    const a = await login(e.url, await newCustomer(e.url, randomOrg()));
    const b = await open(e.url, randomOrg());
    expect((await postJson(e.url, '/__emulator/outage', { duration_ms: 200 })).body.terminated).toBe(2);
    expect((await a.closed).code).toBe(1006);
    expect((await b.closed).code).toBe(1006);
    expect(await upgradeStatus(wsUrl(e.url, randomOrg()))).toBe(503);
    // HTTP keeps working (tokens, control API).
    await newCustomer(e.url, randomOrg());
    await sleep(220);
    expect(await upgradeStatus(wsUrl(e.url, randomOrg()))).toBe(101);
    expect((await postJson(e.url, '/__emulator/outage', { duration_ms: 'x' })).status).toBe(400);
  });
});

describe('regions (shareStateWith)', () => {
  it('misdirects logins to the wrong region and shares customers, chats and sockets between regions', async () => {
    const dal = await emulatorWith({ region: 'dal' });
    const fra = await emulatorWith({ region: 'fra', shareStateWith: dal });
    expect([dal.region, fra.region]).toEqual(['dal', 'fra']);
    const org = randomOrg();
    const alice = await newCustomer(dal.url, org);

    // Unassigned organizations are served everywhere.
    (await login(fra.url, alice)).close();
    expect(await postJson(dal.url, '/__emulator/organizations', { organization_id: org, region: 'fra' })).toEqual({
      status: 200,
      body: { organization_id: org, status: 'active', region: 'fra' },
    });
    const wrong = await open(dal.url, org);
    wrong.send('login', { token: `Bearer ${alice.accessToken}` });
    expect(await expectDisconnected(wrong, 'misdirected_connection')).toEqual({ reason: 'misdirected_connection', data: { region: 'fra' } });

    // The token from dal's endpoint is valid in fra: one service.
    const right = await login(fra.url, alice);
    const chat = await right.request('start_chat');
    await postJson(dal.url, '/__emulator/agent/send_event', { organization_id: org, chat_id: chat.payload.chat_id, text: 'from dal' });
    expect((await right.next((f) => f.payload.event?.text === 'from dal')).action).toBe('incoming_event');
    await eventually(() => expect(fra.stats(org)).toMatchObject({ openConnections: 1, logins: 2 }));
    expect(dal.stats(org)).toEqual(fra.stats(org));

    // Closing one region leaves the other's sockets alone.
    await postJson(dal.url, '/__emulator/organizations', { organization_id: org, region: null });
    const onDal = await login(dal.url, alice);
    await fra.close();
    expect((await right.closed).code).toBe(1001);
    expect((await onDal.request('ping')).success).toBe(true);
  });

  it('rejects shareStateWith values that are not emulators', async () => {
    await expect(startEmulator({ port: 0, shareStateWith: { url: 'x' } as unknown as Emulator })).rejects.toThrow(/shareStateWith/);
  });
});

describe('stats: pings and refusedConnections', () => {
  it('counts ping actions and control pings per organization', async () => {
    const e = await emulatorWith();
    const org = randomOrg();
    const client = await login(e.url, await newCustomer(e.url, org));
    const anonymous = await open(e.url, org);
    await client.request('ping');
    anonymous.send('ping');
    client.ws.ping();
    await eventually(() => expect(e.stats(org)).toMatchObject({ pings: 3, refusedConnections: 0, requests: { ping: 2 } }));
    expect(e.stats(randomOrg())).toMatchObject({ pings: 0, refusedConnections: 0 });
    expect(e.stats().pings).toBeGreaterThanOrEqual(3);
  });
});

describe('POST /__emulator/identity', () => {
  it('makes the next token request with that customer’s cookie return a new customer and new cookies, once', async () => {
    const e = await emulatorWith();
    const org = randomOrg();
    const alice = await newCustomer(e.url, org);
    expect(await postJson(e.url, '/__emulator/identity', { organization_id: org, from_customer_id: alice.customerId })).toEqual({ status: 200, body: { ok: true } });
    // Other browsers are unaffected.
    const bob = await newCustomer(e.url, org);
    expect((await newCustomer(e.url, org, bob.cookie)).customerId).toBe(bob.customerId);

    const swapped = await requestToken(e.url, org, { cookie: alice.cookie });
    expect(swapped.body.entity_id).not.toBe(alice.customerId);
    expect(swapped.setCookies.find((c) => c.startsWith('__lc_cid='))).toContain(`__lc_cid=${swapped.body.entity_id};`);
    // The new identity sticks; the swap happened once.
    expect((await requestToken(e.url, org, { cookie: swapped.cookie })).body.entity_id).toBe(swapped.body.entity_id);
    expect((await requestToken(e.url, org, { cookie: alice.cookie })).body.entity_id).toBe(alice.customerId);
    expect((await postJson(e.url, '/__emulator/identity', { organization_id: org })).status).toBe(400);
  });
});

describe('emulator/cli.ts flags', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  function run(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  it('documents every flag in --help and rejects invalid values', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    for (const flag of [
      '--max-connections',
      '--block-after',
      '--block-ms',
      '--max-unauthorized',
      '--idle-timeout-ms',
      '--inactivity-timeout-ms',
      '--token-lifetime',
      '--max-pending',
      '--users-limit',
      '--latency-ms',
      '--region',
    ]) {
      expect(help.output().stdout).toContain(flag);
    }
    const bad = run(['--max-connections', '-1']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('Invalid value for --max-connections: -1');
  });

  it('applies the flags', async () => {
    const cli = run(['--port', '0', '--token-lifetime=120', '--max-connections', '1', '--region', 'fra']);
    const url = await new Promise<string>((resolve, reject) => {
      cli.child.stdout.on('data', () => {
        const m = /listening on (\S+)/.exec(cli.output().stdout);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      void cli.exited.then(() => reject(new Error(`CLI exited: ${JSON.stringify(cli.output())}`)));
    });
    try {
      const org = randomOrg();
      const token = await requestToken(url, org);
      expect(token.body.expires_in).toBe(120);
      const alice = await newCustomer(url, org, token.cookie);
      await login(url, alice);
      expect((await tryLogin(url, alice)).frame.payload).toEqual({ reason: 'too_many_connections' });
    } finally {
      for (const c of clients.splice(0)) c.ws.terminate();
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
});
