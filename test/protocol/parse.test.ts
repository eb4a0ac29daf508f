import { describe, it, expect } from 'vitest';
import { parseChat, parseCustomer, parseDisconnected, parseListChats, parseLoginResponse, parseSessionFields, parseThread, parseUser } from '../../src/protocol/parse';
import { parseGreeting } from '../../src/protocol/parse-engagement';
import { parseEvent } from '../../src/protocol/parse-events';
import { ProtocolError } from '../../src/protocol/wire-values';
import type { ChatEvent } from '../../src/shared/types';

type Json = Record<string, unknown>;

/** A recorded frame as it arrives on the socket: parsed from its JSON text. */
function frame(text: string): { payload: Json } {
  return JSON.parse(text) as { payload: Json };
}

function asType<T extends ChatEvent['type']>(event: ChatEvent | null, type: T): Extract<ChatEvent, { type: T }> {
  expect(event).not.toBeNull();
  expect(event?.type).toBe(type);
  return event as Extract<ChatEvent, { type: T }>;
}

// wire-protocol.md §5.2, "Minimal response that 4.0.2 accepts".
const MINIMAL_LOGIN = `{"request_id":"har70tvmpc8","action":"login","type":"response","success":true,"payload":{
  "customer":{"id":"a0c2…","type":"customer","statistics":{"chats_count":0,"threads_count":0,"visits_count":1,
              "page_views_count":1,"greetings_shown_count":0,"greetings_accepted_count":0}},
  "has_active_thread":false,
  "chats":[],
  "__priv_dynamic_config":{"online_groups_ids":[0],"customer_groups":{"monitoring":{"id":0}}}}}`;

const GREETING_WIRE = {
  id: 12,
  unique_id: 'Q10X0W041P',
  displayed_first_time: true,
  accepted: false,
  subtype: 'announcement',
  is_exit_intent: false,
  event: {
    id: 'Q10X0W041P_1',
    type: 'message',
    text: 'Hey, can I help you?',
    author_id: 'jane@example.com',
    created_at: '2026-05-12T10:00:00.000000Z',
  },
  agent: {
    id: 'jane@example.com',
    name: 'Jane',
    avatar: 'https://cdn.livechat-files.com/api/file/avatar.png',
    job_title: 'Support Agent',
    is_bot: false,
  },
};

describe('parseLoginResponse', () => {
  it('parses the minimal recorded login response: camelCase statistics, online availability, no greeting', () => {
    const connected = parseLoginResponse(frame(MINIMAL_LOGIN).payload);
    expect(connected).toStrictEqual({
      customer: {
        id: 'a0c2…',
        type: 'customer',
        sessionFields: {},
        statistics: {
          chatsCount: 0,
          threadsCount: 0,
          visitsCount: 1,
          pageViewsCount: 1,
          greetingsShownCount: 0,
          greetingsAcceptedCount: 0,
        },
      },
      availability: 'online',
    });
    expect(connected).not.toHaveProperty('greeting');
  });

  it('is offline when the monitoring group is not among the online groups', () => {
    const payload = frame(MINIMAL_LOGIN).payload;
    payload.__priv_dynamic_config = { online_groups_ids: [1, 2], customer_groups: { monitoring: { id: 0 } } };
    expect(parseLoginResponse(payload).availability).toBe('offline');
  });

  it('is online when a non-zero monitoring group is online', () => {
    const payload = frame(MINIMAL_LOGIN).payload;
    payload.__priv_dynamic_config = { online_groups_ids: [1, 7], customer_groups: { monitoring: { id: 7 } } };
    expect(parseLoginResponse(payload).availability).toBe('online');
  });

  it('is offline when online_groups_ids, customer_groups or the whole dynamic config is missing', () => {
    const noOnline = frame(MINIMAL_LOGIN).payload;
    noOnline.__priv_dynamic_config = { customer_groups: { monitoring: { id: 0 } } };
    expect(parseLoginResponse(noOnline).availability).toBe('offline');

    const noGroups = frame(MINIMAL_LOGIN).payload;
    noGroups.__priv_dynamic_config = { online_groups_ids: [0] };
    expect(parseLoginResponse(noGroups).availability).toBe('offline');

    const noConfig = frame(MINIMAL_LOGIN).payload;
    delete noConfig.__priv_dynamic_config;
    expect(parseLoginResponse(noConfig).availability).toBe('offline');
  });

  it('includes the parsed greeting when the response has one', () => {
    const payload = frame(MINIMAL_LOGIN).payload;
    payload.greeting = GREETING_WIRE;
    const connected = parseLoginResponse(payload);
    expect(connected.greeting?.uniqueId).toBe('Q10X0W041P');
    expect(connected.greeting?.agent.jobTitle).toBe('Support Agent');
    expect(connected.greeting?.event?.threadId).toBeNull();
  });

  it('throws ProtocolError when the customer is missing', () => {
    const payload = frame(MINIMAL_LOGIN).payload;
    delete payload.customer;
    expect(() => parseLoginResponse(payload)).toThrow(ProtocolError);
    expect(() => parseLoginResponse(null)).toThrow(ProtocolError);
  });
});

