/**
 * The v5 push events (wire-protocol §8.1): each recorded frame gives the documented SDK payload,
 * and a frame missing what the event needs throws ProtocolError (the runtime drops it), never a TypeError.
 */
import { describe, it, expect } from 'vitest';
import { ProtocolError } from '../../src/protocol/wire-values';
import { eventsFromPush } from '../../src/protocol/pushes';
import { SDK_EVENT_NAMES } from '../../src/shared/events';

type Json = Record<string, unknown>;

/** A recorded push frame as it arrives on the socket, run through eventsFromPush. */
function events(text: string) {
  const frame = JSON.parse(text) as { action: string; type: string; payload: Json };
  expect(frame.type).toBe('push');
  return eventsFromPush(frame.action, frame.payload);
}

const malformed = (action: string, payload: Json) => () => eventsFromPush(action, payload);

describe('availability_updated (groups_status_updated)', () => {
  it.each([
    ['online', 'online'],
    ['online_for_queue', 'online'],
    ['offline', 'offline'],
  ])('first group %s → %s', (status, availability) => {
    expect(
      events(`{"version":"3.6","action":"groups_status_updated","type":"push","payload":{"groups":[{"id":0,"status":"${status}"},{"id":1,"status":"offline"}]}}`),
    ).toStrictEqual([{ name: 'availability_updated', payload: { availability } }]);
  });

  it('throws ProtocolError without groups', () => {
    expect(malformed('groups_status_updated', {})).toThrow(ProtocolError);
    expect(malformed('groups_status_updated', { groups: [] })).toThrow(ProtocolError);
    expect(malformed('groups_status_updated', { groups: ['x'] })).toThrow(ProtocolError);
  });
});

describe('chat properties', () => {
  it('chat_properties_updated → { chatId, properties }', () => {
    expect(
      events(`{"version":"3.6","action":"chat_properties_updated","type":"push","payload":{
        "chat_id":"PJ0MRSHTDG","properties":{"routing":{"idle":true},"bb9e5b2f1ab480e4a715977b7b1b4279":{"score":1}}}}`),
    ).toStrictEqual([
      {
        name: 'chat_properties_updated',
        payload: { chatId: 'PJ0MRSHTDG', properties: { routing: { idle: true }, bb9e5b2f1ab480e4a715977b7b1b4279: { score: 1 } } },
      },
    ]);
  });

  it('chat_properties_deleted → { chatId, properties: {ns: [keys]} }', () => {
    expect(
      events(`{"version":"3.6","action":"chat_properties_deleted","type":"push","payload":{
        "chat_id":"PJ0MRSHTDG","properties":{"rating":["score","comment"]}}}`),
    ).toStrictEqual([{ name: 'chat_properties_deleted', payload: { chatId: 'PJ0MRSHTDG', properties: { rating: ['score', 'comment'] } } }]);
  });

  it('throws ProtocolError without chat_id or properties', () => {
    expect(malformed('chat_properties_updated', { properties: {} })).toThrow(ProtocolError);
    expect(malformed('chat_properties_updated', { chat_id: 'C' })).toThrow(ProtocolError);
    expect(malformed('chat_properties_deleted', { chat_id: 'C', properties: 'x' })).toThrow(ProtocolError);
  });
});

