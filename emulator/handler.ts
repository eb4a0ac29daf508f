// What an RTM action handler gets and gives back, and the lookups every handler shares: a customer
// reaches only their own chats, threads and events. Split from rtm.ts so that the action modules
// (rtm.ts, engagement.ts) share them without importing each other.
import type { Request, RtmOptions, Session } from './rtm';
import type { Chat, Customer, Organization, State, Thread } from './state';
import { RtmError, requiredString } from './validate';
import type { Payload, WireEvent } from './wire';

export interface Ctx {
  state: State;
  org: Organization;
  session: Session;
  customer: Customer;
  request: Request;
  options: RtmOptions;
}

export interface Result {
  response: Payload;
  /** Pushes caused by the request, in order, after the response. `echo` puts the request_id on the requester's copy. */
  pushes?: Array<{ action: string; payload: Payload; echo: boolean }>;
}

export type Handler = (ctx: Ctx) => Result;

/** The group, if the organization has it; `group_not_found` for one the agent removed. */
export function existingGroup(ctx: Ctx, groupId: number): number {
  if (!ctx.state.groupExists(ctx.session.organizationId, groupId)) throw new RtmError('group_not_found', `Group ${groupId} not found`);
  return groupId;
}

/**
 * Where a predicted agent is asked for (welcome message, predicted agent): an offline group has none
 * (`group_offline`), and with manual routing nobody is predicted (`group_unavailable`).
 */
export function predictableGroup(ctx: Ctx, groupId: number): 'online' | 'online_for_queue' {
  existingGroup(ctx, groupId);
  const status = ctx.state.groupStatus(ctx.session.organizationId, groupId);
  if (status === 'offline') throw new RtmError('group_offline', `Group ${groupId} is offline`);
  if (ctx.state.groupManualRouting(ctx.session.organizationId, groupId)) {
    throw new RtmError('group_unavailable', `Group ${groupId} routes chats manually; there is no predicted agent`);
  }
  return status;
}

export function ownChat(ctx: Ctx, id: unknown, field: string): Chat {
  const chatId = requiredString(id, field);
  const chat = ctx.org.chats.get(chatId);
  // Another customer's chat is reported exactly like a missing one: customers must not learn it exists.
  if (chat === undefined || chat.customerId !== ctx.customer.id) throw new RtmError('not_found', 'Chat not found');
  return chat;
}

export function ownThread(ctx: Ctx): { chat: Chat; thread: Thread } {
  const chat = ownChat(ctx, ctx.request.payload.chat_id, 'chat_id');
  const threadId = requiredString(ctx.request.payload.thread_id, 'thread_id');
  const thread = chat.threads.find((t) => t.id === threadId);
  if (thread === undefined) throw new RtmError('not_found', 'Thread not found');
  return { chat, thread };
}

export function ownEvent(ctx: Ctx): { chat: Chat; thread: Thread; event: WireEvent } {
  const { chat, thread } = ownThread(ctx);
  const eventId = requiredString(ctx.request.payload.event_id, 'event_id');
  const event = thread.events.find((e) => e.id === eventId);
  if (event === undefined) throw new RtmError('not_found', 'Event not found');
  return { chat, thread, event };
}
