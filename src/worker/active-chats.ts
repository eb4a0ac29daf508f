/**
 * Which chats the runtime knows to be active, for `setSneakPeek` (v5 sends one "only if the
 * target chat is active"), learned from what passes through the runtime anyway. One record for
 * every tab; a chat never heard of is not active, as in 4.0.2.
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