describe('parseCustomer / parseSessionFields', () => {
  it('folds session_fields into one object, keeping order and stringifying values', () => {
    expect(parseSessionFields([{ plan: 'pro' }, { ref: 'ad' }, { visits: 3 }])).toStrictEqual({
      plan: 'pro',
      ref: 'ad',
      visits: '3',
    });
    expect(Object.keys(parseSessionFields([{ b: '1' }, { a: '2' }]))).toEqual(['b', 'a']);
    expect(parseSessionFields(undefined)).toStrictEqual({});
    expect(parseSessionFields([null, 'x', { ok: 'yes' }])).toStrictEqual({ ok: 'yes' });
  });

  it('copies name, email and avatar only when present', () => {
    const full = parseCustomer({
      id: 'c1',
      type: 'customer',
      name: 'John',
      email: 'john@example.com',
      avatar: 'https://example.com/a.png',
      session_fields: [{ plan: 'pro' }],
      present: true,
    });
    expect(full).toStrictEqual({
      id: 'c1',
      type: 'customer',
      name: 'John',
      email: 'john@example.com',
      avatar: 'https://example.com/a.png',
      sessionFields: { plan: 'pro' },
      present: true,
    });

    const bare = parseCustomer({ id: 'c2', type: 'customer' });
    expect(bare).toStrictEqual({ id: 'c2', type: 'customer', sessionFields: {} });
    expect(bare).not.toHaveProperty('name');
    expect(bare).not.toHaveProperty('email');
    expect(bare).not.toHaveProperty('avatar');
    expect(bare).not.toHaveProperty('statistics');
  });

  it('defaults missing statistics counters to 0', () => {
    expect(parseCustomer({ id: 'c1', statistics: { chats_count: 4 } }).statistics).toStrictEqual({
      chatsCount: 4,
      threadsCount: 0,
      visitsCount: 0,
      pageViewsCount: 0,
      greetingsShownCount: 0,
      greetingsAcceptedCount: 0,
    });
  });

  it('throws ProtocolError for a non-object or a missing id', () => {
    expect(() => parseCustomer(null)).toThrow(ProtocolError);
    expect(() => parseCustomer([])).toThrow(ProtocolError);
    expect(() => parseCustomer({ type: 'customer' })).toThrow(ProtocolError);
    expect(() => parseCustomer({ id: 42 })).toThrow(ProtocolError);
  });
});

describe('parseUser', () => {
  it('maps an agent, job_title → jobTitle, dropping events_seen_up_to', () => {
    expect(
      parseUser({
        id: 'jane@example.com',
        type: 'agent',
        name: 'Jane',
        avatar: 'https://example.com/jane.png',
        job_title: 'Support Agent',
        present: true,
        events_seen_up_to: '2026-05-12T10:00:00.000000Z',
      }),
    ).toStrictEqual({
      id: 'jane@example.com',
      type: 'agent',
      name: 'Jane',
      avatar: 'https://example.com/jane.png',
      jobTitle: 'Support Agent',
      present: true,
    });
  });

  it('treats every non-customer type as an agent with empty-string defaults', () => {
    expect(parseUser({ id: 'bot-1', type: 'bot' })).toStrictEqual({
      id: 'bot-1',
      type: 'agent',
      name: '',
      avatar: '',
      jobTitle: '',
    });
    expect(parseUser({ id: 'x' }).type).toBe('agent');
  });

  it('parses a customer user as a customer', () => {
    expect(parseUser({ id: 'c1', type: 'customer', name: 'John', present: false })).toStrictEqual({
      id: 'c1',
      type: 'customer',
      name: 'John',
      sessionFields: {},
      present: false,
    });
  });

  it('throws ProtocolError for a non-object or a missing id', () => {
    expect(() => parseUser(null)).toThrow(ProtocolError);
    expect(() => parseUser(['agent'])).toThrow(ProtocolError);
    expect(() => parseUser({ type: 'agent', name: 'No id' })).toThrow(ProtocolError);
  });
});

