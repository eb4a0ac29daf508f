/**
 * The documented samples of the Customer Chat API 3.6 reference, as LiveChat's public docs print
 * them (repository `livechat/livechat-public-docs`), kept as data with the page and section each
 * came from, for `doc-samples.test.ts`.
 *
 * Pages: `rtm-reference` and `rtm-pushes` are `src/pages/messaging/customer-chat-api/v3.6/…/index.mdx`;
 * `data-structures` prints its samples from `payloads/messaging/v<version>/customer-chat-api/…json`
 * (named per sample: where the 3.6 file is not in the docs repository, the newest version that has it).
 *
 * Only two kinds of edits, each said where made: a `// comment` is dropped (JSON has none), and a
 * placeholder such as `// "Thread" object` is replaced by the documented sample of that structure.
 */
import { PUSHES, RESPONSES, STRUCTURES, type FrameSample } from '../support/api-samples';

type Json = Record<string, unknown>;

/**
 * One documented sample's JSON (or one field of it) from the samples the emulator's conformance
 * test uses: where both tests need the same sample, it is kept once, there.
 */
function documented(table: Record<string, FrameSample>, key: string, field?: string): Json {
  const sample = table[key];
  if (!sample) throw new Error(`test/support/api-samples.ts has no sample "${key}"`);
  return (field === undefined ? sample.body : sample.body[field]) as Json;
}

export interface DocSample {
  /** Page § section, and the file for data-structures samples. */
  source: string;
  payload: Json;
}

// ---- data-structures ----------------------------------------------------------------------

/** data-structures § Users › Customer (payloads/messaging/v3.6/customer-chat-api/users/customer.json). */
export const CUSTOMER: Json = {
  id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
  type: 'customer',
  name: 'Thomas Anderson',
  email: 't.anderson@example.com',
  email_verified: false,
  avatar: 'https://example.com/avatar.png',
  phone_number: '+18008529001',
  session_fields: [{ custom_key: 'custom_value' }, { another_custom_key: 'another_custom_value' }],
  present: true,
  events_seen_up_to: '2017-10-12T15:19:21.010200Z',
  omnichannel: {
    fb_messenger: [
      {
        ID: 'fb_messenger_id',
        Name: 'Thomas Anderson',
        FirstName: 'Thomas',
        LastName: 'Anderson',
        ProfilePicURL: 'https://example.com/avatars/1.png',
        Gender: 'male',
        Locale: 'EN_US',
        IsVerifiedUser: true,
      },
    ],
    twilio: [{ '+18008529001': { phone_number: '+18008529001' } }],
  },
};

/** data-structures § Users › Agent (content/messaging/customer-chat-api/payloads/users/ca_agent.json). */
export const AGENT: Json = documented(PUSHES, 'user_added_to_chat', 'user');

/** data-structures § Events › File (payloads/messaging/v3.6/customer-chat-api/events/file.json). */
export const FILE_EVENT: Json = documented(STRUCTURES, 'file');

/**
 * data-structures § Events › Rich message (payloads/messaging/v3.6/customer-chat-api/events/richMessage.json):
 * the first button's `user_ids` names the customer who sent its postback with `toggled: true`.
 */
export const RICH_MESSAGE_EVENT: Json = documented(STRUCTURES, 'rich_message');

/** data-structures § Events › Filled form (payloads/messaging/v3.4/customer-chat-api/events/filledForm.json). */
export const FILLED_FORM_EVENT: Json = {
  id: '0affb00a-82d6-4e07-ae61-56ba5c36f743',
  custom_id: '31-0C-1C-07-DB-16',
  created_at: '2017-10-12T15:19:21.010200Z',
  type: 'filled_form',
  author_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
  properties: { property_namespace: { property_name: 'property_value' } },
  form_id: '1473433500211',
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
    { type: 'group_chooser', id: '154417206262605324', label: 'Choose department', answer: { id: '2', group_id: 1, label: 'Marketing' } },
  ],
};

/** data-structures § Forms (payloads/messaging/v3.5/customer-chat-api/other-structures/form.json). */
export const FORM: Json = documented(RESPONSES, 'get_form', 'form');

/**
 * data-structures § Chat summaries (payloads/messaging/v3.5/customer-chat-api/other-structures/chatSummary.json).
 * The docs misspell `properties` as `properites` here; the sample is kept as printed.
 */
