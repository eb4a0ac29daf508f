/**
 * The v5 request methods beyond the first four: for each, the exact wire request (wire-protocol §7),
 * the SDK result from a recorded answer, and a VALIDATION error naming the field for bad input.
 */
import { describe, it, expect } from 'vitest';
import { SdkError } from '../../src/shared/errors';
import { buildCall, executeMethod, isMethodName, type Send } from '../../src/protocol/method-table';
import type { MethodName } from '../../src/shared/methods';
import { METHOD_NAMES } from '../../src/shared/method-names';
import { ProtocolError } from '../../src/protocol/wire-values';
import { validationError } from '../support/validation';

type Json = Record<string, unknown>;

interface Sent {
  action: string;
  payload: Json;
  resolvedBy?: string;
}

/** A `send` that records every request and answers with the next recorded payload (or throws it). */
function fakeSend(...answers: Array<Json | Error>): { send: Send; sent: Sent[] } {
  const sent: Sent[] = [];
  const send: Send = async (action, payload, resolvedBy) => {
    sent.push(resolvedBy ? { action, payload, resolvedBy } : { action, payload });
    const answer = answers.shift() ?? {};
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { send, sent };
}

/** Runs a method that must fail validation before sending anything; returns the error. */
async function rejectsBeforeSending(method: MethodName, params: unknown, field: string): Promise<SdkError> {
  const { send, sent } = fakeSend();
  const error = await executeMethod(method, params, send).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SdkError);
  expect(error).toMatchObject({ code: 'VALIDATION' });
  expect((error as SdkError).message).toContain(`"${field}"`);
  expect(sent).toEqual([]);
  return error as SdkError;
}

// ---- methods answered with `{}` and resolving `{ success: true }` --------------------------------

interface WriteCase {
  method: MethodName;
  params: Json;
  action: string;
  payload: Json;
  bad: Array<[params: unknown, field: string]>;
}

