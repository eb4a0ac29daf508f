// Greetings, the welcome message, forms, URL info, group statuses and rich message postbacks on the
// wire: what the customer's sockets receive when the agent API acts and when the customer answers.
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator';
import { connect, getJson, newCustomer, postJson, randomOrg, trackClients, type Frame } from './helpers';

const env = useEmulator();

const track = trackClients();
const ID = /^[A-Z0-9]{10}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const errorOf = (f: Frame) => ({ success: f.success, type: f.payload.error?.type as string, message: f.payload.error?.message as string });
const agent = (action: string, body: Record<string, unknown>) => postJson(env.emulator.url, `/__emulator/agent/${action}`, body);

/** One customer with two sockets (two tabs) and a stranger of the same organization. */
async function twoTabs(version = '3.6') {
  const org = randomOrg();
  const alice = await newCustomer(env.emulator.url, org);
  const a = track(await connect(env.emulator.url, alice, {}, version)).client;
  const b = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie), {}, version)).client;
  const other = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org))).client;
  return { org, alice, a, b, other };
}

describe('greetings', () => {
  it('the agent API pushes incoming_greeting with the greeting structure to every socket of the customer only', async () => {
    const { org, alice, a, b, other } = await twoTabs();
    const sent = await agent('greeting', { organization_id: org, customer_id: alice.customerId, text: 'Need a hand?', id: 7 });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ unique_id: expect.stringMatching(ID), id: 7, delivered: 2 });
    for (const client of [a, b]) {
      const push = await client.push('incoming_greeting');
      expect(push.request_id).toBeUndefined();
      expect(push.payload).toEqual({
        id: 7,
        unique_id: sent.body.unique_id,
        displayed_first_time: true,
        accepted: false,
        subtype: 'greeting',
        is_exit_intent: false,
        event: {
          id: `${sent.body.unique_id}_1`,
          type: 'message',
          text: 'Need a hand?',
          properties: {},
          author_id: 'emulator-agent@livechat.local',
          created_at: expect.stringMatching(TIMESTAMP),
        },
        agent: { id: 'emulator-agent@livechat.local', name: 'Emma Emulator', avatar: expect.any(String), job_title: 'Support Agent', is_bot: false, type: 'agent' },
      });
    }
    expect(await other.quietFor(50, (f) => f.type === 'push')).toEqual([]);
    expect((await a.request('get_customer')).payload.statistics).toMatchObject({ greetings_shown_count: 1, greetings_accepted_count: 0 });
  });

  it('accept_greeting answers {} to the asker and greeting_accepted to every tab (request_id on the asker only); then it is gone', async () => {
    const { org, alice, a, b } = await twoTabs();
    const { body } = await agent('greeting', { organization_id: org, customer_id: alice.customerId, id: 3 });
    await a.push('incoming_greeting');

    const res = await a.request('accept_greeting', { greeting_id: 3, unique_id: body.unique_id });
    expect(res).toMatchObject({ type: 'response', success: true, payload: {} });
    const own = await a.push('greeting_accepted');
    expect(own).toMatchObject({ request_id: res.request_id, payload: { unique_id: body.unique_id } });
    const others = await b.push('greeting_accepted');
    expect(others.request_id).toBeUndefined();
    expect(others.payload).toEqual({ unique_id: body.unique_id });
    expect((await b.request('get_customer')).payload.statistics).toMatchObject({ greetings_shown_count: 1, greetings_accepted_count: 1 });

    // Accepted: no longer on screen, so neither accept nor cancel finds it.
    expect(errorOf(await b.request('accept_greeting', { greeting_id: 3, unique_id: body.unique_id }))).toMatchObject({ success: false, type: 'greeting_not_found' });
    expect(errorOf(await b.request('cancel_greeting', { unique_id: body.unique_id }))).toMatchObject({ type: 'greeting_not_found' });
    const listed = await getJson(env.emulator.url, `/__emulator/greetings?organization_id=${org}`);
    expect(listed.body.greetings).toMatchObject([{ unique_id: body.unique_id, customer_id: alice.customerId, status: 'accepted', accepted: true }]);
  });

  it('answers greeting_not_found for unknown ids, another template id and another customer’s greeting; validates fields', async () => {
    const { org, alice, a, other } = await twoTabs();
    const { body } = await agent('greeting', { organization_id: org, customer_id: alice.customerId, id: 3 });
    expect(errorOf(await a.request('accept_greeting', { greeting_id: 3, unique_id: 'NOSUCHGREET' }))).toMatchObject({ type: 'greeting_not_found' });
    expect(errorOf(await a.request('accept_greeting', { greeting_id: 4, unique_id: body.unique_id }))).toMatchObject({ type: 'greeting_not_found' });
    expect(errorOf(await other.request('accept_greeting', { greeting_id: 3, unique_id: body.unique_id }))).toMatchObject({ type: 'greeting_not_found' });
    expect(errorOf(await other.request('cancel_greeting', { unique_id: body.unique_id }))).toMatchObject({ type: 'greeting_not_found' });
    expect(errorOf(await a.request('accept_greeting', { greeting_id: '3', unique_id: body.unique_id }))).toMatchObject({ type: 'validation', message: expect.stringContaining('greeting_id') });
    expect(errorOf(await a.request('cancel_greeting', {}))).toMatchObject({ type: 'validation', message: expect.stringContaining('unique_id') });
    // Still there for its customer after all that.
    expect((await a.request('cancel_greeting', { unique_id: body.unique_id })).success).toBe(true);
  });

  it('cancel_greeting pushes greeting_canceled; a newer greeting cancels the one on screen; the login carries the shown one', async () => {
    const { org, alice, a, b } = await twoTabs();
    const first = (await agent('greeting', { organization_id: org, customer_id: alice.customerId, id: 1 })).body;
    const second = (await agent('greeting', { organization_id: org, customer_id: alice.customerId, id: 1, text: 'Still there?' })).body;
    for (const client of [a, b]) {
      expect((await client.push('greeting_canceled')).payload).toEqual({ unique_id: first.unique_id });
      // The order clients see: the old one goes, then the new one comes (no longer "first time" for template 1).
      const greetings = client.received.filter((f) => f.action === 'incoming_greeting');
      expect(greetings.map((f) => [f.payload.unique_id, f.payload.displayed_first_time])).toEqual([
        [first.unique_id, true],
        [second.unique_id, false],
      ]);
    }
    const relogin = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie))).login;
    expect(relogin.payload.greeting).toMatchObject({ unique_id: second.unique_id, event: { text: 'Still there?' } });

    const res = await b.request('cancel_greeting', { unique_id: second.unique_id });
    expect(res.success).toBe(true);
    expect(await b.push('greeting_canceled')).toMatchObject({ request_id: res.request_id, payload: { unique_id: second.unique_id } });
    expect((await a.next((f) => f.action === 'greeting_canceled' && f.payload.unique_id === second.unique_id)).request_id).toBeUndefined();
    const after = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie))).login;
    expect(after.payload.greeting).toBeUndefined();
  });

  it('send_greeting_button_clicked records a click on a rich greeting’s button; unknown buttons and greetings are refused; 3.5 has no such action', async () => {
    const { org, alice, a } = await twoTabs();
    const rich = {
      type: 'rich_message',
      template_id: 'quick_replies',
      elements: [{ title: 'Spring sale!', buttons: [{ type: 'message', text: 'Show me', postback_id: 'show_sale' }, { type: 'cancel', text: 'No thanks' }] }],
    };
    const { body } = await agent('greeting', { organization_id: org, customer_id: alice.customerId, event: rich, subtype: 'announcement' });
    const shown = await a.push('incoming_greeting');
    expect(shown.payload).toMatchObject({
      subtype: 'announcement',
      event: {
        type: 'rich_message',
        template_id: 'quick_replies',
        // Greeting buttons carry the button_id a click names ("Returned only for greetings").
        elements: [{ buttons: [{ postback_id: 'show_sale', button_id: 'show_sale', user_ids: [] }, { postback_id: 'action_0_1', button_id: 'action_0_1' }] }],
      },
    });

    const click = await a.request('send_greeting_button_clicked', { greeting_unique_id: body.unique_id, button_id: 'show_sale' });
    expect(click).toMatchObject({ success: true, payload: {} });
    expect(errorOf(await a.request('send_greeting_button_clicked', { greeting_unique_id: body.unique_id, button_id: 'nope' }))).toMatchObject({
      type: 'validation',
      message: expect.stringContaining('nope'),
    });
    expect(errorOf(await a.request('send_greeting_button_clicked', { greeting_unique_id: 'NOSUCHGREET', button_id: 'show_sale' }))).toMatchObject({
      type: 'greeting_not_found',
    });
    const listed = await getJson(env.emulator.url, `/__emulator/greetings?organization_id=${org}`);
    expect(listed.body.greetings[0]).toMatchObject({ unique_id: body.unique_id, status: 'shown', button_clicks: ['show_sale'] });

    const old = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org, alice.cookie), {}, '3.5')).client;
    expect(errorOf(await old.request('send_greeting_button_clicked', { greeting_unique_id: body.unique_id, button_id: 'show_sale' }))).toMatchObject({
      type: 'validation',
      message: 'Action send_greeting_button_clicked is not supported in API 3.5',
    });
  });

  it('the greeting agent API validates its body and knows its customers', async () => {
    const { org, alice } = await twoTabs();
    expect(await agent('greeting', { organization_id: org, customer_id: 'nobody' })).toMatchObject({ status: 404, body: { error: { type: 'not_found' } } });
    for (const [body, name] of [
      [{ organization_id: org }, 'customer_id'],
      [{ organization_id: org, customer_id: alice.customerId, id: -1 }, 'id'],
      [{ organization_id: org, customer_id: alice.customerId, event: { type: 'custom' } }, 'event.type'],
      [{ organization_id: org, customer_id: alice.customerId, text: 'a', event: { type: 'message', text: 'b' } }, 'text or event'],
    ] as const) {
      const res = await agent('greeting', body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(name);
    }
  });
});

