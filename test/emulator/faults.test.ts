// Fault injection and observability: failing the next requests, pausing delivery, restarting,
// the pushes counter, verbose frame logging, and a flood of misbehaving sockets.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/server';
import { useEmulator } from '../support/emulator';
import { RtmClient, connect, eventually, getJson, newCustomer, postJson, randomOrg, trackClients, wsUrl, type Frame } from './helpers';

const env = useEmulator();

const track = trackClients();
const errorOf = (f: Frame) => f.payload.error as { type: string; message: string } | undefined;

describe('POST /__emulator/faults', () => {
  it('answers the next N requests of an action with the error, then serves again; other actions and organizations are untouched', async () => {
    const org = randomOrg();
    const { client } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org)));
    const { client: elsewhere } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, randomOrg())));
    const res = await postJson(env.emulator.url, '/__emulator/faults', { organization_id: org, action: 'get_customer', type: 'service_unavailable', count: 2 });
    expect(res).toEqual({ status: 200, body: { pending: [{ organization_id: org, action: 'get_customer', type: 'service_unavailable', remaining: 2 }] } });

    expect((await elsewhere.request('get_customer')).success).toBe(true);
    expect((await client.request('list_chats')).success).toBe(true);
    for (let i = 0; i < 2; i++) {
      const failed = await client.request('get_customer');
      expect(failed).toMatchObject({ type: 'response', action: 'get_customer', success: false });
      expect(errorOf(failed)).toEqual({ type: 'service_unavailable', message: expect.stringContaining('emulated') });
    }
    expect((await client.request('get_customer')).success).toBe(true);
    // Faulted requests were received, so they count.
    expect(env.emulator.stats(org).requests.get_customer).toBe(3);
  });

  it('without an action, fails any request but login and ping; internal by type; count 0 clears', async () => {
    const org = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    await postJson(env.emulator.url, '/__emulator/faults', { organization_id: org, type: 'internal' });
    const { client } = track(await connect(env.emulator.url, customer));
    expect((await client.request('ping')).success).toBe(true);
    expect(errorOf(await client.request('start_chat'))).toMatchObject({ type: 'internal' });
    expect((await client.request('start_chat')).success).toBe(true);

    await postJson(env.emulator.url, '/__emulator/faults', { organization_id: org, type: 'internal', count: 5 });
    const cleared = await postJson(env.emulator.url, '/__emulator/faults', { organization_id: org, count: 0 });
    expect(cleared.body.pending.filter((f: { organization_id: string }) => f.organization_id === org)).toEqual([]);
    expect((await client.request('get_customer')).success).toBe(true);

    // Asked for by name, login fails too; the socket stays open for another try.
    await postJson(env.emulator.url, '/__emulator/faults', { organization_id: org, action: 'login', type: 'internal' });
    const raw = track({ client: await RtmClient.open(wsUrl(env.emulator.url, org)) }).client;
    expect(errorOf(await raw.request('login', { token: `Bearer ${customer.accessToken}` }))).toMatchObject({ type: 'internal' });
    expect((await raw.request('login', { token: `Bearer ${customer.accessToken}` })).success).toBe(true);
  });

  it('validates its body', async () => {
    for (const [body, name] of [
      [{ type: 'oops' }, 'type'],
      [{ type: 'internal', count: -1 }, 'count'],
      [{ type: 'internal', action: 5 }, 'action'],
    ] as const) {
      const res = await postJson(env.emulator.url, '/__emulator/faults', body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(name);
    }
  });
});