const WRITE_CASES: WriteCase[] = [
  {
    method: 'acceptGreeting',
    params: { greetingId: 7, uniqueId: 'Q10X0W041P' },
    action: 'accept_greeting',
    payload: { greeting_id: 7, unique_id: 'Q10X0W041P' },
    bad: [
      [{ uniqueId: 'Q10X0W041P' }, 'greetingId'],
      [{ greetingId: '7', uniqueId: 'Q10X0W041P' }, 'greetingId'],
      [{ greetingId: 7 }, 'uniqueId'],
      [undefined, 'params'],
    ],
  },
  {
    method: 'cancelGreeting',
    params: { uniqueId: 'Q10X0W041P' },
    action: 'cancel_greeting',
    payload: { unique_id: 'Q10X0W041P' },
    bad: [
      [{}, 'uniqueId'],
      [{ uniqueId: 3 }, 'uniqueId'],
    ],
  },
  {
    method: 'deactivateChat',
    params: { id: 'ON0X0R0L67' },
    action: 'deactivate_chat',
    payload: { id: 'ON0X0R0L67' },
    bad: [
      [{ chatId: 'ON0X0R0L67' }, 'id'],
      ['ON0X0R0L67', 'params'],
    ],
  },
  {
    method: 'deleteChatProperties',
    params: { id: 'ON0X0R0L67', properties: { property_namespace: ['sample'] } },
    action: 'delete_chat_properties',
    payload: { id: 'ON0X0R0L67', properties: { property_namespace: ['sample'] } },
    bad: [
      [{ properties: { ns: ['a'] } }, 'id'],
      [{ id: 'C' }, 'properties'],
      [{ id: 'C', properties: { ns: 'a' } }, 'properties.ns'],
      [{ id: 'C', properties: { ns: ['a', 2] } }, 'properties.ns[1]'],
    ],
  },
  {
    method: 'deleteEventProperties',
    params: { chatId: 'ON0X0R0L67', threadId: 'OS0C0W0Z1B', eventId: 'Q50W0A0P0Y', properties: { property_namespace: ['sample'] } },
    action: 'delete_event_properties',
    payload: { chat_id: 'ON0X0R0L67', thread_id: 'OS0C0W0Z1B', event_id: 'Q50W0A0P0Y', properties: { property_namespace: ['sample'] } },
    bad: [
      [{ threadId: 'T', eventId: 'E', properties: {} }, 'chatId'],
      [{ chatId: 'C', eventId: 'E', properties: {} }, 'threadId'],
      [{ chatId: 'C', threadId: 'T', properties: {} }, 'eventId'],
      [{ chatId: 'C', threadId: 'T', eventId: 'E', properties: { ns: { a: 1 } } }, 'properties.ns'],
    ],
  },
  {
    method: 'deleteThreadProperties',
    params: { chatId: 'ON0X0R0L67', threadId: 'OS0C0W0Z1B', properties: { property_namespace: ['sample'] } },
    action: 'delete_thread_properties',
    payload: { chat_id: 'ON0X0R0L67', thread_id: 'OS0C0W0Z1B', properties: { property_namespace: ['sample'] } },
    bad: [
      [{ threadId: 'T', properties: {} }, 'chatId'],
      [{ chatId: 'C', properties: {} }, 'threadId'],
      [{ chatId: 'C', threadId: 'T' }, 'properties'],
    ],
  },
  {
    method: 'markEventsAsSeen',
    params: { chatId: 'ON0X0R0L67', seenUpTo: '2017-10-12T15:19:21.010200Z' },
    action: 'mark_events_as_seen',
    payload: { chat_id: 'ON0X0R0L67', seen_up_to: '2017-10-12T15:19:21.010200Z' },
    bad: [
      [{ seenUpTo: '2017-10-12T15:19:21.010200Z' }, 'chatId'],
      [{ chatId: 'C', seenUpTo: 1507821561 }, 'seenUpTo'],
    ],
  },
  {
    method: 'sendGreetingButtonClicked',
    params: { greetingUniqueId: 'Q10X0W041P', buttonId: '20ff0b3f-fbed-49f4-b13f-788c9ec66f03' },
    action: 'send_greeting_button_clicked',
    payload: { greeting_unique_id: 'Q10X0W041P', button_id: '20ff0b3f-fbed-49f4-b13f-788c9ec66f03' },
    bad: [
      [{ buttonId: 'b' }, 'greetingUniqueId'],
      [{ greetingUniqueId: 'g' }, 'buttonId'],
    ],
  },
  {
    method: 'sendRichMessagePostback',
    params: { chatId: 'ON0X0R0L67', threadId: 'OS0C0W0Z1B', eventId: 'OS0C0W0Z1B01', postback: { id: 'OS0C0W0Z1B01002', toggled: false } },
    action: 'send_rich_message_postback',
    payload: { chat_id: 'ON0X0R0L67', thread_id: 'OS0C0W0Z1B', event_id: 'OS0C0W0Z1B01', postback: { id: 'OS0C0W0Z1B01002', toggled: false } },
    bad: [
      [{ threadId: 'T', eventId: 'E', postback: { id: 'p' } }, 'chatId'],
      [{ chatId: 'C', threadId: 'T', eventId: 'E' }, 'postback'],
      [{ chatId: 'C', threadId: 'T', eventId: 'E', postback: { toggled: true } }, 'postback.id'],
      [{ chatId: 'C', threadId: 'T', eventId: 'E', postback: { id: 'p', toggled: 'yes' } }, 'postback.toggled'],
    ],
  },
  {
    method: 'setCustomerSessionFields',
    params: { sessionFields: { foo: 'bar', test: 'qwerty' } },
    action: 'set_customer_session_fields',
    payload: { session_fields: [{ foo: 'bar' }, { test: 'qwerty' }] },
    bad: [
      [{}, 'sessionFields'],
      [{ sessionFields: [{ foo: 'bar' }] }, 'sessionFields'],
      [{ sessionFields: { foo: 1 } }, 'sessionFields.foo'],
      [{ sessionFields: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) }, 'sessionFields'],
    ],
  },
  {
    method: 'updateChatProperties',
    params: { id: 'ON0X0R0L67', properties: { property_namespace: { sample: 'property' } } },
    action: 'update_chat_properties',
    payload: { id: 'ON0X0R0L67', properties: { property_namespace: { sample: 'property' } } },
    bad: [
      [{ properties: { ns: { a: 1 } } }, 'id'],
      [{ id: 'C', properties: 'x' }, 'properties'],
      [{ id: 'C', properties: { ns: ['a'] } }, 'properties.ns'],
    ],
  },
  {
    method: 'updateCustomer',
    params: { name: 'John Doe', email: 'john.doe@example.com', sessionFields: { custom_property: 'BasketValue=10usd', any_key_is_ok: 'x' } },
    action: 'update_customer',
    payload: {
      name: 'John Doe',
      email: 'john.doe@example.com',
      session_fields: [{ custom_property: 'BasketValue=10usd' }, { any_key_is_ok: 'x' }],
    },
    bad: [
      [{ name: 5 }, 'name'],
      [{ email: null }, 'email'],
      [{ avatar: {} }, 'avatar'],
      [{ sessionFields: { a: 1 } }, 'sessionFields.a'],
      [{}, 'params'],
    ],
  },
  {
    method: 'updateEventProperties',
    params: { chatId: 'ON0X0R0L67', threadId: 'OS0C0W0Z1B', eventId: 'Q50W0A0P0Y', properties: { property_namespace: { sample: 'property' } } },
    action: 'update_event_properties',
    payload: {
      chat_id: 'ON0X0R0L67',
      thread_id: 'OS0C0W0Z1B',
      event_id: 'Q50W0A0P0Y',
      properties: { property_namespace: { sample: 'property' } },
    },
    bad: [
      [{ chatId: 'C', threadId: 'T', properties: { ns: {} } }, 'eventId'],
      [{ chatId: 'C', threadId: 'T', eventId: 'E' }, 'properties'],
    ],
  },
  {
    method: 'updateThreadProperties',
    params: { chatId: 'ON0X0R0L67', threadId: 'OS0C0W0Z1B', properties: { property_namespace: { sample: 'property' } } },
    action: 'update_thread_properties',
    payload: { chat_id: 'ON0X0R0L67', thread_id: 'OS0C0W0Z1B', properties: { property_namespace: { sample: 'property' } } },
    bad: [
      [{ chatId: 'C', properties: { ns: {} } }, 'threadId'],
      [{ chatId: 'C', threadId: 'T', properties: { ns: 1 } }, 'properties.ns'],
    ],
  },
];