describe('request_welcome_message', () => {
  it('answers {id, predicted_agent, queue} and pushes incoming_welcome_message to every 3.6 tab; the same id gets the same message', async () => {
    const { a, b } = await twoTabs();
    const res = await a.request('request_welcome_message', {});
    expect(res.payload).toEqual({
      id: expect.stringMatching(ID),
      predicted_agent: { id: 'emulator-agent@livechat.local', name: 'Emma Emulator', avatar: expect.any(String), job_title: 'Support Agent', is_bot: false, type: 'agent' },
      queue: false,
    });
    const own = await a.push('incoming_welcome_message');
    expect(own.request_id).toBe(res.request_id);
    const pushed = await b.push('incoming_welcome_message');
    expect(pushed.payload).toEqual({
      id: res.payload.id,
      event: { type: 'message', text: 'Hi there! How can we help you today?', author_id: 'emulator-agent@livechat.local', created_at: expect.stringMatching(TIMESTAMP), properties: {} },
    });
    expect(pushed.payload.event.id).toBeUndefined();

    const again = await b.request('request_welcome_message', { id: res.payload.id });
    expect(again.payload.id).toBe(res.payload.id);
    expect((await b.next((f) => f.action === 'incoming_welcome_message' && f.request_id === again.request_id)).payload).toEqual(pushed.payload);
    const fresh = await b.request('request_welcome_message', { id: 'SOMETHING_ELSE' });
    expect(fresh.payload.id).not.toBe(res.payload.id);
  });

  it('follows the group status: queue for online_for_queue, group_offline for offline; validates group_id', async () => {
    const { org, a } = await twoTabs();
    await agent('group_status', { organization_id: org, group_id: 0, status: 'online_for_queue' });
    expect((await a.request('request_welcome_message', {})).payload.queue).toBe(true);
    await agent('group_status', { organization_id: org, group_id: 4, status: 'offline' });
    expect(errorOf(await a.request('request_welcome_message', { group_id: 4 }))).toMatchObject({ type: 'group_offline' });
    expect(errorOf(await a.request('request_welcome_message', { group_id: 'x' }))).toMatchObject({ type: 'validation', message: expect.stringContaining('group_id') });
  });

  it('a removed group answers group_not_found, a manually routed one group_unavailable where an agent is predicted', async () => {
    const { org, a } = await twoTabs();
    await agent('group', { organization_id: org, group_id: 6, exists: false });
    await agent('group', { organization_id: org, group_id: 7, manual_routing: true });
    expect(errorOf(await a.request('request_welcome_message', { group_id: 6 }))).toMatchObject({ type: 'group_not_found' });
    expect(errorOf(await a.request('get_form', { group_id: 6, type: 'prechat' }))).toMatchObject({ type: 'group_not_found' });
    expect(errorOf(await a.request('start_chat', { chat: { access: { group_ids: [6] } } }))).toMatchObject({ type: 'group_not_found' });
    expect(errorOf(await a.request('request_welcome_message', { group_id: 7 }))).toMatchObject({ type: 'group_unavailable' });
    // Manual routing still takes chats: they wait in the queue for an agent to pick them up.
    expect((await a.request('start_chat', { chat: { access: { group_ids: [7] } } })).payload).toMatchObject({ chat_id: expect.any(String) });
    await agent('group', { organization_id: org, group_id: 6, exists: true });
    expect((await a.request('request_welcome_message', { group_id: 6 })).payload).toMatchObject({ id: expect.any(String) });
  });

  it('more than 100 session fields, set at once or added by update_customer, is customer_session_fields_limit_reached', async () => {
    const { a } = await twoTabs();
    const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ [`k${i}`]: 'v' }));
    expect((await a.request('set_customer_session_fields', { session_fields: fields(100) })).payload).toEqual({});
    expect(errorOf(await a.request('set_customer_session_fields', { session_fields: fields(101) }))).toMatchObject({
      type: 'customer_session_fields_limit_reached',
    });
    // update_customer adds to what the customer holds: one more field than the 100 is too many.
    expect(errorOf(await a.request('update_customer', { session_fields: [{ extra: 'v' }] }))).toMatchObject({ type: 'customer_session_fields_limit_reached' });
    expect((await a.request('update_customer', { session_fields: [{ k0: 'changed' }] })).payload).toEqual({});
  });
});