describe('pause and resume', () => {
  it('holds frames both ways while paused and delivers them in order on resume, for the paused organization only', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: a } = track(await connect(env.emulator.url, alice));
    const { client: b } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie)));
    const { client: elsewhere } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, randomOrg())));
    const start = await a.request('start_chat');
    const chatId = start.payload.chat_id as string;

    expect(await postJson(env.emulator.url, '/__emulator/pause', { organization_id: org })).toEqual({ status: 200, body: { paused: true } });
    // Out: an agent message is held. In: the customer's message is not even handled yet.
    await postJson(env.emulator.url, '/__emulator/agent/send_event', { organization_id: org, chat_id: chatId, text: 'from the agent' });
    a.send('send_event', { chat_id: chatId, event: { type: 'message', text: 'from the customer' } }, 'held-1');
    a.send('ping', {}, 'held-2');
    expect((await elsewhere.request('ping')).success).toBe(true);
    expect(await a.quietFor(150, (f) => f.type === 'push' && f.action === 'incoming_event')).toEqual([]);
    expect(await b.quietFor(0, (f) => f.action === 'incoming_event')).toEqual([]);
    const chats = await getJson(env.emulator.url, `/__emulator/chats?organization_id=${org}`);
    expect(chats.body.chats[0].threads[0].events.map((e: { text: string }) => e.text)).toEqual(['from the agent']);

    expect(await postJson(env.emulator.url, '/__emulator/resume', {})).toEqual({ status: 200, body: { paused: false } });
    await b.next((f) => f.action === 'incoming_event' && f.payload.event.text === 'from the customer');
    await a.next((f) => f.request_id === 'held-2');
    const order = a.received
      .filter((f) => f.action === 'incoming_event' || f.request_id === 'held-1' || f.request_id === 'held-2')
      .map((f) => (f.action === 'incoming_event' ? `push:${f.payload.event.text as string}` : `${f.type}:${f.request_id}`));
    expect(order).toEqual(['push:from the agent', 'response:held-1', 'push:from the customer', 'response:held-2']);
  });

  it('pause with duration_ms resumes by itself; closes are held too', async () => {
    const org = randomOrg();
    const customer = await newCustomer(env.emulator.url, org);
    const { client } = track(await connect(env.emulator.url, customer));
    await postJson(env.emulator.url, '/__emulator/pause', { organization_id: org, duration_ms: 200 });
    await postJson(env.emulator.url, '/__emulator/disconnect', { organization_id: org, reason: 'connection_evicted' });
    expect(await client.quietFor(100, (f) => f.action === 'customer_disconnected')).toEqual([]);
    expect((await client.push('customer_disconnected', 2000)).payload).toEqual({ reason: 'connection_evicted' });
    expect((await client.closed).code).toBe(1000);
  });

  it('timed pauses of two organizations each end on their own schedule', async () => {
    const [orgA, orgB] = [randomOrg(), randomOrg()];
    const a = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, orgA))).client;
    const b = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, orgB))).client;
    await postJson(env.emulator.url, '/__emulator/pause', { organization_id: orgA, duration_ms: 200 });
    await postJson(env.emulator.url, '/__emulator/pause', { organization_id: orgB, duration_ms: 60_000 });
    await postJson(env.emulator.url, '/__emulator/disconnect', { organization_id: orgA, reason: 'connection_evicted' });
    await postJson(env.emulator.url, '/__emulator/disconnect', { organization_id: orgB, reason: 'connection_evicted' });
    // A's pause ends after 200 ms although B's was set later; B's still holds.
    expect((await a.push('customer_disconnected', 2000)).payload).toEqual({ reason: 'connection_evicted' });
    expect(await b.quietFor(300, (f) => f.action === 'customer_disconnected')).toEqual([]);
    await postJson(env.emulator.url, '/__emulator/resume', { organization_id: orgB });
    expect((await b.push('customer_disconnected', 2000)).payload).toEqual({ reason: 'connection_evicted' });
  });
});

describe('restart (own emulator)', () => {
  let own: Emulator;
  beforeAll(async () => {
    own = await startEmulator({ port: 0 });
  });
  afterAll(() => own.close());

  it('closes every socket with 1012; keep_state keeps customers, chats and tokens; keep_state:false forgets them', async () => {
    const org = randomOrg();
    const customer = await newCustomer(own.url, org);
    const { client } = await connect(own.url, customer);
    await client.request('start_chat');

    expect(await postJson(own.url, '/__emulator/restart', { keep_state: true })).toEqual({ status: 200, body: { closed: 1, kept_state: true } });
    expect((await client.closed).code).toBe(1012);
    const { client: back, login } = await connect(own.url, customer);
    expect(login.payload.customer_id).toBe(customer.customerId);
    expect(login.payload.chats).toHaveLength(1);

    expect((await postJson(own.url, '/__emulator/restart', { keep_state: false, down_ms: 200 })).body).toEqual({ closed: 1, kept_state: false });
    expect((await back.closed).code).toBe(1012);
    await eventually(async () => {
      const fresh = await RtmClient.open(wsUrl(own.url, org));
      const answer = await fresh.request('login', { token: `Bearer ${customer.accessToken}` });
      fresh.close();
      // The token died with the state.
      expect(errorOf(answer)).toMatchObject({ type: 'authentication' });
    }, 3000);
    expect((await getJson(own.url, `/__emulator/chats?organization_id=${org}`)).body.chats).toEqual([]);
  });
});

