/**
 * The Customer Chat API 3.6 reference's own samples (see doc-samples.ts) through our parsers, checked
 * field by field against the camelCase shapes of the Customer SDK v5 docs, and of 4.0.2 where the v5
 * docs are silent. `toStrictEqual` on whole results: a field dropped, renamed or invented fails.
 *
 * Wire fields that neither the v5 docs nor 4.0.2 expose are named where a test drops them, so that
 * dropping them is a decision on record rather than an accident (e.g. `requester_id` of incoming_chat).
 */
import { describe, expect, it } from 'vitest';
import { parseResult } from '../../src/protocol/method-table';
import { parseDisconnected, parseLoginResponse } from '../../src/protocol/parse';
import { parseEvent } from '../../src/protocol/parse-events';
import { eventsFromPush, userData } from '../../src/protocol/pushes';
import type { ChatEvent, Customer, Agent, Thread } from '../../src/shared/types';
import * as doc from './doc-samples';

type Json = Record<string, unknown>;

const CUSTOMER_ID = 'b7eff798-f8df-4364-8059-649c35c9ed0c';
const SESSION_FIELDS = { custom_key: 'custom_value', another_custom_key: 'another_custom_value' };

/** The incoming_event sample's message, as every event parser gives it (`threadId` as given). */
const message = (threadId: string | null): ChatEvent => ({
  id: 'Q20163UAHO_2',
  authorId: 'b5657aff-34dd-32e1-98160d54666df9d8',
  createdAt: '2019-12-05T07:27:08.820000Z',
  threadId,
  // `recipients` is a request-side field that 4.0.2 does not expose either.
  properties: { '0805e283233042b37f460ed8fbf22160': { string_property: 'string value' } },
  type: 'message',
  text: 'Hello',
});

/**
 * The Customer sample as a chat user. Dropped on purpose (neither the v5 docs nor 4.0.2 carry them):
 * `email_verified`, `phone_number`, `omnichannel`; `events_seen_up_to` goes to the chat's
 * `eventsSeenUpToMap` instead.
 */
const CUSTOMER_USER: Customer = {
  id: CUSTOMER_ID,
  type: 'customer',
  name: 'Thomas Anderson',
  email: 't.anderson@example.com',
  avatar: 'https://example.com/avatar.png',
  sessionFields: SESSION_FIELDS,
  present: true,
};

/** The Agent sample (it has no `job_title`: 4.0.2's undefined becomes the v5 table's string, ''). */
const AGENT_USER: Agent = {
  id: 'b5657aff34dd32e198160d54666df9d8',
  type: 'agent',
  name: 'Agent Smith',
  avatar: 'cdn.livechatinc.com/avatars/1.png',
  jobTitle: '',
  present: true,
};

/** The Threads sample, in `chatId`. Its misspelt `properites` is not read as properties. */
const thread = (chatId: string): Thread => ({
  id: 'QA1B38GHGI',
  chatId,
  active: false,
  access: { groupIds: [0] },
  createdAt: '2020-05-07T07:11:28.288340Z',
  userIds: ['bbb67d600796e9f277e360e842418833', CUSTOMER_ID],
  events: [
    {
      id: 'QA1B38GHGI_1',
      authorId: 'bbb67d600796e9f277e360e842418833',
      createdAt: '2020-05-14T07:22:40.269000Z',
      threadId: 'QA1B38GHGI',
      properties: { source: { client_id: '0805e283233042b37f460ed8fbf22160' } },
      customId: '1589440960204.71699349177',
      type: 'message',
      text: 'hello',
    },
    {
      id: 'QA1B38GHGI_3',
      authorId: 'system',
      createdAt: '2020-05-14T08:18:44.015000Z',
      threadId: 'QA1B38GHGI',
      properties: {},
      type: 'system_message',
      text: 'The chat was closed because Agent Smith had lost internet connection',
      systemMessageType: 'routing.archived_disconnected',
      textVars: { agent: 'Agent Smith' },
    },
  ],
  properties: {},
  previousThreadId: 'K600PKZOM8',
  nextThreadId: 'K600PKZOO8',
  queue: null,
});

const push = (sample: doc.DocSample, action: string) => eventsFromPush(action, sample.payload);

