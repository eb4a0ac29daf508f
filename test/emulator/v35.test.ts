// API 3.5 on the emulator: what the official @livechat/customer-sdk@4.x speaks (wire-protocol.md §3.5, §5, §13.1).
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Hub, type Connection } from '../../emulator/hub';
import type { Session } from '../../emulator/rtm';
import { useEmulator } from '../support/emulator';
import { pushExists } from '../../emulator/wire';
import { RtmClient, connect, newCustomer, randomOrg, wsUrl, type Customer, type Frame, trackClients } from './helpers';

const env = useEmulator();

const track = trackClients();

/** The push list SDK 4.0.2 subscribes to in its 3.5 login (every push it knows but customer_disconnected). */
const SDK4_PUSHES = [
  'chat_deactivated', 'chat_properties_deleted', 'chat_properties_updated', 'chat_transferred', 'customer_page_updated',
  'customer_side_storage_updated', 'customer_updated', 'event_properties_deleted', 'event_properties_updated', 'event_updated',
  'events_marked_as_seen', 'greeting_accepted', 'greeting_canceled', 'groups_status_updated', 'incoming_chat', 'incoming_event',
  'incoming_greeting', 'incoming_multicast', 'incoming_rich_message_postback', 'incoming_typing_indicator',
  'queue_position_updated', 'thread_properties_deleted', 'thread_properties_updated', 'user_added_to_chat', 'user_removed_from_chat',
];

/** A login frame as SDK 4.0.2 sends it (captured, wire-protocol.md §5.1). */
function sdk4Login(customer: Customer): Record<string, unknown> {
  return {
    token: `Bearer ${customer.accessToken}`,
    customer: {},
    customer_side_storage: {},
    is_mobile: false,
    application: { name: 'customer_sdk', version: '4.0.2' },
    customer_page: { url: 'https://shop.example/a', title: 'A' },
    pushes: { '3.5': SDK4_PUSHES },
  };
}

const connect35 = (customer: Customer, login: Record<string, unknown> = sdk4Login(customer)) => connect(env.emulator.url, customer, login, '3.5').then(track);
const errorOf = (f: Frame) => ({ success: f.success, type: f.payload.error?.type, message: f.payload.error?.message as string });

describe('the /v3.5 endpoint', () => {
  it('accepts the login SDK 4.0.2 sends (version "3.5" on the frame, a "3.5" pushes map) and answers what it requires', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { login } = await connect35(customer);
    expect(login).toMatchObject({ action: 'login', type: 'response', success: true });
    expect(login.payload).toMatchObject({
      customer: { id: customer.customerId, type: 'customer', statistics: expect.objectContaining({ chats_count: 0, visits_count: 1 }) },
      chats: [],
      __priv_dynamic_config: { online_groups_ids: [0], customer_groups: { monitoring: { id: 0 } } },
    });
    expect(env.emulator.stats(customer.organizationId).logins).toBe(1);
  });

  it('accepts frames without a version or with "3.5", and refuses another version with unsupported_version', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = await connect35(customer);
    expect((await client.request('get_customer')).success).toBe(true);
    expect((await client.requestVersioned('get_customer', {}, '3.5')).success).toBe(true);
    const wrong = await client.requestVersioned('get_customer', {}, '3.6');
    expect(errorOf(wrong)).toEqual({ success: false, type: 'unsupported_version', message: 'Version 3.6 is not supported on a 3.5 connection' });
  });

  it('stamps pushes with the version of each socket: "3.5" on a 3.5 tab, "3.6" on a 3.6 tab of the same customer', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: old } = await connect35(alice);
    const { client: modern } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie)));
    const requestId = old.send('start_chat', { chat: { thread: { events: [{ type: 'message', text: 'hi' }] } } });
    const mine = await old.push('incoming_chat');
    const theirs = await modern.push('incoming_chat');
    expect(mine).toMatchObject({ version: '3.5', request_id: requestId, type: 'push' });
    expect(theirs).toMatchObject({ version: '3.6', type: 'push' });
    expect(theirs.request_id).toBeUndefined();
    expect(theirs.payload).toEqual(mine.payload);
  });

  it('shares state with 3.6: a chat started on 3.6 is listed and continued on 3.5', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: modern } = track(await connect(env.emulator.url, alice));
    const start = await modern.request('start_chat');
    const { client: old, login } = await connect35(await newCustomer(env.emulator.url, org, alice.cookie));
    expect(login.payload.chats).toEqual([{ chat_id: start.payload.chat_id, has_unread_events: false, has_active_thread: true }]);
    const id = old.send('send_event', { chat_id: start.payload.chat_id, event: { type: 'message', text: 'from 3.5' } });
    expect((await old.next((f) => f.type === 'push' && f.request_id === id)).version).toBe('3.5');
    expect((await modern.push('incoming_event')).payload.event.text).toBe('from 3.5');
  });

  it('serves get_predicted_agent: the emulator agent, no queue', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = await connect35(customer);
    const expected = {
      agent: {
        id: 'emulator-agent@livechat.local',
        name: 'Emma Emulator',
        avatar: 'https://cdn.livechat.local/avatars/emma.png',
        job_title: 'Support Agent',
        is_bot: false,
        type: 'agent',
      },
      queue: false,
    };
    expect(await client.request('get_predicted_agent')).toMatchObject({ success: true, payload: expected });
    expect((await client.request('get_predicted_agent', { group_id: 2 })).payload).toEqual(expected);
    expect(errorOf(await client.request('get_predicted_agent', { group_id: -1 }))).toMatchObject({ type: 'validation', message: expect.stringMatching(/group_id/) });
    // Still in the 3.6 reference (removed in 3.7), so a 3.6 socket gets the same answer.
    const { client: modern } = track(await connect(env.emulator.url, customer));
    expect((await modern.request('get_predicted_agent')).payload).toEqual(expected);
  });

  it('pushes customer_page_updated after update_customer_page to the 3.5 sockets of the customer only', async () => {
    const org = randomOrg();
    const alice = await newCustomer(env.emulator.url, org);
    const { client: a } = await connect35(alice);
    const { client: b } = await connect35(await newCustomer(env.emulator.url, org, alice.cookie));
    const { client: modern } = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie)));
    const { client: stranger } = await connect35(await newCustomer(env.emulator.url, org));

    const requestId = a.send('update_customer_page', { url: 'https://shop.example/b', title: 'B' });
    expect(await a.next((f) => f.type === 'response' && f.request_id === requestId)).toMatchObject({ success: true, payload: {} });
    const mine = await a.push('customer_page_updated');
    const theirs = await b.push('customer_page_updated');
    expect(mine).toMatchObject({ version: '3.5', request_id: requestId });
    expect(mine.payload).toEqual({ url: 'https://shop.example/b', title: 'B', opened_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/) });
    expect(theirs.request_id).toBeUndefined();
    expect(theirs.payload).toEqual(mine.payload);

    // Without a title the push has none.
    a.send('update_customer_page', { url: 'https://shop.example/c' });
    expect((await b.push('customer_page_updated')).payload).toEqual({ url: 'https://shop.example/c', opened_at: expect.any(String) });

    // The push was removed in 3.6; another customer never hears of it.
    expect(await modern.quietFor(100, (f) => f.action === 'customer_page_updated')).toEqual([]);
    expect(await stranger.quietFor(0, (f) => f.type === 'push')).toEqual([]);
  });

  it('does not push customer_page_updated on a 3.6 connection', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = track(await connect(env.emulator.url, customer));
    expect((await client.request('update_customer_page', { url: 'https://shop.example/b' })).success).toBe(true);
    expect(await client.quietFor(100, (f) => f.type === 'push')).toEqual([]);
  });

  it('honours the 3.5 pushes subscription', async () => {
    const customer = await newCustomer(env.emulator.url, randomOrg());
    const { client } = await connect35(customer, { ...sdk4Login(customer), pushes: { '3.5': ['incoming_chat'] } });
    await client.request('update_customer_page', { url: 'https://shop.example/b' });
    await client.request('start_chat');
    await client.push('incoming_chat');
    expect(client.received.filter((f) => f.action === 'customer_page_updated')).toEqual([]);
  });

  it.each(['request_welcome_message', 'send_greeting_button_clicked', 'delete_event'])(
    'answers the 3.6 method %s with a validation error naming it as unsupported in 3.5',
    async (action) => {
      const customer = await newCustomer(env.emulator.url, randomOrg());
      const { client } = await connect35(customer);
      const res = await client.request(action, {});
      expect(errorOf(res)).toEqual({ success: false, type: 'validation', message: `Action ${action} is not supported in API 3.5` });
      expect((await client.request('ping')).success).toBe(true);
    },
  );

  it('refuses a 3.5 socket like a 3.6 one when the organization is unknown', async () => {
    const client = await RtmClient.open(wsUrl(env.emulator.url, undefined, '3.5'));
    track({ client });
    expect(await client.push('customer_disconnected')).toMatchObject({ version: '3.5', payload: { reason: 'license_not_found' } });
    await client.closed;
  });
});

