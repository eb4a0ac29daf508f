import { describe, it, expect } from 'vitest';
import { validationError } from '../support/validation';
import { buildCall, isMethodName, parseResult } from '../../src/protocol/method-table';
import { ProtocolError } from '../../src/protocol/wire-values';


describe('buildCall', () => {
  it('getCustomer → get_customer with an empty payload, answered directly', () => {
    const call = buildCall('getCustomer', undefined);
    expect(call).toStrictEqual({ action: 'get_customer', payload: {} });
    expect(call.resolvedBy).toBeUndefined();
  });

  it('startChat → start_chat resolved by incoming_chat', () => {
    expect(buildCall('startChat', undefined)).toStrictEqual({
      action: 'start_chat',
      payload: { chat: {}, active: true },
      resolvedBy: 'incoming_chat',
    });
    expect(buildCall('startChat', { chat: { access: { groupIds: [3] } }, continuous: true })).toStrictEqual({
      action: 'start_chat',
      payload: { chat: { access: { group_ids: [3] } }, active: true, continuous: true },
      resolvedBy: 'incoming_chat',
    });
  });

  it('startChat rejects invalid parameters with VALIDATION', () => {
    expect(validationError(() => buildCall('startChat', { active: 1 })).message).toContain('"active"');
  });

  it('sendEvent → send_event resolved by incoming_event', () => {
    expect(buildCall('sendEvent', { chatId: 'PJ0MRSHTDG', event: { type: 'message', text: 'Hello' } })).toStrictEqual({
      action: 'send_event',
      payload: { chat_id: 'PJ0MRSHTDG', event: { type: 'message', text: 'Hello' } },
      resolvedBy: 'incoming_event',
    });
  });

  it('sendEvent sends attach_to_last_thread only when true', () => {
    const event = { type: 'custom', content: 1 };
    expect(buildCall('sendEvent', { chatId: 'C', event, attachToLastThread: true }).payload).toStrictEqual({
      chat_id: 'C',
      event: { type: 'custom', content: 1 },
      attach_to_last_thread: true,
    });
    expect(buildCall('sendEvent', { chatId: 'C', event, attachToLastThread: false }).payload).not.toHaveProperty(
      'attach_to_last_thread',
    );
  });

  it('sendEvent validates params, chatId, the event and attachToLastThread', () => {
    expect(validationError(() => buildCall('sendEvent', undefined)).message).toContain('"params"');
    expect(validationError(() => buildCall('sendEvent', { event: { type: 'message', text: 'x' } })).message).toContain(
      '"chatId"',
    );
    expect(validationError(() => buildCall('sendEvent', { chatId: '', event: { type: 'message', text: 'x' } })).message).toContain(
      '"chatId"',
    );
    expect(validationError(() => buildCall('sendEvent', { chatId: 'C', event: { type: 'message' } })).message).toContain(
      '"event.text"',
    );
    expect(validationError(() => buildCall('sendEvent', { chatId: 'C' })).message).toContain('"event"');
    expect(
      validationError(() =>
        buildCall('sendEvent', { chatId: 'C', event: { type: 'message', text: 'x' }, attachToLastThread: 'yes' }),
      ).message,
    ).toContain('"attachToLastThread"');
  });

  it('listChats defaults to limit 10', () => {
    expect(buildCall('listChats', undefined)).toStrictEqual({ action: 'list_chats', payload: { limit: 10 } });
    expect(buildCall('listChats', {})).toStrictEqual({ action: 'list_chats', payload: { limit: 10 } });
  });

  it('listChats passes a limit from 1 to 25', () => {
    expect(buildCall('listChats', { limit: 1 }).payload).toStrictEqual({ limit: 1 });
    expect(buildCall('listChats', { limit: 25 }).payload).toStrictEqual({ limit: 25 });
  });

  it('listChats maps pageId → page_id and sends no limit with it', () => {
    expect(buildCall('listChats', { pageId: 'MTUxNzM5ODEzMTQ5Nw==' })).toStrictEqual({
      action: 'list_chats',
      payload: { page_id: 'MTUxNzM5ODEzMTQ5Nw==' },
    });
  });

  it('listChats rejects limit 26, 0, non-integers and limit combined with pageId', () => {
    for (const limit of [26, 0, 2.5, '10']) {
      const error = validationError(() => buildCall('listChats', { limit }));
      expect(error.message).toContain('"limit"');
    }
    const combined = validationError(() => buildCall('listChats', { limit: 5, pageId: 'p' }));
    expect(combined.message).toContain('"limit"');
    expect(combined.message).toContain('"pageId"');
    expect(validationError(() => buildCall('listChats', { pageId: 5 })).message).toContain('"pageId"');
  });
});