describe('data-structures samples', () => {
  it('Events › File: an image with both thumbnails and alternativeText', () => {
    // `size` is dropped, as 4.0.2 drops it; width and height scale the thumbnails (300 and 600 px boxes).
    expect(parseEvent(doc.FILE_EVENT, 'T1')).toStrictEqual({
      id: '0affb00a-82d6-4e07-ae61-56ba5c36f743',
      authorId: CUSTOMER_ID,
      createdAt: '2017-10-12T15:19:21.010200Z',
      threadId: 'T1',
      properties: { property_namespace: { property_name: 'property_value' } },
      customId: '31-0C-1C-07-DB-16',
      type: 'file',
      url: 'https://example.com/image25.png',
      name: 'image25.png',
      contentType: 'image/png',
      width: 640,
      height: 480,
      alternativeText: 'A sample image',
      thumbnails: {
        default: { url: 'https://example.com/thumbnail.png', width: 300, height: 225 },
        high: { url: 'https://example.com/thumbnail2x.png', width: 600, height: 450 },
      },
    });
  });

  it('Events › Rich message: every button with userIds (the customer who toggled "yes"), role, type, value, target', () => {
    // The image's content_type, size, width and height are dropped, as 4.0.2 drops them.
    expect(parseEvent(doc.RICH_MESSAGE_EVENT, 'T1')).toStrictEqual({
      id: '0affb00a-82d6-4e07-ae61-56ba5c36f743',
      authorId: CUSTOMER_ID,
      createdAt: '2017-10-12T15:19:21.010200Z',
      threadId: 'T1',
      properties: { property_namespace: { property_name: 'property_value' } },
      customId: '31-0C-1C-07-DB-16',
      type: 'rich_message',
      template: 'cards',
      elements: [
        {
          title: 'Lorem ipsum dolor.',
          subtitle: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.',
          image: { url: 'https://example.com/image25.png', name: 'image25.png', alternativeText: 'A picture of lorem ipsum' },
          buttons: [
            { text: 'yes', postbackId: 'action_yes', userIds: [CUSTOMER_ID], role: 'default' },
            { text: 'no', postbackId: 'action_no', userIds: [], role: 'default' },
            // webview_height belongs to webview buttons only, target to url buttons only (4.0.2 alike).
            { type: 'phone', text: 'value', postbackId: 'action_call', userIds: [], role: 'default', value: '790034890' },
          ],
        },
      ],
    });
  });

  it('Events › Rich message, response table: a greeting button\'s button_id is its buttonId (what sendGreetingButtonClicked takes)', () => {
    // "elements.buttons.button_id | optionally | Returned only for greetings"; v5 sendGreetingButtonClicked
    // tracks "greetings that have a `buttonId` property".
    const elements = doc.RICH_MESSAGE_EVENT.elements as Json[];
    const buttons = elements[0]!.buttons as Json[];
    const greetingEvent = { ...doc.RICH_MESSAGE_EVENT, elements: [{ ...elements[0], buttons: [{ ...buttons[0], button_id: '20ff0b3f-fbed-49f4-b13f-788c9ec66f03' }] }] };
    const [event] = push({ source: 'rtm-pushes § incoming_greeting', payload: { ...doc.INCOMING_GREETING.payload, event: greetingEvent } }, 'incoming_greeting');
    if (event?.name !== 'incoming_greeting' || event.payload.event?.type !== 'rich_message') throw new Error('expected a rich greeting');
    expect(event.payload.event.elements[0]!.buttons).toStrictEqual([
      { text: 'yes', postbackId: 'action_yes', userIds: [CUSTOMER_ID], role: 'default', buttonId: '20ff0b3f-fbed-49f4-b13f-788c9ec66f03' },
    ]);
  });

  it('Events › Filled form: answers as given, group_chooser group_id → groupId, checkbox answers kept', () => {
    expect(parseEvent(doc.FILLED_FORM_EVENT, 'T1')).toStrictEqual({
      id: '0affb00a-82d6-4e07-ae61-56ba5c36f743',
      authorId: CUSTOMER_ID,
      createdAt: '2017-10-12T15:19:21.010200Z',
      threadId: 'T1',
      properties: { property_namespace: { property_name: 'property_value' } },
      customId: '31-0C-1C-07-DB-16',
      type: 'filled_form',
      formId: '1473433500211',
      fields: [
        { type: 'name', id: '154417206262603539', label: 'Your name', answer: 'Thomas Anderson' },
        { type: 'email', id: '154417206262601584', label: 'Your email', answer: 't.anderson@example.com' },
        { type: 'radio', id: '154417206262602571', label: 'Chat purpose', answer: { id: '0', label: 'Support' } },
        {
          type: 'checkbox',
          id: '154417206262604640',
          label: 'Company industry',
          answers: [
            { id: '0', label: 'automotive' },
            { id: '1', label: 'it' },
          ],
        },
        { type: 'group_chooser', id: '154417206262605324', label: 'Choose department', answer: { id: '2', label: 'Marketing', groupId: 1 } },
      ],
    });
  });

  it('Chat summaries: users, eventsSeenUpToMap from users[].events_seen_up_to, last events per type, the newest as lastEvent', () => {
    const result = parseResult('listChats', { chats_summary: [doc.CHAT_SUMMARY], total_chats: 1 });
    const hello: ChatEvent = {
      id: 'QA1B38GHGI_1',
      authorId: 'bbb67d600796e9f277e360e842418833',
      createdAt: '2020-05-14T07:22:40.269000Z',
      threadId: 'QA1B38GHGI',
      properties: { property_namespace: { property_name: 'property_value' } },
      customId: '1589440960204.71699349177',
      type: 'message',
      text: 'Hello',
    };
    const closed: ChatEvent = {
      id: 'QA1B38GHGI_3',
      authorId: 'system',
      createdAt: '2020-05-14T08:18:44.015000Z',
      threadId: 'QA1B38GHGI',
      properties: {},
      type: 'system_message',
      text: 'The chat was closed because Agent Smith had lost internet connection',
      systemMessageType: 'routing.archived_disconnected',
      textVars: { agent: 'Agent Smith' },
    };
    const users = [
      { id: CUSTOMER_ID, type: 'customer', sessionFields: {}, present: true },
      {
        id: 'bbb67d600796e9f277e360e842418833',
        type: 'agent',
        name: 'Agent Smith',
        avatar: 'https://cdn.livechatinc.com/cloud/?uri=https://livechat.s3.amazonaws.com/default/avatars/a7.png',
        jobTitle: 'Support Agent',
        present: false,
      },
    ];
    // `thread_order` is dropped (4.0.2 alike); the misspelt `properites` is not read as properties.
    expect(result).toStrictEqual({
      chatsSummary: [
        {
          id: 'PJ0MRSHTDG',
          active: false,
          access: { groupIds: [0] },
          properties: {},
          users,
          lastThreadId: 'QA1B38GHGI',
          lastThreadCreatedAt: '2020-05-08T08:22:21.128420Z',
          eventsSeenUpToMap: { [CUSTOMER_ID]: null, bbb67d600796e9f277e360e842418833: '2020-05-14T07:22:37.287496Z' },
          lastEventsPerType: { message: hello, system_message: closed },
          lastEvent: closed,
        },
      ],
      totalChats: 1,
      users,
      previousPageId: null,
      nextPageId: null,
    });
  });
});

