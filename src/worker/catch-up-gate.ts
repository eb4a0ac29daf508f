/**
 * Holds the live pushes of a chat while the catch-up after a login has not delivered that chat
 * yet, and releases them after its missed events, in arrival order. Why: docs/architecture.md
 * ("Catch-up after a reconnect").
 */
import type { SdkEvent } from '../protocol/pushes';

/** The chat a live event is about, if any: the gate holds it until that chat's catch-up. */
export function chatIdOf(event: SdkEvent): string | undefined {
  if (event.name === 'incoming_chat') return event.payload.chat.id;
  const payload = event.payload as { chatId?: unknown } | undefined;
  return typeof payload?.chatId === 'string' ? payload.chatId : undefined;
}

export class CatchUpGate<T> {
  /** Which login the gate is closed for; a stale catch-up (the socket dropped, a new login began) cannot open the new one. */
  private login = 0;
  private closed = false;
  /** Chats still waiting for their catch-up; `undefined` while the set is not known yet (all wait). */
  private pending: Set<string> | undefined;
  private readonly held: Array<{ chatId: string; item: T }> = [];

  /** A login succeeded: hold every chat's live events until `expect`. Returns the login's ticket. */
  close(): number {
    this.login += 1;
    this.closed = true;
    this.pending = undefined;
    return this.login;
  }

  /** Whether `item` of `chatId` must wait; if so, it is kept and comes back from a release. */
  hold(chatId: string, item: T): boolean {
    if (!this.closed || (this.pending && !this.pending.has(chatId))) return false;
    this.held.push({ chatId, item });
    return true;
  }

  /** The catch-up will ask about `chatIds`: returns what waited for any other chat. */
  expect(ticket: number, chatIds: Iterable<string>): T[] {
    if (ticket !== this.login || !this.closed) return [];
    this.pending = new Set(chatIds);
    const pending = this.pending;
    return this.take((chatId) => !pending.has(chatId));
  }

  /** The catch-up delivered `chatId`: returns what waited for it. */
  release(ticket: number, chatId: string): T[] {
    if (ticket !== this.login || !this.closed) return [];
    this.pending?.delete(chatId);
    return this.take((held) => held === chatId);
  }

  /**
   * The catch-up ended, or the socket dropped: returns everything still held, in arrival order.
   * Without a ticket (the socket dropped) whichever login held them.
   */
  open(ticket?: number): T[] {
    if (!this.closed || (ticket !== undefined && ticket !== this.login)) return [];
    this.closed = false;
    this.pending = undefined;
    return this.take(() => true);
  }

  private take(which: (chatId: string) => boolean): T[] {
    const released: T[] = [];
    for (let index = 0; index < this.held.length; ) {
      const entry = this.held[index]!;
      if (which(entry.chatId)) {
        released.push(entry.item);
        this.held.splice(index, 1);
      } else {
        index += 1;
      }
    }
    return released;
  }
}