describe('pushes by version', () => {
  it('knows which pushes exist where', () => {
    for (const name of ['incoming_event_preview', 'incoming_thinking_indicator', 'incoming_welcome_message', 'event_deleted']) {
      expect(pushExists(name, '3.5'), name).toBe(false);
      expect(pushExists(name, '3.6'), name).toBe(true);
    }
    expect(pushExists('customer_page_updated', '3.5')).toBe(true);
    expect(pushExists('customer_page_updated', '3.6')).toBe(false);
    for (const name of ['incoming_event', 'customer_disconnected', 'thread_properties_updated']) {
      expect(pushExists(name, '3.5')).toBe(true);
      expect(pushExists(name, '3.6')).toBe(true);
    }
  });

  it('the hub drops 3.6-only pushes on 3.5 sockets (and 3.5-only ones on 3.6 sockets)', () => {
    const hub = new Hub();
    const socket = (version: '3.5' | '3.6') => {
      const sent: Array<Record<string, unknown>> = [];
      const ws = { readyState: WebSocket.OPEN, send: (text: string) => sent.push(JSON.parse(text) as Record<string, unknown>) } as unknown as WebSocket;
      const session: Session = { organizationId: 'org', version, customerId: 'c1', groupId: 0, pushes: 'all' };
      const conn: Connection = { ws, session, owner: { latencyMs: 0, paused: { all: false, organizations: new Set() } }, remoteAddress: '127.0.0.1', closing: false, pending: 0 };
      hub.add(conn);
      return sent;
    };
    const old = socket('3.5');
    const modern = socket('3.6');
    for (const action of ['incoming_event_preview', 'incoming_thinking_indicator', 'incoming_welcome_message', 'event_deleted', 'customer_page_updated', 'incoming_event']) {
      hub.pushToCustomer('org', 'c1', action, {});
    }
    expect(old.map((f) => [f.action, f.version])).toEqual([
      ['customer_page_updated', '3.5'],
      ['incoming_event', '3.5'],
    ]);
    expect(modern.map((f) => f.action)).toEqual(['incoming_event_preview', 'incoming_thinking_indicator', 'incoming_welcome_message', 'event_deleted', 'incoming_event']);
    expect(modern.every((f) => f.version === '3.6')).toBe(true);
  });
});