describe.each(WRITE_CASES)('$method', ({ method, params, action, payload, bad }) => {
  it(`sends ${action} with the exact payload and resolves { success: true }`, async () => {
    const { send, sent } = fakeSend({});
    const outcome = await executeMethod(method, params, send);
    expect(sent).toStrictEqual([{ action, payload }]);
    expect(outcome).toStrictEqual({ result: { success: true }, requesterEvents: [] });
    expect(buildCall(method, params)).toStrictEqual({ action, payload });
  });

  it('rejects bad input with VALIDATION naming the field, sending nothing', async () => {
    for (const [badParams, field] of bad) await rejectsBeforeSending(method, badParams, field);
  });

  it('passes a server error through unchanged', async () => {
    const { send } = fakeSend(new SdkError('NOT_FOUND', 'Chat not found'));
    await expect(executeMethod(method, params, send)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('write methods: details', () => {
  it('sendRichMessagePostback passes the postback through and defaults toggled to true', () => {
    const postback = { id: 'p1', button_type: 'url', button_value: 'https://x', ecommerce: { product_id: 'P' } };
    expect(buildCall('sendRichMessagePostback', { chatId: 'C', threadId: 'T', eventId: 'E', postback }).payload).toStrictEqual({
      chat_id: 'C',
      thread_id: 'T',
      event_id: 'E',
      postback: { ...postback, toggled: true },
    });
  });

  it('updateCustomer sends only the keys given', () => {
    expect(buildCall('updateCustomer', { avatar: 'https://a/b.png' }).payload).toStrictEqual({ avatar: 'https://a/b.png' });
    expect(buildCall('updateCustomer', { sessionFields: {} }).payload).toStrictEqual({ session_fields: [] });
  });
});

// ---- compound methods: list_threads, then a thread property request ---------------------------

const THREADS = { threads: [{ id: 'NEWEST', active: false, events: [] }, { id: 'OLDER', active: false, events: [] }], found_threads: 2 };

describe('rateChat', () => {
  it('lists threads, then sets the rating on threads[0]', async () => {
    const { send, sent } = fakeSend(THREADS, {});
    const outcome = await executeMethod('rateChat', { chatId: 'ON0X0R0L67', rating: { score: 1, comment: 'Agent helped me a lot!' } }, send);
    expect(sent).toStrictEqual([
      { action: 'list_threads', payload: { chat_id: 'ON0X0R0L67' } },
      {
        action: 'update_thread_properties',
        payload: { chat_id: 'ON0X0R0L67', thread_id: 'NEWEST', properties: { rating: { score: 1, comment: 'Agent helped me a lot!' } } },
      },
    ]);
    expect(outcome).toStrictEqual({ result: { success: true }, requesterEvents: [] });
  });

  it('sends no comment key without a comment', async () => {
    const { send, sent } = fakeSend(THREADS, {});
    await executeMethod('rateChat', { chatId: 'C', rating: { score: 0 } }, send);
    expect(sent[1]?.payload).toStrictEqual({ chat_id: 'C', thread_id: 'NEWEST', properties: { rating: { score: 0 } } });
  });

  it('fails with MISSING_CHAT_THREAD when the chat has no thread, sending nothing more', async () => {
    const { send, sent } = fakeSend({ threads: [], found_threads: 0 });
    const error = await executeMethod('rateChat', { chatId: 'C1', rating: { score: 1 } }, send).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SdkError);
    expect(error).toMatchObject({ code: 'MISSING_CHAT_THREAD', message: 'There is no thread in "C1".' });
    expect(sent).toHaveLength(1);
  });

  it('validates chatId, rating, rating.score and rating.comment before sending', async () => {
    await rejectsBeforeSending('rateChat', { rating: { score: 1 } }, 'chatId');
    await rejectsBeforeSending('rateChat', { chatId: 'C' }, 'rating');
    await rejectsBeforeSending('rateChat', { chatId: 'C', rating: { score: 5 } }, 'rating.score');
    await rejectsBeforeSending('rateChat', { chatId: 'C', rating: { score: '1' } }, 'rating.score');
    await rejectsBeforeSending('rateChat', { chatId: 'C', rating: { score: 1, comment: 3 } }, 'rating.comment');
  });

  it('is not a single request', () => {
    expect(() => buildCall('rateChat', { chatId: 'C', rating: { score: 1 } })).toThrow();
  });
});

describe('cancelRate', () => {
  it('lists threads, then deletes rating.score on threads[0] by default', async () => {
    const { send, sent } = fakeSend(THREADS, {});
    const outcome = await executeMethod('cancelRate', { chatId: 'ON0X0R0L67' }, send);
    expect(sent).toStrictEqual([
      { action: 'list_threads', payload: { chat_id: 'ON0X0R0L67' } },
      { action: 'delete_thread_properties', payload: { chat_id: 'ON0X0R0L67', thread_id: 'NEWEST', properties: { rating: ['score'] } } },
    ]);
    expect(outcome.result).toStrictEqual({ success: true });
  });

  it('deletes the named rating properties', async () => {
    const { send, sent } = fakeSend(THREADS, {});
    await executeMethod('cancelRate', { chatId: 'C', properties: ['score', 'comment'] }, send);
    expect(sent[1]?.payload).toStrictEqual({ chat_id: 'C', thread_id: 'NEWEST', properties: { rating: ['score', 'comment'] } });
  });

  it('fails with MISSING_CHAT_THREAD when the chat has no thread', async () => {
    const { send, sent } = fakeSend({ found_threads: 0 });
    await expect(executeMethod('cancelRate', { chatId: 'C2' }, send)).rejects.toMatchObject({ code: 'MISSING_CHAT_THREAD' });
    expect(sent).toHaveLength(1);
  });

  it('throws ProtocolError when the first thread has no id', async () => {
    const { send } = fakeSend({ threads: [{ active: true }] });
    await expect(executeMethod('cancelRate', { chatId: 'C' }, send)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('validates chatId and properties', async () => {
    await rejectsBeforeSending('cancelRate', {}, 'chatId');
    await rejectsBeforeSending('cancelRate', { chatId: 'C', properties: 'score' }, 'properties');
    await rejectsBeforeSending('cancelRate', { chatId: 'C', properties: ['score', 1] }, 'properties[1]');
  });
});

// ---- methods with a parsed result ---------------------------------------------------------------

const GET_CHAT_ANSWER = {
  id: 'PJ0MRSHTDG',
  access: { group_ids: [0] },
  properties: { routing: { continuous: false } },
  users: [
    { id: 'c1', type: 'customer', present: true, events_seen_up_to: '2026-05-12T10:00:02.000000Z' },
    { id: 'jane@example.com', type: 'agent', name: 'Jane', avatar: 'https://a/j.png', job_title: 'Support', present: true },
  ],
  thread: {
    id: 'QJ0B8Y1Q3Z',
    active: true,
    created_at: '2026-05-12T10:00:00.000000Z',
    user_ids: ['c1', 'jane@example.com'],
    events: [{ id: 'QJ0B8Y1Q3Z_1', type: 'message', text: 'hi', author_id: 'c1', created_at: '2026-05-12T10:00:01.000000Z' }],
    properties: {},
    access: { group_ids: [0] },
  },
};

describe('getChat', () => {
  it('sends get_chat with chat_id (and thread_id when given)', () => {
    expect(buildCall('getChat', { chatId: 'PJ0MRSHTDG' })).toStrictEqual({ action: 'get_chat', payload: { chat_id: 'PJ0MRSHTDG' } });
    expect(buildCall('getChat', { chatId: 'PJ0MRSHTDG', threadId: 'QJ0B8Y1Q3Z' }).payload).toStrictEqual({
      chat_id: 'PJ0MRSHTDG',
      thread_id: 'QJ0B8Y1Q3Z',
    });
  });

  it('resolves the parsed chat and gives the asker one user_data per user', async () => {
    const { send } = fakeSend(GET_CHAT_ANSWER);
    const { result, requesterEvents } = await executeMethod('getChat', { chatId: 'PJ0MRSHTDG' }, send);
    expect(result).toStrictEqual({
      id: 'PJ0MRSHTDG',
      access: { groupIds: [0] },
      users: [
        { id: 'c1', type: 'customer', sessionFields: {}, present: true },
        { id: 'jane@example.com', type: 'agent', name: 'Jane', avatar: 'https://a/j.png', jobTitle: 'Support', present: true },
      ],
      properties: { routing: { continuous: false } },
      eventsSeenUpToMap: { c1: '2026-05-12T10:00:02.000000Z', 'jane@example.com': null },
      thread: {
        id: 'QJ0B8Y1Q3Z',
        chatId: 'PJ0MRSHTDG',
        active: true,
        access: { groupIds: [0] },
        createdAt: '2026-05-12T10:00:00.000000Z',
        userIds: ['c1', 'jane@example.com'],
        events: [
          {
            id: 'QJ0B8Y1Q3Z_1',
            authorId: 'c1',
            createdAt: '2026-05-12T10:00:01.000000Z',
            threadId: 'QJ0B8Y1Q3Z',
            properties: {},
            type: 'message',
            text: 'hi',
          },
        ],
        properties: {},
        previousThreadId: null,
        nextThreadId: null,
        queue: null,
      },
    });
    expect(requesterEvents).toStrictEqual(
      result.users.map((user) => ({ name: 'user_data', payload: user.type === 'customer' ? { ...user, fields: user.sessionFields } : user })),
    );
  });

  it('gives thread null for a chat without a thread, and throws ProtocolError without a chat id', async () => {
    expect((await executeMethod('getChat', { chatId: 'C' }, fakeSend({ id: 'C', users: [] }).send)).result.thread).toBeNull();
    await expect(executeMethod('getChat', { chatId: 'C' }, fakeSend({}).send)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('validates chatId and threadId', async () => {
    await rejectsBeforeSending('getChat', {}, 'chatId');
    await rejectsBeforeSending('getChat', { chatId: 'C', threadId: 5 }, 'threadId');
  });
});

describe('getForm', () => {
  it('sends get_form {group_id, type}', () => {
    expect(buildCall('getForm', { groupId: 0, type: 'prechat' })).toStrictEqual({
      action: 'get_form',
      payload: { group_id: 0, type: 'prechat' },
    });
  });

  it('returns { enabled: false } for a disabled form', async () => {
    const { result } = await executeMethod('getForm', { groupId: 0, type: 'postchat' }, fakeSend({ enabled: false }).send);
    expect(result).toStrictEqual({ enabled: false });
  });

  it('maps group_chooser options group_id → groupId and rating comment_label → commentLabel', async () => {
    const answer = {
      enabled: true,
      form: {
        id: '156630109416307809',
        fields: [
          { id: '1', type: 'header', label: 'Welcome' },
          { id: '2', type: 'name', label: 'Name:', required: false },
          { id: '3', type: 'group_chooser', label: 'Department', options: [{ id: '0', label: 'Sales', group_id: 1 }] },
          { id: '4', type: 'rating', label: 'Rate us', comment_label: 'Comment' },
        ],
      },
    };
    const { result } = await executeMethod('getForm', { groupId: 0, type: 'prechat' }, fakeSend(answer).send);
    expect(result).toStrictEqual({
      enabled: true,
      form: {
        id: '156630109416307809',
        fields: [
          { id: '1', type: 'header', label: 'Welcome' },
          { id: '2', type: 'name', label: 'Name:', required: false },
          { id: '3', type: 'group_chooser', label: 'Department', options: [{ id: '0', label: 'Sales', groupId: 1 }] },
          { id: '4', type: 'rating', label: 'Rate us', commentLabel: 'Comment' },
        ],
      },
    });
  });

  it('gives legacy ticket forms (fields without ids) their index as id', async () => {
    const answer = { enabled: true, form: { id: 'T', fields: [{ type: 'email', label: 'E-mail' }, { type: 'subject', label: 'Subject' }] } };
    const { result } = await executeMethod('getForm', { groupId: 0, type: 'ticket' }, fakeSend(answer).send);
    expect(result).toStrictEqual({
      enabled: true,
      form: { id: 'T', fields: [{ id: '0', type: 'email', label: 'E-mail' }, { id: '1', type: 'subject', label: 'Subject' }] },
    });
  });

  it('throws ProtocolError for an enabled answer without a form', async () => {
    await expect(executeMethod('getForm', { groupId: 0, type: 'prechat' }, fakeSend({ enabled: true }).send)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('validates groupId and type', async () => {
    await rejectsBeforeSending('getForm', { type: 'prechat' }, 'groupId');
    await rejectsBeforeSending('getForm', { groupId: -1, type: 'prechat' }, 'groupId');
    await rejectsBeforeSending('getForm', { groupId: 0, type: 'survey' }, 'type');
  });
});

describe('getUrlInfo', () => {
  it('sends get_url_info {url}', () => {
    expect(buildCall('getUrlInfo', { url: 'https://www.livechat.com' })).toStrictEqual({
      action: 'get_url_info',
      payload: { url: 'https://www.livechat.com' },
    });
  });

  it('normalises imageUrl to https://, keeps sizes only as a pair and drops image_original_url', async () => {
    const answer = {
      url: 'https://www.livechat.com',
      title: 'LiveChat',
      description: 'Chat software',
      image_url: '//cdn.livechat.com/og.png',
      image_original_url: 'https://www.livechat.com/og.png',
      image_width: 1200,
      image_height: 630,
    };
    const { result } = await executeMethod('getUrlInfo', { url: 'https://www.livechat.com' }, fakeSend(answer).send);
    expect(result).toStrictEqual({
      url: 'https://www.livechat.com',
      title: 'LiveChat',
      description: 'Chat software',
      imageUrl: 'https://cdn.livechat.com/og.png',
      imageWidth: 1200,
      imageHeight: 630,
    });
  });

  it.each([
    ['http://cdn.x/a.png', 'https://cdn.x/a.png'],
    ['//cdn.x/a.png', 'https://cdn.x/a.png'],
    ['cdn.x/a.png', 'https://cdn.x/a.png'],
    ['https://cdn.x/a.png', 'https://cdn.x/a.png'],
  ])('imageUrl %s → %s', async (imageUrl, expected) => {
    const { result } = await executeMethod('getUrlInfo', { url: 'u' }, fakeSend({ url: 'u', image_url: imageUrl }).send);
    expect(result.imageUrl).toBe(expected);
  });

  it('leaves out empty title/description and a lone width', async () => {
    const { result } = await executeMethod('getUrlInfo', { url: 'u' }, fakeSend({ url: 'u', title: '', image_url: 'x/a.png', image_width: 5 }).send);
    expect(result).toStrictEqual({ url: 'u', imageUrl: 'https://x/a.png' });
    const noImage = await executeMethod('getUrlInfo', { url: 'u' }, fakeSend({ url: 'u', image_width: 5, image_height: 5 }).send);
    expect(noImage.result).toStrictEqual({ url: 'u' });
  });

  it('validates url', async () => {
    await rejectsBeforeSending('getUrlInfo', {}, 'url');
    await rejectsBeforeSending('getUrlInfo', { url: '' }, 'url');
  });
});

describe('listGroupStatuses', () => {
  it('sends {group_ids} when given, {all: true} otherwise', () => {
    expect(buildCall('listGroupStatuses', { groupIds: [3, 10] })).toStrictEqual({
      action: 'list_group_statuses',
      payload: { group_ids: [3, 10] },
    });
    expect(buildCall('listGroupStatuses', undefined).payload).toStrictEqual({ all: true });
    expect(buildCall('listGroupStatuses', {}).payload).toStrictEqual({ all: true });
  });

  it('returns the groups_status map unchanged', async () => {
    const statuses = { '3': 'online', '10': 'online_for_queue', '11': 'offline' };
    const { result } = await executeMethod('listGroupStatuses', { groupIds: [3, 10, 11] }, fakeSend({ groups_status: statuses }).send);
    expect(result).toStrictEqual(statuses);
    await expect(executeMethod('listGroupStatuses', undefined, fakeSend({}).send)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('validates groupIds', async () => {
    await rejectsBeforeSending('listGroupStatuses', { groupIds: 3 }, 'groupIds');
    await rejectsBeforeSending('listGroupStatuses', { groupIds: [3, 'x'] }, 'groupIds[1]');
    await rejectsBeforeSending('listGroupStatuses', { groupIds: [1.5] }, 'groupIds[0]');
  });
});

describe('listThreads', () => {
  it('sends chat_id with the optional sort_order, limit and min_events_count', () => {
    expect(buildCall('listThreads', { chatId: 'C' })).toStrictEqual({ action: 'list_threads', payload: { chat_id: 'C' } });
    expect(buildCall('listThreads', { chatId: 'C', sortOrder: 'asc', limit: 5 }).payload).toStrictEqual({
      chat_id: 'C',
      sort_order: 'asc',
      limit: 5,
    });
    expect(buildCall('listThreads', { chatId: 'C', minEventsCount: 25 }).payload).toStrictEqual({ chat_id: 'C', min_events_count: 25 });
  });

  it('sends only chat_id and page_id with a page id', () => {
    expect(buildCall('listThreads', { chatId: 'C', pageId: 'MTUxNzM5ODEzMTQ5Nw==' }).payload).toStrictEqual({
      chat_id: 'C',
      page_id: 'MTUxNzM5ODEzMTQ5Nw==',
    });
  });

  it('parses threads with the chat id asked about, and the page ids', async () => {
    const answer = {
      threads: [
        {
          id: 'T2',
          active: false,
          created_at: '2026-05-12T11:00:00.000000Z',
          user_ids: ['c1'],
          events: [{ id: 'T2_1', type: 'message', text: 'again', author_id: 'c1' }],
          queue: { position: 2, wait_time: 30, queued_at: '2026-05-12T11:00:00.000000Z' },
        },
      ],
      found_threads: 2,
      next_page_id: 'next',
    };
    const { result, requesterEvents } = await executeMethod('listThreads', { chatId: 'C' }, fakeSend(answer).send);
    expect(result.previousPageId).toBeNull();
    expect(result.nextPageId).toBe('next');
    expect(result.threads).toHaveLength(1);
    expect(result.threads[0]).toMatchObject({
      id: 'T2',
      chatId: 'C',
      active: false,
      userIds: ['c1'],
      queue: { position: 2, waitTime: 30, queuedAt: '2026-05-12T11:00:00.000000Z' },
      events: [{ id: 'T2_1', threadId: 'T2', type: 'message', text: 'again' }],
    });
    expect(requesterEvents).toEqual([]);
  });

  it('validates chatId, each option, and forbidden combinations', async () => {
    await rejectsBeforeSending('listThreads', {}, 'chatId');
    await rejectsBeforeSending('listThreads', { chatId: 'C', sortOrder: 'up' }, 'sortOrder');
    await rejectsBeforeSending('listThreads', { chatId: 'C', limit: 0 }, 'limit');
    await rejectsBeforeSending('listThreads', { chatId: 'C', limit: 101 }, 'limit');
    await rejectsBeforeSending('listThreads', { chatId: 'C', minEventsCount: 1.5 }, 'minEventsCount');
    await rejectsBeforeSending('listThreads', { chatId: 'C', limit: 3, minEventsCount: 3 }, 'limit');
    await rejectsBeforeSending('listThreads', { chatId: 'C', pageId: 'p', limit: 3 }, 'limit');
    await rejectsBeforeSending('listThreads', { chatId: 'C', pageId: 'p', sortOrder: 'asc' }, 'sortOrder');
    await rejectsBeforeSending('listThreads', { chatId: 'C', pageId: 7 }, 'pageId');
  });
});

describe('the validation rules the README API table documents', () => {
  it('listChats: limit is 1-25 and cannot come with pageId', async () => {
    await rejectsBeforeSending('listChats', { limit: 26 }, 'limit');
    await rejectsBeforeSending('listChats', { pageId: 'p', limit: 5 }, 'limit');
  });

  it('listThreads: limit and minEventsCount are 1-100, and pageId takes no paging option', async () => {
    await rejectsBeforeSending('listThreads', { chatId: 'C', minEventsCount: 101 }, 'minEventsCount');
    await rejectsBeforeSending('listThreads', { chatId: 'C', pageId: 'p', minEventsCount: 3 }, 'minEventsCount');
    expect(buildCall('listThreads', { chatId: 'C', limit: 100 }).payload).toStrictEqual({ chat_id: 'C', limit: 100 });
  });

  it('updateCustomer({}) names params; more than 100 session fields names sessionFields', async () => {
    await rejectsBeforeSending('updateCustomer', {}, 'params');
    const fields = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`k${index}`, 'v']));
    await rejectsBeforeSending('updateCustomer', { sessionFields: fields }, 'sessionFields');
    await rejectsBeforeSending('setCustomerSessionFields', { sessionFields: fields }, 'sessionFields');
  });

  it('sendEvent: form and rich_message are not a customer\'s to send', async () => {
    await rejectsBeforeSending('sendEvent', { chatId: 'C', event: { type: 'form', formId: 'f', fields: [] } }, 'event.type');
    await rejectsBeforeSending('sendEvent', { chatId: 'C', event: { type: 'rich_message', elements: [] } }, 'event.type');
  });
});

describe('requestWelcomeMessage', () => {
  it('sends request_welcome_message with the id only when given', () => {
    expect(buildCall('requestWelcomeMessage', undefined)).toStrictEqual({ action: 'request_welcome_message', payload: {} });
    expect(buildCall('requestWelcomeMessage', { id: 'previous-welcome-message-id' }).payload).toStrictEqual({
      id: 'previous-welcome-message-id',
    });
  });

  it('parses {id, predictedAgent, queue}', async () => {
    const answer = {
      id: 'wm-1',
      predicted_agent: {
        id: 'bot@example.com',
        name: 'Bot',
        avatar: 'https://a/b.png',
        is_bot: true,
        bot_type: 'ai_agent',
        job_title: 'Assistant',
        type: 'agent',
      },
      queue: false,
    };
    const { result } = await executeMethod('requestWelcomeMessage', {}, fakeSend(answer).send);
    expect(result).toStrictEqual({
      id: 'wm-1',
      predictedAgent: {
        id: 'bot@example.com',
        name: 'Bot',
        avatar: 'https://a/b.png',
        jobTitle: 'Assistant',
        type: 'agent',
        isBot: true,
        botType: 'ai_agent',
      },
      queue: false,
    });
    await expect(executeMethod('requestWelcomeMessage', {}, fakeSend({ id: 'x' }).send)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('validates id', async () => {
    await rejectsBeforeSending('requestWelcomeMessage', { id: 1 }, 'id');
    await rejectsBeforeSending('requestWelcomeMessage', 'x', 'params');
  });
});

describe('resumeChat', () => {
  it('sends resume_chat with chat.id, resolved by incoming_chat', () => {
    expect(
      buildCall('resumeChat', {
        chat: { id: 'OU0V0P0OWT', thread: { events: [{ type: 'message', text: 'back' }] } },
        continuous: false,
        welcomeMessageId: 'wm-1',
      }),
    ).toStrictEqual({
      action: 'resume_chat',
      payload: {
        chat: { id: 'OU0V0P0OWT', thread: { events: [{ type: 'message', text: 'back' }] } },
        active: true,
        continuous: false,
        welcome_message_id: 'wm-1',
      },
      resolvedBy: 'incoming_chat',
    });
  });

  it('resolves { chat } from the answering incoming_chat push', async () => {
    const { send, sent } = fakeSend({ chat: GET_CHAT_ANSWER });
    const { result, requesterEvents } = await executeMethod('resumeChat', { chat: { id: 'PJ0MRSHTDG' } }, send);
    expect(sent).toStrictEqual([{ action: 'resume_chat', payload: { chat: { id: 'PJ0MRSHTDG' }, active: true }, resolvedBy: 'incoming_chat' }]);
    expect(result.chat.id).toBe('PJ0MRSHTDG');
    expect(result.chat.thread?.id).toBe('QJ0B8Y1Q3Z');
    // The push's user_data reach every tab through the runtime's fan-out, the asker included.
    expect(requesterEvents).toEqual([]);
  });

  it('validates params, chat and chat.id', async () => {
    await rejectsBeforeSending('resumeChat', undefined, 'params');
    await rejectsBeforeSending('resumeChat', {}, 'chat');
    await rejectsBeforeSending('resumeChat', { chat: {} }, 'chat.id');
    await rejectsBeforeSending('resumeChat', { chat: { id: 'C' }, active: 'no' }, 'active');
  });
});

// ---- fire-and-forget methods ----------------------------------------------------------------

describe('setSneakPeek', () => {
  it('sends send_sneak_peek and resolves undefined', async () => {
    const { send, sent } = fakeSend({});
    const outcome = await executeMethod('setSneakPeek', { chatId: 'ON0X0R0L67', sneakPeekText: 'what is the price for your ' }, send);
    expect(sent).toStrictEqual([
      { action: 'send_sneak_peek', payload: { chat_id: 'ON0X0R0L67', sneak_peek_text: 'what is the price for your ' } },
    ]);
    expect(outcome).toStrictEqual({ result: undefined, requesterEvents: [] });
  });

  it('drops a failed send instead of rejecting (the docs call it without a promise)', async () => {
    const { send } = fakeSend(new SdkError('CHAT_INACTIVE', 'Chat is inactive'));
    await expect(executeMethod('setSneakPeek', { chatId: 'C', sneakPeekText: 'x' }, send)).resolves.toEqual({
      result: undefined,
      requesterEvents: [],
    });
  });

  it('still rejects bad arguments with VALIDATION', async () => {
    await rejectsBeforeSending('setSneakPeek', { sneakPeekText: 'x' }, 'chatId');
    await rejectsBeforeSending('setSneakPeek', { chatId: 'C' }, 'sneakPeekText');
    await rejectsBeforeSending('setSneakPeek', { chatId: 'C', sneakPeekText: 5 }, 'sneakPeekText');
  });

  it('sends an empty text: the customer emptied the input, so the agent\'s preview empties too', async () => {
    const { send, sent } = fakeSend({});
    await executeMethod('setSneakPeek', { chatId: 'C', sneakPeekText: '' }, send);
    expect(sent).toStrictEqual([{ action: 'send_sneak_peek', payload: { chat_id: 'C', sneak_peek_text: '' } }]);
  });
});

describe('updateCustomerPage', () => {
  it('sends update_customer_page with only url and title, resolving undefined', async () => {
    const { send, sent } = fakeSend({});
    const page = { url: 'https://developers.livechat.com/', title: 'LiveChat for Developers', extra: 1 };
    const outcome = await executeMethod('updateCustomerPage', page, send);
    expect(sent).toStrictEqual([
      { action: 'update_customer_page', payload: { url: 'https://developers.livechat.com/', title: 'LiveChat for Developers' } },
    ]);
    expect(outcome.result).toBeUndefined();
    expect(buildCall('updateCustomerPage', { title: 'T' }).payload).toStrictEqual({ title: 'T' });
  });

  it('drops a failed send (3.6 may also answer with groups; the answer is ignored)', async () => {
    await expect(executeMethod('updateCustomerPage', { url: 'u' }, fakeSend(new SdkError('VALIDATION', 'x')).send)).resolves.toMatchObject({
      result: undefined,
    });
    await expect(
      executeMethod('updateCustomerPage', { url: 'u' }, fakeSend({ groups: [{ id: 0, status: 'online' }] }).send),
    ).resolves.toMatchObject({ result: undefined });
  });

  it('validates url and title', async () => {
    await rejectsBeforeSending('updateCustomerPage', { url: 1 }, 'url');
    await rejectsBeforeSending('updateCustomerPage', { url: 'u', title: false }, 'title');
    await rejectsBeforeSending('updateCustomerPage', undefined, 'params');
  });
});

// ---- the facade's list -------------------------------------------------------------------------

describe('method names', () => {
  it('lists every v5 request method except the two that need tab-side code', () => {
    const expected = [
      'acceptGreeting', 'cancelGreeting', 'cancelRate', 'deactivateChat', 'deleteChatProperties', 'deleteEventProperties',
      'deleteThreadProperties', 'getChat', 'getCustomer', 'getForm', 'getUrlInfo', 'listChats', 'listGroupStatuses',
      'listThreads', 'markEventsAsSeen', 'rateChat', 'requestWelcomeMessage', 'resumeChat', 'sendEvent',
      'sendGreetingButtonClicked', 'sendRichMessagePostback', 'setCustomerSessionFields', 'setSneakPeek', 'startChat',
      'updateChatProperties', 'updateCustomer', 'updateCustomerPage', 'updateEventProperties', 'updateThreadProperties',
    ];
    expect([...METHOD_NAMES].sort()).toEqual(expected.sort());
    for (const name of expected) expect(isMethodName(name)).toBe(true);
    expect(isMethodName('getChatHistory')).toBe(false);
    expect(isMethodName('uploadFile')).toBe(false);
  });
});

// validationError is used by the other method tests; keep the synchronous form covered here too.
it('buildCall throws VALIDATION synchronously for a single-request method', () => {
  expect(validationError(() => buildCall('getChat', { chatId: 1 })).message).toContain('"chatId"');
});
