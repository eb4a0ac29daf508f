// The typed control client (emulator/client.ts, the package's `./client`): it covers every control
// endpoint and agent action the README lists and the emulator serves, and each method does what its
// endpoint does, against a real emulator with real customer sockets.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGENT_METHODS, CONTROL_ENDPOINTS, EmulatorRequestError, createEmulatorClient, type EmulatorClient } from '../../emulator/client';
import { SDK_EVENT_NAMES as KIT_EVENT_NAMES } from '../../emulator/playwright';
import { SDK_EVENT_NAMES } from '../../src/shared/events';
import { useEmulator } from '../support/emulator';
import { connect, eventually, newCustomer, randomOrg, trackClients, type Customer, type RtmClient } from './helpers';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The README's "## The emulator" section, up to the next top-level heading. */
function emulatorSection(): string {
  const start = readme.indexOf('\n## The emulator\n');
  expect(start, 'README has a "## The emulator" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** `GET /__emulator/…` and `POST /__emulator/…` named in the first cell of the section's endpoint table rows. */
function readmeEndpoints(): Set<string> {
  const endpoints = new Set<string>();
  for (const line of emulatorSection().split('\n')) {
    const firstCell = /^\| ([^|]+) \|/.exec(line)?.[1] ?? '';
    for (const match of firstCell.matchAll(/`((?:GET|POST) \/__emulator\/[^`?]+)[^`]*`/g)) endpoints.add(match[1]!);
  }
  // The agent actions have their own table (below), each a client.agent method.
  endpoints.delete('POST /__emulator/agent/ACTION');
  return endpoints;
}

/** The first column of the agent-action table (`| action | body | push |`). */
function readmeAgentActions(): Set<string> {
  const lines = emulatorSection().split('\n');
  const header = lines.findIndex((line) => /^\| action \| body \| push \|/.test(line));
  expect(header, 'README has the agent-action table').toBeGreaterThan(0);
  const actions = new Set<string>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const action = /^\| `([a-z_]+)` \|/.exec(line)?.[1];
    expect(action, `agent-action row names its action: ${line.slice(0, 60)}`).toBeDefined();
    actions.add(action!);
  }
  return actions;
}

const env = useEmulator();
const track = trackClients();

describe('coverage: README ↔ client ↔ emulator', () => {
  it('every /__emulator endpoint the README lists has a client method, and every client method an endpoint the README lists', () => {
    const listed = readmeEndpoints();
    expect(listed.size).toBeGreaterThan(10);
    expect(new Set(Object.values(CONTROL_ENDPOINTS))).toEqual(listed);
    const client = createEmulatorClient('http://127.0.0.1:1');
    for (const method of Object.keys(CONTROL_ENDPOINTS)) expect(typeof (client as unknown as Record<string, unknown>)[method], method).toBe('function');
  });

  it('every agent action of the README table is a client.agent method, and the emulator serves exactly those', async () => {
    const listed = readmeAgentActions();
    expect(new Set(Object.values(AGENT_METHODS))).toEqual(listed);
    const { agent } = createEmulatorClient('http://127.0.0.1:1');
    for (const method of Object.keys(AGENT_METHODS)) expect(typeof (agent as unknown as Record<string, unknown>)[method], method).toBe('function');
    // The emulator names the actions it knows when asked for one it does not.
    const unknown = await fetch(`${env.emulator.url}/__emulator/agent/no_such_action`, { method: 'POST', body: '{}' });
    const { error } = (await unknown.json()) as { error: { message: string } };
    const served = error.message.replace(/^.*known: /, '').split(', ');
    expect(new Set(served)).toEqual(listed);
  });

  it('the emulator routes every endpoint the README lists (GET answers 200, POST is not "no route")', async () => {
    // A throwaway emulator: reset, restart and outage act on everything.
    const { startEmulator } = await import('../../emulator/server');
    const scratch = await startEmulator({ port: 0 });
    try {
      for (const endpoint of readmeEndpoints()) {
        const [method, path] = endpoint.split(' ') as ['GET' | 'POST', string];
        const url = `${scratch.url}${path.replace('ID/NAME', 'missing/file.txt')}`;
        const response = await fetch(url, method === 'POST' ? { method, body: JSON.stringify({ duration_ms: 0, latency_ms: 0 }) } : {});
        const body = (await response.json()) as { error?: { message: string } };
        expect(body.error?.message ?? '', endpoint).not.toMatch(/^No route/);
        if (method === 'GET' && !path.includes('/files/')) expect(response.status, endpoint).toBe(200);
      }
    } finally {
      await scratch.close();
    }
  });

  it("the kit records exactly the SDK's events", () => {
    expect([...KIT_EVENT_NAMES].sort()).toEqual([...SDK_EVENT_NAMES].sort());
  });
});