describe('get_form', () => {
  it('answers group 0’s built-in prechat, postchat and ask_for_email forms, and enabled:false for a ticket form or another group', async () => {
    const { a } = await twoTabs();
    const prechat = await a.request('get_form', { group_id: 0, type: 'prechat' });
    expect(prechat.payload).toMatchObject({ enabled: true, form: { id: 'emulator-prechat', fields: expect.any(Array) } });
    expect(prechat.payload.form.fields.map((f: { type: string }) => f.type)).toEqual(['header', 'name', 'email', 'group_chooser']);
    expect(prechat.payload.form.fields[3].options[0]).toEqual({ id: '0', group_id: 0, label: 'General' });
    expect((await a.request('get_form', { group_id: 0, type: 'postchat' })).payload.form.fields[1]).toMatchObject({ type: 'rating', comment_label: expect.any(String) });
    expect((await a.request('get_form', { group_id: 0, type: 'ask_for_email' })).payload).toMatchObject({ enabled: true, form: { fields: [{ type: 'email' }] } });
    expect((await a.request('get_form', { group_id: 0, type: 'ticket' })).payload).toEqual({ enabled: false });
    expect((await a.request('get_form', { group_id: 2, type: 'prechat' })).payload).toEqual({ enabled: false });
  });

  it('answers the forms the agent API configures per group, and validates', async () => {
    const { org, a } = await twoTabs();
    const form = { id: 'sales-prechat', fields: [{ type: 'email', id: 'e', label: 'E-mail', required: true }] };
    expect(await agent('form', { organization_id: org, group_id: 2, type: 'prechat', form })).toEqual({ status: 200, body: { enabled: true, form } });
    expect((await a.request('get_form', { group_id: 2, type: 'prechat' })).payload).toEqual({ enabled: true, form });
    await agent('form', { organization_id: org, group_id: 0, type: 'prechat', enabled: false });
    expect((await a.request('get_form', { group_id: 0, type: 'prechat' })).payload).toEqual({ enabled: false });
    expect((await agent('form', { organization_id: org, group_id: 0, type: 'prechat', form: { id: 'x', fields: [] } })).body.error.message).toContain('form.fields');

    expect(errorOf(await a.request('get_form', { group_id: 0, type: 'survey' }))).toMatchObject({ type: 'validation', message: expect.stringContaining('type') });
    expect(errorOf(await a.request('get_form', { type: 'prechat' }))).toMatchObject({ type: 'validation', message: expect.stringContaining('group_id') });
  });
});

