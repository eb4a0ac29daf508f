/**
 * The outbox's queue: `sendEvent` calls kept while disconnected, oldest first, at most
 * `OUTBOX_LIMIT`. Stored with the chat cache (`changed` writes it); sent by `outbox-sender.ts`.
 */
import { OUTBOX_LIMIT, type OutboxEntry } from './cache-records';

export class OutboxQueue {
  private entries: OutboxEntry[] = [];

  /** `changed` marks the queue for writing and writes it now. */
  constructor(private readonly changed: () => Promise<void>) {}

  list(): readonly OutboxEntry[] {
    return this.entries;
  }

  /** Queues an entry and writes it at once (it must survive a reload); false when the queue is full. */
  async enqueue(entry: OutboxEntry): Promise<boolean> {
    if (this.entries.length >= OUTBOX_LIMIT) return false;
    this.entries = [...this.entries, entry];
    await this.changed();
    return true;
  }

  /** The entry was sent (or found on the server, or refused for good): drop it now. */
  async settle(customId: string): Promise<void> {
    this.entries = this.entries.filter((entry) => entry.customId !== customId);
    await this.changed();
  }

  /** Empties the queue and returns what it held. */
  take(): OutboxEntry[] {
    const taken = this.entries;
    this.entries = [];
    return taken;
  }

  replace(entries: OutboxEntry[]): void {
    this.entries = entries;
  }

  /** Adds what storage held: older than anything queued since this runtime started. */
  restore(stored: readonly OutboxEntry[]): void {
    const queued = new Set(this.entries.map((entry) => entry.customId));
    this.entries = [...stored.filter((entry) => !queued.has(entry.customId)), ...this.entries];
  }
}
