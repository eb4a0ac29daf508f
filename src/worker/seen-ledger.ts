/**
 * The runtime's side of the seen-record (src/shared/seen.ts): merging what tabs hand over, and
 * finding what a chat gained while the socket was down.
 */
import type { SdkEvent } from '../shared/pushes';
import { SeenEvents, type SeenSnapshot } from '../shared/seen';
import type { Chat } from '../shared/types';

export class SeenLedger extends SeenEvents {
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

  /** Adds what a tab knows (ignoring malformed entries: it is data from another context). */
  merge(snapshot: unknown): void {
    if (!Array.isArray(snapshot)) return;
    for (const entry of snapshot as Array<Partial<SeenSnapshot>>) {
      if (typeof entry?.chatId !== 'string' || !Array.isArray(entry.eventIds)) continue;
      const record = this.record(entry.chatId);
      if (typeof entry.threadId === 'string' && record.threadId === null) record.threadId = entry.threadId;
      for (const id of entry.eventIds) if (typeof id === 'string') this.remember(record, id);
    }
  }
}
