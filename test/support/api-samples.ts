// The Customer Chat API 3.6 reference's own samples, as data: the documented request, response and
// push of every method and push the emulator supports, each with the page and heading it came from.
// Only the samples are copied (comments turned into the rules below), never the pages. The emulator's
// conformance test compares with them; the SDK's parser test (test/protocol/doc-samples.ts) takes
// the same documented JSON from here, so each sample is kept once.
//
// Source: repository livechat/livechat-public-docs. The index of that repository holds the unversioned
// pages (src/pages/messaging/customer-chat-api/{rtm-reference,rtm-pushes,data-structures}/index.mdx)
// only in their 3.4 edition (apiVersion "3.4" in the front matter, commit 02318761); the 3.6 edition of
// the same pages is stored under v3.6/, so that is what these samples come from. The data-structures
// page renders its samples from JSON files (`<CodeResponse version="v3.6" type="customer" json="…"/>`);
// those files are cited by their own path.
//
// Rules per sample (paths as in test/emulator/conformance/shape.ts, `payload.x[].y`):
// - optional: keys the docs mark optional, with the docs' words; only these may be missing.
// - elsewhere: keys the emulator sends beyond the sample, with where they are documented.
// - docErrors: what is wrong in the sample and how it is handled here; `notSent` lists sample keys
//   that the error explains away (they are not required of the emulator).

export const DOCS_REPO = 'livechat/livechat-public-docs';

export interface DocSource {
  /** Path in DOCS_REPO. */
  page: string;
  commit: string;
  /** The heading (or file) the sample sits under. */
  heading: string;
}

export interface DocError {
  what: string;
  handling: string;
  /** Sample keys this error explains: not required of the emulator. */
  notSent?: string[];
}

export interface FrameSample {
  /** `request`: sent to the emulator; `response`/`push`: compared with what the emulator sends. */
  kind: 'request' | 'response' | 'push';
  action: string;
  source: DocSource;
  /** `frame`: the sample is a whole frame; `payload`: the sample is the frame's payload only. */
  scope: 'frame' | 'payload';
  body: Record<string, unknown>;
  optional?: Record<string, string>;
  elsewhere?: Record<string, string>;
  /** Paths of objects whose keys are data (group ids): their values are compared, not their keys. */
  maps?: string[];
  /** The docs say "no response payload": the payload must be `{}`. */
  emptyPayload?: boolean;
  docErrors?: DocError[];
}

const V36 = 'src/pages/messaging/customer-chat-api/v3.6';
const RTM_REFERENCE = { page: `${V36}/rtm-reference/index.mdx`, commit: '18d33b93238d14aa307948f0d03718b9fda95c16' };
const RTM_PUSHES = { page: `${V36}/rtm-pushes/index.mdx`, commit: '03c2d330cc7a9040ccd18a88d98bfd84acb54b36' };
const DATA_STRUCTURES = { page: `${V36}/data-structures/index.mdx`, commit: '0481e100b4461b1a03cafd4ffa8dfaaa2e1badce' };

const reference = (heading: string): DocSource => ({ ...RTM_REFERENCE, heading });
const pushes = (heading: string): DocSource => ({ ...RTM_PUSHES, heading });

// ---- words of the docs, quoted once and cited by every rule that relies on them ------------------

const OPTIONAL_COMMENT = 'the sample marks it `// optional`';
const CUSTOMER_TABLE = 'data-structures "Users > Customer" field table: "optional"';
const THREAD_PREVIOUS = 'data-structures "Threads" table: "Present only if there is a preceding thread."';
const THREAD_NEXT = 'data-structures "Threads" table: "Present only if there is a following thread."';
const MESSAGE_PROPERTIES = 'data-structures "Message" response table: `properties` "optionally"';
const RECIPIENTS = 'rtm-pushes "incoming_event" sample (`"recipients": "all"`); rtm-reference "List Threads" sample';
const SEEN_UP_TO = 'data-structures "Users > Customer" sample (`events_seen_up_to`) and the v3.2 "Agent" sample';
const PUSH_VERSION = 'rtm-reference "Pushes" general push format (`"version": "<api_version>"`)';
const GENERAL_RESPONSE = 'rtm-reference "Available methods": GENERAL RTM API RESPONSE FORMAT';

/** Everything but `request_id` of the general response format, which every response sample shares. */
const responseOf = (action: string, payload: Record<string, unknown>) => ({ request_id: '<request_id>', action, type: 'response', success: true, payload });

// ---- data structures the push samples leave as placeholders ---------------------------------------

/**
 * "Users > Customer": payloads/messaging/v3.6/customer-chat-api/users/customer.json (commit 3825bb3c),
 * the file the 3.6 data-structures page renders, without `phone_number` and `omnichannel` (see CUSTOMER_DOC_ERROR).
 */
const CUSTOMER_USER = {
  id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
  type: 'customer',
  name: 'Thomas Anderson',
  email: 't.anderson@example.com',
  email_verified: false,
  avatar: 'https://example.com/avatar.png',
  session_fields: [{ custom_key: 'custom_value' }, { another_custom_key: 'another_custom_value' }],
  present: true,
  events_seen_up_to: '2017-10-12T15:19:21.010200Z',
};

const CUSTOMER_DOC_ERROR: DocError = {
  what:
    'The Customer sample (users/customer.json) carries `phone_number` and `omnichannel` (Messenger and Twilio identities), which the field table of the same section does not list at all; a web customer has neither.',
  handling: 'left out of CUSTOMER_USER; not required of the emulator.',
};

/** The customer's optional keys wherever CUSTOMER_USER is used, at `prefix`. */
const customerOptional = (prefix: string): Record<string, string> =>
  Object.fromEntries(['name', 'email', 'email_verified', 'avatar', 'session_fields'].map((key) => [`${prefix}.${key}`, CUSTOMER_TABLE]));

/** The customer's profile keys where a chat user sample shows only `id`, `type`, `present`. */
const customerElsewhere = (prefix: string): Record<string, string> =>
  Object.fromEntries(['name', 'email', 'avatar', 'session_fields'].map((key) => [`${prefix}.${key}`, `data-structures "Users > Customer" (\`${key}\`)`]));