/** A customer with two sockets (two tabs) in a started chat, and a client bound to the organization. */
async function chatWithTwoTabs(): Promise<{ control: EmulatorClient; customer: Customer; tabs: RtmClient[]; chatId: string; threadId: string }> {
  const organizationId = randomOrg();
  const customer = await newCustomer(env.emulator.url, organizationId);
  const a = track(await connect(env.emulator.url, customer)).client;
  const b = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, organizationId, customer.cookie))).client;
  const started = await a.request('start_chat', { chat: { thread: { events: [{ type: 'message', text: 'hello' }] } } });
  const { chat_id, thread_id } = started.payload as { chat_id: string; thread_id: string };
  return { control: createEmulatorClient(env.emulator.url, { organizationId }), customer, tabs: [a, b], chatId: chat_id, threadId: thread_id };
}

async function pushedToBoth(tabs: RtmClient[], action: string): Promise<Record<string, any>> {
  const payloads = await Promise.all(tabs.map((tab) => tab.push(action)));
  expect(payloads[0]!.payload).toEqual(payloads[1]!.payload);
  return payloads[0]!.payload;
}

describe('agent actions through the client', () => {
  it('say, updateEvent, typing, thinking, eventPreview, queue, transfer, addUser, removeUser and deactivateChat push to every tab', async () => {
    const { control, tabs, chatId, threadId } = await chatWithTwoTabs();

    const said = await control.agent.say(chatId, 'Hi from the agent');
    expect(said).toEqual({ event_id: `${threadId}_2` });
    expect((await pushedToBoth(tabs, 'incoming_event')).event).toMatchObject({ id: said.event_id, type: 'message', text: 'Hi from the agent' });

    expect(await control.agent.updateEvent({ chat_id: chatId, event_id: said.event_id, text: 'Hello from the agent' })).toEqual({ event_id: said.event_id });
    expect((await pushedToBoth(tabs, 'event_updated')).event.text).toBe('Hello from the agent');

    expect(await control.agent.typing({ chat_id: chatId, is_typing: true })).toEqual({ delivered: 2 });
    expect((await pushedToBoth(tabs, 'incoming_typing_indicator')).typing_indicator.is_typing).toBe(true);

    expect(await control.agent.thinking({ chat_id: chatId, title: 'Looking it up' })).toEqual({ delivered: 2 });
    expect((await pushedToBoth(tabs, 'incoming_thinking_indicator')).title).toBe('Looking it up');

    expect(await control.agent.eventPreview({ chat_id: chatId, text: 'Almost…' })).toEqual({ delivered: 2 });
    expect((await pushedToBoth(tabs, 'incoming_event_preview')).event.text).toBe('Almost…');

    expect(await control.agent.queue({ chat_id: chatId, position: 3, wait_time: 60 })).toEqual({ delivered: 2 });
    expect((await pushedToBoth(tabs, 'queue_position_updated')).queue).toEqual({ position: 3, wait_time: 60 });

    expect(await control.agent.transfer({ chat_id: chatId, group_id: 0 })).toEqual({ delivered: 2 });
    expect((await pushedToBoth(tabs, 'chat_transferred')).transferred_to).toEqual({ group_ids: [0] });

    expect(await control.agent.addUser({ chat_id: chatId, agent_id: 'second-agent@livechat.local' })).toEqual({ delivered: 2 });
    expect((await pushedToBoth(tabs, 'user_added_to_chat')).user.id).toBe('second-agent@livechat.local');
    expect(await control.agent.removeUser({ chat_id: chatId, user_id: 'second-agent@livechat.local', reason: 'signed_out' })).toEqual({ delivered: 2 });
    expect((await pushedToBoth(tabs, 'user_removed_from_chat')).reason).toBe('signed_out');

    expect(await control.agent.deactivateChat({ chat_id: chatId })).toEqual({ thread_id: threadId });
    expect(await pushedToBoth(tabs, 'chat_deactivated')).toMatchObject({ chat_id: chatId, thread_id: threadId });

    // The chat is closed now: a typed error with the status and the emulator's body.
    const refusal = await control.agent.say(chatId, 'too late').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(EmulatorRequestError);
    expect(refusal).toMatchObject({
      endpoint: 'POST /__emulator/agent/send_event',
      status: 409,
      type: 'chat_inactive',
      body: { error: { type: 'chat_inactive', message: 'Chat is inactive' } },
      message: 'POST /__emulator/agent/send_event answered 409 chat_inactive: Chat is inactive',
    });
  });

  it('greeting, groupStatus, group and form', async () => {
    const { control, customer, tabs } = await chatWithTwoTabs();
    const greeting = await control.agent.greeting({ customer_id: customer.customerId, text: 'Need a hand?' });
    expect(greeting).toEqual({ unique_id: expect.any(String), id: 1, delivered: 2 });
    expect((await pushedToBoth(tabs, 'incoming_greeting')).event.text).toBe('Need a hand?');
    expect(await control.greetings()).toEqual([expect.objectContaining({ unique_id: greeting.unique_id, customer_id: customer.customerId, status: 'shown', button_clicks: [] })]);

    expect(await control.agent.groupStatus({ group_id: 0, status: 'offline' })).toEqual({ group_id: 0, status: 'offline', delivered: 2 });
    expect((await pushedToBoth(tabs, 'groups_status_updated')).groups).toEqual([{ id: 0, status: 'offline' }]);

    expect(await control.agent.group({ group_id: 7, manual_routing: true })).toEqual({ group_id: 7, exists: true, manual_routing: true });
    const form = { id: 'survey', fields: [{ id: 'q1', type: 'question', label: 'How was it?' }] };
    expect(await control.agent.form({ group_id: 0, type: 'postchat', form })).toEqual({ enabled: true, form: { id: 'survey', fields: [expect.objectContaining({ id: 'q1', type: 'question', label: 'How was it?' })] } });
    expect((await tabs[0]!.request('get_form', { group_id: 0, type: 'postchat' })).payload).toMatchObject({ enabled: true, form: { id: 'survey' } });
    expect(await control.agent.form({ group_id: 0, type: 'postchat', enabled: false })).toEqual({ enabled: false });
  });

  it('a bad body is a 400 naming the field; a client without an organization gets it named too', async () => {
    const { control, chatId } = await chatWithTwoTabs();
    await expect(control.agent.queue({ chat_id: chatId, position: 0 })).rejects.toMatchObject({ status: 400, type: 'validation', body: { error: { message: 'queue.position must be a positive integer' } } });
    await expect(control.agent.sendEvent({ chat_id: 'no-such-chat', text: 'x' })).rejects.toMatchObject({ status: 404, type: 'not_found' });
    const unbound = createEmulatorClient(env.emulator.url);
    await expect(unbound.agent.say(chatId, 'x')).rejects.toMatchObject({ status: 400, body: { error: { message: 'organization_id is required and must be a non-empty string' } } });
    // A call names its organization itself when the client has none.
    await expect(unbound.agent.sendEvent({ organization_id: control.organizationId!, chat_id: chatId, text: 'named' })).resolves.toEqual({ event_id: expect.any(String) });
  });
});

