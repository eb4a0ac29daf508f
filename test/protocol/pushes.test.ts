import { describe, it, expect } from 'vitest';
import { ProtocolError } from '../../src/protocol/wire-values';
import { eventsFromPush } from '../../src/protocol/pushes';

type Json = Record<string, unknown>;

const push = (text: string): { action: string; payload: Json } => JSON.parse(text) as { action: string; payload: Json };

describe('eventsFromPush', () => {
  it('incoming_chat gives one user_data per user, then incoming_chat', () => {
    const frame = push(`{"version":"3.6","action":"incoming_chat","type":"push","payload":{"chat":{
      "id":"PJ0MRSHTDG",
      "users":[
        {"id":"c1","type":"customer","present":true},
        {"id":"jane@example.com","type":"agent","name":"Jane","job_title":"Support","present":true}
      ],
      "thread":{"id":"QJ0B8Y1Q3Z","active":true,"events":[
        {"id":"QJ0B8Y1Q3Z_1","type":"message","text":"first","author_id":"c1","created_at":"2026-05-12T10:00:01.000000Z"}
      ]}}}}`);
    const events = eventsFromPush(frame.action, frame.payload);
    expect(events.map((event) => event.name)).toEqual(['user_data', 'user_data', 'incoming_chat']);
    expect(events[0]).toStrictEqual({
      name: 'user_data',
      // Session fields under both names: `fields` (v5 docs, "User data") and `sessionFields` (4.0.2, getCustomer).
      payload: { id: 'c1', type: 'customer', sessionFields: {}, fields: {}, present: true },
    });
    expect(events[1]).toStrictEqual({
      name: 'user_data',
      payload: { id: 'jane@example.com', type: 'agent', name: 'Jane', avatar: '', jobTitle: 'Support', present: true },
    });
    const last = events[2];
    if (last?.name !== 'incoming_chat') throw new Error('expected incoming_chat last');
    expect(last.payload.chat.id).toBe('PJ0MRSHTDG');
    expect(last.payload.chat.users).toHaveLength(2);
    expect(last.payload.chat.thread?.events[0]?.threadId).toBe('QJ0B8Y1Q3Z');
  });

  it('incoming_chat without users gives only incoming_chat', () => {
    expect(eventsFromPush('incoming_chat', { chat: { id: 'C1' } }).map((event) => event.name)).toEqual([
      'incoming_chat',
    ]);
  });

  it('incoming_chat without a chat throws ProtocolError', () => {
    expect(() => eventsFromPush('incoming_chat', {})).toThrow(ProtocolError);
  });

  it('incoming_event gives { chatId, event } with the push thread id', () => {
    const frame = push(`{"version":"3.6","action":"incoming_event","type":"push","payload":{
      "chat_id":"PJ0MRSHTDG","thread_id":"QJ0B8Y1Q3Z",
      "event":{"id":"QJ0B8Y1Q3Z_5","type":"message","text":"Hello!","author_id":"jane@example.com",
               "created_at":"2026-05-12T10:01:00.000000Z"}}}`);
    expect(eventsFromPush(frame.action, frame.payload)).toStrictEqual([
      {
        name: 'incoming_event',
        payload: {
          chatId: 'PJ0MRSHTDG',
          event: {
            id: 'QJ0B8Y1Q3Z_5',
            authorId: 'jane@example.com',
            createdAt: '2026-05-12T10:01:00.000000Z',
            threadId: 'QJ0B8Y1Q3Z',
            properties: {},
            type: 'message',
            text: 'Hello!',
          },
        },
      },
    ]);
  });

  it('incoming_event with an unsupported event type gives []', () => {
    expect(
      eventsFromPush('incoming_event', {
        chat_id: 'C1',
        thread_id: 'T1',
        event: { id: 'T1_1', type: 'system', source: 'x', subtype: 'y', version: '1', details: '{}' },
      }),
    ).toEqual([]);
    expect(
      eventsFromPush('incoming_event', {
        chat_id: 'C1',
        thread_id: 'T1',
        event: { id: 'T1_2', type: 'rich_message', template_id: 'carousel', elements: [] },
      }),
    ).toEqual([]);
  });

  it('incoming_event without chat_id gives []', () => {
    expect(eventsFromPush('incoming_event', { thread_id: 'T1', event: { type: 'message', text: 'x' } })).toEqual([]);
  });

  it('incoming_event without an event object throws ProtocolError', () => {
    expect(() => eventsFromPush('incoming_event', { chat_id: 'C1', thread_id: 'T1' })).toThrow(ProtocolError);
  });

  it('chat_deactivated gives { chatId }', () => {
    const frame = push(
      '{"version":"3.6","action":"chat_deactivated","type":"push","payload":{"chat_id":"PJ0MRSHTDG","thread_id":"QJ0B8Y1Q3Z","user_id":"c1"}}',
    );
    expect(eventsFromPush(frame.action, frame.payload)).toStrictEqual([
      { name: 'chat_deactivated', payload: { chatId: 'PJ0MRSHTDG' } },
    ]);
    expect(eventsFromPush('chat_deactivated', { thread_id: 'T1' })).toEqual([]);
  });

  it('unknown and unsurfaced pushes give []', () => {
    expect(eventsFromPush('incoming_multicast', { content: {} })).toEqual([]);
    expect(eventsFromPush('event_deleted', { chat_id: 'C1', thread_id: 'T1', event_id: 'E1' })).toEqual([]);
    expect(eventsFromPush('customer_side_storage_updated', { customer_side_storage: {} })).toEqual([]);
    expect(eventsFromPush('totally_unknown_push', {})).toEqual([]);
  });
});
