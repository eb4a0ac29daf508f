// The agent side of the control API (`POST /__emulator/agent/<action>`): what agents, bots and the
// router do to a customer's chats, each turned into the pushes the Customer Chat API sends for it.
// Every action takes a JSON body with `organization_id`; the answers are small JSON objects.
import { formKey } from './content';
import { deactivateThread } from './deactivate';
import { wireAgent, wireGreeting } from './projections';
import type { AgentActionName, AgentActions, AgentBody, AgentIdentity, ChatBody, GroupBody, RemovalReason, SendEventBody, Unchecked } from './control';
import { apiError } from './errors';
import type { Hub } from './hub';
import {
  AGENTS,
  EMULATOR_AGENT,
  GROUP_STATUSES,
  lastThread,
  type AgentProfile,
  type Chat,
  type EventDraft,
  type Greeting,
  type GroupStatus,
  type Organization,
  type State,
  type Thread,
} from './state';
import { FORM_TYPES, RtmError, agentEvent, withGreetingButtonIds, formFieldsOf, invalid, isFormType, messageText, optionalBoolean, optionalObject, optionalString, requiredGroupId, requiredString, type Obj } from './validate';
import type { WireEvent } from './wire';

interface AgentContext {
  state: State;
  hub: Hub;
}

/** One action: it reads only the fields its body type declares (control.ts), and answers its response type. */
type AgentAction<K extends AgentActionName> = (ctx: AgentContext, body: Unchecked<AgentActions[K]['body']>) => AgentActions[K]['response'];

/** Reasons the API gives for a user leaving a chat (v5 `user_removed_from_chat.reason`). */
const REMOVAL_REASONS: readonly RemovalReason[] = ['disconnected', 'signed_out', 'remotely_signed_out', 'deleted', 'chat_deactivated', 'manual', 'inactive', 'other'];

function organization(ctx: AgentContext, body: Unchecked<AgentBody>): Organization {
  const id = requiredString(body.organization_id, 'organization_id');
  const org = ctx.state.orgs.get(id);
  if (org === undefined) throw apiError(404, 'not_found', `Organization ${id} not found`);
  return org;
}

function chatOf(ctx: AgentContext, body: Unchecked<ChatBody>): { org: Organization; chat: Chat } {
  const org = organization(ctx, body);
  const chat = org.chats.get(requiredString(body.chat_id, 'chat_id'));
  if (chat === undefined) throw apiError(404, 'not_found', 'Chat not found');
  return { org, chat };
}

/** The chat's open thread: most agent actions only make sense while the customer is there. */
function activeChat(ctx: AgentContext, body: Unchecked<ChatBody>): { org: Organization; chat: Chat; thread: Thread } {
  const { org, chat } = chatOf(ctx, body);
  const thread = lastThread(chat);
  if (thread === undefined || !thread.active) throw apiError(409, 'chat_inactive', 'Chat is inactive');
  return { org, chat, thread };
}

/** An agent named by id: one the emulator knows, or a new one described by `name` (and optionally avatar, job_title). */
function agentFrom(body: Unchecked<AgentIdentity & { agent_id?: string }>, idField: 'agent_id', fallback?: AgentProfile): AgentProfile {
  const id = optionalString(body[idField], idField);
  if (id === undefined || id === '') {
    if (fallback !== undefined) return fallback;
    throw invalid(`${idField} is required and must be a non-empty string`);
  }
  const known = AGENTS.get(id);
  if (known !== undefined) return known;
  const name = optionalString(body.name, 'name');
  if (name === undefined || name === '') throw invalid(`name is required for an agent the emulator does not know (${id})`);
  return {
    id,
    type: 'agent',
    name,
    avatar: optionalString(body.avatar, 'avatar') ?? '',
    job_title: optionalString(body.job_title, 'job_title') ?? 'Support Agent',
    is_bot: optionalBoolean(body.is_bot, 'is_bot') ?? false,
  };
}