describe('snapshots and faults through the client', () => {
  it('stats, chats, customers and sockets are narrowed to the client organization', async () => {
    const { control, customer, chatId } = await chatWithTwoTabs();
    const other = await chatWithTwoTabs();
    expect(await control.stats()).toMatchObject({ openConnections: 2, logins: 2, requests: { login: 2, start_chat: 1 } });
    const chats = await control.chats();
    expect(chats.map((chat) => chat.id)).toEqual([chatId]);
    expect(chats[0]).toMatchObject({ customer_id: customer.customerId, active: true, sneak_peek: null });
    expect(chats[0]!.organization_id).toBeUndefined();
    expect(await control.customers()).toEqual([expect.objectContaining({ id: customer.customerId, online: true, connections: 2, banned: false })]);
    const sockets = await control.sockets();
    expect(sockets.map((socket) => [socket.open, socket.customer_id])).toEqual([
      [true, customer.customerId],
      [true, customer.customerId],
    ]);
    // The unbound client sees every organization, each chat tagged with its own.
    const all = await createEmulatorClient(env.emulator.url).chats();
    expect(all.filter((chat) => [chatId, other.chatId].includes(chat.id)).map((chat) => chat.organization_id)).toEqual([control.organizationId, other.control.organizationId]);
    expect((await control.health()).ok).toBe(true);
  });

  it('faults answer the next requests with an error, in this organization only', async () => {
    const { control, tabs } = await chatWithTwoTabs();
    const other = await chatWithTwoTabs();
    expect(await control.faults({ type: 'internal', count: 1, action: 'get_customer' })).toEqual({
      pending: expect.arrayContaining([{ organization_id: control.organizationId, action: 'get_customer', type: 'internal', remaining: 1 }]),
    });
    expect((await other.tabs[0]!.request('get_customer')).success).toBe(true);
    const failed = await tabs[0]!.request('get_customer');
    expect(failed).toMatchObject({ success: false, payload: { error: { type: 'internal' } } });
    expect((await tabs[0]!.request('get_customer')).success).toBe(true);
    await expect(control.faults({ count: 2 })).rejects.toMatchObject({ status: 400, type: 'validation' });
  });

  it('pause and resume hold and deliver, disconnect and ban close with the reason, identity and organizations change the next login', async () => {
    const { control, customer, tabs, chatId } = await chatWithTwoTabs();
    expect(await control.pause()).toEqual({ paused: true });
    await control.agent.say(chatId, 'held');
    expect(await tabs[0]!.quietFor(150, (f) => f.action === 'incoming_event')).toEqual([]);
    expect(await control.resume()).toEqual({ paused: false });
    expect((await tabs[0]!.push('incoming_event')).payload.event.text).toBe('held');

    expect(await control.disconnect({ customer_id: customer.customerId, reason: 'misdirected_connection', data: { region: 'fra' } })).toEqual({ disconnected: 2 });
    expect((await tabs[0]!.push('customer_disconnected')).payload).toEqual({ reason: 'misdirected_connection', data: { region: 'fra' } });

    expect(await control.identity({ from_customer_id: customer.customerId })).toEqual({ ok: true });
    expect((await newCustomer(env.emulator.url, control.organizationId!, customer.cookie)).customerId).not.toBe(customer.customerId);

    const next = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, control.organizationId!))).client;
    expect(await control.ban({ customer_id: (await control.customers()).find((c) => c.online)!.id })).toEqual({ disconnected: 1 });
    expect((await next.push('customer_disconnected')).payload.reason).toBe('customer_banned');

    expect(await control.organizations({ status: 'expired' })).toEqual({ organization_id: control.organizationId, status: 'expired', region: null });
    await expect(control.organizations({})).rejects.toMatchObject({ status: 400, body: { error: { message: 'status or region is required' } } });
  });

  it('file() reads back an uploaded file, and refuses what is not a file url', async () => {
    const { control, customer } = await chatWithTwoTabs();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3, 250])], { type: 'image/png' }), 'dot.png');
    const uploaded = await fetch(`${env.emulator.url}/v3.6/customer/action/upload_file?organization_id=${control.organizationId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customer.accessToken}` },
      body: form,
    });
    const { url } = (await uploaded.json()) as { url: string };
    expect(await control.file(url)).toEqual({ contentType: 'image/png', bytes: new Uint8Array([1, 2, 3, 250]) });
    await expect(control.file(url.replace(/files\/[^/]+/, 'files/nope'))).rejects.toMatchObject({ status: 404, type: 'not_found' });
    await expect(control.file('/elsewhere')).rejects.toThrow('Not an emulator file url: /elsewhere');
  });
});