export const CHAT_SUMMARY: Json = {
  id: 'PJ0MRSHTDG',
  last_thread_id: 'QA1B38GHGI',
  last_thread_created_at: '2020-05-08T08:22:21.128420Z',
  users: [
    { id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', type: 'customer', present: true },
    {
      id: 'bbb67d600796e9f277e360e842418833',
      name: 'Agent Smith',
      events_seen_up_to: '2020-05-14T07:22:37.287496Z',
      type: 'agent',
      present: false,
      avatar: 'https://cdn.livechatinc.com/cloud/?uri=https://livechat.s3.amazonaws.com/default/avatars/a7.png',
      job_title: 'Support Agent',
    },
  ],
  last_event_per_type: {
    message: {
      thread_id: 'QA1B38GHGI',
      thread_order: 1,
      thread_created_at: '2020-05-14T07:22:30.779000Z',
      event: {
        id: 'QA1B38GHGI_1',
        created_at: '2020-05-14T07:22:40.269000Z',
        type: 'message',
        properties: { property_namespace: { property_name: 'property_value' } },
        text: 'Hello',
        author_id: 'bbb67d600796e9f277e360e842418833',
        custom_id: '1589440960204.71699349177',
      },
    },
    system_message: {
      thread_id: 'QA1B38GHGI',
      thread_order: 1,
      thread_created_at: '2020-05-14T07:22:30.779000Z',
      event: {
        id: 'QA1B38GHGI_3',
        created_at: '2020-05-14T08:18:44.015000Z',
        type: 'system_message',
        text: 'The chat was closed because Agent Smith had lost internet connection',
        system_message_type: 'routing.archived_disconnected',
        text_vars: { agent: 'Agent Smith' },
      },
    },
  },
  properites: { property_namespace: { property_name: 'property_value' } },
  access: { group_ids: [0] },
  active: false,
};

/**
 * data-structures § Threads: the thread of the Chat sample (payloads/messaging/v3.4/customer-chat-api/
 * other-structures/chat.json, `threads[0]`; the 3.6 thread.json is not in the docs repository). The docs
 * misspell `properties` as `properites` here too.
 */
export const THREAD: Json = {
  id: 'QA1B38GHGI',
  created_at: '2020-05-07T07:11:28.288340Z',
  active: false,
  user_ids: ['bbb67d600796e9f277e360e842418833', 'b7eff798-f8df-4364-8059-649c35c9ed0c'],
  events: [
    {
      id: 'QA1B38GHGI_1',
      created_at: '2020-05-14T07:22:40.269000Z',
      type: 'message',
      properties: { source: { client_id: '0805e283233042b37f460ed8fbf22160' } },
      text: 'hello',
      author_id: 'bbb67d600796e9f277e360e842418833',
      custom_id: '1589440960204.71699349177',
    },
    {
      id: 'QA1B38GHGI_3',
      created_at: '2020-05-14T08:18:44.015000Z',
      type: 'system_message',
      text: 'The chat was closed because Agent Smith had lost internet connection',
      system_message_type: 'routing.archived_disconnected',
      text_vars: { agent: 'Agent Smith' },
    },
  ],
  properites: { property_namespace: { property_name: 'property_value' } },
  access: { group_ids: [0] },
  previous_thread_id: 'K600PKZOM8',
  next_thread_id: 'K600PKZOO8',
};

// ---- rtm-pushes (3.6) --------------------------------------------------------------------

/** rtm-pushes § incoming_event: the documented message event, also what "Event > Message" placeholders stand for. */
export const INCOMING_EVENT: DocSample = { source: 'rtm-pushes § Events › incoming_event', payload: documented(PUSHES, 'incoming_event') };

const MESSAGE_EVENT = INCOMING_EVENT.payload.event as Json;

/**
 * rtm-pushes § incoming_chat, with `requester_id` and `chat.transferred_from`. Placeholders: users =
 * the Customer and Agent samples (each with `events_seen_up_to`), properties and access = those of
 * rtm-reference § Get Chat, thread = the Threads sample.
 */
export const INCOMING_CHAT: DocSample = {
  source: 'rtm-pushes § Chats › incoming_chat',
  payload: {
    requester_id: 'b5657aff34dd32e198160d54666df9d8',
    chat: {
      id: 'PJ0MRSHTDG',
      users: [CUSTOMER, AGENT],
      properties: { '0805e283233042b37f460ed8fbf22160': { string_property: 'string_value' } },
      access: { group_ids: [0] },
      thread: THREAD,
      transferred_from: { group_ids: [1], agent_ids: ['bbb67d600796e9f277e360e842418833'] },
    },
  },
};

export const CHAT_DEACTIVATED: DocSample = {
  source: 'rtm-pushes § Chats › chat_deactivated',
  payload: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8', user_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c' },
};

/** The docs' sample has no `reason`; the manual and routing variants are in pushes-v5.test.ts. */
export const CHAT_TRANSFERRED: DocSample = { source: 'rtm-pushes § Chat access › chat_transferred', payload: documented(PUSHES, 'chat_transferred') };