describe('parseEvent', () => {
  const common = {
    id: 'QJ0B8Y1Q3Z_3',
    author_id: 'c1',
    created_at: '2026-05-12T10:00:01.123456Z',
  };

  it('parses a message with postback, custom_id and properties', () => {
    const event = parseEvent(
      {
        ...common,
        type: 'message',
        text: 'Yes',
        custom_id: 'c-42',
        properties: { lc2: { welcome_message: true } },
        postback: {
          id: 'action_yes',
          thread_id: 'QJ0B8Y1Q3Z',
          event_id: 'QJ0B8Y1Q3Z_2',
          type: 'message',
          value: 'yes',
        },
      },
      'QJ0B8Y1Q3Z',
    );
    expect(event).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_3',
      authorId: 'c1',
      createdAt: '2026-05-12T10:00:01.123456Z',
      threadId: 'QJ0B8Y1Q3Z',
      properties: { lc2: { welcome_message: true } },
      customId: 'c-42',
      type: 'message',
      text: 'Yes',
      postback: {
        id: 'action_yes',
        threadId: 'QJ0B8Y1Q3Z',
        eventId: 'QJ0B8Y1Q3Z_2',
        type: 'message',
        value: 'yes',
      },
    });
  });

  it('leaves customId and postback out when absent and defaults properties to {}', () => {
    const event = parseEvent({ ...common, type: 'message', text: 'Hi' }, 'T1');
    expect(event).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_3',
      authorId: 'c1',
      createdAt: '2026-05-12T10:00:01.123456Z',
      threadId: 'T1',
      properties: {},
      type: 'message',
      text: 'Hi',
    });
    expect(event).not.toHaveProperty('customId');
    expect(event).not.toHaveProperty('postback');
  });

  it('passes threadId through, including null', () => {
    expect(parseEvent({ ...common, type: 'message', text: 'x' }, null)?.threadId).toBeNull();
    expect(parseEvent({ ...common, type: 'custom' }, 'T9')?.threadId).toBe('T9');
  });

  it('echoes custom_id on every event type', () => {
    const types: Json[] = [
      { type: 'message', text: 'x' },
      { type: 'file', url: 'u' },
      { type: 'filled_form', form_id: 'f', fields: [] },
      { type: 'system_message', text: 't', system_message_type: 's' },
      { type: 'custom' },
    ];
    for (const specific of types) {
      expect(parseEvent({ ...common, ...specific, custom_id: 'cid-1' }, 'T')?.customId).toBe('cid-1');
    }
  });

  it('parses an image file with thumbnails scaled to fit 300 and 600 px (ceil, ratio kept)', () => {
    const event = parseEvent(
      {
        ...common,
        type: 'file',
        url: 'https://cdn.livechat-files.com/api/file/lc/att/1/photo.png',
        name: 'photo.png',
        content_type: 'image/png',
        size: 51200,
        width: 1000,
        height: 333,
        alternative_text: 'A cat',
        thumbnail_url: 'https://cdn.livechat-files.com/api/file/lc/att/1/photo_thumb.png',
        thumbnail2x_url: 'https://cdn.livechat-files.com/api/file/lc/att/1/photo_thumb2x.png',
      },
      'T1',
    );
    expect(event).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_3',
      authorId: 'c1',
      createdAt: '2026-05-12T10:00:01.123456Z',
      threadId: 'T1',
      properties: {},
      type: 'file',
      url: 'https://cdn.livechat-files.com/api/file/lc/att/1/photo.png',
      name: 'photo.png',
      contentType: 'image/png',
      width: 1000,
      height: 333,
      alternativeText: 'A cat',
      thumbnails: {
        // 333 × 0.3 = 99.9 → 100; 333 × 0.6 = 199.8 → 200
        default: { url: 'https://cdn.livechat-files.com/api/file/lc/att/1/photo_thumb.png', width: 300, height: 100 },
        high: { url: 'https://cdn.livechat-files.com/api/file/lc/att/1/photo_thumb2x.png', width: 600, height: 200 },
      },
    });
  });

  it('caps the longer side for portrait images', () => {
    const file = asType(
      parseEvent({ ...common, type: 'file', url: 'u', width: 401, height: 1000, thumbnail_url: 't', thumbnail2x_url: 't2' }, 'T'),
      'file',
    );
    // 401 × 0.3 = 120.3 → 121; 401 × 0.6 = 240.6 → 241
    expect(file.thumbnails?.default).toStrictEqual({ url: 't', width: 121, height: 300 });
    expect(file.thumbnails?.high).toStrictEqual({ url: 't2', width: 241, height: 600 });
  });

  it('never scales small images up', () => {
    const file = asType(parseEvent({ ...common, type: 'file', url: 'u', width: 200, height: 100 }, 'T'), 'file');
    expect(file.thumbnails).toStrictEqual({
      default: { url: '', width: 200, height: 100 },
      high: { url: '', width: 200, height: 100 },
    });
  });

  it('parses a non-image file without dimensions or thumbnails', () => {
    const event = parseEvent(
      {
        ...common,
        type: 'file',
        url: 'https://cdn.livechat-files.com/api/file/lc/att/2/report.pdf',
        name: 'report.pdf',
        content_type: 'application/pdf',
        size: 1234,
      },
      'T1',
    );
    expect(event).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_3',
      authorId: 'c1',
      createdAt: '2026-05-12T10:00:01.123456Z',
      threadId: 'T1',
      properties: {},
      type: 'file',
      url: 'https://cdn.livechat-files.com/api/file/lc/att/2/report.pdf',
      name: 'report.pdf',
      contentType: 'application/pdf',
    });
  });

  it('parses a form with authorId forced to "system", formType and raw fields', () => {
    const fields = [
      { type: 'header', id: '169', label: 'Welcome!' },
      { type: 'name', id: '170', label: 'Name:', required: false },
      { type: 'email', id: '171', label: 'E-mail:', required: true },
      { type: 'group_chooser', id: '172', label: 'Department', options: [{ id: '0', group_id: 1, label: 'Sales' }] },
    ];
    const event = parseEvent(
      { ...common, author_id: 'bot-1', type: 'form', form_id: '141', form_type: 'prechat', fields },
      'T1',
    );
    expect(event).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_3',
      authorId: 'system',
      createdAt: '2026-05-12T10:00:01.123456Z',
      threadId: 'T1',
      properties: {},
      type: 'form',
      formId: '141',
      formType: 'prechat',
      fields,
    });
  });

  it('parses a filled_form: keeps the author, formType, group_chooser answer group_id → groupId', () => {
    const event = parseEvent(
      {
        ...common,
        type: 'filled_form',
        form_id: '141',
        form_type: 'prechat',
        fields: [
          { type: 'name', id: '170', label: 'Name:', answer: 'John' },
          { type: 'group_chooser', id: '172', label: 'Department', answer: { id: '0', group_id: 2, label: 'Sales' } },
          { type: 'checkbox', id: '173', label: 'Topics', answers: [{ id: '0', label: 'Billing' }] },
          { type: 'radio', id: '174', label: 'How?', answer: { id: '1', label: 'Google' } },
        ],
      },
      'T1',
    );
    const form = asType(event, 'filled_form');
    expect(form.authorId).toBe('c1');
    expect(form.formId).toBe('141');
    expect(form.formType).toBe('prechat');
    expect(form.fields).toStrictEqual([
      { type: 'name', id: '170', label: 'Name:', answer: 'John' },
      { type: 'group_chooser', id: '172', label: 'Department', answer: { id: '0', label: 'Sales', groupId: 2 } },
      { type: 'checkbox', id: '173', label: 'Topics', answers: [{ id: '0', label: 'Billing' }] },
      { type: 'radio', id: '174', label: 'How?', answer: { id: '1', label: 'Google' } },
    ]);
  });

  it('leaves formType out when the wire has no form_type', () => {
    const form = asType(parseEvent({ ...common, type: 'filled_form', form_id: 'f', fields: [] }, 'T'), 'filled_form');
    expect(form).not.toHaveProperty('formType');
  });

  it('parses a cards rich message with every button type', () => {
    const event = parseEvent(
      {
        ...common,
        author_id: 'bot-1',
        type: 'rich_message',
        template_id: 'cards',
        elements: [
          {
            title: 'Our offer',
            subtitle: 'Pick one',
            image: {
              url: 'https://cdn.livechat-files.com/api/file/offer.png',
              name: 'offer.png',
              alternative_text: 'Offer',
            },
            buttons: [
              { type: 'url', text: 'Open', postback_id: 'open_url', user_ids: [], value: 'https://example.com', target: 'new' },
              {
                type: 'webview',
                text: 'Book',
                postback_id: 'book',
                user_ids: ['c1'],
                value: 'https://example.com/book',
                webview_height: 'tall',
                role: 'primary',
              },
              { type: 'cancel', text: 'Cancel', postback_id: 'cancel', user_ids: [], role: 'danger', value: 'ignored' },
              { type: 'message', text: 'Yes', postback_id: 'yes', user_ids: [], value: 'yes', target: 'new' },
              { type: 'phone', text: 'Call', postback_id: 'call', user_ids: [], value: '+48123456789', webview_height: 'full' },
              { text: 'Plain', postback_id: 'plain', user_ids: [] },
            ],
          },
        ],
      },
      'T1',
    );
    const rich = asType(event, 'rich_message');
    expect(rich.authorId).toBe('bot-1');
    expect(rich.template).toBe('cards');
    expect(rich.elements).toStrictEqual([
      {
        title: 'Our offer',
        subtitle: 'Pick one',
        image: { url: 'https://cdn.livechat-files.com/api/file/offer.png', name: 'offer.png', alternativeText: 'Offer' },
        buttons: [
          {
            type: 'url',
            text: 'Open',
            postbackId: 'open_url',
            userIds: [],
            role: 'default',
            value: 'https://example.com',
            target: 'new',
          },
          {
            type: 'webview',
            text: 'Book',
            postbackId: 'book',
            userIds: ['c1'],
            role: 'primary',
            value: 'https://example.com/book',
            webviewHeight: 'tall',
          },
          { type: 'cancel', text: 'Cancel', postbackId: 'cancel', userIds: [], role: 'danger' },
          { type: 'message', text: 'Yes', postbackId: 'yes', userIds: [], role: 'default', value: 'yes' },
          { type: 'phone', text: 'Call', postbackId: 'call', userIds: [], role: 'default', value: '+48123456789' },
          { text: 'Plain', postbackId: 'plain', userIds: [], role: 'default' },
        ],
      },
    ]);
  });

  it('parses quick_replies, sticker and ecommerce templates', () => {
    const quick = asType(
      parseEvent(
        {
          ...common,
          type: 'rich_message',
          template_id: 'quick_replies',
          elements: [
            {
              title: 'Rate us',
              buttons: [{ type: 'message', text: 'Good', postback_id: 'good', user_ids: [], value: 'good' }],
            },
          ],
        },
        'T1',
      ),
      'rich_message',
    );
    expect(quick.template).toBe('quick_replies');
    expect(quick.elements).toStrictEqual([
      {
        title: 'Rate us',
        buttons: [{ type: 'message', text: 'Good', postbackId: 'good', userIds: [], role: 'default', value: 'good' }],
      },
    ]);

    const sticker = asType(
      parseEvent(
        { ...common, type: 'rich_message', template_id: 'sticker', elements: [{ image: { url: 'https://cdn/s.gif' } }] },
        'T1',
      ),
      'rich_message',
    );
    expect(sticker.template).toBe('sticker');
    expect(sticker.elements).toStrictEqual([{ image: { url: 'https://cdn/s.gif' } }]);

    const ecommerce = {
      view_type: 'swatch',
      product_id: 'p1',
      label: 'Color',
      options: [{ option_id: 'o1', label: 'Red', price: '10.00', currency: 'USD' }],
    };
    const shop = asType(
      parseEvent(
        { ...common, type: 'rich_message', template_id: 'ecommerce', elements: [{ title: 'Shoe', ecommerce }] },
        'T1',
      ),
      'rich_message',
    );
    expect(shop.template).toBe('ecommerce');
    expect(shop.elements).toStrictEqual([{ title: 'Shoe', ecommerce }]);
  });

  it('drops rich messages with an unknown or missing template', () => {
    expect(parseEvent({ ...common, type: 'rich_message', template_id: 'carousel', elements: [] }, 'T')).toBeNull();
    expect(parseEvent({ ...common, type: 'rich_message', elements: [] }, 'T')).toBeNull();
  });

  it('parses a system_message with authorId "system" and textVars', () => {
    const event = parseEvent(
      {
        id: 'QJ0B8Y1Q3Z_4',
        type: 'system_message',
        created_at: '2026-05-12T10:00:02.000000Z',
        text: 'Jane joined the chat',
        system_message_type: 'routing.assigned',
        text_vars: { agent: 'Jane' },
        recipients: 'all',
      },
      'QJ0B8Y1Q3Z',
    );
    expect(event).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_4',
      authorId: 'system',
      createdAt: '2026-05-12T10:00:02.000000Z',
      threadId: 'QJ0B8Y1Q3Z',
      properties: {},
      type: 'system_message',
      text: 'Jane joined the chat',
      systemMessageType: 'routing.assigned',
      textVars: { agent: 'Jane' },
    });
    const withoutVars = asType(
      parseEvent({ ...common, type: 'system_message', text: 't', system_message_type: 's' }, 'T'),
      'system_message',
    );
    expect(withoutVars.authorId).toBe('system');
    expect(withoutVars).not.toHaveProperty('textVars');
  });

  it('parses a custom event with and without content', () => {
    const content = { kind: 'poll', options: [1, 2] };
    expect(parseEvent({ ...common, type: 'custom', content }, 'T')).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_3',
      authorId: 'c1',
      createdAt: '2026-05-12T10:00:01.123456Z',
      threadId: 'T',
      properties: {},
      type: 'custom',
      content,
    });
    expect(parseEvent({ ...common, type: 'custom' }, 'T')).not.toHaveProperty('content');
  });

  it('returns null for unknown event types', () => {
    expect(
      parseEvent({ ...common, type: 'system', source: 'x', subtype: 'y', version: '1', details: '{}' }, 'T'),
    ).toBeNull();
    expect(parseEvent({ ...common, type: 'annotation' }, 'T')).toBeNull();
    expect(parseEvent({ ...common }, 'T')).toBeNull();
  });

  it('throws ProtocolError (not TypeError) for a non-object event', () => {
    expect(() => parseEvent(null, 'T')).toThrow(ProtocolError);
    expect(() => parseEvent([{ type: 'message' }], 'T')).toThrow(ProtocolError);
    expect(() => parseEvent('message', 'T')).toThrow(ProtocolError);
    expect(() => parseEvent(undefined, 'T')).toThrow(ProtocolError);
  });

  it('tolerates wrongly typed optional fields with defaults', () => {
    const event = asType(
      parseEvent({ type: 'message', id: 5, text: 7, properties: ['x'], custom_id: 1, postback: { id: 3 } }, 'T'),
      'message',
    );
    expect(event).toStrictEqual({
      id: '',
      authorId: '',
      createdAt: '',
      threadId: 'T',
      properties: {},
      type: 'message',
      text: '',
    });
  });
});