describe('server-wide controls through the client (an emulator of their own)', () => {
  const own = useEmulator();

  it('latency, outage, restart and reset', async () => {
    const organizationId = randomOrg();
    const control = createEmulatorClient(own.emulator.url, { organizationId });
    const customer = await newCustomer(own.emulator.url, organizationId);
    let tab = (await connect(own.emulator.url, customer)).client;

    expect(await control.latency({ latency_ms: 20 })).toEqual({ latency_ms: 20 });
    expect(await control.latency({ latency_ms: 0 })).toEqual({ latency_ms: 0 });

    expect(await control.outage({ duration_ms: 200 })).toEqual({ terminated: 1, duration_ms: 200 });
    await tab.closed;
    await expect(connect(own.emulator.url, customer)).rejects.toThrow();
    tab = await eventually(() => connect(own.emulator.url, customer), 3000).then((opened) => opened.client);

    expect(await control.restart({ keep_state: true })).toEqual({ closed: 1, kept_state: true });
    expect((await tab.closed).code).toBe(1012);
    tab = (await connect(own.emulator.url, customer)).client;
    expect((await control.customers()).map((c) => c.id)).toEqual([customer.customerId]);

    expect(await control.reset()).toEqual({ ok: true });
    await tab.closed;
    expect(await control.customers()).toEqual([]);
    await expect(control.latency({ latency_ms: -1 })).rejects.toMatchObject({ status: 400, type: 'validation' });
  });
});