function queueOf(state: State, value: unknown, field: string, previous?: { queued_at: string }) {
  const q = optionalObject(value, field) ?? {};
  const position = q.position;
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 1) throw invalid(`${field}.position must be a positive integer`);
  const waitTime = q.wait_time ?? 0;
  if (typeof waitTime !== 'number' || !Number.isFinite(waitTime) || waitTime < 0) throw invalid(`${field}.wait_time must be a non-negative number of seconds`);
  return { position, wait_time: waitTime, queued_at: previous?.queued_at ?? state.timestamp() };
}

function push(ctx: AgentContext, org: Organization, chat: Chat, action: string, payload: object): number {
  return ctx.hub.pushToCustomer(org.id, chat.customerId, action, payload);
}

/** The organization and group a group setting names (group_status, group, form). */
function groupTarget(body: Unchecked<GroupBody>): { organizationId: string; groupId: number } {
  return { organizationId: requiredString(body.organization_id, 'organization_id'), groupId: requiredGroupId(body.group_id, 'group_id') };
}

/** `thread_id` for the pushes that name the thread only while it is open. */
function openThreadId(chat: Chat): { thread_id?: string } {
  const thread = lastThread(chat);
  return thread?.active === true ? { thread_id: thread.id } : {};
}

/** What the agent sends: `text` (a message; `defaultText` when neither is given) or an `event`, not both. */
function agentDraft(body: Unchecked<Pick<SendEventBody, 'text' | 'event'>>, defaultText?: string): EventDraft {
  if (body.event === undefined) return { type: 'message', properties: {}, text: messageText(body.text ?? defaultText, 'text') };
  if (body.text !== undefined) throw invalid('give text or event, not both');
  return agentEvent(body.event, 'event');
}