// An `incoming_chat` push as the server sends it for a started chat (wire-protocol §7.3 / §8.1).
const INCOMING_CHAT = `{"version":"3.6","action":"incoming_chat","type":"push","request_id":"k3j2x9q0a1","payload":{
  "chat":{
    "id":"PJ0MRSHTDG",
    "users":[
      {"id":"c1","type":"customer","name":"John","present":true,"events_seen_up_to":"2026-05-12T10:00:01.123456Z",
       "session_fields":[{"plan":"pro"}]},
      {"id":"jane@example.com","type":"agent","name":"Jane","avatar":"https://example.com/jane.png",
       "job_title":"Support Agent","present":true}
    ],
    "access":{"group_ids":[2]},
    "properties":{"routing":{"continuous":false}},
    "thread":{
      "id":"QJ0B8Y1Q3Z",
      "active":true,
      "created_at":"2026-05-12T10:00:00.000000Z",
      "user_ids":["c1","jane@example.com"],
      "access":{"group_ids":[2]},
      "properties":{"routing":{"idle":false}},
      "previous_thread_id":"QJ0B8Y1Q3A",
      "queue":{"position":3,"wait_time":120,"queued_at":"2026-05-12T10:00:00.500000Z"},
      "events":[
        {"id":"QJ0B8Y1Q3Z_1","type":"message","text":"first","author_id":"c1","created_at":"2026-05-12T10:00:01.123456Z"},
        {"id":"QJ0B8Y1Q3Z_2","type":"system","source":"x","subtype":"y","version":"1","details":"{}","created_at":"2026-05-12T10:00:01.200000Z"},
        {"id":"QJ0B8Y1Q3Z_3","type":"rich_message","template_id":"carousel","elements":[],"author_id":"bot","created_at":"2026-05-12T10:00:01.300000Z"},
        {"id":"QJ0B8Y1Q3Z_4","type":"system_message","text":"Jane joined","system_message_type":"routing.assigned","created_at":"2026-05-12T10:00:02.000000Z"}
      ]
    }
  }}}`;

