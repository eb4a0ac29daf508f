// Closing a chat's open thread: the one path behind the customer's `deactivate_chat` (rtm.ts) and
// the agent's (`POST /__emulator/agent/deactivate_chat`, agent.ts); each caller only delivers the pushes.
import { EMULATOR_AGENT, type Chat, type State, type Thread } from './state';
import type { Payload } from './wire';

type Push = { action: string; payload: Payload };

/**
 * Adds the system message saying who closed the chat, closes `thread` and drops what only an open
 * thread has (its place in the queue, the customer's sneak peek). Answers the pushes, in order.
 */
export function deactivateThread(state: State, chat: Chat, thread: Thread, by: 'customer' | 'agent'): [incomingEvent: Push, chatDeactivated: Push] {
  const notice = state.addEvent(
    chat,
    thread,
    by === 'customer'
      ? { type: 'system_message', properties: {}, text: 'The customer closed the chat.', system_message_type: 'manual_archived_customer' }
      : { type: 'system_message', properties: {}, text: `${EMULATOR_AGENT.name} closed the chat.`, system_message_type: 'manual_archived_agent' },
    'system',
  );
  thread.active = false;
  delete thread.queue;
  delete chat.sneakPeek;
  return [
    { action: 'incoming_event', payload: { chat_id: chat.id, thread_id: thread.id, event: notice } },
    { action: 'chat_deactivated', payload: { chat_id: chat.id, thread_id: thread.id, user_id: by === 'customer' ? chat.customerId : EMULATOR_AGENT.id } },
  ];
}