/** Placeholder `"User > Customer" or "User > Agent" object`: the Customer sample. */
export const USER_ADDED_TO_CHAT: DocSample = {
  source: 'rtm-pushes § Chat users › user_added_to_chat',
  payload: {
    chat_id: 'PJ0MRSHTDG',
    thread_id: 'K600PKZON8',
    user: CUSTOMER,
    reason: 'manual',
    requester_id: 'b5657aff34dd32e198160d54666df9d8',
  },
};

export const USER_REMOVED_FROM_CHAT: DocSample = { source: 'rtm-pushes § Chat users › user_removed_from_chat', payload: documented(PUSHES, 'user_removed_from_chat') };

/** Placeholder `"Event" object`: the Rich message sample (an updated rich message is what a postback changes). */
export const EVENT_UPDATED: DocSample = {
  source: 'rtm-pushes § Events › event_updated',
  payload: { chat_id: '123-123-123-123', thread_id: 'E2WDHA8A', event: RICH_MESSAGE_EVENT },
};

export const INCOMING_RICH_MESSAGE_POSTBACK: DocSample = { source: 'rtm-pushes § Events › incoming_rich_message_postback', payload: documented(PUSHES, 'incoming_rich_message_postback') };

const UPDATED = (who: string) => ({ '0805e283233042b37f460ed8fbf22160': { string_property: `${who} property value updated by Customer` } });
const DELETED = { '0805e283233042b37f460ed8fbf22160': ['string_property'] };

export const PROPERTY_PUSHES: Array<DocSample & { action: string }> = [
  { action: 'chat_properties_updated', source: 'rtm-pushes § Properties › chat_properties_updated', payload: { chat_id: 'Q1GZ3FNAT9', properties: UPDATED('Chat') } },
  { action: 'chat_properties_deleted', source: 'rtm-pushes § Properties › chat_properties_deleted', payload: { chat_id: 'Q1GZ3FNAT9', properties: DELETED } },
  {
    action: 'thread_properties_updated',
    source: 'rtm-pushes § Properties › thread_properties_updated',
    payload: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', properties: UPDATED('Thread') },
  },
  {
    action: 'thread_properties_deleted',
    source: 'rtm-pushes § Properties › thread_properties_deleted',
    payload: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', properties: DELETED },
  },
  {
    action: 'event_properties_updated',
    source: 'rtm-pushes § Properties › event_properties_updated',
    payload: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', event_id: 'Q1GZ3FNAU9_1', properties: UPDATED('Event') },
  },
  {
    action: 'event_properties_deleted',
    source: 'rtm-pushes § Properties › event_properties_deleted',
    payload: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', event_id: 'Q1GZ3FNAU9_1', properties: DELETED },
  },
];

/** Placeholder `"User > Customer" object`: the Customer sample ("the push payload contains the updated fields"). */
export const CUSTOMER_UPDATED: DocSample = { source: 'rtm-pushes § Customers › customer_updated', payload: CUSTOMER };

export const CUSTOMER_SIDE_STORAGE_UPDATED: DocSample = {
  source: 'rtm-pushes § Customers › customer_side_storage_updated',
  payload: { customer_side_storage: { customer_visits: '1' } },
};

export const CUSTOMER_DISCONNECTED: DocSample = {
  source: 'rtm-pushes § Status › customer_disconnected',
  payload: { reason: 'misdirected_connection', data: { region: 'fra' } },
};

export const GROUPS_STATUS_UPDATED: DocSample = { source: 'rtm-pushes § Status › groups_status_updated', payload: documented(PUSHES, 'groups_status_updated') };

export const INCOMING_TYPING_INDICATOR: DocSample = { source: 'rtm-pushes § Other › incoming_typing_indicator', payload: documented(PUSHES, 'incoming_typing_indicator') };