describe('parseThread', () => {
  it('maps the recorded thread, removing unknown event types and stamping threadId', () => {
    const wire = (frame(INCOMING_CHAT).payload.chat as Json).thread;
    const thread = parseThread(wire, 'PJ0MRSHTDG');
    expect(thread).toMatchObject({
      id: 'QJ0B8Y1Q3Z',
      chatId: 'PJ0MRSHTDG',
      active: true,
      access: { groupIds: [2] },
      createdAt: '2026-05-12T10:00:00.000000Z',
      userIds: ['c1', 'jane@example.com'],
      properties: { routing: { idle: false } },
      previousThreadId: 'QJ0B8Y1Q3A',
      nextThreadId: null,
      queue: { position: 3, waitTime: 120, queuedAt: '2026-05-12T10:00:00.500000Z' },
    });
    expect(thread.events.map((event) => event.id)).toEqual(['QJ0B8Y1Q3Z_1', 'QJ0B8Y1Q3Z_4']);
    expect(thread.events.every((event) => event.threadId === 'QJ0B8Y1Q3Z')).toBe(true);
  });

  it('applies the documented defaults to a bare thread', () => {
    expect(parseThread({ id: 'T1' }, 'C1')).toStrictEqual({
      id: 'T1',
      chatId: 'C1',
      active: false,
      access: {},
      createdAt: '',
      userIds: [],
      events: [],
      properties: {},
      previousThreadId: null,
      nextThreadId: null,
      queue: null,
    });
  });

  it('parses a queue without queued_at, and ignores a queue without a position', () => {
    expect(parseThread({ id: 'T1', queue: { position: 0, wait_time: 30 } }, 'C').queue).toStrictEqual({
      position: 0,
      waitTime: 30,
    });
    expect(parseThread({ id: 'T1', queue: { wait_time: 30 } }, 'C').queue).toBeNull();
    expect(parseThread({ id: 'T1', queue: { position: 1 } }, 'C').queue).toStrictEqual({ position: 1, waitTime: 0 });
  });

  it('keeps only numeric group ids and string user ids', () => {
    const thread = parseThread({ id: 'T1', access: { group_ids: [1, '2', null] }, user_ids: ['a', 3] }, 'C');
    expect(thread.access).toStrictEqual({ groupIds: [1] });
    expect(thread.userIds).toEqual(['a']);
  });

  it('throws ProtocolError for a non-object or a missing id', () => {
    expect(() => parseThread(null, 'C')).toThrow(ProtocolError);
    expect(() => parseThread([], 'C')).toThrow(ProtocolError);
    expect(() => parseThread({ active: true }, 'C')).toThrow(ProtocolError);
  });
});

