// Wire projections: how the in-memory model (state.ts) reads on the wire, as chats, threads, users,
// customers, greetings and predicted agents. Pure functions of the model; nothing here mutates it.
import type { AgentProfile, Chat, Customer, Greeting, State, Thread } from './state';
import type { WireAgentUser, WireChat, WireCustomer, WireCustomerProfile, WireCustomerUser, WireThread, WireUser } from './wire';

export function wireCustomer(state: State, organizationId: string, customer: Customer): WireCustomer {
  const chats = state.chatsOf(organizationId, customer.id);
  return {
    ...customerIdentity(customer),
    statistics: {
      chats_count: chats.length,
      threads_count: chats.reduce((n, c) => n + c.threads.length, 0),
      visits_count: customer.visits,
      page_views_count: customer.pageViews,
      greetings_shown_count: customer.greetingsShown,
      greetings_accepted_count: customer.greetingsAccepted,
    },
  };
}

/** The customer as every wire form shows them: the customer object and the chat user. */
function customerIdentity(customer: Customer): WireCustomerProfile {
  const optional: Pick<WireCustomerProfile, 'name' | 'email' | 'avatar'> = {};
  if (customer.name !== undefined) optional.name = customer.name;
  if (customer.email !== undefined) optional.email = customer.email;
  if (customer.avatar !== undefined) optional.avatar = customer.avatar;
  return { id: customer.id, type: 'customer', ...optional, session_fields: customer.sessionFields };
}

export function wireUsers(state: State, organizationId: string, chat: Chat): WireUser[] {
  const customer = state.customer(organizationId, chat.customerId);
  const customerUser: WireCustomerUser = { ...customerIdentity(customer), present: true, events_seen_up_to: eventsSeenUpTo(chat, customer.id) };
  return [customerUser, ...chat.agents.map((a) => wireAgent(a, chat))];
}

/**
 * When `userId` last caught up with the chat. Every chat user has one (the User samples always carry
 * `events_seen_up_to`): until a user writes or marks events as seen, it is the chat's start, before
 * its first event, so nothing counts as seen by someone who has not looked.
 */
export function eventsSeenUpTo(chat: Chat, userId: string): string {
  // A chat is created together with its first thread (rtm.ts openThread), so it always has one here.
  return chat.seenUpTo[userId] ?? chat.threads[0]!.createdAt;
}

/** An agent as a user of `chat`: chat users carry no is_bot (greetings and predicted agents do). */
export function wireAgent(agent: AgentProfile, chat: Chat): WireAgentUser {
  const { is_bot: _bot, ...user } = agent;
  return { ...user, present: true, events_seen_up_to: eventsSeenUpTo(chat, agent.id) };
}

export function wireThread(chat: Chat, thread: Thread): WireThread {
  return {
    id: thread.id,
    active: thread.active,
    created_at: thread.createdAt,
    user_ids: [chat.customerId, ...chat.agents.map((a) => a.id)],
    events: thread.events,
    properties: thread.properties,
    access: thread.access,
    ...(thread.queue === undefined ? {} : { queue: thread.queue }),
  };
}

/**
 * An agent outside a chat, as greetings, `get_predicted_agent` and `request_welcome_message` name it:
 * no chat-user fields (present, events_seen_up_to), with is_bot and type (the Login sample's
 * `greeting.agent` has `type`; the incoming_greeting sample leaves it out, the login one is the fuller).
 */
export function wirePredictedAgent({ id, name, avatar, job_title, is_bot }: AgentProfile) {
  return { id, name, avatar, job_title, is_bot, type: 'agent' as const };
}

export function wireGreeting(greeting: Greeting) {
  return {
    id: greeting.id,
    unique_id: greeting.uniqueId,
    displayed_first_time: greeting.displayedFirstTime,
    accepted: greeting.status === 'accepted',
    subtype: greeting.subtype,
    ...(greeting.addon === null ? {} : { addon: greeting.addon }),
    is_exit_intent: greeting.isExitIntent,
    event: greeting.event,
    agent: wirePredictedAgent(greeting.agent),
  };
}

export function wireChat(state: State, organizationId: string, chat: Chat, thread: Thread): WireChat {
  return {
    id: chat.id,
    users: wireUsers(state, organizationId, chat),
    access: chat.access,
    properties: chat.properties,
    thread: wireThread(chat, thread),
  };
}