describe('get_url_info', () => {
  it('answers known pages from its table, derives a preview for any other URL, and never goes to the network', async () => {
    const { a } = await twoTabs();
    expect((await a.request('get_url_info', { url: 'https://www.livechat.com/' })).payload).toEqual({
      url: 'https://www.livechat.com/',
      title: 'LiveChat - Customer service software for online business',
      description: expect.any(String),
      image_url: '//cdn.livechat.local/previews/livechat-og.png',
      image_original_url: 'https://www.livechat.com/og-image.png',
      image_width: 1200,
      image_height: 630,
    });
    expect((await a.request('get_url_info', { url: 'https://example.com' })).payload).toEqual({
      url: 'https://example.com',
      title: 'Example Domain',
      description: 'This domain is for use in illustrative examples in documents.',
    });
    const derived = await a.request('get_url_info', { url: 'https://shop.test/products/blue-shirt' });
    expect(derived.payload).toEqual({
      url: 'https://shop.test/products/blue-shirt',
      title: 'Blue shirt · shop.test',
      description: 'A page on shop.test.',
      image_url: '//shop.test/og-image.png',
      image_original_url: 'https://shop.test/og-image.png',
      image_width: 1200,
      image_height: 630,
    });
    // Deterministic: the same URL, the same answer.
    expect((await a.request('get_url_info', { url: 'https://shop.test/products/blue-shirt' })).payload).toEqual(derived.payload);
    // A malformed percent-escape is a URL like any other, not a server error.
    expect((await a.request('get_url_info', { url: 'https://shop.test/p/50%off' })).payload).toMatchObject({ title: '50%off · shop.test' });
  });

  it('refuses what is not an http(s) URL, and answers not_found for unreachable (.invalid) hosts', async () => {
    const { a } = await twoTabs();
    for (const url of ['not a url', 'ftp://files.test/x', '']) {
      expect(errorOf(await a.request('get_url_info', { url }))).toMatchObject({ type: 'validation', message: expect.stringContaining('url') });
    }
    expect(errorOf(await a.request('get_url_info', { url: 'https://down.invalid/page' }))).toMatchObject({ type: 'not_found' });
  });
});