describe('parseChat', () => {
  it('maps the recorded incoming_chat chat', () => {
    const chat = parseChat(frame(INCOMING_CHAT).payload.chat);
    expect(chat.id).toBe('PJ0MRSHTDG');
    expect(chat.access).toStrictEqual({ groupIds: [2] });
    expect(chat.properties).toStrictEqual({ routing: { continuous: false } });
    expect(chat.users).toStrictEqual([
      { id: 'c1', type: 'customer', name: 'John', sessionFields: { plan: 'pro' }, present: true },
      {
        id: 'jane@example.com',
        type: 'agent',
        name: 'Jane',
        avatar: 'https://example.com/jane.png',
        jobTitle: 'Support Agent',
        present: true,
      },
    ]);
    expect(chat.eventsSeenUpToMap).toStrictEqual({
      c1: '2026-05-12T10:00:01.123456Z',
      'jane@example.com': null,
    });
    expect(chat.thread?.id).toBe('QJ0B8Y1Q3Z');
    expect(chat.thread?.chatId).toBe('PJ0MRSHTDG');
  });

  it('has thread null and the defaults when the chat has no thread', () => {
    expect(parseChat({ id: 'C1' })).toStrictEqual({
      id: 'C1',
      access: {},
      users: [],
      properties: {},
      eventsSeenUpToMap: {},
      thread: null,
    });
  });

  it('throws ProtocolError for malformed chats and users', () => {
    expect(() => parseChat(null)).toThrow(ProtocolError);
    expect(() => parseChat([{ id: 'C1' }])).toThrow(ProtocolError);
    expect(() => parseChat({ users: [] })).toThrow(ProtocolError);
    expect(() => parseChat({ id: 'C1', users: [null] })).toThrow(ProtocolError);
    expect(() => parseChat({ id: 'C1', users: [{ type: 'agent' }] })).toThrow(ProtocolError);
    expect(() => parseChat({ id: 'C1', thread: { active: true } })).toThrow(ProtocolError);
  });
});

