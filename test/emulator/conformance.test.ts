// Conformance of the emulator with the Customer Chat API 3.6 reference: each documented request is
// sent to the running emulator (its documented keys, with ids of things that exist), each documented
// push is provoked (by a request or through the agent control API), and the frames that come back are
// compared with the documented samples by shape (./conformance/shape.ts). The samples and their
// rules (optional keys with the docs' words, keys documented elsewhere, doc errors) are data in
// test/support/api-samples.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator';
import { ALL_SAMPLES, PUSHES, REQUESTS, RESPONSES, STRUCTURES, type FrameSample } from '../support/api-samples';
import { compareShape, describeProblems } from './conformance/shape';
import { connect, newCustomer, postJson, randomOrg, RtmClient, trackClients, wsUrl, type Customer, type Frame } from './helpers';

const env = useEmulator();
const track = trackClients();
const agent = async (action: string, body: Record<string, unknown>) => {
  const res = await postJson(env.emulator.url, `/__emulator/agent/${action}`, body);
  if (res.status !== 200) throw new Error(`agent ${action} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Samples a test has compared or sent; every one must be, or the data and the test have drifted apart. */
const used = new Set<FrameSample>();

afterAll(() => {
  const unused = ALL_SAMPLES.filter(([, sample]) => !used.has(sample)).map(([name]) => name);
  expect(unused, 'samples no test exercised').toEqual([]);
});

/** The paths a sample lets the emulator leave out: the docs' optional keys and those a doc error explains. */
function allowedMissing(sample: FrameSample): string[] {
  return [...Object.keys(sample.optional ?? {}), ...(sample.docErrors ?? []).flatMap((e) => e.notSent ?? [])];
}

/** Asserts that `frame` (or its payload, for a payload sample) has the sample's shape, and no key documented nowhere. */
function expectConforms(sample: FrameSample, frame: Frame, what = `${sample.kind} ${sample.action}`): void {
  used.add(sample);
  expect(frame.action, what).toBe(sample.action);
  expect(frame.type, what).toBe(sample.kind === 'push' ? 'push' : 'response');
  if (sample.kind === 'response') expect(frame.success, `${what}: ${JSON.stringify(frame.payload)}`).toBe(true);
  const actual = sample.scope === 'frame' ? frame : frame.payload;
  const report = compareShape(sample.body, actual, { optional: allowedMissing(sample), maps: sample.maps });
  expect(describeProblems(report.problems), `${what} against ${sample.source.page} "${sample.source.heading}"`).toEqual([]);
  const documented = Object.keys(sample.elsewhere ?? {});
  const undocumented = report.extra.filter((path) => !documented.includes(path));
  expect(undocumented, `${what}: keys beyond the sample that no source documents`).toEqual([]);
  if (sample.emptyPayload) expect(frame.payload, `${what}: "no response payload"`).toEqual({});
}

/** A push sample checked on a payload that came in some other frame (a data structure inside an event). */
function expectStructure(sample: FrameSample, value: unknown, what: string): void {
  used.add(sample);
  const report = compareShape(sample.body, value, { optional: allowedMissing(sample), maps: sample.maps });
  expect(describeProblems(report.problems), `${what} against ${sample.source.heading}`).toEqual([]);
  const documented = Object.keys(sample.elsewhere ?? {});
  expect(report.extra.filter((path) => !documented.includes(path)), `${what}: keys beyond the sample that no source documents`).toEqual([]);
}

/**
 * Sends the documented request of `action`: its documented payload, with `values` in place of the
 * docs' example ids. Only keys the sample has may be given, so what goes out is the documented request.
 */
async function sendDocumented(client: RtmClient, action: string, values: Record<string, unknown> = {}): Promise<Frame> {
  const sample = REQUESTS[action]!;
  used.add(sample);
  const payload = sample.body.payload as Record<string, unknown>;
  for (const key of Object.keys(values)) if (!(key in payload)) throw new Error(`${action}: the documented request has no ${key}`);
  return client.request(sample.body.action as string, { ...payload, ...values });
}

/** The request and its documented response, compared. */
async function roundTrip(client: RtmClient, action: string, values: Record<string, unknown> = {}): Promise<Frame> {
  const response = await sendDocumented(client, action, values);
  expectConforms(RESPONSES[action]!, response);
  return response;
}

const NAMESPACE = '0805e283233042b37f460ed8fbf22160';
const exampleProperties = (value: string) => ({ [NAMESPACE]: { string_property: value } });
/** The properties of the data-structures event samples. */
const STRUCTURE_PROPERTIES = { property_namespace: { property_name: 'property_value' } };

interface World {
  org: string;
  customer: Customer;
  client: RtmClient;
}

/** A customer with the profile of the docs' samples (name, e-mail, avatar, session fields), logged in. */
async function world(): Promise<World> {
  const org = randomOrg();
  const customer = await newCustomer(env.emulator.url, org);
  const { client } = track(await connect(env.emulator.url, customer));
  const profile = REQUESTS.update_customer!.body.payload as Record<string, unknown>;
  expect((await client.request('update_customer', profile)).success).toBe(true);
  return { org, customer, client };
}

interface ChatWorld extends World {
  chatId: string;
  threadId: string;
  eventId: string;
  /** The incoming_chat push of the start. */
  started: Frame;
}

/**
 * A chat started with what the start_chat request table allows: chat and thread properties and a first
 * message with properties, in the namespace of the docs' samples, so that their example keys exist.
 */
async function chatWorld(): Promise<ChatWorld> {
  const w = await world();
  const start = await w.client.request('start_chat', {
    chat: {
      properties: exampleProperties('string_value'),
      thread: { properties: exampleProperties('string_value'), events: [{ type: 'message', text: 'Hello', properties: exampleProperties('string value') }] },
    },
  });
  expect(start.success, JSON.stringify(start.payload)).toBe(true);
  const started = await w.client.push('incoming_chat');
  const { chat_id: chatId, thread_id: threadId, event_ids: eventIds } = start.payload as { chat_id: string; thread_id: string; event_ids: string[] };
  // The agent answers, so the chat has both users' events.
  await agent('send_event', { organization_id: w.org, chat_id: chatId, text: 'Hi, how can I help?' });
  await w.client.push('incoming_event');
  return { ...w, chatId, threadId, eventId: eventIds[0]!, started };
}

describe('methods: documented request → documented response', () => {
  it('login (with a chat and a greeting on screen), ping, get_customer', async () => {
    const w = await chatWorld();
    await agent('greeting', { organization_id: w.org, customer_id: w.customer.customerId, id: 7, subtype: 'announcement', addon: 'email' });
    const client = track({ client: await RtmClient.open(wsUrl(env.emulator.url, w.org)) }).client;
    await roundTrip(client, 'login', { token: `Bearer ${w.customer.accessToken}` });
    await roundTrip(client, 'ping');
    await roundTrip(client, 'get_customer');
  });

  it('update_customer, update_customer_page, set_customer_session_fields', async () => {
    const w = await world();
    await roundTrip(w.client, 'update_customer');
    await roundTrip(w.client, 'update_customer_page');
    await roundTrip(w.client, 'set_customer_session_fields');
  });

  it('start_chat, deactivate_chat, resume_chat', async () => {
    const w = await world();
    const start = await roundTrip(w.client, 'start_chat');
    const chatId = start.payload.chat_id as string;
    await roundTrip(w.client, 'deactivate_chat', { id: chatId });
    await roundTrip(w.client, 'resume_chat', { chat: { id: chatId } });
  });

  it('send_event, send_sneak_peek, mark_events_as_seen', async () => {
    const w = await chatWorld();
    await roundTrip(w.client, 'send_event', { chat_id: w.chatId });
    await roundTrip(w.client, 'send_sneak_peek', { chat_id: w.chatId });
    await roundTrip(w.client, 'mark_events_as_seen', { chat_id: w.chatId, seen_up_to: new Date().toISOString() });
  });

  it('list_chats, list_threads (two threads), get_chat', async () => {
    const w = await chatWorld();
    await w.client.request('deactivate_chat', { id: w.chatId });
    await w.client.request('resume_chat', { chat: { id: w.chatId, thread: { events: [{ type: 'message', text: 'Me again' }] } } });
    await roundTrip(w.client, 'list_chats');
    await roundTrip(w.client, 'list_threads', { chat_id: w.chatId });
    await roundTrip(w.client, 'get_chat', { chat_id: w.chatId, thread_id: w.threadId });
  });

  it('the six property methods', async () => {
    const w = await chatWorld();
    const ids = { chat_id: w.chatId, thread_id: w.threadId };
    await roundTrip(w.client, 'update_chat_properties', { id: w.chatId });
    await roundTrip(w.client, 'delete_chat_properties', { id: w.chatId });
    await roundTrip(w.client, 'update_thread_properties', ids);
    await roundTrip(w.client, 'delete_thread_properties', ids);
    await roundTrip(w.client, 'update_event_properties', { ...ids, event_id: w.eventId });
    await roundTrip(w.client, 'delete_event_properties', { ...ids, event_id: w.eventId });
  });

  it('list_group_statuses, get_form, get_predicted_agent, get_url_info', async () => {
    const w = await world();
    await agent('group_status', { organization_id: w.org, group_id: 1, status: 'offline' });
    await agent('group_status', { organization_id: w.org, group_id: 2, status: 'online_for_queue' });
    await roundTrip(w.client, 'list_group_statuses');
    const form = await sendDocumented(w.client, 'get_form');
    // The docs show get_form's payload alone: the frame around it is the general response format.
    expect(form).toMatchObject({ request_id: expect.any(String), action: 'get_form', type: 'response', success: true });
    expectConforms(RESPONSES.get_form!, form);
    await roundTrip(w.client, 'get_predicted_agent');
    await roundTrip(w.client, 'get_url_info');
  });

  it('accept_greeting and cancel_greeting, with their pushes and the greeting push', async () => {
    const w = await world();
    const shown = await agent('greeting', { organization_id: w.org, customer_id: w.customer.customerId, id: 7, subtype: 'announcement', addon: 'email' });
    expectConforms(PUSHES.incoming_greeting!, await w.client.push('incoming_greeting'));
    await roundTrip(w.client, 'accept_greeting', { unique_id: shown.unique_id });
    expectConforms(PUSHES.greeting_accepted!, await w.client.push('greeting_accepted'));
    const next = await agent('greeting', { organization_id: w.org, customer_id: w.customer.customerId, id: 7, subtype: 'announcement', addon: 'email' });
    await roundTrip(w.client, 'cancel_greeting', { unique_id: next.unique_id });
    expectConforms(PUSHES.greeting_canceled!, await w.client.push('greeting_canceled'));
  });
});

describe('pushes caused by the customer', () => {
  it('incoming_chat (from start_chat), incoming_event, events_marked_as_seen, customer_updated, chat_deactivated', async () => {
    const w = await chatWorld();
    expectConforms(PUSHES.incoming_chat!, w.started);
    expect(w.started.payload.requester_id).toBe(w.customer.customerId);
    await w.client.request('send_event', { chat_id: w.chatId, event: { type: 'message', text: 'Hello', properties: exampleProperties('string value') } });
    expectConforms(PUSHES.incoming_event!, await w.client.push('incoming_event'));
    await w.client.request('mark_events_as_seen', { chat_id: w.chatId, seen_up_to: new Date().toISOString() });
    expectConforms(PUSHES.events_marked_as_seen!, await w.client.push('events_marked_as_seen'));
    expectConforms(PUSHES.customer_updated!, await w.client.push('customer_updated'));
    await w.client.request('deactivate_chat', { id: w.chatId });
    expectConforms(PUSHES.chat_deactivated!, await w.client.push('chat_deactivated'));
  });

  it('the six property pushes', async () => {
    const w = await chatWorld();
    const ids = { chat_id: w.chatId, thread_id: w.threadId };
    for (const [action, push, payload] of [
      ['update_chat_properties', 'chat_properties_updated', { id: w.chatId }],
      ['delete_chat_properties', 'chat_properties_deleted', { id: w.chatId }],
      ['update_thread_properties', 'thread_properties_updated', ids],
      ['delete_thread_properties', 'thread_properties_deleted', ids],
      ['update_event_properties', 'event_properties_updated', { ...ids, event_id: w.eventId }],
      ['delete_event_properties', 'event_properties_deleted', { ...ids, event_id: w.eventId }],
    ] as const) {
      await sendDocumented(w.client, action, payload);
      expectConforms(PUSHES[push]!, await w.client.push(push));
    }
  });

  it('a rich message postback: the push, and the toggled button names the customer in user_ids', async () => {
    const w = await chatWorld();
    const card = {
      type: 'rich_message',
      template_id: 'cards',
      properties: STRUCTURE_PROPERTIES,
      elements: [
        {
          title: 'Lorem ipsum dolor.',
          subtitle: 'Lorem ipsum dolor sit amet.',
          image: { url: 'https://example.com/image25.png' },
          buttons: [
            { type: 'message', text: 'yes', value: 'yes', postback_id: 'Method URL_yes' },
            { type: 'message', text: 'no', value: 'no', postback_id: 'action_no' },
            { type: 'phone', text: 'call', value: '790034890' },
          ],
        },
      ],
    };
    const { event_id: eventId } = await agent('send_event', { organization_id: w.org, chat_id: w.chatId, event: card });
    await w.client.push('incoming_event');
    await roundTrip(w.client, 'send_rich_message_postback', { chat_id: w.chatId, thread_id: w.threadId, event_id: eventId });
    expectConforms(PUSHES.incoming_rich_message_postback!, await w.client.push('incoming_rich_message_postback'));
    const chat = await w.client.request('get_chat', { chat_id: w.chatId });
    const event = (chat.payload.thread.events as Array<Record<string, any>>).find((e) => e.id === eventId)!;
    expectStructure(STRUCTURES.rich_message!, event, 'the rich message after the postback');
    const buttons = event.elements[0].buttons as Array<{ postback_id: string; user_ids: string[] }>;
    expect(buttons.map((b) => [b.postback_id, b.user_ids])).toEqual([
      ['Method URL_yes', [w.customer.customerId]],
      ['action_no', []],
      ['action_0_2', []],
    ]);
  });
});

describe('pushes caused by the agent, the router and the service', () => {
  it('user_added_to_chat, event_updated, incoming_typing_indicator, queue_position_updated, chat_transferred, user_removed_from_chat', async () => {
    const w = await chatWorld();
    const base = { organization_id: w.org, chat_id: w.chatId };
    await agent('add_user', { ...base, agent_id: 'second-agent@livechat.local' });
    expectConforms(PUSHES.user_added_to_chat!, await w.client.push('user_added_to_chat'));
    await agent('update_event', { ...base, event_id: w.eventId, text: 'Hello (edited)' });
    expectConforms(PUSHES.event_updated!, await w.client.push('event_updated'));
    await agent('typing', base);
    expectConforms(PUSHES.incoming_typing_indicator!, await w.client.push('incoming_typing_indicator'));
    await agent('queue', { ...base, position: 42, wait_time: 1337 });
    expectConforms(PUSHES.queue_position_updated!, await w.client.push('queue_position_updated'));
    await agent('transfer', { ...base, group_id: 1, agent_id: 'second-agent@livechat.local', queue: { position: 42, wait_time: 1337 } });
    expectConforms(PUSHES.chat_transferred!, await w.client.push('chat_transferred'));
    await agent('remove_user', { ...base, user_id: 'second-agent@livechat.local' });
    expectConforms(PUSHES.user_removed_from_chat!, await w.client.push('user_removed_from_chat'));
  });

  it('an image file event', async () => {
    const w = await chatWorld();
    const image = {
      type: 'file',
      url: 'https://cdn.livechat-files.com/api/file/image25.png',
      width: 640,
      height: 480,
      size: 123444,
      alternative_text: 'A sample image',
      properties: STRUCTURE_PROPERTIES,
    };
    await agent('send_event', { organization_id: w.org, chat_id: w.chatId, event: image });
    expectStructure(STRUCTURES.file!, (await w.client.push('incoming_event')).payload.event, 'an image file event');
  });

  it('groups_status_updated, customer_disconnected', async () => {
    const w = await world();
    await agent('group_status', { organization_id: w.org, group_id: 0, status: 'offline' });
    expectConforms(PUSHES.groups_status_updated!, await w.client.push('groups_status_updated'));
    const res = await postJson(env.emulator.url, '/__emulator/disconnect', {
      organization_id: w.org,
      customer_id: w.customer.customerId,
      reason: 'misdirected_connection',
      data: { region: 'fra' },
    });
    expect(res.status).toBe(200);
    expectConforms(PUSHES.customer_disconnected!, await w.client.push('customer_disconnected'));
  });
});
