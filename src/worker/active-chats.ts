/**
 * Which chats the runtime knows to be active, for `setSneakPeek`: the v5 docs send a sneak peek
 * "only if the target chat is active" (4.0.2 checks its own record the same way). One record for
 * every tab, so a chat started in one tab takes sneak peeks typed in another.
 *
 * Learned from what passes through the runtime anyway: a new thread (`incoming_chat`, also the
 * answer to `startChat`/`resumeChat`) makes a chat active, `chat_deactivated` inactive, and
 * `listChats` summaries and the latest thread of a `getChat` (including the catch-up after a
 * reconnect) say either way. A chat never heard of is not active, as in 4.0.2.
 */
import type { SdkEvent } from '../protocol/pushes';
import type { Chat, ListChatsResult } from '../shared/types';

export class ActiveChats {
  private readonly active = new Set<string>();

  has(chatId: string): boolean {
    return this.active.has(chatId);
  }

  /** An event the tabs were given. */
  noteEvent(event: SdkEvent): void {
    if (event.name === 'incoming_chat') this.set(event.payload.chat.id, true);
    else if (event.name === 'chat_deactivated') this.set(event.payload.chatId, false);
  }

  /** A `getChat` result: only its latest thread says whether the chat is active now. */
  noteChat(chat: Chat): void {
    if (chat.thread && chat.thread.nextThreadId === null) this.set(chat.id, chat.thread.active);
  }

  noteList(result: ListChatsResult): void {
    for (const summary of result.chatsSummary) this.set(summary.id, summary.active);
  }

  /** Another customer now: what was known is about the previous one. */
  clear(): void {
    this.active.clear();
  }

  private set(chatId: string, active: boolean): void {
    if (active) this.active.add(chatId);
    else this.active.delete(chatId);
  }
}