describe('chat_transferred', () => {
  it('manual transfer: requesterId, transferredTo and queue', () => {
    expect(
      events(`{"version":"3.6","action":"chat_transferred","type":"push","payload":{
        "chat_id":"PJ0MRSHTDG","thread_id":"QJ0B8Y1Q3Z","requester_id":"jane@example.com","reason":"manual",
        "transferred_to":{"group_ids":[19],"agent_ids":["john@example.com"]},
        "queue":{"position":42,"wait_time":1337,"queued_at":"2026-05-12T10:00:00.000000Z"}}}`),
    ).toStrictEqual([
      {
        name: 'chat_transferred',
        payload: {
          chatId: 'PJ0MRSHTDG',
          threadId: 'QJ0B8Y1Q3Z',
          reason: 'manual',
          requesterId: 'jane@example.com',
          transferredTo: { agentIds: ['john@example.com'], groupIds: [19] },
          queue: { position: 42, waitTime: 1337, queuedAt: '2026-05-12T10:00:00.000000Z' },
        },
      },
    ]);
  });

  it('routing transfer: no requesterId, queue null, only the ids given', () => {
    expect(
      events(`{"version":"3.6","action":"chat_transferred","type":"push","payload":{
        "chat_id":"PJ0MRSHTDG","thread_id":"QJ0B8Y1Q3Z","requester_id":"x","reason":"routing.assigned",
        "transferred_to":{"agent_ids":["john@example.com"]}}}`),
    ).toStrictEqual([
      {
        name: 'chat_transferred',
        payload: {
          chatId: 'PJ0MRSHTDG',
          threadId: 'QJ0B8Y1Q3Z',
          reason: 'routing.assigned',
          transferredTo: { agentIds: ['john@example.com'] },
          queue: null,
        },
      },
    ]);
  });

  it('throws ProtocolError without transferred_to or chat_id', () => {
    expect(malformed('chat_transferred', { chat_id: 'C', reason: 'manual' })).toThrow(ProtocolError);
    expect(malformed('chat_transferred', { transferred_to: {} })).toThrow(ProtocolError);
  });
});

describe('customer_updated', () => {
  it('gives only the changed fields, session fields as `fields`', () => {
    expect(
      events(`{"version":"3.6","action":"customer_updated","type":"push","payload":{
        "id":"b7eff798-f8df-4364-8059-649c35c9ed0c","name":"Thomas Anderson","email":"t.anderson@example.com",
        "avatar":"https://example.com/avatars/1.png",
        "session_fields":[{"custom_key":"custom_value"},{"another_custom_key":"another_custom_value"}]}}`),
    ).toStrictEqual([
      {
        name: 'customer_updated',
        payload: {
          id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
          name: 'Thomas Anderson',
          email: 't.anderson@example.com',
          avatar: 'https://example.com/avatars/1.png',
          fields: { custom_key: 'custom_value', another_custom_key: 'another_custom_value' },
        },
      },
    ]);
    expect(eventsFromPush('customer_updated', { id: 'c1', name: 'N' })).toStrictEqual([
      { name: 'customer_updated', payload: { id: 'c1', name: 'N' } },
    ]);
  });
});

describe('event properties and updates', () => {
  it('event_properties_updated / _deleted → { chatId, threadId, eventId, properties }', () => {
    expect(
      events(`{"version":"3.6","action":"event_properties_updated","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","event_id":"T1_2","properties":{"ns":{"a":"1"}}}}`),
    ).toStrictEqual([
      { name: 'event_properties_updated', payload: { chatId: 'C1', threadId: 'T1', eventId: 'T1_2', properties: { ns: { a: '1' } } } },
    ]);
    expect(
      events(`{"version":"3.6","action":"event_properties_deleted","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","event_id":"T1_2","properties":{"ns":["a"]}}}`),
    ).toStrictEqual([
      { name: 'event_properties_deleted', payload: { chatId: 'C1', threadId: 'T1', eventId: 'T1_2', properties: { ns: ['a'] } } },
    ]);
    expect(malformed('event_properties_updated', { chat_id: 'C1', thread_id: 'T1', properties: {} })).toThrow(ProtocolError);
    expect(malformed('event_properties_deleted', { chat_id: 'C1', event_id: 'E', properties: {} })).toThrow(ProtocolError);
  });

  it('event_updated → { chatId, threadId, event } with the event parsed in its thread', () => {
    expect(
      events(`{"version":"3.6","action":"event_updated","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","event":{"id":"T1_2","type":"message","text":"edited","author_id":"jane@example.com",
        "created_at":"2026-05-12T10:01:00.000000Z"}}}`),
    ).toStrictEqual([
      {
        name: 'event_updated',
        payload: {
          chatId: 'C1',
          threadId: 'T1',
          event: {
            id: 'T1_2',
            authorId: 'jane@example.com',
            createdAt: '2026-05-12T10:01:00.000000Z',
            threadId: 'T1',
            properties: {},
            type: 'message',
            text: 'edited',
          },
        },
      },
    ]);
  });

  it('event_updated gives event null for an unsupported type, and throws without an event', () => {
    expect(eventsFromPush('event_updated', { chat_id: 'C1', thread_id: 'T1', event: { id: 'x', type: 'system' } })).toStrictEqual([
      { name: 'event_updated', payload: { chatId: 'C1', threadId: 'T1', event: null } },
    ]);
    expect(malformed('event_updated', { chat_id: 'C1', thread_id: 'T1' })).toThrow(ProtocolError);
  });
});