describe('rtm-pushes samples (3.6)', () => {
  it('incoming_chat: user_data per user, then the chat with eventsSeenUpToMap; requester_id and transferred_from are not exposed', () => {
    // Neither the v5 docs ("Incoming chat": chat.id, access, users, properties, thread) nor 4.0.2 carry them.
    const events = push(doc.INCOMING_CHAT, 'incoming_chat');
    expect(events).toStrictEqual([
      { name: 'user_data', payload: { ...CUSTOMER_USER, fields: SESSION_FIELDS } },
      { name: 'user_data', payload: AGENT_USER },
      {
        name: 'incoming_chat',
        payload: {
          chat: {
            id: 'PJ0MRSHTDG',
            access: { groupIds: [0] },
            users: [CUSTOMER_USER, AGENT_USER],
            properties: { '0805e283233042b37f460ed8fbf22160': { string_property: 'string_value' } },
            eventsSeenUpToMap: { [CUSTOMER_ID]: '2017-10-12T15:19:21.010200Z', b5657aff34dd32e198160d54666df9d8: '2017-10-12T15:19:21.010200Z' },
            thread: thread('PJ0MRSHTDG'),
          },
        },
      },
    ]);
  });

  it('chat_deactivated: chatId (thread_id and user_id are not in the v5 payload)', () => {
    expect(push(doc.CHAT_DEACTIVATED, 'chat_deactivated')).toStrictEqual([{ name: 'chat_deactivated', payload: { chatId: 'PJ0MRSHTDG' } }]);
  });

  it('chat_transferred without a reason: requesterId only for manual transfers, as the v5 table says', () => {
    expect(push(doc.CHAT_TRANSFERRED, 'chat_transferred')).toStrictEqual([
      {
        name: 'chat_transferred',
        payload: {
          chatId: 'PJ0MRSHTDG',
          threadId: 'K600PKZON8',
          reason: '',
          transferredTo: { agentIds: ['b5657aff34dd32e198160d54666df9d8'], groupIds: [1] },
          queue: { position: 42, waitTime: 1337, queuedAt: '2019-12-09T12:01:18.909000Z' },
        },
      },
    ]);
  });

  it('user_added_to_chat: user_data first, then { chatId, user, present }; the user\'s events_seen_up_to is not part of a user', () => {
    // v5 "User added to chat": chatId, user, present. 4.0.2 drops events_seen_up_to, reason and requester_id too.
    expect(push(doc.USER_ADDED_TO_CHAT, 'user_added_to_chat')).toStrictEqual([
      { name: 'user_data', payload: { ...CUSTOMER_USER, fields: SESSION_FIELDS } },
      { name: 'user_added_to_chat', payload: { chatId: 'PJ0MRSHTDG', user: CUSTOMER_USER, present: true } },
    ]);
  });

  it('user_removed_from_chat: { chatId, userId, reason }', () => {
    expect(push(doc.USER_REMOVED_FROM_CHAT, 'user_removed_from_chat')).toStrictEqual([
      { name: 'user_removed_from_chat', payload: { chatId: 'PJ0MRSHTDG', userId: 'bbb67d600796e9f277e360e842418833', reason: 'manual' } },
    ]);
  });

  it('incoming_event: { chatId, event } with the thread id stamped on the event', () => {
    expect(push(doc.INCOMING_EVENT, 'incoming_event')).toStrictEqual([
      { name: 'incoming_event', payload: { chatId: 'PJ0MRSHTDG', event: message('K600PKZON8') } },
    ]);
  });

  it('event_updated: { chatId, threadId, event }, the rich message with its buttons\' userIds', () => {
    const [updated] = push(doc.EVENT_UPDATED, 'event_updated');
    expect(updated).toStrictEqual({
      name: 'event_updated',
      payload: { chatId: '123-123-123-123', threadId: 'E2WDHA8A', event: parseEvent(doc.RICH_MESSAGE_EVENT, 'E2WDHA8A') },
    });
    if (updated?.name !== 'event_updated' || updated.payload.event?.type !== 'rich_message') throw new Error('expected a rich message');
    expect(updated.payload.event.elements[0]!.buttons!.map((button) => button.userIds)).toEqual([[CUSTOMER_ID], [], []]);
  });

  it('incoming_rich_message_postback: { userId, chatId, threadId, eventId, postback }', () => {
    expect(push(doc.INCOMING_RICH_MESSAGE_POSTBACK, 'incoming_rich_message_postback')).toStrictEqual([
      {
        name: 'incoming_rich_message_postback',
        payload: {
          userId: CUSTOMER_ID,
          chatId: 'PJ0MRSHTDG',
          threadId: 'K600PKZON8',
          eventId: 'a0c22fdd-fb71-40b5-bfc6-a8a0bc3117f7',
          postback: { id: 'action_yes', toggled: true },
        },
      },
    ]);
  });

  it.each(doc.PROPERTY_PUSHES.map((sample) => [sample.action, sample] as const))('%s: ids in camelCase, properties as sent', (action, sample) => {
    const ids: Json = { chatId: sample.payload.chat_id };
    if (sample.payload.thread_id !== undefined) ids.threadId = sample.payload.thread_id;
    if (sample.payload.event_id !== undefined) ids.eventId = sample.payload.event_id;
    expect(push(sample, action)).toStrictEqual([{ name: action, payload: { ...ids, properties: sample.payload.properties } }]);
  });

  it('customer_updated (a whole Customer): id, name, email, avatar and session fields as `fields`', () => {
    // v5 "Customer updated": name, email, avatar, fields. The rest of a Customer is not an update a widget shows.
    expect(push(doc.CUSTOMER_UPDATED, 'customer_updated')).toStrictEqual([
      {
        name: 'customer_updated',
        payload: { id: CUSTOMER_ID, name: 'Thomas Anderson', email: 't.anderson@example.com', avatar: 'https://example.com/avatar.png', fields: SESSION_FIELDS },
      },
    ]);
  });

  it('customer_side_storage_updated and incoming_multicast are not SDK events (v5 has none; 4.0.2 kept the storage internally)', () => {
    expect(push(doc.CUSTOMER_SIDE_STORAGE_UPDATED, 'customer_side_storage_updated')).toEqual([]);
    expect(push(doc.INCOMING_MULTICAST, 'incoming_multicast')).toEqual([]);
  });

  it('customer_disconnected: the reason with data spread into the disconnected payload', () => {
    expect(parseDisconnected(doc.CUSTOMER_DISCONNECTED.payload)).toStrictEqual({ reason: 'misdirected_connection', region: 'fra' });
  });

  it('groups_status_updated → availability_updated', () => {
    expect(push(doc.GROUPS_STATUS_UPDATED, 'groups_status_updated')).toStrictEqual([{ name: 'availability_updated', payload: { availability: 'offline' } }]);
  });

  it('incoming_typing_indicator: { chatId, typingIndicator: { authorId, isTyping } }', () => {
    // recipients and timestamp are not in the v5 payload (nor in 4.0.2's).
    expect(push(doc.INCOMING_TYPING_INDICATOR, 'incoming_typing_indicator')).toStrictEqual([
      { name: 'incoming_typing_indicator', payload: { chatId: 'PJ0MRSHTDG', typingIndicator: { authorId: 'd17cd570-11a9-45c0-45c0-1b020b7586dc', isTyping: true } } },
    ]);
  });

  it('events_marked_as_seen: { chatId, userId, seenUpTo }', () => {
    expect(push(doc.EVENTS_MARKED_AS_SEEN, 'events_marked_as_seen')).toStrictEqual([
      { name: 'events_marked_as_seen', payload: { chatId: 'PJ0MRSHTDG', userId: CUSTOMER_ID, seenUpTo: '2017-10-12T15:19:21.010200Z' } },
    ]);
  });

  it('incoming_greeting: the v5 greeting with text, and accepted false when the push has none', () => {
    expect(push(doc.INCOMING_GREETING, 'incoming_greeting')).toStrictEqual([
      {
        name: 'incoming_greeting',
        payload: {
          id: 7,
          text: 'Hello',
          uniqueId: 'Q10O0N5B5D',
          displayedFirstTime: true,
          accepted: false,
          subtype: 'announcement',
          addon: 'email',
          event: message(null),
          agent: { id: 'b5657aff34dd32e198160d54666df9d8', name: 'Agent Smith', avatar: 'https://example.com/image25.png', jobTitle: 'Support Agent', isBot: false },
        },
      },
    ]);
  });

  it('greeting_accepted, greeting_canceled: { uniqueId }', () => {
    expect(push(doc.GREETING_ACCEPTED, 'greeting_accepted')).toStrictEqual([{ name: 'greeting_accepted', payload: { uniqueId: 'Q40R0832IN' } }]);
    expect(push(doc.GREETING_CANCELED, 'greeting_canceled')).toStrictEqual([{ name: 'greeting_canceled', payload: { uniqueId: 'Q10O0N5B5D' } }]);
  });

  it('queue_position_updated: { chatId, threadId, queue: { position, waitTime } }', () => {
    expect(push(doc.QUEUE_POSITION_UPDATED, 'queue_position_updated')).toStrictEqual([
      { name: 'queue_position_updated', payload: { chatId: 'PJ0MRSHTDG', threadId: 'K600PKZON8', queue: { position: 42, waitTime: 1337 } } },
    ]);
  });
});