/**
 * "Users > Agent": the 3.6 page renders `json="agent"`, a file the index does not hold for 3.6; this
 * is the newest Customer Chat API agent sample it holds, content/messaging/customer-chat-api/v3.2/payloads/users/agent.json
 * (commit 76fa387a).
 */
const AGENT_USER = {
  id: 'b5657aff34dd32e198160d54666df9d8',
  type: 'agent',
  name: 'Agent Smith',
  avatar: 'cdn.livechatinc.com/avatars/1.png',
  present: true,
  events_seen_up_to: '2017-10-12T15:19:21.010200Z',
};
const AGENT_JOB_TITLE = 'rtm-reference "List Chats" and "Get Chat" samples (agent user `job_title`)';

/** rtm-pushes "incoming_event": a Message event, also what the `// "Event" object` placeholders stand for here. */
const MESSAGE_EVENT = {
  id: 'Q20163UAHO_2',
  created_at: '2019-12-05T07:27:08.820000Z',
  recipients: 'all',
  type: 'message',
  properties: { '0805e283233042b37f460ed8fbf22160': { string_property: 'string value' } },
  text: 'Hello',
  author_id: 'b5657aff-34dd-32e1-98160d54666df9d8',
};

/** rtm-reference "Get Chat": the thread of its response, also what the `// "Thread" object` placeholder stands for here. */
const GET_CHAT_THREAD = {
  id: 'K600PKZON8',
  created_at: '2020-05-07T07:11:28.288340Z',
  active: true,
  user_ids: ['b7eff798-f8df-4364-8059-649c35c9ed0c', 'b5657aff34dd32e198160d54666df9d8'],
  events: [{ id: 'Q20N9CKRX2_1', created_at: '2019-12-17T07:57:41.512000Z', type: 'message', text: 'Hello', author_id: 'b5657aff34dd32e198160d54666df9d8' }],
  properties: { '0805e283233042b37f460ed8fbf22160': { string_property: 'string_value' } },
  access: { group_ids: [0] },
  previous_thread_id: 'K600PKZOM8',
  next_thread_id: 'K600PKZOO8',
};

const threadRules = (prefix: string) => ({
  optional: { [`${prefix}.previous_thread_id`]: THREAD_PREVIOUS, [`${prefix}.next_thread_id`]: THREAD_NEXT },
  elsewhere: { [`${prefix}.events[].properties`]: MESSAGE_PROPERTIES, [`${prefix}.events[].recipients`]: RECIPIENTS },
});

const NAMESPACE = '0805e283233042b37f460ed8fbf22160';

// ---- methods (rtm-reference) -----------------------------------------------------------------------