describe('events_marked_as_seen', () => {
  it('→ { chatId, userId, seenUpTo }', () => {
    expect(
      events(`{"version":"3.6","action":"events_marked_as_seen","type":"push","payload":{
        "user_id":"b7eff798","chat_id":"PJ0MRSHTDG","seen_up_to":"2026-05-12T10:00:02.000000Z"}}`),
    ).toStrictEqual([
      { name: 'events_marked_as_seen', payload: { chatId: 'PJ0MRSHTDG', userId: 'b7eff798', seenUpTo: '2026-05-12T10:00:02.000000Z' } },
    ]);
    expect(malformed('events_marked_as_seen', { chat_id: 'C', user_id: 'u' })).toThrow(ProtocolError);
  });
});

describe('greetings', () => {
  it('greeting_accepted / greeting_canceled → { uniqueId }', () => {
    expect(events('{"version":"3.6","action":"greeting_accepted","type":"push","payload":{"unique_id":"Q10X0W041P"}}')).toStrictEqual([
      { name: 'greeting_accepted', payload: { uniqueId: 'Q10X0W041P' } },
    ]);
    expect(events('{"version":"3.6","action":"greeting_canceled","type":"push","payload":{"unique_id":"Q10X0W041P"}}')).toStrictEqual([
      { name: 'greeting_canceled', payload: { uniqueId: 'Q10X0W041P' } },
    ]);
    expect(malformed('greeting_canceled', {})).toThrow(ProtocolError);
  });

  it('incoming_greeting → the parsed greeting', () => {
    expect(
      events(`{"version":"3.6","action":"incoming_greeting","type":"push","payload":{
        "id":7,"unique_id":"Q10X0W041P","displayed_first_time":true,"accepted":false,"is_exit_intent":false,
        "event":{"id":"Q10X0W041P_1","type":"message","text":"Hello, can I help you?","author_id":"jane@example.com",
                 "created_at":"2026-05-12T10:00:00.000000Z"},
        "agent":{"id":"jane@example.com","name":"Jane","avatar":"https://a/j.png","job_title":"Support","is_bot":false}}}`),
    ).toStrictEqual([
      {
        name: 'incoming_greeting',
        payload: {
          id: 7,
          text: 'Hello, can I help you?',
          uniqueId: 'Q10X0W041P',
          displayedFirstTime: true,
          accepted: false,
          subtype: 'greeting',
          addon: null,
          event: {
            id: 'Q10X0W041P_1',
            authorId: 'jane@example.com',
            createdAt: '2026-05-12T10:00:00.000000Z',
            threadId: null,
            properties: {},
            type: 'message',
            text: 'Hello, can I help you?',
          },
          agent: { id: 'jane@example.com', name: 'Jane', avatar: 'https://a/j.png', jobTitle: 'Support', isBot: false },
        },
      },
    ]);
    expect(malformed('incoming_greeting', { id: 7, unique_id: 'Q' })).toThrow(ProtocolError);
  });
});