describe('parseListChats', () => {
  const customer = { id: 'c1', type: 'customer', events_seen_up_to: '2026-05-12T10:06:00.000000Z' };
  const jane = { id: 'jane@example.com', type: 'agent', name: 'Jane', job_title: 'Support' };
  const bob = { id: 'bob@example.com', type: 'agent', name: 'Bob' };

  const response = {
    chats_summary: [
      {
        id: 'C2',
        active: true,
        access: { group_ids: [0] },
        properties: { routing: { continuous: false } },
        users: [customer, jane],
        last_thread_id: 'T2',
        last_thread_created_at: '2026-05-12T10:00:00.000000Z',
        last_event_per_type: {
          filled_form: {
            thread_id: 'T1',
            thread_created_at: '2026-05-11T09:00:00.000000Z',
            event: { id: 'T1_1', type: 'filled_form', form_id: 'f', fields: [], created_at: '2026-05-11T09:00:01.000000Z' },
          },
          message: {
            thread_id: 'T2',
            thread_created_at: '2026-05-12T10:00:00.000000Z',
            event: { id: 'T2_1', type: 'message', text: 'hi', author_id: 'c1', created_at: '2026-05-12T10:05:00.000000Z' },
          },
          system_message: {
            thread_id: 'T2',
            thread_created_at: '2026-05-12T10:00:00.000000Z',
            event: {
              id: 'T2_2',
              type: 'system_message',
              text: 'Chat closed',
              system_message_type: 'manual_archived_customer',
              created_at: '2026-05-12T10:06:00.000000Z',
            },
          },
          system: {
            thread_id: 'T2',
            thread_created_at: '2026-05-12T10:00:00.000000Z',
            event: { id: 'T2_3', type: 'system', created_at: '2026-05-12T10:07:00.000000Z' },
          },
        },
      },
      {
        id: 'C1',
        active: false,
        users: [customer, bob],
        last_thread_id: 'T0',
        last_thread_created_at: '2026-05-10T08:00:00.000000Z',
      },
    ],
    total_chats: 2,
    next_page_id: 'MTUxNzM5ODEzMTQ5Nw==',
  };

  it('parses summaries, dedups users across summaries and keeps server order', () => {
    const result = parseListChats(response);
    expect(result.chatsSummary.map((summary) => summary.id)).toEqual(['C2', 'C1']);
    expect(result.totalChats).toBe(2);
    expect(result.users.map((user) => user.id)).toEqual(['c1', 'jane@example.com', 'bob@example.com']);
    expect(result.previousPageId).toBeNull();
    expect(result.nextPageId).toBe('MTUxNzM5ODEzMTQ5Nw==');
  });

  it('maps one summary with lastEventsPerType (unknown types dropped) and eventsSeenUpToMap', () => {
    const [first] = parseListChats(response).chatsSummary;
    expect(first).toMatchObject({
      id: 'C2',
      active: true,
      access: { groupIds: [0] },
      properties: { routing: { continuous: false } },
      lastThreadId: 'T2',
      lastThreadCreatedAt: '2026-05-12T10:00:00.000000Z',
      eventsSeenUpToMap: { c1: '2026-05-12T10:06:00.000000Z', 'jane@example.com': null },
    });
    expect(Object.keys(first?.lastEventsPerType ?? {}).sort()).toEqual(['filled_form', 'message', 'system_message']);
    // Each entry takes its thread id from the entry, not from the summary.
    expect(first?.lastEventsPerType?.filled_form?.threadId).toBe('T1');
    expect(first?.lastEventsPerType?.message?.threadId).toBe('T2');
  });

  it('picks the newest event as lastEvent: later event within the same thread', () => {
    const [first] = parseListChats(response).chatsSummary;
    expect(first?.lastEvent?.id).toBe('T2_2');
    expect(first?.lastEvent?.type).toBe('system_message');
  });

  it('prefers the later thread over a later event timestamp in an older thread', () => {
    const result = parseListChats({
      chats_summary: [
        {
          id: 'C1',
          last_event_per_type: {
            message: {
              thread_id: 'OLD',
              thread_created_at: '2026-05-01T00:00:00.000000Z',
              event: { id: 'OLD_9', type: 'message', text: 'old', created_at: '2026-05-20T00:00:00.000000Z' },
            },
            custom: {
              thread_id: 'NEW',
              thread_created_at: '2026-05-02T00:00:00.000000Z',
              event: { id: 'NEW_1', type: 'custom', created_at: '2026-05-02T00:00:01.000000Z' },
            },
          },
        },
      ],
    });
    expect(result.chatsSummary[0]?.lastEvent?.id).toBe('NEW_1');
  });

  it('leaves lastEvent and lastEventsPerType out without last_event_per_type', () => {
    const second = parseListChats(response).chatsSummary[1];
    expect(second).not.toHaveProperty('lastEventsPerType');
    expect(second).not.toHaveProperty('lastEvent');
    expect(second?.access).toStrictEqual({});
    expect(second?.properties).toStrictEqual({});
  });

  it('defaults page ids to null, totalChats to the count, and tolerates a missing chats_summary', () => {
    expect(parseListChats({ chats_summary: [{ id: 'C1' }] })).toMatchObject({
      totalChats: 1,
      previousPageId: null,
      nextPageId: null,
    });
    expect(parseListChats({ chats_summary: [{ id: 'C1' }] }).chatsSummary[0]).toMatchObject({
      active: false,
      lastThreadId: null,
      lastThreadCreatedAt: null,
      users: [],
    });
    expect(parseListChats({})).toStrictEqual({
      chatsSummary: [],
      totalChats: 0,
      users: [],
      previousPageId: null,
      nextPageId: null,
    });
  });

  it('throws ProtocolError for a malformed response or summary', () => {
    expect(() => parseListChats(null)).toThrow(ProtocolError);
    expect(() => parseListChats([])).toThrow(ProtocolError);
    expect(() => parseListChats({ chats_summary: [null] })).toThrow(ProtocolError);
    expect(() => parseListChats({ chats_summary: [{ active: true }] })).toThrow(ProtocolError);
    expect(() => parseListChats({ chats_summary: [{ id: 'C1', users: [{ type: 'agent' }] }] })).toThrow(ProtocolError);
  });
});