const AGENT_ACTIONS: { [K in AgentActionName]: AgentAction<K> } = {
  /** `{chat_id, text}` or `{chat_id, event}` (message, file, form, rich_message, system_message, custom), optional `author_id`. */
  send_event: (ctx, body) => {
    // The body's own fields first, so a bad request says what is wrong before "not found".
    requiredString(body.organization_id, 'organization_id');
    requiredString(body.chat_id, 'chat_id');
    const draft = agentDraft(body);
    const { org, chat, thread } = activeChat(ctx, body);
    // The API stamps system messages with the author "system"; everything else is the agent's.
    const author = draft.type === 'system_message' ? 'system' : optionalString(body.author_id, 'author_id') || EMULATOR_AGENT.id;
    const event = ctx.state.addEvent(chat, thread, draft, author);
    push(ctx, org, chat, 'incoming_event', { chat_id: chat.id, thread_id: thread.id, event });
    return { event_id: event.id };
  },

  /** `{chat_id, event_id, text}`: the agent edits one of the chat's messages (`event_updated`). */
  update_event: (ctx, body) => {
    const { org, chat } = chatOf(ctx, body);
    const eventId = requiredString(body.event_id, 'event_id');
    const text = messageText(body.text, 'text');
    const found = chat.threads.flatMap((thread) => thread.events.map((event) => ({ thread, event }))).find((x) => x.event.id === eventId);
    if (found === undefined) throw apiError(404, 'not_found', 'Event not found');
    if (found.event.type !== 'message') throw invalid(`Event ${eventId} is a ${found.event.type}; only messages can be edited`);
    found.event.text = text;
    push(ctx, org, chat, 'event_updated', { chat_id: chat.id, thread_id: found.thread.id, event: found.event });
    return { event_id: eventId };
  },

  /** `{chat_id, is_typing?, author_id?}` */
  typing: (ctx, body) => {
    const { org, chat, thread } = activeChat(ctx, body);
    const isTyping = optionalBoolean(body.is_typing, 'is_typing') ?? true;
    const author = optionalString(body.author_id, 'author_id') || EMULATOR_AGENT.id;
    const typing_indicator = { author_id: author, recipients: 'all', timestamp: Math.floor(Date.now() / 1000), is_typing: isTyping };
    return { delivered: push(ctx, org, chat, 'incoming_typing_indicator', { chat_id: chat.id, thread_id: thread.id, typing_indicator }) };
  },

  /** `{chat_id, title?, description?, custom_id?, author_id?}`: an AI agent is working (3.6 sockets only). */
  thinking: (ctx, body) => {
    const { org, chat, thread } = activeChat(ctx, body);
    const payload: Record<string, string> = {
      chat_id: chat.id,
      thread_id: thread.id,
      author_id: optionalString(body.author_id, 'author_id') || 'emulator-bot@livechat.local',
      sent_at: ctx.state.timestamp(),
    };
    for (const key of ['title', 'description', 'custom_id'] as const) {
      const value = optionalString(body[key], key);
      if (value !== undefined) payload[key] = value;
    }
    return { delivered: push(ctx, org, chat, 'incoming_thinking_indicator', payload) };
  },

  /** `{chat_id, text, custom_id?, author_id?}`: a message about to be sent, without an id yet (3.6 sockets only). */
  event_preview: (ctx, body) => {
    const { org, chat, thread } = activeChat(ctx, body);
    const event: Omit<WireEvent, 'id' | 'properties'> = {
      type: 'message',
      text: messageText(body.text, 'text'),
      author_id: optionalString(body.author_id, 'author_id') || EMULATOR_AGENT.id,
      created_at: ctx.state.timestamp(),
    };
    const customId = optionalString(body.custom_id, 'custom_id');
    if (customId !== undefined) event.custom_id = customId;
    return { delivered: push(ctx, org, chat, 'incoming_event_preview', { chat_id: chat.id, thread_id: thread.id, event }) };
  },

  /** `{chat_id, group_id? | agent_id?, reason? = "manual", queue?: {position, wait_time?}}` */
  transfer: (ctx, body) => {
    const { org, chat } = chatOf(ctx, body);
    const thread = lastThread(chat);
    const reason = optionalString(body.reason, 'reason') || 'manual';
    const to: { group_ids?: number[]; agent_ids?: string[] } = {};
    if (body.group_id !== undefined) to.group_ids = [requiredGroupId(body.group_id, 'group_id')];
    if (body.agent_id !== undefined) to.agent_ids = [requiredString(body.agent_id, 'agent_id')];
    if (to.group_ids === undefined && to.agent_ids === undefined) throw invalid('group_id or agent_id is required');
    const queue = body.queue === undefined ? undefined : queueOf(ctx.state, body.queue, 'queue');
    if (to.group_ids !== undefined) {
      chat.access = { group_ids: to.group_ids };
      if (thread !== undefined) thread.access = chat.access;
    }
    const active = thread?.active === true;
    if (queue !== undefined && active) thread.queue = queue;
    const payload = {
      chat_id: chat.id,
      ...openThreadId(chat),
      reason,
      // Only a person transfers manually; the router has no id.
      ...(reason === 'manual' ? { requester_id: EMULATOR_AGENT.id } : {}),
      transferred_to: to,
      ...(queue !== undefined && active ? { queue } : {}),
    };
    return { delivered: push(ctx, org, chat, 'chat_transferred', payload) };
  },

  /** `{chat_id, position, wait_time?}`: the thread's place in the queue (`queue_position_updated`). */
  queue: (ctx, body) => {
    const { org, chat, thread } = activeChat(ctx, body);
    thread.queue = queueOf(ctx.state, { position: body.position, wait_time: body.wait_time }, 'queue', thread.queue);
    const { position, wait_time } = thread.queue;
    return { delivered: push(ctx, org, chat, 'queue_position_updated', { chat_id: chat.id, thread_id: thread.id, queue: { position, wait_time } }) };
  },

  /** `{chat_id, agent_id, name?, avatar?, job_title?, reason? = "manual"}`: an agent joins (`user_added_to_chat`; SDKs emit `user_data`). */
  add_user: (ctx, body) => {
    const { org, chat } = chatOf(ctx, body);
    const agent = agentFrom(body, 'agent_id');
    const reason = optionalString(body.reason, 'reason') || 'manual';
    if (chat.agents.some((a) => a.id === agent.id)) throw apiError(409, 'already_in_chat', `${agent.id} is already in the chat`);
    chat.agents.push(agent);
    const payload = {
      chat_id: chat.id,
      ...openThreadId(chat),
      user: wireAgent(agent, chat),
      reason,
      ...(agent.id === EMULATOR_AGENT.id ? {} : { requester_id: EMULATOR_AGENT.id }),
    };
    return { delivered: push(ctx, org, chat, 'user_added_to_chat', payload) };
  },

  /** `{chat_id, user_id, reason? = "manual"}`: an agent leaves (`user_removed_from_chat` with the reason). */
  remove_user: (ctx, body) => {
    const { org, chat } = chatOf(ctx, body);
    const userId = requiredString(body.user_id, 'user_id');
    const reason = optionalString(body.reason, 'reason') || 'manual';
    if (!(REMOVAL_REASONS as readonly string[]).includes(reason)) throw invalid(`reason must be one of ${REMOVAL_REASONS.join(', ')}`);
    const index = chat.agents.findIndex((a) => a.id === userId);
    if (index < 0) throw apiError(404, 'not_found', `${userId} is not an agent of the chat`);
    chat.agents.splice(index, 1);
    const payload = {
      chat_id: chat.id,
      ...openThreadId(chat),
      user_id: userId,
      reason,
      ...(reason === 'manual' ? { requester_id: EMULATOR_AGENT.id } : {}),
    };
    return { delivered: push(ctx, org, chat, 'user_removed_from_chat', payload) };
  },

  /** `{chat_id}`: the agent closes the chat (a system message, then `chat_deactivated`). */
  deactivate_chat: (ctx, body) => {
    const { org, chat, thread } = activeChat(ctx, body);
    for (const { action, payload } of deactivateThread(ctx.state, chat, thread, 'agent')) push(ctx, org, chat, action, payload);
    return { thread_id: thread.id };
  },

  /**
   * `{customer_id, text? | event? (rich_message), id? = 1, subtype?, addon?, is_exit_intent?, agent_id?}`:
   * shows a greeting; one still on screen is canceled first (`greeting_canceled`), as the service does.
   */
  greeting: (ctx, body) => {
    const org = organization(ctx, body);
    const customerId = requiredString(body.customer_id, 'customer_id');
    const customer = org.customers.get(customerId);
    if (customer === undefined) throw apiError(404, 'not_found', 'Customer not found');
    const templateId = body.id === undefined ? 1 : requiredGroupId(body.id, 'id');
    const agent = agentFrom(body, 'agent_id', EMULATOR_AGENT);
    const subtype = optionalString(body.subtype, 'subtype') || 'greeting';
    const addon = optionalString(body.addon, 'addon') ?? null;
    const isExitIntent = optionalBoolean(body.is_exit_intent, 'is_exit_intent') ?? false;
    const draft = withGreetingButtonIds(agentDraft(body, 'Hi! Can I help you?'));
    if (draft.type !== 'message' && draft.type !== 'rich_message') throw invalid('event.type must be message or rich_message');

    const uniqueId = ctx.state.newId();
    const previous = [...org.greetings.values()].filter((g) => g.customerId === customerId && g.status === 'shown');
    const greeting: Greeting = {
      uniqueId,
      id: templateId,
      customerId,
      status: 'shown',
      displayedFirstTime: ![...org.greetings.values()].some((g) => g.customerId === customerId && g.id === templateId),
      subtype,
      addon,
      isExitIntent,
      event: { id: `${uniqueId}_1`, ...draft, author_id: agent.id, created_at: ctx.state.timestamp() },
      agent,
      clicks: [],
    };
    for (const old of previous) {
      old.status = 'canceled';
      ctx.hub.pushToCustomer(org.id, customerId, 'greeting_canceled', { unique_id: old.uniqueId });
    }
    org.greetings.set(uniqueId, greeting);
    customer.greetingsShown += 1;
    const delivered = ctx.hub.pushToCustomer(org.id, customerId, 'incoming_greeting', wireGreeting(greeting));
    return { unique_id: uniqueId, id: templateId, delivered };
  },

  /** `{group_id, status}`: online / online_for_queue / offline; customers logged in to that group get `groups_status_updated`. */
  group_status: (ctx, body) => {
    const { organizationId, groupId } = groupTarget(body);
    if (!(GROUP_STATUSES as readonly unknown[]).includes(body.status)) throw invalid(`status must be one of ${GROUP_STATUSES.join(', ')}`);
    const status = body.status as GroupStatus;
    const org = ctx.state.org(organizationId);
    const changed = ctx.state.groupStatus(organizationId, groupId) !== status;
    org.groupStatuses.set(groupId, status);
    // Only a change is news; setting the same status again stays quiet.
    const delivered = changed ? ctx.hub.pushToGroup(organizationId, groupId, 'groups_status_updated', { groups: [{ id: groupId, status }] }) : 0;
    return { group_id: groupId, status, delivered };
  },

  /**
   * `{group_id, exists?, manual_routing?}`: `exists: false` removes the group (`group_not_found` where it is
   * named); `manual_routing: true` leaves it without a predicted agent (`group_unavailable`).
   */
  group: (ctx, body) => {
    const { organizationId, groupId } = groupTarget(body);
    const org = ctx.state.org(organizationId);
    const current = org.groupSettings.get(groupId) ?? { exists: true, manualRouting: false };
    const settings = {
      exists: optionalBoolean(body.exists, 'exists') ?? current.exists,
      manualRouting: optionalBoolean(body.manual_routing, 'manual_routing') ?? current.manualRouting,
    };
    org.groupSettings.set(groupId, settings);
    return { group_id: groupId, exists: settings.exists, manual_routing: settings.manualRouting };
  },

  /** `{group_id, type, enabled: false}` or `{group_id, type, form: {id, fields}}`: what `get_form` answers for that group. */
  form: (ctx, body) => {
    const { organizationId, groupId } = groupTarget(body);
    if (!isFormType(body.type)) throw invalid(`type must be one of ${FORM_TYPES.join(', ')}`);
    const org = ctx.state.org(organizationId);
    if (body.enabled === false) {
      org.forms.set(formKey(groupId, body.type), null);
      return { enabled: false };
    }
    const form = optionalObject(body.form, 'form');
    if (form === undefined) throw invalid('form is required unless enabled is false');
    const saved = { id: requiredString(form.id, 'form.id'), fields: formFieldsOf(form.fields, 'form.fields') };
    org.forms.set(formKey(groupId, body.type), saved);
    return { enabled: true, form: saved };
  },
};

/**
 * Runs a control action; RtmError('validation') from the validators becomes 400, as everywhere in the
 * control API. Other refusals are 404 (nothing by that id) or 409 (not in a state that allows it).
 */
export function runAgentAction(ctx: AgentContext, name: string, body: Obj): object {
  // Own keys only: `constructor` and the like are no actions.
  const action = Object.hasOwn(AGENT_ACTIONS, name) ? (AGENT_ACTIONS[name as AgentActionName] as (ctx: AgentContext, body: Obj) => object) : undefined;
  if (action === undefined) throw apiError(404, 'not_found', `No agent action ${name}; known: ${Object.keys(AGENT_ACTIONS).join(', ')}`);
  try {
    return action(ctx, body);
  } catch (e) {
    if (e instanceof RtmError) throw apiError(e.type === 'validation' ? 400 : 409, e.type, e.message);
    throw e;
  }
}