describe('group statuses', () => {
  it('the agent sets a group’s status: groups_status_updated reaches that group’s customers; statuses and the login follow it', async () => {
    const org = randomOrg();
    const inZero = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org))).client;
    const inTwo = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org), { group_id: 2 })).client;

    const res = await agent('group_status', { organization_id: org, group_id: 2, status: 'offline' });
    expect(res).toEqual({ status: 200, body: { group_id: 2, status: 'offline', delivered: 1 } });
    expect((await inTwo.push('groups_status_updated')).payload).toEqual({ groups: [{ id: 2, status: 'offline' }] });
    expect(await inZero.quietFor(50, (f) => f.action === 'groups_status_updated')).toEqual([]);
    // The same status again is no news.
    expect((await agent('group_status', { organization_id: org, group_id: 2, status: 'offline' })).body.delivered).toBe(0);

    expect((await inZero.request('list_group_statuses', { all: true })).payload).toEqual({ groups_status: { '0': 'online', '2': 'offline' } });
    expect((await inZero.request('list_group_statuses', { group_ids: [2, 5] })).payload).toEqual({ groups_status: { '2': 'offline', '5': 'online' } });
    const relogin = track(await connect(env.emulator.url, await newCustomer(env.emulator.url, org), { group_id: 2 })).login;
    expect(relogin.payload.__priv_dynamic_config.online_groups_ids).toEqual([0]);

    // A live chat needs an online group; a continuous one does not.
    expect(errorOf(await inTwo.request('start_chat', { chat: { access: { group_ids: [2] } } }))).toMatchObject({ type: 'groups_offline' });
    expect((await inTwo.request('start_chat', { continuous: true, chat: { access: { group_ids: [2] } } })).success).toBe(true);

    await agent('group_status', { organization_id: org, group_id: 2, status: 'online_for_queue' });
    expect((await inTwo.next((f) => f.action === 'groups_status_updated' && f.payload.groups[0].status === 'online_for_queue')).payload).toEqual({
      groups: [{ id: 2, status: 'online_for_queue' }],
    });
    expect((await agent('group_status', { organization_id: org, group_id: 2, status: 'away' })).status).toBe(400);
  });
});