describe('parseResult', () => {
  it('getCustomer parses the customer', () => {
    expect(
      parseResult('getCustomer', {
        id: 'c1',
        type: 'customer',
        name: 'John',
        session_fields: [{ a: '1' }],
        statistics: { chats_count: 2 },
      }),
    ).toStrictEqual({
      id: 'c1',
      type: 'customer',
      name: 'John',
      sessionFields: { a: '1' },
      statistics: {
        chatsCount: 2,
        threadsCount: 0,
        visitsCount: 0,
        pageViewsCount: 0,
        greetingsShownCount: 0,
        greetingsAcceptedCount: 0,
      },
    });
  });

  it('startChat parses the incoming_chat push payload into { chat }', () => {
    const result = parseResult('startChat', {
      chat: {
        id: 'PJ0MRSHTDG',
        users: [{ id: 'c1', type: 'customer' }],
        thread: {
          id: 'QJ0B8Y1Q3Z',
          active: true,
          events: [{ id: 'QJ0B8Y1Q3Z_1', type: 'message', text: 'first', author_id: 'c1' }],
        },
      },
    });
    expect(result.chat.id).toBe('PJ0MRSHTDG');
    expect(result.chat.thread?.events).toHaveLength(1);
    expect(result.chat.thread?.events[0]?.threadId).toBe('QJ0B8Y1Q3Z');
    expect(() => parseResult('startChat', {})).toThrow(ProtocolError);
  });

  it('sendEvent parses the incoming_event push payload with its thread id', () => {
    expect(
      parseResult('sendEvent', {
        chat_id: 'PJ0MRSHTDG',
        thread_id: 'QJ0B8Y1Q3Z',
        event: { id: 'QJ0B8Y1Q3Z_2', type: 'message', text: 'Hello', author_id: 'c1', custom_id: 'cid' },
      }),
    ).toStrictEqual({
      id: 'QJ0B8Y1Q3Z_2',
      authorId: 'c1',
      createdAt: '',
      threadId: 'QJ0B8Y1Q3Z',
      properties: {},
      customId: 'cid',
      type: 'message',
      text: 'Hello',
    });
    expect(parseResult('sendEvent', { event: { type: 'custom' } }).threadId).toBeNull();
  });

  it('sendEvent throws ProtocolError for an unsupported event type', () => {
    expect(() => parseResult('sendEvent', { chat_id: 'C', thread_id: 'T', event: { type: 'system' } })).toThrow(
      ProtocolError,
    );
  });

  it('listChats parses the list', () => {
    const result = parseResult('listChats', {
      chats_summary: [{ id: 'C1', users: [{ id: 'c1', type: 'customer' }] }],
      total_chats: 1,
      previous_page_id: 'prev',
    });
    expect(result.chatsSummary.map((summary) => summary.id)).toEqual(['C1']);
    expect(result.users.map((user) => user.id)).toEqual(['c1']);
    expect(result.previousPageId).toBe('prev');
    expect(result.nextPageId).toBeNull();
  });
});

describe('isMethodName', () => {
  it('accepts the request methods', () => {
    for (const name of ['getCustomer', 'startChat', 'sendEvent', 'listChats']) expect(isMethodName(name)).toBe(true);
  });

  it('rejects other names, inherited properties and non-strings', () => {
    for (const name of ['get_customer', 'getChatHistory', 'uploadFile', 'toString', 'constructor', '__proto__', 'hasOwnProperty', '']) {
      expect(isMethodName(name)).toBe(false);
    }
    expect(isMethodName(undefined)).toBe(false);
    expect(isMethodName(42)).toBe(false);
  });
});