describe('previews and indicators', () => {
  it('incoming_event_preview → { chatId, threadId, event } (no event id yet)', () => {
    expect(
      events(`{"version":"3.6","action":"incoming_event_preview","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","event":{"created_at":"2026-05-12T10:00:00.000000Z","type":"message","text":"Hel",
        "author_id":"bot@example.com","custom_id":"cid"}}}`),
    ).toStrictEqual([
      {
        name: 'incoming_event_preview',
        payload: {
          chatId: 'C1',
          threadId: 'T1',
          event: {
            id: '',
            authorId: 'bot@example.com',
            createdAt: '2026-05-12T10:00:00.000000Z',
            threadId: 'T1',
            properties: {},
            customId: 'cid',
            type: 'message',
            text: 'Hel',
          },
        },
      },
    ]);
    expect(eventsFromPush('incoming_event_preview', { chat_id: 'C1', thread_id: 'T1', event: { type: 'system' } })).toEqual([]);
    expect(malformed('incoming_event_preview', { chat_id: 'C1', thread_id: 'T1' })).toThrow(ProtocolError);
  });

  it('incoming_typing_indicator → { chatId, typingIndicator: { authorId, isTyping } }', () => {
    expect(
      events(`{"version":"3.6","action":"incoming_typing_indicator","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","typing_indicator":{"author_id":"jane@example.com","recipients":"all",
        "timestamp":1574245378,"is_typing":true}}}`),
    ).toStrictEqual([
      { name: 'incoming_typing_indicator', payload: { chatId: 'C1', typingIndicator: { authorId: 'jane@example.com', isTyping: true } } },
    ]);
    expect(malformed('incoming_typing_indicator', { chat_id: 'C1', typing_indicator: {} })).toThrow(ProtocolError);
    expect(malformed('incoming_typing_indicator', { chat_id: 'C1' })).toThrow(ProtocolError);
  });

  it('incoming_thinking_indicator → { chatId, threadId, authorId, sentAt, title?, description?, customId? }', () => {
    expect(
      events(`{"version":"3.6","action":"incoming_thinking_indicator","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","author_id":"bot@example.com","sent_at":"2026-05-12T10:00:00.000000Z",
        "title":"Searching","description":"Looking up your order","custom_id":"think-1"}}`),
    ).toStrictEqual([
      {
        name: 'incoming_thinking_indicator',
        payload: {
          chatId: 'C1',
          threadId: 'T1',
          authorId: 'bot@example.com',
          sentAt: '2026-05-12T10:00:00.000000Z',
          title: 'Searching',
          description: 'Looking up your order',
          customId: 'think-1',
        },
      },
    ]);
    expect(eventsFromPush('incoming_thinking_indicator', { chat_id: 'C1', thread_id: 'T1', author_id: 'b', sent_at: 's' })).toStrictEqual([
      { name: 'incoming_thinking_indicator', payload: { chatId: 'C1', threadId: 'T1', authorId: 'b', sentAt: 's' } },
    ]);
    expect(malformed('incoming_thinking_indicator', { chat_id: 'C1', thread_id: 'T1' })).toThrow(ProtocolError);
  });

  it('incoming_rich_message_postback → { userId, chatId, threadId, eventId, postback (raw) }', () => {
    expect(
      events(`{"version":"3.6","action":"incoming_rich_message_postback","type":"push","payload":{
        "user_id":"b7eff798","chat_id":"C1","thread_id":"T1","event_id":"T1_3",
        "postback":{"id":"action_yes","toggled":true,"button_type":"message","button_value":"yes"}}}`),
    ).toStrictEqual([
      {
        name: 'incoming_rich_message_postback',
        payload: {
          userId: 'b7eff798',
          chatId: 'C1',
          threadId: 'T1',
          eventId: 'T1_3',
          postback: { id: 'action_yes', toggled: true, button_type: 'message', button_value: 'yes' },
        },
      },
    ]);
    expect(malformed('incoming_rich_message_postback', { user_id: 'u', chat_id: 'C1', thread_id: 'T1', event_id: 'E' })).toThrow(
      ProtocolError,
    );
  });

  it('incoming_welcome_message → { id, event } with threadId null', () => {
    expect(
      events(`{"version":"3.6","action":"incoming_welcome_message","type":"push","payload":{
        "id":"wm-1","event":{"type":"message","text":"Hi! How can I help?","author_id":"bot@example.com",
        "created_at":"2026-05-12T10:00:00.000000Z"}}}`),
    ).toStrictEqual([
      {
        name: 'incoming_welcome_message',
        payload: {
          id: 'wm-1',
          event: {
            id: '',
            authorId: 'bot@example.com',
            createdAt: '2026-05-12T10:00:00.000000Z',
            threadId: null,
            properties: {},
            type: 'message',
            text: 'Hi! How can I help?',
          },
        },
      },
    ]);
    expect(malformed('incoming_welcome_message', { event: { type: 'message', text: 'x' } })).toThrow(ProtocolError);
  });
});