describe('send_rich_message_postback', () => {
  it('answers {}, pushes incoming_rich_message_postback to every tab while the thread is active, toggles the button user_ids; validates', async () => {
    const { org, alice, a, b } = await twoTabs();
    const start = await a.request('start_chat');
    const { chat_id, thread_id } = start.payload;
    const card = { type: 'rich_message', template_id: 'cards', elements: [{ title: 'Yes or no?', buttons: [{ type: 'message', text: 'Yes', postback_id: 'action_yes' }] }] };
    const { body } = await agent('send_event', { organization_id: org, chat_id, event: card });
    const postback = { id: 'action_yes', toggled: true };

    const res = await b.request('send_rich_message_postback', { chat_id, thread_id, event_id: body.event_id, postback });
    expect(res).toMatchObject({ success: true, payload: {} });
    const expected = { user_id: alice.customerId, chat_id, thread_id, event_id: body.event_id, postback };
    expect(await b.push('incoming_rich_message_postback')).toMatchObject({ request_id: res.request_id, payload: expected });
    expect((await a.push('incoming_rich_message_postback')).payload).toEqual(expected);

    expect(errorOf(await a.request('send_rich_message_postback', { chat_id, thread_id, event_id: body.event_id, postback: { id: 'x' } }))).toMatchObject({
      message: expect.stringContaining('postback.toggled'),
    });
    expect(errorOf(await a.request('send_rich_message_postback', { chat_id, thread_id, event_id: 'nope', postback }))).toMatchObject({ type: 'not_found' });
    expect(errorOf(await a.request('send_rich_message_postback', { chat_id, thread_id, event_id: `${thread_id}_0`, postback }))).toMatchObject({ type: 'not_found' });

    // The button names who toggled it on, once, and forgets them when they toggle it off.
    const userIds = async () => (await a.request('get_chat', { chat_id })).payload.thread.events[0].elements[0].buttons[0].user_ids;
    expect(await userIds()).toEqual([alice.customerId]);
    await a.request('send_rich_message_postback', { chat_id, thread_id, event_id: body.event_id, postback });
    expect(await userIds()).toEqual([alice.customerId]);
    await a.request('send_rich_message_postback', { chat_id, thread_id, event_id: body.event_id, postback: { id: 'action_yes', toggled: false } });
    expect(await userIds()).toEqual([]);
    for (const toggled of [true, false]) expect((await b.push('incoming_rich_message_postback')).payload.postback).toEqual({ id: 'action_yes', toggled });

    // A closed thread takes the postback, but there is no one to tell.
    await a.request('deactivate_chat', { id: chat_id });
    expect((await a.request('send_rich_message_postback', { chat_id, thread_id, event_id: body.event_id, postback })).success).toBe(true);
    expect(await b.quietFor(50, (f) => f.action === 'incoming_rich_message_postback')).toEqual([]);
  });
});