export const INCOMING_MULTICAST: DocSample = {
  source: 'rtm-pushes § Other › incoming_multicast',
  payload: { author_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', content: { example: { nested: 'json' } } },
};

export const EVENTS_MARKED_AS_SEEN: DocSample = { source: 'rtm-pushes § Other › events_marked_as_seen', payload: documented(PUSHES, 'events_marked_as_seen') };

/**
 * rtm-pushes § Other › incoming_greeting. The docs print the whole frame (`action`, `type`, `payload`)
 * where the other samples print the payload; this is its `payload`. Placeholder `"Event > Message"
 * object`: the incoming_event sample's message.
 */
export const INCOMING_GREETING: DocSample = {
  source: 'rtm-pushes § Other › incoming_greeting',
  payload: {
    id: 7,
    unique_id: 'Q10O0N5B5D',
    displayed_first_time: true,
    addon: 'email',
    subtype: 'announcement',
    event: MESSAGE_EVENT,
    agent: {
      name: 'Agent Smith',
      id: 'b5657aff34dd32e198160d54666df9d8',
      avatar: 'https://example.com/image25.png',
      job_title: 'Support Agent',
      is_bot: false,
    },
  },
};

/** Framed like incoming_greeting in the docs; these are the payloads. */
export const GREETING_ACCEPTED: DocSample = { source: 'rtm-pushes § Other › greeting_accepted', payload: { unique_id: 'Q40R0832IN' } };
export const GREETING_CANCELED: DocSample = { source: 'rtm-pushes § Other › greeting_canceled', payload: { unique_id: 'Q10O0N5B5D' } };
export const QUEUE_POSITION_UPDATED: DocSample = { source: 'rtm-pushes § Other › queue_position_updated', payload: documented(PUSHES, 'queue_position_updated', 'payload') };

// ---- rtm-reference (3.6): response payloads ---------------------------------------------------

/**
 * rtm-reference § Status › Login, the response payload, with `greeting.agent.type`. Placeholder
 * `"Event > Message" object`: the incoming_event sample's message.
 */
export const LOGIN_RESPONSE: DocSample = {
  source: 'rtm-reference § Status › Login (response)',
  payload: {
    customer: {
      id: 'a0c22fdd-fb71-40b5-bfc6-a8a0bc3117f5',
      name: 'Thomas Anderson',
      email: 't.anderson@example.com',
      avatar: 'https://example.com/avatar.png',
      session_fields: [{ custom_key: 'custom_value' }, { another_custom_key: 'another_custom_value' }],
      statistics: {
        chats_count: 2,
        threads_count: 9,
        visits_count: 15,
        page_views_count: 40,
        greetings_shown_count: 20,
        greetings_accepted_count: 1,
      },
    },
    has_active_thread: true,
    chats: [{ chat_id: 'PJ0MRSHTDG', has_unread_events: true }],
    greeting: {
      accepted: true,
      id: 342543723,
      unique_id: 'e35a4fb4106d87e550fe1af480639058',
      addon: 'email',
      subtype: 'announcement',
      event: MESSAGE_EVENT,
      agent: {
        id: 'b5657aff34dd32e198160d54666df9d8',
        name: 'Agent Smith',
        type: 'agent',
        avatar: 'https://example.com/avatar.png',
        job_title: 'Support Agent',
        is_bot: false,
      },
      displayed_first_time: true,
    },
    __priv_dynamic_config: {
      online_groups_ids: [1, 3],
      customer_groups: {
        monitoring: {
          id: 1,
          static_config_url: '/licence/1520/get_static_config.121.1808829.94.95.39446.4011.2385.398.160.552.58.337.44320.js',
          language_config_url: '/licence/1520/v2/localization.en.121.004b8e014f50ea0c6ad6227162f7d18f_40d391a9adcdbf190e62fcd21c865bf2.js',
        },
      },
    },
  },
};

export const GET_CUSTOMER_RESPONSE: DocSample = { source: 'rtm-reference § Customers › Get Customer (response)', payload: documented(RESPONSES, 'get_customer', 'payload') };

/** Placeholder `"Properties" object`: `{}`. */
export const LIST_CHATS_RESPONSE: DocSample = { source: 'rtm-reference § Chats › List Chats (response)', payload: documented(RESPONSES, 'list_chats', 'payload') };

/**
 * rtm-reference § Chats › List Threads: the docs label this response `"action": "get_chat"` (a
 * doc error: it answers list_threads). Placeholder `"Property" object`: `{}`. The request's chat id
 * is `PWJ8Y4THAV`.
 */
export const LIST_THREADS_RESPONSE: DocSample = { source: 'rtm-reference § Chats › List Threads (response)', payload: documented(RESPONSES, 'list_threads', 'payload') };

export const GET_CHAT_RESPONSE: DocSample = { source: 'rtm-reference § Chats › Get Chat (response)', payload: documented(RESPONSES, 'get_chat', 'payload') };

/**
 * rtm-reference § Status › List Group Statuses. The docs print the keys unquoted with a comment
 * (`1: "online"`); in JSON they are strings.
 */
export const LIST_GROUP_STATUSES_RESPONSE: DocSample = { source: 'rtm-reference § Status › List Group Statuses (response)', payload: documented(RESPONSES, 'list_group_statuses', 'payload') };

/**
 * rtm-reference § Other › Get Form. The docs print `{ form, enabled }` without the response envelope
 * the other samples have; placeholder `"Form" object`: the Forms sample.
 */
export const GET_FORM_RESPONSE: DocSample = { source: 'rtm-reference § Other › Get Form (response)', payload: { form: FORM, enabled: true } };

export const GET_URL_INFO_RESPONSE: DocSample = { source: 'rtm-reference § Other › Get URL Info (response)', payload: documented(RESPONSES, 'get_url_info', 'payload') };