describe('parseGreeting', () => {
  it('maps the wire greeting (§9.8)', () => {
    expect(parseGreeting(GREETING_WIRE)).toStrictEqual({
      id: 12,
      text: 'Hey, can I help you?',
      uniqueId: 'Q10X0W041P',
      displayedFirstTime: true,
      accepted: false,
      subtype: 'announcement',
      addon: null,
      event: {
        id: 'Q10X0W041P_1',
        authorId: 'jane@example.com',
        createdAt: '2026-05-12T10:00:00.000000Z',
        threadId: null,
        properties: {},
        type: 'message',
        text: 'Hey, can I help you?',
      },
      agent: {
        id: 'jane@example.com',
        name: 'Jane',
        avatar: 'https://cdn.livechat-files.com/api/file/avatar.png',
        jobTitle: 'Support Agent',
        isBot: false,
      },
    });
  });

  it('applies defaults: subtype "greeting", accepted false, addon null, event null, isBot false', () => {
    expect(parseGreeting({ id: '7', unique_id: 'U1', agent: { id: 'bot-1', is_bot: true } })).toStrictEqual({
      id: 7,
      text: '',
      uniqueId: 'U1',
      displayedFirstTime: false,
      accepted: false,
      subtype: 'greeting',
      addon: null,
      event: null,
      agent: { id: 'bot-1', name: '', avatar: '', jobTitle: '', isBot: true },
    });
  });

  it('keeps the addon and parses a rich_message event', () => {
    const greeting = parseGreeting({
      ...GREETING_WIRE,
      addon: { type: 'coupon' },
      event: { type: 'rich_message', template_id: 'cards', elements: [{ title: 'Hi' }] },
    });
    expect(greeting.addon).toStrictEqual({ type: 'coupon' });
    expect(asType(greeting.event, 'rich_message').elements).toStrictEqual([{ title: 'Hi' }]);
  });

  it('throws ProtocolError without agent or unique_id', () => {
    expect(() => parseGreeting(null)).toThrow(ProtocolError);
    expect(() => parseGreeting({ ...GREETING_WIRE, agent: undefined })).toThrow(ProtocolError);
    expect(() => parseGreeting({ ...GREETING_WIRE, agent: {} })).toThrow(ProtocolError);
    expect(() => parseGreeting({ ...GREETING_WIRE, unique_id: undefined })).toThrow(ProtocolError);
  });
});

describe('parseDisconnected', () => {
  it('spreads data and adds the reason (recorded misdirected_connection push)', () => {
    const push = frame(
      '{"action":"customer_disconnected","type":"push","payload":{"reason":"misdirected_connection","data":{"region":"fra"}}}',
    );
    expect(parseDisconnected(push.payload)).toStrictEqual({ region: 'fra', reason: 'misdirected_connection' });
  });

  it('keeps the push reason over a reason inside data', () => {
    expect(parseDisconnected({ reason: 'customer_banned', data: { reason: 'other', until: 5 } })).toStrictEqual({
      reason: 'customer_banned',
      until: 5,
    });
  });

  it('gives just the reason without data, and internal_error without a reason', () => {
    expect(parseDisconnected({ reason: 'inactivity_timeout' })).toStrictEqual({ reason: 'inactivity_timeout' });
    expect(parseDisconnected({})).toStrictEqual({ reason: 'internal_error' });
    expect(parseDisconnected(null)).toStrictEqual({ reason: 'internal_error' });
    expect(parseDisconnected({ reason: 'x', data: ['a'] })).toStrictEqual({ reason: 'x' });
  });
});

describe('malformed input never escapes as a TypeError', () => {
  const parsers: Array<[string, (value: unknown) => unknown]> = [
    ['parseLoginResponse', parseLoginResponse],
    ['parseCustomer', parseCustomer],
    ['parseUser', parseUser],
    ['parseEvent', (value) => parseEvent(value, 'T')],
    ['parseThread', (value) => parseThread(value, 'C')],
    ['parseChat', parseChat],
    ['parseListChats', parseListChats],
    ['parseGreeting', parseGreeting],
  ];
  const garbage: unknown[] = [null, undefined, [], [1, 2], 'text', 42, true];

  for (const [name, parse] of parsers) {
    it(`${name} throws ProtocolError for null, arrays and primitives`, () => {
      for (const value of garbage) {
        let thrown: unknown;
        try {
          parse(value);
        } catch (error) {
          thrown = error;
        }
        expect(thrown, `${name}(${JSON.stringify(value)})`).toBeInstanceOf(ProtocolError);
      }
    });
  }
});