describe('observability', () => {
  it('stats count pushes written per action and organization, after version and subscription filtering', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: a } = track(await connect(env.emulator.url, alice));
    track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie), { pushes: { '3.6': ['incoming_event'] } }));
    track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie), {}, '3.5'));
    const start = await a.request('start_chat');
    await a.request('send_event', { chat_id: start.payload.chat_id, event: { type: 'message', text: 'x' } });
    await postJson(env.emulator.url, '/__emulator/agent/thinking', { organization_id: org, chat_id: start.payload.chat_id });
    await eventually(() =>
      expect(env.emulator.stats(org).pushes).toEqual({
        // start_chat: the subscribed-to-everything tabs (3.6 and 3.5), not the narrow one.
        incoming_chat: 2,
        incoming_event: 3,
        // 3.6-only, and the narrow tab did not ask for it.
        incoming_thinking_indicator: 1,
      }),
    );
    expect((await getJson(env.emulator.url, `/__emulator/stats?organization_id=${org}`)).body.pushes).toEqual(env.emulator.stats(org).pushes);
  });

  it('verbose writes one JSON line per frame in and out; off by default', async () => {
    const lines: string[] = [];
    const verbose = await startEmulator({ port: 0, verbose: true, logLine: (line) => lines.push(line) });
    const quiet = await startEmulator({ port: 0, logLine: (line) => lines.push(`quiet:${line}`) });
    try {
      const org = randomOrg();
      const customer = await newCustomer(verbose.url, org);
      const { client } = await connect(verbose.url, customer);
      await client.request('ping');
      client.sendRaw('garbage');
      await client.next((f) => f.success === false);
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(parsed).toEqual([
        { ts: expect.any(String), dir: 'in', organization_id: org, customer_id: null, action: 'login', type: 'request', request_id: 'r1', size: expect.any(Number) },
        { ts: expect.any(String), dir: 'out', organization_id: org, customer_id: customer.customerId, action: 'login', type: 'response', request_id: 'r1', size: expect.any(Number) },
        { ts: expect.any(String), dir: 'in', organization_id: org, customer_id: customer.customerId, action: 'ping', type: 'request', request_id: 'r2', size: JSON.stringify({ request_id: 'r2', action: 'ping', payload: {} }).length },
        { ts: expect.any(String), dir: 'out', organization_id: org, customer_id: customer.customerId, action: 'ping', type: 'response', request_id: 'r2', size: expect.any(Number) },
        { ts: expect.any(String), dir: 'in', organization_id: org, customer_id: customer.customerId, action: null, type: 'request', size: 7 },
        { ts: expect.any(String), dir: 'out', organization_id: org, customer_id: customer.customerId, action: null, type: 'response', size: expect.any(Number) },
      ]);
      client.close();
      const other = await connect(quiet.url, await newCustomer(quiet.url, org));
      await other.client.request('ping');
      other.client.close();
      expect(lines.filter((l) => l.startsWith('quiet:'))).toEqual([]);
    } finally {
      await verbose.close();
      await quiet.close();
    }
  });

  it('the CLI’s --verbose prints the frame lines on stdout after the listening line', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', '0', '--verbose'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await eventually(() => {
        const m = /listening on (\S+)\n/.exec(stdout);
        if (m?.[1] === undefined) throw new Error(`not listening yet: ${stdout}`);
        return m[1];
      }, 10_000);
      const org = randomOrg();
      const { client } = await connect(url, await newCustomer(url, org));
      await client.request('get_customer');
      client.close();
      await eventually(() => expect(stdout.split('\n').filter((l) => l.includes('"get_customer"'))).toHaveLength(2));
      const frames = stdout.split('\n').slice(1).filter(Boolean).map((l) => JSON.parse(l) as { dir: string; action: string; organization_id: string });
      expect(frames.map((f) => `${f.dir}:${f.action}`)).toEqual(['in:login', 'out:login', 'in:get_customer', 'out:get_customer']);
      expect(frames.every((f) => f.organization_id === org)).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('a flood of connections (own emulator)', () => {
  let own: Emulator;
  beforeAll(async () => {
    own = await startEmulator({ port: 0, loginTimeoutMs: 1500 });
  });
  afterAll(() => own.close());

  it('200 sockets at once, garbage and oversized frames among them: a well-behaved customer is served throughout, the rest are closed, nothing leaks', async () => {
    const org = randomOrg();
    const good = await connect(own.url, await newCustomer(own.url, org));
    const start = await good.client.request('start_chat');

    const opened = await Promise.all(Array.from({ length: 200 }, () => RtmClient.open(wsUrl(own.url, org))));
    opened.forEach((client, i) => {
      if (i % 4 === 0) client.sendRaw('{"action": "login", "payload": ');
      else if (i % 4 === 1) client.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
      else if (i % 4 === 2) client.sendRaw('x'.repeat(1024 * 1024 + 1));
      // The rest say nothing at all.
    });
    expect(own.stats(org).openConnections).toBeGreaterThan(1);

    for (let i = 0; i < 5; i++) {
      const sent = await good.client.request('send_event', { chat_id: start.payload.chat_id, event: { type: 'message', text: `during flood ${i}` } });
      expect(sent.success).toBe(true);
    }
    // Garbage gets the API's error, oversize a 1009 close, silence the login timeout; every one of them ends closed.
    const closes = await Promise.all(opened.map((client) => client.closed));
    opened.forEach((client, i) => {
      if (i % 4 === 2) expect(closes[i]!.code).toBe(1009);
      else {
        expect(closes[i]!.code).toBe(1000);
        expect(client.received.at(-1)).toMatchObject({ action: 'customer_disconnected', payload: { reason: 'connection_timeout' } });
      }
      if (i % 4 < 2) expect(client.received[0]).toMatchObject({ type: 'response', success: false, payload: { error: { type: 'validation' } } });
    });
    await eventually(() => expect(own.stats(org).openConnections).toBe(1));
    expect((await good.client.request('get_chat', { chat_id: start.payload.chat_id })).payload.thread.events).toHaveLength(5);
    good.client.close();
    await eventually(() => expect(own.stats(org).openConnections).toBe(0));
    expect(own.stats(org).totalConnections).toBe(201);
  });
});
