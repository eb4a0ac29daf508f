/**
 * Sneak peeks (what the customer is typing, shown to the agent) are sent at most once per
 * interval per chat: the first at once, then the latest text at the end of each interval. A
 * widget calls `setSneakPeek` on every keystroke, in any tab; the server needs only the gist.
 */
import type { Json } from '../shared/validate';
import { Timer, type Clock } from './clock';

const SNEAK_PEEK_INTERVAL_MS = 1_000;

interface ChatWindow {
  timer: Timer;
  pending?: Json;
}

export class SneakPeekThrottle {
  private readonly windows = new Map<string, ChatWindow>();

  constructor(
    private readonly clock: Clock,
    /** Sends one `send_sneak_peek` payload; never rejects. */
    private readonly send: (payload: Json) => Promise<void>,
  ) {}

  /** Resolves once the text was sent, or at once when it waits for the end of the interval. */
  offer(payload: Json): Promise<void> {
    const chatId = String(payload.chat_id);
    const open = this.windows.get(chatId);
    if (open) {
      open.pending = payload;
      return Promise.resolve();
    }
    const window: ChatWindow = { timer: new Timer(this.clock) };
    this.windows.set(chatId, window);
    this.schedule(chatId, window);
    return this.send(payload);
  }

  private schedule(chatId: string, window: ChatWindow): void {
    window.timer.set(SNEAK_PEEK_INTERVAL_MS, () => {
      const latest = window.pending;
      if (!latest) {
        this.windows.delete(chatId);
        return;
      }
      delete window.pending;
      void this.send(latest);
      this.schedule(chatId, window);
    });
  }
}
