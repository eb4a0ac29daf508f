/**
 * What the tabs have been told, per chat, so that after a reconnect the runtime can deliver what
 * happened while it was away, and never deliver anything twice.
 *
 * Pushes sent while the socket was down are lost; after the next login the runtime asks for each
 * known chat's latest thread (`get_chat`) and emits the events the tabs have not seen, as the
 * ordinary `incoming_event`s (or `incoming_chat` for a thread started meanwhile).
 */
import type { SdkEvent } from '../shared/pushes';
import type { Chat, ChatEvent } from '../shared/types';

/** Event ids remembered per chat; enough to recognise a redelivery, bounded for long chats. */
const REMEMBERED_EVENTS = 500;

interface ChatRecord {
  threadId: string | null;
  ids: Set<string>;
}

export class SeenEvents {
  private readonly chats = new Map<string, ChatRecord>();

  /** Records an event; false when the tabs were already told of it (a duplicate to drop). */
  noteEvent(chatId: string, event: ChatEvent): boolean {
    const record = this.record(chatId);
    if (event.id && record.ids.has(event.id)) return false;
    if (event.threadId) record.threadId = event.threadId;
    this.remember(record, event.id);
    return true;
  }

  noteChat(chat: Chat): void {
    const record = this.record(chat.id);
    if (!chat.thread) return;
    record.threadId = chat.thread.id;
    for (const event of chat.thread.events) this.remember(record, event.id);
  }

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
    return thread.events
      .filter((event) => this.noteEvent(chat.id, event))
      .map((event): SdkEvent => ({ name: 'incoming_event', payload: { chatId: chat.id, event } }));
  }

  clear(): void {
    this.chats.clear();
  }

  private record(chatId: string): ChatRecord {
    let record = this.chats.get(chatId);
    if (!record) this.chats.set(chatId, (record = { threadId: null, ids: new Set() }));
    return record;
  }

  private remember(record: ChatRecord, id: string): void {
    if (!id) return;
    record.ids.add(id);
    if (record.ids.size > REMEMBERED_EVENTS) record.ids.delete(record.ids.values().next().value as string);
  }
}