describe('rtm-reference response samples (3.6)', () => {
  it('login → connected: customer with statistics, availability from the dynamic config, the greeting without agent.type', () => {
    // v5 "Connected" lists greeting.agent.id, name, avatar, jobTitle, isBot; `type` is not among them (4.0.2
    // drops it too). has_active_thread and chats are not in the v5 payload.
    expect(parseLoginResponse(doc.LOGIN_RESPONSE.payload)).toStrictEqual({
      customer: {
        id: 'a0c22fdd-fb71-40b5-bfc6-a8a0bc3117f5',
        type: 'customer',
        name: 'Thomas Anderson',
        email: 't.anderson@example.com',
        avatar: 'https://example.com/avatar.png',
        sessionFields: SESSION_FIELDS,
        statistics: { chatsCount: 2, threadsCount: 9, visitsCount: 15, pageViewsCount: 40, greetingsShownCount: 20, greetingsAcceptedCount: 1 },
      },
      availability: 'online',
      greeting: {
        id: 342543723,
        text: 'Hello',
        uniqueId: 'e35a4fb4106d87e550fe1af480639058',
        displayedFirstTime: true,
        accepted: true,
        subtype: 'announcement',
        addon: 'email',
        event: message(null),
        agent: { id: 'b5657aff34dd32e198160d54666df9d8', name: 'Agent Smith', avatar: 'https://example.com/avatar.png', jobTitle: 'Support Agent', isBot: false },
      },
    });
  });

  it('get_customer → getCustomer() with sessionFields (the v5 getCustomer name); its user_data also carries fields', () => {
    const customer = parseResult('getCustomer', doc.GET_CUSTOMER_RESPONSE.payload);
    expect(customer).toStrictEqual({
      id: CUSTOMER_ID,
      type: 'customer',
      name: 'Thomas Anderson',
      email: 't.anderson@example.com',
      avatar: 'https://example.com/avatars/1.jpg',
      sessionFields: SESSION_FIELDS,
    });
    expect(userData(customer)).toStrictEqual({ name: 'user_data', payload: { ...customer, fields: SESSION_FIELDS } });
  });

  it('list_chats → listChats(): summaries, users, totalChats, page ids', () => {
    const users = [
      { id: CUSTOMER_ID, type: 'customer', sessionFields: {}, present: true },
      { id: 'b5657aff34dd32e198160d54666df9d8', type: 'agent', name: 'Agent Smith', avatar: 'https://example.com/avatar.png', jobTitle: 'Support Agent', present: true },
    ];
    const last: ChatEvent = {
      id: 'Q298LUVPRH_1',
      authorId: CUSTOMER_ID,
      createdAt: '2019-12-09T12:01:18.909000Z',
      threadId: 'K600PKZON9',
      properties: {},
      type: 'message',
      text: 'hello world',
    };
    expect(parseResult('listChats', doc.LIST_CHATS_RESPONSE.payload)).toStrictEqual({
      chatsSummary: [
        {
          id: 'PJ0MRSHTDG',
          active: true,
          access: { groupIds: [0] },
          properties: {},
          users,
          lastThreadId: 'K600PKZON8',
          lastThreadCreatedAt: '2020-05-08T08:22:21.128420Z',
          eventsSeenUpToMap: { [CUSTOMER_ID]: null, b5657aff34dd32e198160d54666df9d8: null },
          lastEventsPerType: { message: last },
          lastEvent: last,
        },
      ],
      totalChats: 1,
      users,
      previousPageId: null,
      nextPageId: 'MTUxNzM5ODEzMTQ5Ng==',
    });
  });

  it('list_threads → listThreads(): threads in the asked chat, page ids (found_threads is not in the v5 result)', () => {
    expect(parseResult('listThreads', doc.LIST_THREADS_RESPONSE.payload, { chat_id: 'PWJ8Y4THAV' })).toStrictEqual({
      threads: [
        {
          id: 'K600PKZON8',
          chatId: 'PWJ8Y4THAV',
          active: true,
          access: { groupIds: [0] },
          createdAt: '2019-12-17T07:57:41.512000Z',
          userIds: [CUSTOMER_ID, 'bbb67d600796e9f277e360e842418833'],
          events: [
            {
              id: 'Q20N9CKRX2_1',
              authorId: 'bbb67d600796e9f277e360e842418833',
              createdAt: '2019-12-17T07:57:41.512000Z',
              threadId: 'K600PKZON8',
              properties: {},
              type: 'message',
              text: 'Hello',
            },
          ],
          properties: {},
          previousThreadId: 'K600PKZOM8',
          nextThreadId: 'K600PKZOO8',
          queue: null,
        },
      ],
      previousPageId: 'MTUxNzM5ODEzMTQ5Nw==',
      nextPageId: 'MTUxNzM5ODEzMTQ5Ng==',
    });
  });

  it('get_chat → getChat(): id, access, users, properties, eventsSeenUpToMap, thread', () => {
    expect(parseResult('getChat', doc.GET_CHAT_RESPONSE.payload)).toStrictEqual({
      id: 'PJ0MRSHTDG',
      access: { groupIds: [0] },
      users: [
        { id: CUSTOMER_ID, type: 'customer', sessionFields: {}, present: true },
        { id: 'b5657aff34dd32e198160d54666df9d8', type: 'agent', name: 'Agent Smith', avatar: 'https://example.com/avatar.jpg', jobTitle: 'Support Agent', present: true },
      ],
      properties: { '0805e283233042b37f460ed8fbf22160': { string_property: 'string_value' } },
      eventsSeenUpToMap: { [CUSTOMER_ID]: null, b5657aff34dd32e198160d54666df9d8: null },
      thread: {
        id: 'K600PKZON8',
        chatId: 'PJ0MRSHTDG',
        active: true,
        access: { groupIds: [0] },
        createdAt: '2020-05-07T07:11:28.288340Z',
        userIds: [CUSTOMER_ID, 'b5657aff34dd32e198160d54666df9d8'],
        events: [
          {
            id: 'Q20N9CKRX2_1',
            authorId: 'b5657aff34dd32e198160d54666df9d8',
            createdAt: '2019-12-17T07:57:41.512000Z',
            threadId: 'K600PKZON8',
            properties: {},
            type: 'message',
            text: 'Hello',
          },
        ],
        properties: { '0805e283233042b37f460ed8fbf22160': { string_property: 'string_value' } },
        previousThreadId: 'K600PKZOM8',
        nextThreadId: 'K600PKZOO8',
        queue: null,
      },
    });
  });

  it('list_group_statuses → listGroupStatuses(): the status map as sent', () => {
    expect(parseResult('listGroupStatuses', doc.LIST_GROUP_STATUSES_RESPONSE.payload)).toStrictEqual({ '1': 'online', '2': 'offline', '3': 'online_for_queue' });
  });

  it('get_form → getForm(): the form with group_chooser options group_id → groupId', () => {
    expect(parseResult('getForm', doc.GET_FORM_RESPONSE.payload)).toStrictEqual({
      enabled: true,
      form: {
        id: '157986144052005549',
        fields: [
          { id: '157986144052003238', type: 'header', label: 'Welcome to our LiveChat! Please fill in the form below before starting the chat.' },
          { id: '157986144052008371', type: 'name', label: 'Name:', required: false },
          { id: '157986144052005782', type: 'email', label: 'E-mail:', required: false },
          {
            id: '157986144052009331',
            type: 'group_chooser',
            label: 'Choose a department:',
            required: true,
            options: [
              { id: '0', label: 'Marketing', groupId: 1 },
              { id: '1', label: 'Sales', groupId: 2 },
              { id: '2', label: 'General', groupId: 0 },
            ],
          },
        ],
      },
    });
  });

  it('get_url_info → getUrlInfo(): the v5 fields (image_original_url is not among them)', () => {
    expect(parseResult('getUrlInfo', doc.GET_URL_INFO_RESPONSE.payload)).toStrictEqual({
      url: 'https://livechatinc.com',
      title: 'LiveChat | Live Chat Software and Help Desk Software',
      description:
        'LiveChat - premium live chat software and help desk software for business. Over 24 000 companies from 150 countries use LiveChat. Try now, chat for free!',
      imageUrl: 'https://example.com/image.png',
      imageWidth: 200,
      imageHeight: 200,
    });
  });
});
