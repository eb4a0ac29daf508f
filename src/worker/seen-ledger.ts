/**
 * The runtime's side of the seen-record (src/shared/seen.ts): merging what tabs hand over, and
 * finding what a chat gained while the socket was down. Bounded to the CACHED_CHATS most recently
 * active chats (each costs a `get_chat` per login); the bound is here, as SeenEvents ships in tabs.
 */
import { CACHED_CHATS } from './cache-records';
import type { SdkEvent } from '../protocol/pushes';
import { SeenEvents, type SeenChat, type SeenSnapshot } from '../shared/seen';
import type { Chat } from '../shared/types';

export class SeenLedger extends SeenEvents {
  /** Least recently active first. */
  chatIds(): string[] {
    return [...this.chats.keys()];
  }

  /** The events of `chat` (as the server has it now) that the tabs have not been told of; records them. */
  missed(chat: Chat): SdkEvent[] {
    const record = this.record(chat.id);
    const thread = chat.thread;
    if (!thread) return [];
    if (thread.id !== record.threadId) {
      // A thread started while we were away: the tabs learn it as a new chat thread, events included.
      this.noteChat(chat);
      return [{ name: 'incoming_chat', payload: { chat } }];
    }
    // The record covers the latest part of what the tabs were told, not always the whole thread:
    // ids per chat are bounded, a tab hands over its latest 50, and a chat evicted here comes back
    // with the event that made it active again. What precedes its first known event was told
    // before it; only what follows can have been missed.
    const first = thread.events.findIndex((event) => record.ids.has(event.id));
    return thread.events
      .slice(Math.max(first, 0))
      .filter((event) => this.noteEvent(chat.id, event))
      .map((event): SdkEvent => ({ name: 'incoming_event', payload: { chatId: chat.id, event } }));
  }

  clear(): void {
    this.chats.clear();
  }

  /** Records an event a tab is being told, as the tab itself does on receipt. */
  note(event: SdkEvent): void {
    if (event.name === 'incoming_event') this.noteEvent(event.payload.chatId, event.payload.event);
    else if (event.name === 'incoming_chat') this.noteChat(event.payload.chat);
  }

  /**
   * Adds what a tab (or the stored record) knows, ignoring malformed entries: it is data from
   * another context. A snapshot says nothing of when its chats were last active (a tab records
   * chats in the order it first heard of them), so its later entries stand for the more recent
   * ones, and all of them rank below the chats this runtime noted itself.
   */
  merge(snapshot: unknown): void {
    if (!Array.isArray(snapshot)) return;
    const own = new Map(this.chats);
    this.chats.clear();
    for (const entry of snapshot as Array<Partial<SeenSnapshot>>) {
      if (typeof entry?.chatId !== 'string' || !Array.isArray(entry.eventIds)) continue;
      const record = own.get(entry.chatId) ?? this.chats.get(entry.chatId) ?? { threadId: null, ids: new Set<string>() };
      if (typeof entry.threadId === 'string' && record.threadId === null) record.threadId = entry.threadId;
      for (const id of entry.eventIds) if (typeof id === 'string') this.remember(record, id);
      if (own.has(entry.chatId)) continue;
      this.chats.delete(entry.chatId);
      this.chats.set(entry.chatId, record);
    }
    for (const [chatId, record] of own) this.chats.set(chatId, record);
    this.evict();
  }

  /** Every note goes through here: the chat becomes the most recently active one. */
  protected override record(chatId: string): SeenChat {
    const record = super.record(chatId);
    // Map order is the recency order: re-inserting moves the chat to the end.
    this.chats.delete(chatId);
    this.chats.set(chatId, record);
    this.evict();
    return record;
  }

  private evict(): void {
    for (const chatId of this.chats.keys()) {
      if (this.chats.size <= CACHED_CHATS) return;
      this.chats.delete(chatId);
    }
  }
}

/** Whether two catch-up events deliver the same thing: one event by id, or one chat's thread. */
export function sameDelivery(a: SdkEvent, b: SdkEvent): boolean {
  if (a.name === 'incoming_event' && b.name === 'incoming_event') return a.payload.chatId === b.payload.chatId && a.payload.event.id === b.payload.event.id;
  if (a.name === 'incoming_chat' && b.name === 'incoming_chat') return a.payload.chat.id === b.payload.chat.id && a.payload.chat.thread?.id === b.payload.chat.thread?.id;
  return false;
}