export const REQUESTS: Record<string, FrameSample> = {
  ping: {
    kind: 'request',
    action: 'ping',
    source: reference('Access > Server pinging'),
    scope: 'frame',
    body: { action: 'ping', payload: {} },
  },
  list_chats: { kind: 'request', action: 'list_chats', source: reference('Chats > List Chats'), scope: 'frame', body: { action: 'list_chats', payload: {} } },
  list_threads: {
    kind: 'request',
    action: 'list_threads',
    source: reference('Chats > List Threads'),
    scope: 'frame',
    body: { action: 'list_threads', payload: { chat_id: 'PWJ8Y4THAV' } },
    docErrors: [{ what: 'The request sample is in a ```shell block, though it is JSON.', handling: 'none needed: it parses as JSON.' }],
  },
  get_chat: {
    kind: 'request',
    action: 'get_chat',
    source: reference('Chats > Get Chat'),
    scope: 'frame',
    body: { action: 'get_chat', payload: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8' } },
  },
  start_chat: { kind: 'request', action: 'start_chat', source: reference('Chats > Start Chat'), scope: 'frame', body: { action: 'start_chat', payload: {} } },
  resume_chat: {
    kind: 'request',
    action: 'resume_chat',
    source: reference('Chats > Resume Chat'),
    scope: 'frame',
    body: { action: 'resume_chat', payload: { chat: { id: 'PWJ8Y4THAV' } } },
  },
  deactivate_chat: {
    kind: 'request',
    action: 'deactivate_chat',
    source: reference('Chats > Deactivate Chat'),
    scope: 'frame',
    body: { action: 'deactivate_chat', payload: { id: 'PJ0MRSHTDG' } },
  },
  send_event: {
    kind: 'request',
    action: 'send_event',
    source: reference('Events > Send Event'),
    scope: 'frame',
    body: { action: 'send_event', payload: { chat_id: 'PW94SJTGW6', event: { type: 'message', text: 'hello world', recipients: 'all' } } },
  },
  send_rich_message_postback: {
    kind: 'request',
    action: 'send_rich_message_postback',
    source: reference('Events > Send Rich Message Postback'),
    scope: 'frame',
    body: {
      action: 'send_rich_message_postback',
      payload: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8', event_id: 'a0c22fdd-fb71-40b5-bfc6-a8a0bc3117f7', postback: { id: 'Method URL_yes', toggled: true } },
    },
  },
  send_sneak_peek: {
    kind: 'request',
    action: 'send_sneak_peek',
    source: reference('Events > Send Sneak Peek'),
    scope: 'frame',
    body: { action: 'send_sneak_peek', payload: { chat_id: 'PJ0MRSHTDG', sneak_peek_text: 'hello world' } },
  },
  update_chat_properties: {
    kind: 'request',
    action: 'update_chat_properties',
    source: reference('Properties > Update Chat Properties'),
    scope: 'frame',
    body: { action: 'update_chat_properties', payload: { id: 'Q1GZ3FNAT9', properties: { [NAMESPACE]: { string_property: 'Chat property value updated by Customer' } } } },
  },
  delete_chat_properties: {
    kind: 'request',
    action: 'delete_chat_properties',
    source: reference('Properties > Delete Chat Properties'),
    scope: 'frame',
    body: { action: 'delete_chat_properties', payload: { id: 'Q1GZ3FNAT9', properties: { [NAMESPACE]: ['string_property'] } } },
  },
  update_thread_properties: {
    kind: 'request',
    action: 'update_thread_properties',
    source: reference('Properties > Update Thread Properties'),
    scope: 'frame',
    body: {
      action: 'update_thread_properties',
      payload: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', properties: { [NAMESPACE]: { string_property: 'Thread property value updated by Customer' } } },
    },
  },
  delete_thread_properties: {
    kind: 'request',
    action: 'delete_thread_properties',
    source: reference('Properties > Delete Thread Properties'),
    scope: 'frame',
    body: { action: 'delete_thread_properties', payload: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', properties: { [NAMESPACE]: ['string_property'] } } },
  },
  update_event_properties: {
    kind: 'request',
    action: 'update_event_properties',
    source: reference('Properties > Update Event Properties'),
    scope: 'frame',
    body: {
      action: 'update_event_properties',
      payload: {
        chat_id: 'Q1GZ3FNAT9',
        thread_id: 'Q1GZ3FNAU9',
        event_id: 'Q1GZ3FNAU9_1',
        properties: { [NAMESPACE]: { string_property: 'Event property value updated by Customer' } },
      },
    },
  },
  delete_event_properties: {
    kind: 'request',
    action: 'delete_event_properties',
    source: reference('Properties > Delete Event Properties'),
    scope: 'frame',
    body: {
      action: 'delete_event_properties',
      payload: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', event_id: 'Q1GZ3FNAU9_1', properties: { [NAMESPACE]: ['string_property'] } },
    },
  },
  update_customer: {
    kind: 'request',
    action: 'update_customer',
    source: reference('Customers > Update Customer'),
    scope: 'frame',
    body: {
      action: 'update_customer',
      payload: {
        name: 'Thomas Anderson',
        email: 't.anderson@example.com',
        avatar: 'https://example.com/avatars/1.png',
        session_fields: [{ custom_key: 'custom_value' }, { another_custom_key: 'another_custom_value' }],
      },
    },
  },
  update_customer_page: {
    kind: 'request',
    action: 'update_customer_page',
    source: reference('Customers > Update Customer Page'),
    scope: 'frame',
    body: { action: 'update_customer_page', payload: { url: 'https://livechatinc.com/pricing' } },
  },
  set_customer_session_fields: {
    kind: 'request',
    action: 'set_customer_session_fields',
    source: reference('Customers > Set Customer Session Fields'),
    scope: 'frame',
    body: { action: 'set_customer_session_fields', payload: { session_fields: [{ custom_key: 'custom_value' }, { another_custom_key: 'another_custom_value' }] } },
    docErrors: [{ what: 'The request sample is not JSON: a trailing comma after the `session_fields` array.', handling: 'the comma is dropped.' }],
  },
  get_customer: {
    kind: 'request',
    action: 'get_customer',
    source: reference('Customers > Get Customer'),
    scope: 'frame',
    body: { action: 'get_customer', payload: {} },
    docErrors: [
      {
        what:
          'The request sample sends `session_fields` (copied from Set Customer Session Fields, trailing comma included); the method has no request parameters (the section has no Request table).',
        handling: 'sent with an empty payload.',
      },
    ],
  },
  login: {
    kind: 'request',
    action: 'login',
    source: reference('Status > Login'),
    scope: 'frame',
    body: { action: 'login', payload: { token: 'Bearer dal:test_1fgTbfXmgthj4cZSA', pushes: { '3.6': ['incoming_chat', 'incoming_multicast'], '3.7': ['all'] } } },
  },
  list_group_statuses: {
    kind: 'request',
    action: 'list_group_statuses',
    source: reference('Status > List Group Statuses'),
    scope: 'frame',
    body: { action: 'list_group_statuses', payload: { all: true } },
  },
  get_form: {
    kind: 'request',
    action: 'get_form',
    source: reference('Other > Get Form'),
    scope: 'frame',
    body: { action: 'get_form', payload: { group_id: 0, type: 'prechat' } },
  },
  get_predicted_agent: {
    kind: 'request',
    action: 'get_predicted_agent',
    source: reference('Other > Get Predicted Agent'),
    scope: 'frame',
    body: { action: 'get_predicted_agent', payload: {} },
  },
  get_url_info: {
    kind: 'request',
    action: 'get_url_info',
    source: reference('Other > Get URL Info'),
    scope: 'frame',
    body: { action: 'get_url_info', payload: { url: 'https://livechatinc.com' } },
  },
  mark_events_as_seen: {
    kind: 'request',
    action: 'mark_events_as_seen',
    source: reference('Other > Mark Events As Seen'),
    scope: 'frame',
    body: { action: 'mark_events_as_seen', payload: { chat_id: 'PJ0MRSHTDG', seen_up_to: '2017-10-12T15:19:21.010200Z' } },
  },
  accept_greeting: {
    kind: 'request',
    action: 'accept_greeting',
    source: reference('Other > Accept Greeting'),
    scope: 'frame',
    body: { action: 'accept_greeting', payload: { greeting_id: 7, unique_id: 'Q10X0W041P' } },
  },
  cancel_greeting: {
    kind: 'request',
    action: 'cancel_greeting',
    source: reference('Other > Cancel Greeting'),
    scope: 'frame',
    body: { action: 'cancel_greeting', payload: { unique_id: 'Q10X0W041P' } },
  },
};

/** A response sample that is the general format with "no response payload". */
const emptyResponse = (action: string, heading: string, extra: Partial<FrameSample> = {}): FrameSample => ({
  kind: 'response',
  action,
  source: reference(heading),
  scope: 'frame',
  body: responseOf(action, {}),
  optional: { request_id: OPTIONAL_COMMENT },
  emptyPayload: true,
  ...extra,
});

export const RESPONSES: Record<string, FrameSample> = {
  ping: {
    kind: 'response',
    action: 'ping',
    source: reference('Access > Server pinging'),
    scope: 'frame',
    // The section only says "the client will receive a response with the `ping` action": the general format it is.
    body: responseOf('ping', {}),
    optional: { request_id: `${GENERAL_RESPONSE}: ${OPTIONAL_COMMENT}` },
  },
  list_chats: {
    kind: 'response',
    action: 'list_chats',
    source: reference('Chats > List Chats'),
    scope: 'frame',
    body: responseOf('list_chats', {
      next_page_id: 'MTUxNzM5ODEzMTQ5Ng==',
      chats_summary: [
        {
          id: 'PJ0MRSHTDG',
          last_thread_id: 'K600PKZON8',
          last_thread_created_at: '2020-05-08T08:22:21.128420Z',
          last_event_per_type: {
            message: {
              thread_id: 'K600PKZON9',
              thread_created_at: '2020-05-07T07:11:28.288340Z',
              event: { id: 'Q298LUVPRH_1', created_at: '2019-12-09T12:01:18.909000Z', type: 'message', text: 'hello world', author_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c' },
            },
          },
          users: [
            { id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', type: 'customer', present: true },
            { id: 'b5657aff34dd32e198160d54666df9d8', name: 'Agent Smith', type: 'agent', present: true, avatar: 'https://example.com/avatar.png', job_title: 'Support Agent' },
          ],
          access: { group_ids: [0] },
          properties: {},
          active: true,
        },
      ],
      total_chats: 1,
    }),
    optional: {
      request_id: OPTIONAL_COMMENT,
      'payload.next_page_id': 'Response table: "Appears in the response only when there\'s the next page."',
    },
    elsewhere: {
      ...customerElsewhere('payload.chats_summary[].users[]'),
      'payload.chats_summary[].users[].events_seen_up_to': SEEN_UP_TO,
      'payload.chats_summary[].last_event_per_type.*.event.properties': MESSAGE_PROPERTIES,
      'payload.chats_summary[].last_event_per_type.*.event.recipients': RECIPIENTS,
    },
    // Keyed by event type ("message", "system_message", …): the keys are data.
    maps: ['payload.chats_summary[].last_event_per_type'],
  },
  list_threads: {
    kind: 'response',
    action: 'list_threads',
    source: reference('Chats > List Threads'),
    scope: 'frame',
    body: responseOf('list_threads', {
      threads: [
        {
          id: 'K600PKZON8',
          created_at: '2019-12-17T07:57:41.512000Z',
          active: true,
          user_ids: ['b7eff798-f8df-4364-8059-649c35c9ed0c', 'bbb67d600796e9f277e360e842418833'],
          events: [{ id: 'Q20N9CKRX2_1', created_at: '2019-12-17T07:57:41.512000Z', recipients: 'all', type: 'message', text: 'Hello', author_id: 'bbb67d600796e9f277e360e842418833' }],
          properties: {},
          access: { group_ids: [0] },
          previous_thread_id: 'K600PKZOM8',
          next_thread_id: 'K600PKZOO8',
        },
      ],
      found_threads: 42,
      next_page_id: 'MTUxNzM5ODEzMTQ5Ng==',
      previous_page_id: 'MTUxNzM5ODEzMTQ5Nw==',
    }),
    optional: {
      'payload.threads[].previous_thread_id': OPTIONAL_COMMENT,
      'payload.threads[].next_thread_id': OPTIONAL_COMMENT,
      'payload.next_page_id': OPTIONAL_COMMENT,
      'payload.previous_page_id': OPTIONAL_COMMENT,
    },
    elsewhere: { 'payload.threads[].events[].properties': MESSAGE_PROPERTIES },
    docErrors: [{ what: 'The response sample is labelled `"action": "get_chat"`.', handling: 'kept as `list_threads`, the action that was asked.' }],
  },
  get_chat: {
    kind: 'response',
    action: 'get_chat',
    source: reference('Chats > Get Chat'),
    scope: 'frame',
    body: responseOf('get_chat', {
      id: 'PJ0MRSHTDG',
      thread: GET_CHAT_THREAD,
      users: [
        { id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', type: 'customer', present: true },
        { id: 'b5657aff34dd32e198160d54666df9d8', name: 'Agent Smith', type: 'agent', present: true, avatar: 'https://example.com/avatar.jpg', job_title: 'Support Agent' },
      ],
      access: { group_ids: [0] },
      properties: { [NAMESPACE]: { string_property: 'string_value' } },
    }),
    optional: { ...threadRules('payload.thread').optional },
    elsewhere: {
      ...threadRules('payload.thread').elsewhere,
      ...customerElsewhere('payload.users[]'),
      'payload.users[].events_seen_up_to': SEEN_UP_TO,
    },
  },
  start_chat: {
    kind: 'response',
    action: 'start_chat',
    source: reference('Chats > Start Chat'),
    scope: 'frame',
    body: responseOf('start_chat', { chat_id: 'PJ0MRSHTDG', thread_id: 'PGDGHT5G' }),
    optional: { request_id: OPTIONAL_COMMENT },
  },
  resume_chat: {
    kind: 'response',
    action: 'resume_chat',
    source: reference('Chats > Resume Chat'),
    scope: 'frame',
    body: responseOf('resume_chat', { thread_id: 'Z8AGR5OUW' }),
    optional: { request_id: OPTIONAL_COMMENT },
  },
  deactivate_chat: emptyResponse('deactivate_chat', 'Chats > Deactivate Chat'),
  send_event: {
    kind: 'response',
    action: 'send_event',
    source: reference('Events > Send Event'),
    scope: 'frame',
    body: responseOf('send_event', { event_id: 'K600PKZON8' }),
    optional: { request_id: OPTIONAL_COMMENT },
  },
  send_rich_message_postback: emptyResponse('send_rich_message_postback', 'Events > Send Rich Message Postback'),
  send_sneak_peek: emptyResponse('send_sneak_peek', 'Events > Send Sneak Peek'),
  update_chat_properties: emptyResponse('update_chat_properties', 'Properties > Update Chat Properties'),
  delete_chat_properties: emptyResponse('delete_chat_properties', 'Properties > Delete Chat Properties'),
  update_thread_properties: emptyResponse('update_thread_properties', 'Properties > Update Thread Properties'),
  delete_thread_properties: emptyResponse('delete_thread_properties', 'Properties > Delete Thread Properties'),
  update_event_properties: emptyResponse('update_event_properties', 'Properties > Update Event Properties'),
  delete_event_properties: emptyResponse('delete_event_properties', 'Properties > Delete Event Properties'),
  update_customer: emptyResponse('update_customer', 'Customers > Update Customer'),
  update_customer_page: emptyResponse('update_customer_page', 'Customers > Update Customer Page'),
  set_customer_session_fields: emptyResponse('set_customer_session_fields', 'Customers > Set Customer Session Fields'),
  get_customer: {
    kind: 'response',
    action: 'get_customer',
    source: reference('Customers > Get Customer'),
    scope: 'frame',
    body: responseOf('get_customer', {
      id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
      type: 'customer',
      name: 'Thomas Anderson',
      email: 't.anderson@example.com',
      avatar: 'https://example.com/avatars/1.jpg',
      session_fields: [{ custom_key: 'custom_value' }, { another_custom_key: 'another_custom_value' }],
    }),
    optional: {
      request_id: OPTIONAL_COMMENT,
      'payload.name': `${OPTIONAL_COMMENT}; Response table: "Returned only if set."`,
      'payload.email': `${OPTIONAL_COMMENT}; Response table: "Returned only if set."`,
      'payload.avatar': `${OPTIONAL_COMMENT}; Response table: "Returned only if set."`,
      'payload.session_fields': `${OPTIONAL_COMMENT}; Response table: "Returned only if set."`,
    },
    elsewhere: { 'payload.statistics': 'rtm-reference "Login" sample (`customer.statistics`)' },
  },
  login: {
    kind: 'response',
    action: 'login',
    source: reference('Status > Login'),
    scope: 'frame',
    body: responseOf('login', {
      customer: {
        id: 'a0c22fdd-fb71-40b5-bfc6-a8a0bc3117f5',
        name: 'Thomas Anderson',
        email: 't.anderson@example.com',
        avatar: 'https://example.com/avatar.png',
        session_fields: [{ custom_key: 'custom_value' }, { another_custom_key: 'another_custom_value' }],
        statistics: { chats_count: 2, threads_count: 9, visits_count: 15, page_views_count: 40, greetings_shown_count: 20, greetings_accepted_count: 1 },
      },
      has_active_thread: true,
      chats: [{ chat_id: 'PJ0MRSHTDG', has_unread_events: true }],
      greeting: {
        accepted: true,
        id: 342543723,
        unique_id: 'e35a4fb4106d87e550fe1af480639058',
        addon: 'email',
        subtype: 'announcement',
        event: {},
        agent: { id: 'b5657aff34dd32e198160d54666df9d8', name: 'Agent Smith', type: 'agent', avatar: 'https://example.com/avatar.png', job_title: 'Support Agent', is_bot: false },
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
    }),
    optional: {
      request_id: OPTIONAL_COMMENT,
      ...customerOptional('payload.customer'),
    },
    elsewhere: {
      'payload.customer.type': 'data-structures "Users > Customer" sample (`type`)',
      'payload.customer_id': 'wire-protocol.md §5.2 (`customer_id`, in the SDK 4.0.2 types)',
      'payload.chats[].has_active_thread': 'wire-protocol.md §5.2 (`chats[].has_active_thread`, read by SDK 4.0.2)',
      'payload.__priv_dynamic_config.organization_id': 'wire-protocol.md §5.2 ("Other members seen in types/docs: organization_id")',
      'payload.greeting.is_exit_intent': 'wire-protocol.md §9.8 and §13.1 (3.6 documents `is_exit_intent` on greetings)',
    },
    docErrors: [
      {
        what: 'The greeting\'s `event` is a placeholder (`// "Event > Message" object or "Event > Rich message" object`).',
        handling: 'kept as a placeholder: only its type (object) is compared.',
      },
    ],
  },
  list_group_statuses: {
    kind: 'response',
    action: 'list_group_statuses',
    source: reference('Status > List Group Statuses'),
    scope: 'frame',
    body: responseOf('list_group_statuses', { groups_status: { 1: 'online', 2: 'offline', 3: 'online_for_queue' } }),
    optional: { request_id: OPTIONAL_COMMENT },
    maps: ['payload.groups_status'],
    docErrors: [{ what: 'The response sample is not JSON: the group ids are unquoted object keys (`1: "online"`).', handling: 'the keys are quoted, and compared as a map: group ids are data.' }],
  },
  get_form: {
    kind: 'response',
    action: 'get_form',
    source: reference('Other > Get Form'),
    scope: 'payload',
    body: {
      form: {
        // "Forms" (data-structures) renders `json="form"`; the index holds no 3.6 file of it, this is
        // payloads/messaging/v3.5/customer-chat-api/other-structures/form.json (commit 8af48d1f).
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
              { id: '0', group_id: 1, label: 'Marketing' },
              { id: '1', group_id: 2, label: 'Sales' },
              { id: '2', group_id: 0, label: 'General' },
            ],
          },
        ],
      },
      enabled: true,
    },
    docErrors: [
      {
        what: 'The response sample is the payload alone, without the response envelope (request_id, action, type, success) every other response shows.',
        handling: 'compared with the payload of the response frame (scope: payload); the frame itself is checked against the general response format.',
      },
      { what: 'The `form` of the response is a placeholder (`// "Form" object`).', handling: 'filled with the Form sample of data-structures "Forms".' },
    ],
  },
  get_predicted_agent: {
    kind: 'response',
    action: 'get_predicted_agent',
    source: reference('Other > Get Predicted Agent'),
    scope: 'frame',
    body: responseOf('get_predicted_agent', {
      agent: { id: 'b5657aff34dd32e198160d54666df9d8', name: 'Agent Smith', avatar: 'https://example.avatar/example.com', is_bot: false, job_title: 'support hero', type: 'agent' },
      queue: false,
    }),
    optional: { request_id: OPTIONAL_COMMENT },
  },
  get_url_info: {
    kind: 'response',
    action: 'get_url_info',
    source: reference('Other > Get URL Info'),
    scope: 'frame',
    body: responseOf('get_url_info', {
      title: 'LiveChat | Live Chat Software and Help Desk Software',
      description:
        'LiveChat - premium live chat software and help desk software for business. Over 24 000 companies from 150 countries use LiveChat. Try now, chat for free!',
      image_url: 'https://example.com/image.png',
      image_original_url: 'https://example-original-url.com/image.png',
      image_width: 200,
      image_height: 200,
      url: 'https://livechatinc.com',
    }),
    optional: { request_id: OPTIONAL_COMMENT },
  },
  mark_events_as_seen: emptyResponse('mark_events_as_seen', 'Other > Mark Events As Seen', {
    // The section has no response sample, only: No response payload (`200 OK`).
    docErrors: [{ what: 'No response sample; the Response heading says "No response payload (`200 OK`)", an HTTP status on an RTM method.', handling: 'compared with the general response format and an empty payload.' }],
  }),
  accept_greeting: emptyResponse('accept_greeting', 'Other > Accept Greeting'),
  cancel_greeting: emptyResponse('cancel_greeting', 'Other > Cancel Greeting'),
};

// ---- pushes (rtm-pushes) -----------------------------------------------------------------------------

const ELLIPSIS: DocError = {
  what: 'The sample is not JSON: a trailing comma and a `// ...` comment stand for more namespaces.',
  handling: 'the comma and the ellipsis are dropped; one namespace is compared.',
};

const PROPERTY_VALUE = (text: string) => ({ [NAMESPACE]: { string_property: text } });
const PROPERTY_NAMES = { [NAMESPACE]: ['string_property'] };

export const PUSHES: Record<string, FrameSample> = {
  incoming_chat: {
    kind: 'push',
    action: 'incoming_chat',
    source: pushes('Chats > incoming_chat'),
    scope: 'payload',
    body: {
      requester_id: 'b5657aff34dd32e198160d54666df9d8',
      chat: {
        id: 'PJ0MRSHTDG',
        users: [CUSTOMER_USER, AGENT_USER],
        properties: {},
        access: {},
        thread: GET_CHAT_THREAD,
        transferred_from: { group_ids: [1], agent_ids: ['bbb67d600796e9f277e360e842418833'] },
      },
    },
    optional: { ...customerOptional('chat.users[]'), ...threadRules('chat.thread').optional },
    elsewhere: { ...threadRules('chat.thread').elsewhere, 'chat.users[].job_title': AGENT_JOB_TITLE },
    docErrors: [
      {
        what: '`users`, `properties`, `access` and `thread` are placeholders (`// array of "User" objects`, …).',
        handling: 'users filled with the Customer and Agent samples, thread with the thread of the Get Chat sample; properties and access stay placeholders.',
      },
      {
        what:
          'The sample shows `transferred_from` without saying when it is there; it describes a chat that reached its agents by transfer, which a chat the customer starts or resumes is not (wire-protocol.md §8.1 lists it as `chat.transferred_from?`).',
        handling: 'not required of the emulator.',
        notSent: ['chat.transferred_from'],
      },
      CUSTOMER_DOC_ERROR,
    ],
  },
  chat_deactivated: {
    kind: 'push',
    action: 'chat_deactivated',
    source: pushes('Chats > chat_deactivated'),
    scope: 'payload',
    body: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8', user_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c' },
    optional: { user_id: `${OPTIONAL_COMMENT}; Push payload table: "Missing if a thread was closed by the router."` },
  },
  chat_transferred: {
    kind: 'push',
    action: 'chat_transferred',
    source: pushes('Chat access > chat_transferred'),
    scope: 'payload',
    body: {
      chat_id: 'PJ0MRSHTDG',
      thread_id: 'K600PKZON8',
      requester_id: 'b5657aff34dd32e198160d54666df9d8',
      transferred_to: { group_ids: [1], agent_ids: ['b5657aff34dd32e198160d54666df9d8'] },
      queue: { position: 42, wait_time: 1337, queued_at: '2019-12-09T12:01:18.909000Z' },
    },
    optional: { thread_id: 'Push payload table: "Present if the chat is active"', queue: 'Push payload table: "Present if the chat is queued after the transfer"' },
    elsewhere: { reason: 'wire-protocol.md §8.1 (`reason`: manual, routing.inactive, routing.assigned)' },
    docErrors: [{ what: 'The sample is not JSON: a trailing comma after `transferred_to.agent_ids`.', handling: 'the comma is dropped.' }],
  },
  user_added_to_chat: {
    kind: 'push',
    action: 'user_added_to_chat',
    source: pushes('Chat users > user_added_to_chat'),
    scope: 'payload',
    body: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8', user: AGENT_USER, reason: 'manual', requester_id: 'b5657aff34dd32e198160d54666df9d8' },
    optional: {
      thread_id: 'Push payload table: "Present when a user was added to an active chat."',
      requester_id: 'Push payload table: "Present if the user was added by an agent."',
    },
    elsewhere: { 'user.job_title': AGENT_JOB_TITLE },
    docErrors: [{ what: '`user` is a placeholder (`// "User > Customer" or "User > Agent" object`).', handling: 'filled with the Agent sample: agents are who the emulator adds.' }],
  },
  user_removed_from_chat: {
    kind: 'push',
    action: 'user_removed_from_chat',
    source: pushes('Chat users > user_removed_from_chat'),
    scope: 'payload',
    body: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8', user_id: 'bbb67d600796e9f277e360e842418833', reason: 'manual', requester_id: 'b5657aff34dd32e198160d54666df9d8' },
    optional: {
      thread_id: 'Push payload table: "Present when a user was removed from an active chat."',
      requester_id: 'Push payload table: "Present if the user was removed by an agent."',
    },
  },
  incoming_event: {
    kind: 'push',
    action: 'incoming_event',
    source: pushes('Events > incoming_event'),
    scope: 'payload',
    body: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8', event: MESSAGE_EVENT },
  },
  event_updated: {
    kind: 'push',
    action: 'event_updated',
    source: pushes('Events > event_updated'),
    scope: 'payload',
    body: { chat_id: '123-123-123-123', thread_id: 'E2WDHA8A', event: MESSAGE_EVENT },
    docErrors: [{ what: '`event` is a placeholder (`// "Event" object`).', handling: 'filled with the event of the incoming_event sample (a message: what agents edit).' }],
  },
  incoming_rich_message_postback: {
    kind: 'push',
    action: 'incoming_rich_message_postback',
    source: pushes('Events > incoming_rich_message_postback'),
    scope: 'payload',
    body: {
      user_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
      chat_id: 'PJ0MRSHTDG',
      thread_id: 'K600PKZON8',
      event_id: 'a0c22fdd-fb71-40b5-bfc6-a8a0bc3117f7',
      postback: { id: 'action_yes', toggled: true },
    },
  },
  chat_properties_updated: {
    kind: 'push',
    action: 'chat_properties_updated',
    source: pushes('Properties > chat_properties_updated'),
    scope: 'payload',
    body: { chat_id: 'Q1GZ3FNAT9', properties: PROPERTY_VALUE('Chat property value updated by Customer') },
    docErrors: [ELLIPSIS],
  },
  chat_properties_deleted: {
    kind: 'push',
    action: 'chat_properties_deleted',
    source: pushes('Properties > chat_properties_deleted'),
    scope: 'payload',
    body: { chat_id: 'Q1GZ3FNAT9', properties: PROPERTY_NAMES },
    docErrors: [ELLIPSIS],
  },
  thread_properties_updated: {
    kind: 'push',
    action: 'thread_properties_updated',
    source: pushes('Properties > thread_properties_updated'),
    scope: 'payload',
    body: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', properties: PROPERTY_VALUE('Thread property value updated by Customer') },
    docErrors: [ELLIPSIS],
  },
  thread_properties_deleted: {
    kind: 'push',
    action: 'thread_properties_deleted',
    source: pushes('Properties > thread_properties_deleted'),
    scope: 'payload',
    body: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', properties: PROPERTY_NAMES },
    docErrors: [ELLIPSIS],
  },
  event_properties_updated: {
    kind: 'push',
    action: 'event_properties_updated',
    source: pushes('Properties > event_properties_updated'),
    scope: 'payload',
    body: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', event_id: 'Q1GZ3FNAU9_1', properties: PROPERTY_VALUE('Event property value updated by Customer') },
  },
  event_properties_deleted: {
    kind: 'push',
    action: 'event_properties_deleted',
    source: pushes('Properties > event_properties_deleted'),
    scope: 'payload',
    body: { chat_id: 'Q1GZ3FNAT9', thread_id: 'Q1GZ3FNAU9', event_id: 'Q1GZ3FNAU9_1', properties: PROPERTY_NAMES },
    docErrors: [ELLIPSIS],
  },
  customer_updated: {
    kind: 'push',
    action: 'customer_updated',
    source: pushes('Customers > customer_updated'),
    scope: 'payload',
    body: CUSTOMER_USER,
    optional: Object.fromEntries(
      Object.keys(CUSTOMER_USER)
        .filter((key) => key !== 'id')
        .map((key) => [key, 'section text: "The push payload contains the updated fields."']),
    ),
    docErrors: [
      { what: 'The sample is a placeholder (`// "User > Customer" object`).', handling: 'filled with the Customer sample; every key but `id` may be missing, as only updated fields come.' },
      CUSTOMER_DOC_ERROR,
    ],
  },
  customer_disconnected: {
    kind: 'push',
    action: 'customer_disconnected',
    source: pushes('Status > customer_disconnected'),
    scope: 'payload',
    body: { reason: 'misdirected_connection', data: { region: 'fra' } },
    optional: { data: OPTIONAL_COMMENT },
  },
  groups_status_updated: {
    kind: 'push',
    action: 'groups_status_updated',
    source: pushes('Status > groups_status_updated'),
    scope: 'payload',
    body: { groups: [{ id: 0, status: 'offline' }] },
  },
  incoming_typing_indicator: {
    kind: 'push',
    action: 'incoming_typing_indicator',
    source: pushes('Other > incoming_typing_indicator'),
    scope: 'payload',
    body: {
      chat_id: 'PJ0MRSHTDG',
      thread_id: 'K600PKZON8',
      typing_indicator: { author_id: 'd17cd570-11a9-45c0-45c0-1b020b7586dc', recipients: 'all', timestamp: 1574245378, is_typing: true },
    },
  },
  events_marked_as_seen: {
    kind: 'push',
    action: 'events_marked_as_seen',
    source: pushes('Other > events_marked_as_seen'),
    scope: 'payload',
    body: { user_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', chat_id: 'PJ0MRSHTDG', seen_up_to: '2017-10-12T15:19:21.010200Z' },
  },
  incoming_greeting: {
    kind: 'push',
    action: 'incoming_greeting',
    source: pushes('Other > incoming_greeting'),
    scope: 'frame',
    body: {
      action: 'incoming_greeting',
      type: 'push',
      payload: {
        id: 7,
        unique_id: 'Q10O0N5B5D',
        displayed_first_time: true,
        addon: 'email',
        subtype: 'announcement',
        event: {},
        agent: { name: 'Agent Smith', id: 'b5657aff34dd32e198160d54666df9d8', avatar: 'https://example.com/image25.png', job_title: 'Support Agent', is_bot: false },
      },
    },
    elsewhere: {
      version: PUSH_VERSION,
      'payload.accepted': 'rtm-reference "Login" sample (`greeting.accepted`)',
      'payload.is_exit_intent': 'wire-protocol.md §9.8 and §13.1 (3.6 documents `is_exit_intent` on greetings)',
      'payload.agent.type': 'rtm-reference "Login" sample (`greeting.agent.type`)',
    },
    docErrors: [
      { what: 'Unlike the other push samples, this one shows a frame (`action`, `type`, `payload`), and without the `version` of the general push format.', handling: 'compared as a frame (scope: frame).' },
      { what: '`event` is a placeholder (`// "Event > Message" object or "Event > Rich message" object`).', handling: 'kept as a placeholder: only its type is compared.' },
    ],
  },
  greeting_accepted: {
    kind: 'push',
    action: 'greeting_accepted',
    source: pushes('Other > greeting_accepted'),
    scope: 'frame',
    body: { action: 'greeting_accepted', type: 'push', payload: { unique_id: 'Q40R0832IN' } },
    elsewhere: { version: PUSH_VERSION, request_id: 'rtm-reference "Pushes" general push format (`request_id`: "applies only to the requester")' },
    docErrors: [{ what: 'The sample shows a frame (`action`, `type`, `payload`) without `version`.', handling: 'compared as a frame.' }],
  },
  greeting_canceled: {
    kind: 'push',
    action: 'greeting_canceled',
    source: pushes('Other > greeting_canceled'),
    scope: 'frame',
    body: { action: 'greeting_canceled', type: 'push', payload: { unique_id: 'Q10O0N5B5D' } },
    elsewhere: { version: PUSH_VERSION, request_id: 'rtm-reference "Pushes" general push format (`request_id`: "applies only to the requester")' },
    docErrors: [{ what: 'The sample shows a frame (`action`, `type`, `payload`) without `version`.', handling: 'compared as a frame.' }],
  },
  queue_position_updated: {
    kind: 'push',
    action: 'queue_position_updated',
    source: pushes('Other > queue_position_updated'),
    scope: 'frame',
    body: { action: 'queue_position_updated', type: 'push', payload: { chat_id: 'PJ0MRSHTDG', thread_id: 'K600PKZON8', queue: { position: 42, wait_time: 1337 } } },
    elsewhere: { version: PUSH_VERSION },
    docErrors: [{ what: 'The sample shows a frame (`action`, `type`, `payload`) without `version`.', handling: 'compared as a frame.' }],
  },
};

// ---- data structures (data-structures), compared where the emulator sends them --------------------

const structure = (heading: string, file: string, commit: string): DocSource => ({ ...DATA_STRUCTURES, heading: `${heading} (rendered from ${file} at ${commit})` });

export const STRUCTURES: Record<string, FrameSample> = {
  rich_message: {
    kind: 'push',
    action: 'incoming_event',
    source: structure('Events > Rich message', 'payloads/messaging/v3.6/customer-chat-api/events/richMessage.json', '4bc85773'),
    scope: 'payload',
    body: {
      id: '0affb00a-82d6-4e07-ae61-56ba5c36f743',
      custom_id: '31-0C-1C-07-DB-16',
      type: 'rich_message',
      author_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
      created_at: '2017-10-12T15:19:21.010200Z',
      properties: { property_namespace: { property_name: 'property_value' } },
      template_id: 'cards',
      elements: [
        {
          title: 'Lorem ipsum dolor.',
          subtitle: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.',
          image: { name: 'image25.png', url: 'https://example.com/image25.png', content_type: 'image/png', size: 123444, width: 640, height: 480, alternative_text: 'A picture of lorem ipsum' },
          buttons: [
            { text: 'yes', postback_id: 'action_yes', user_ids: ['b7eff798-f8df-4364-8059-649c35c9ed0c'] },
            { text: 'no', postback_id: 'action_no', user_ids: [] },
            { type: 'phone', text: 'value', value: '790034890', webview_height: 'tall', postback_id: 'action_call', user_ids: [], target: 'current' },
          ],
        },
      ],
    },
    optional: {
      custom_id: 'Response table: `custom_id` "optionally"',
      properties: 'Response table: `properties` "optionally"',
      'elements[].buttons[].target': 'Response table: `elements.buttons.target` "optionally"',
      'elements[].buttons[].webview_height': 'Response table: `elements.buttons.webview_height` "always" "Unless button `type` is different than `webview`."',
      'elements[].image.name': 'Request table: `elements.image` "Optional params: `name`, `content_type`, `size`, `width`, `height`, `alternative_text`."',
      'elements[].image.content_type': 'Request table: `elements.image` "Optional params: … `content_type` …"',
      'elements[].image.size': 'Request table: `elements.image` "Optional params: … `size` …"',
      'elements[].image.width': 'Request table: `elements.image` "Optional params: … `width` …"',
      'elements[].image.height': 'Request table: `elements.image` "Optional params: … `height` …"',
      'elements[].image.alternative_text': 'Request table: `elements.image` "Optional params: … `alternative_text`."',
    },
    elsewhere: {
      'elements[].buttons[].type': 'Response table: `elements.buttons.type` "always"',
      'elements[].buttons[].value': 'Response table: `elements.buttons.value` "always"',
      recipients: RECIPIENTS,
    },
    docErrors: [
      {
        what: 'Two of the sample\'s three buttons have no `type` and `value`, which the Response table says are returned "always"; the phone button carries `webview_height` and `target`, which only webview and url buttons use.',
        handling: 'the sample is compared as it is: buttons need text, postback_id and user_ids; type and value are noted as documented by the table.',
      },
    ],
  },
  file: {
    kind: 'push',
    action: 'incoming_event',
    source: structure('Events > File', 'payloads/messaging/v3.6/customer-chat-api/events/file.json', '4bc85773'),
    scope: 'payload',
    body: {
      id: '0affb00a-82d6-4e07-ae61-56ba5c36f743',
      custom_id: '31-0C-1C-07-DB-16',
      created_at: '2017-10-12T15:19:21.010200Z',
      type: 'file',
      author_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
      properties: { property_namespace: { property_name: 'property_value' } },
      name: 'image25.png',
      url: 'https://example.com/image25.png',
      thumbnail_url: 'https://example.com/thumbnail.png',
      thumbnail2x_url: 'https://example.com/thumbnail2x.png',
      content_type: 'image/png',
      size: 123444,
      width: 640,
      height: 480,
      alternative_text: 'A sample image',
    },
    optional: {
      custom_id: 'Response table: `custom_id` "optionally"',
      properties: 'Response table: `properties` "optionally"',
      alternative_text: 'Request table: `alternative_text` "no" (not required), "Only applicable to images"',
    },
    elsewhere: { recipients: RECIPIENTS },
  },
};

/** Every sample, for the check that each is exercised. */
export const ALL_SAMPLES: ReadonlyArray<[string, FrameSample]> = [
  ...Object.entries(REQUESTS).map(([k, v]): [string, FrameSample] => [`request ${k}`, v]),
  ...Object.entries(RESPONSES).map(([k, v]): [string, FrameSample] => [`response ${k}`, v]),
  ...Object.entries(PUSHES).map(([k, v]): [string, FrameSample] => [`push ${k}`, v]),
  ...Object.entries(STRUCTURES).map(([k, v]): [string, FrameSample] => [`structure ${k}`, v]),
];