describe('queue_position_updated', () => {
  it('from its own push → { chatId, threadId, queue: { position, waitTime } }', () => {
    expect(
      events(`{"version":"3.6","action":"queue_position_updated","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","queue":{"position":3,"wait_time":120}}}`),
    ).toStrictEqual([{ name: 'queue_position_updated', payload: { chatId: 'C1', threadId: 'T1', queue: { position: 3, waitTime: 120 } } }]);
    expect(malformed('queue_position_updated', { chat_id: 'C1', thread_id: 'T1', queue: {} })).toThrow(ProtocolError);
  });

  it('from thread_properties_updated carrying lc2.queue_pos, before thread_properties_updated', () => {
    expect(
      events(`{"version":"3.6","action":"thread_properties_updated","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","properties":{"lc2":{"queue_pos":2,"queue_waiting_time":60}}}}`),
    ).toStrictEqual([
      { name: 'queue_position_updated', payload: { chatId: 'C1', threadId: 'T1', queue: { position: 2, waitTime: 60 } } },
      { name: 'thread_properties_updated', payload: { chatId: 'C1', threadId: 'T1', properties: { lc2: { queue_pos: 2, queue_waiting_time: 60 } } } },
    ]);
  });
});

describe('thread properties', () => {
  it('thread_properties_updated without lc2.queue_pos gives only thread_properties_updated', () => {
    expect(
      events(`{"version":"3.6","action":"thread_properties_updated","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","properties":{"rating":{"score":1}}}}`),
    ).toStrictEqual([{ name: 'thread_properties_updated', payload: { chatId: 'C1', threadId: 'T1', properties: { rating: { score: 1 } } } }]);
  });

  it('thread_properties_deleted → { chatId, threadId, properties }', () => {
    expect(
      events(`{"version":"3.6","action":"thread_properties_deleted","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","properties":{"rating":["score"]}}}`),
    ).toStrictEqual([{ name: 'thread_properties_deleted', payload: { chatId: 'C1', threadId: 'T1', properties: { rating: ['score'] } } }]);
  });

  it('throws ProtocolError without thread_id or properties', () => {
    expect(malformed('thread_properties_updated', { chat_id: 'C1', properties: {} })).toThrow(ProtocolError);
    expect(malformed('thread_properties_updated', { chat_id: 'C1', thread_id: 'T1', properties: null })).toThrow(ProtocolError);
    expect(malformed('thread_properties_deleted', { chat_id: 'C1', thread_id: 'T1' })).toThrow(ProtocolError);
  });
});

