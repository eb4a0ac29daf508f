/**
 * Which chat events a tab was told of, per chat: tabs hand it to a runtime they attach to, so a
 * runtime that starts afresh knows what to catch up on (docs/architecture.md, "Catch-up after a
 * reconnect"). The runtime's side is src/worker/seen-ledger.ts.
 */
import type { Chat, ChatEvent } from './types';

/** Event ids remembered per chat; enough to recognise a redelivery, bounded for long chats. */
const REMEMBERED_EVENTS = 500;

/** What was delivered of one chat: its latest thread and the ids of recent events. */
export interface SeenChat {
  threadId: string | null;
  ids: Set<string>;
}

/** The plain-data form a tab sends when it attaches (the latest ids of each chat). */
export interface SeenSnapshot {
  chatId: string;
  threadId: string | null;
  eventIds: string[];
}

/** Ids per chat a tab hands over: enough to find the gap after a short outage. */
const SNAPSHOT_EVENTS = 50;

/**
 * What a tab records (it ships in every tab, so it holds only that); the runtime's catch-up on
 * top of it is `SeenLedger` (src/worker/seen-ledger.ts).
 */
export class SeenEvents {
  protected readonly chats = new Map<string, SeenChat>();

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

  snapshot(): SeenSnapshot[] {
    return [...this.chats].map(([chatId, record]) => ({
      chatId,
      threadId: record.threadId,
      eventIds: [...record.ids].slice(-SNAPSHOT_EVENTS),
    }));
  }

  protected record(chatId: string): SeenChat {
    let record = this.chats.get(chatId);
    if (!record) this.chats.set(chatId, (record = { threadId: null, ids: new Set() }));
    return record;
  }

  protected remember(record: SeenChat, id: string): void {
    if (!id) return;
    record.ids.add(id);
    if (record.ids.size > REMEMBERED_EVENTS) record.ids.delete(record.ids.values().next().value as string);
  }
}