describe('chat users', () => {
  it('user_added_to_chat gives user_data first, then { chatId, user, present }', () => {
    const agent = { id: 'jane@example.com', type: 'agent', name: 'Jane', avatar: 'https://a/j.png', jobTitle: 'Support', present: true };
    expect(
      events(`{"version":"3.6","action":"user_added_to_chat","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","reason":"manual","requester_id":"x",
        "user":{"id":"jane@example.com","type":"agent","name":"Jane","avatar":"https://a/j.png","job_title":"Support","present":true}}}`),
    ).toStrictEqual([
      { name: 'user_data', payload: agent },
      { name: 'user_added_to_chat', payload: { chatId: 'C1', user: agent, present: true } },
    ]);
    expect(malformed('user_added_to_chat', { chat_id: 'C1' })).toThrow(ProtocolError);
    expect(malformed('user_added_to_chat', { chat_id: 'C1', user: { type: 'agent' } })).toThrow(ProtocolError);
  });

  it('user_removed_from_chat → { chatId, userId, reason }', () => {
    expect(
      events(`{"version":"3.6","action":"user_removed_from_chat","type":"push","payload":{
        "chat_id":"C1","thread_id":"T1","user_id":"jane@example.com","reason":"signed_out"}}`),
    ).toStrictEqual([{ name: 'user_removed_from_chat', payload: { chatId: 'C1', userId: 'jane@example.com', reason: 'signed_out' } }]);
    // A server that gives no reason: the key is left out rather than invented.
    expect(eventsFromPush('user_removed_from_chat', { chat_id: 'C1', user_id: 'u' })).toStrictEqual([
      { name: 'user_removed_from_chat', payload: { chatId: 'C1', userId: 'u' } },
    ]);
    expect(malformed('user_removed_from_chat', { chat_id: 'C1' })).toThrow(ProtocolError);
  });
});

describe('malformed pushes', () => {
  const SURFACED = [
    'groups_status_updated', 'chat_properties_deleted', 'chat_properties_updated', 'chat_transferred', 'event_properties_deleted',
    'event_properties_updated', 'event_updated', 'events_marked_as_seen', 'greeting_accepted', 'greeting_canceled',
    'incoming_event_preview', 'incoming_greeting', 'incoming_rich_message_postback', 'incoming_thinking_indicator',
    'incoming_typing_indicator', 'incoming_welcome_message', 'queue_position_updated', 'thread_properties_deleted',
    'thread_properties_updated', 'user_added_to_chat', 'user_removed_from_chat',
  ];

  it.each(SURFACED)('%s with an empty or junk payload throws ProtocolError, never TypeError', (action) => {
    for (const payload of [{}, { chat_id: 1, thread_id: null, properties: 5, user: 'x', event: [], queue: 'q', typing_indicator: null }]) {
      let thrown: unknown;
      try {
        eventsFromPush(action, payload);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProtocolError);
    }
  });

  it('customer_updated tolerates junk (every field is optional)', () => {
    expect(eventsFromPush('customer_updated', { name: 5, session_fields: 'x' })).toStrictEqual([
      { name: 'customer_updated', payload: { fields: {} } },
    ]);
  });
});

it('SDK_EVENT_NAMES lists every event a push can produce', () => {
  for (const name of [
    'availability_updated', 'chat_properties_deleted', 'chat_properties_updated', 'chat_transferred', 'customer_updated',
    'event_properties_deleted', 'event_properties_updated', 'event_updated', 'events_marked_as_seen', 'greeting_accepted',
    'greeting_canceled', 'incoming_event_preview', 'incoming_greeting', 'incoming_rich_message_postback',
    'incoming_thinking_indicator', 'incoming_typing_indicator', 'incoming_welcome_message', 'queue_position_updated',
    'thread_properties_deleted', 'thread_properties_updated', 'user_added_to_chat', 'user_removed_from_chat',
  ]) {
    expect(SDK_EVENT_NAMES).toContain(name);
  }
});
