/**
 * The outbox (`init({ outbox: true })`): a tab's `sendEvent` made while disconnected, behind
 * queued messages, or lost in flight is queued (`OutboxQueue`, stored before answering) and sent
 * in order after the next login. Every tab hears how each queued message settled.
 */
import { buildCall, executeMethod, type Send } from '../protocol/method-table';
import type { OutboxReceipt, RuntimeMessage } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { Chat, ChatEvent } from '../shared/types';
import type { OutboxEntry } from './cache-records';
import { Timer, type Clock } from './clock';
import type { Logger } from './log';

/** How soon a queued message refused on a live socket (pending limit, timeout) is tried again. */
const OUTBOX_RETRY_MS = 1_000;
/** Errors after which a queued send is tried again on the next connection (the server may not have it). */
const RETRYABLE = new Set(['NO_CONNECTION', 'CONNECTION_LOST', 'REQUEST_TIMEOUT', 'MISDIRECTED_CONNECTION', 'PENDING_REQUESTS_LIMIT_REACHED']);

export interface OutboxSenderDeps {
  queue: {
    outbox(): readonly OutboxEntry[];
    enqueue(entry: OutboxEntry): Promise<boolean>;
    settle(customId: string): Promise<void>;
  };
  connected(): boolean;
  ended(): boolean;
  /** The runtime's own requests: no owner, so an answering push reaches every tab. */
  ownerless: Send;
  postAll(message: RuntimeMessage): void;
  clock: Clock;
  log: Logger;
}

/** How one tab sends: the check that it may, and its `sendEvent` sent at once. */
export interface DirectSend {
  assertCanSend(): void;
  send(params: OutboxEntry['params']): Promise<unknown>;
}

export class OutboxSender {
  /** Set while the outbox is being sent, so two logins in a row never send an entry twice. */
  private draining = false;
  /** Drains the outbox again after a send the connection could not take while it stayed up. */
  private readonly retryTimer: Timer;

  constructor(private readonly deps: OutboxSenderDeps) {
    this.retryTimer = new Timer(deps.clock);
  }

  /**
   * `sendEvent` from a tab with `outbox: true`. Connected with nothing queued: sent at once, as
   * without the outbox. Otherwise queued; the tab gets a receipt now and the event when it is
   * finally sent.
   */
  async sendEvent(params: unknown, direct: DirectSend): Promise<unknown> {
    buildCall('sendEvent', params); // validates: a bad call is never queued
    const given = params as OutboxEntry['params'];
    const customId = typeof given.event.customId === 'string' && given.event.customId !== '' ? given.event.customId : this.newCustomId();
    const entry: OutboxEntry = { customId, chatId: given.chatId, params: { ...given, event: { ...given.event, customId } }, queuedAt: this.deps.clock.now() };
    direct.assertCanSend();
    let failure = new SdkError('NO_CONNECTION', 'No connection, and the outbox is full.');
    if (this.deps.connected() && this.deps.queue.outbox().length === 0) {
      try {
        return await direct.send(entry.params);
      } catch (error) {
        failure = SdkError.from(error);
        // Lost in flight: the server may or may not have it; its customId tells after the reconnect.
        if (this.deps.ended() || failure.code === 'NO_CONNECTION' || !RETRYABLE.has(failure.code)) throw failure;
      }
    }
    if (!(await this.deps.queue.enqueue(entry))) throw failure;
    if (this.deps.connected()) void this.drain(new Map());
    const receipt: OutboxReceipt = { outbox: 'queued', customId };
    return receipt;
  }

  /** Messages queued by the previous customer are not sent as the new one: their callers hear so. */
  customerChanged(): void {
    const dropped = new SdkError('CONNECTION_LOST', 'The customer changed (identity_mismatch); the queued message was not sent.').toData();
    for (const entry of this.deps.queue.outbox()) this.deps.postAll({ kind: 'outbox', customId: entry.customId, error: dropped });
  }

  /** Sends the outbox in order (after a login); stops at the first entry the connection could not take. */
  async drain(known: Map<string, Chat>): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let entry = this.deps.queue.outbox()[0]; entry; entry = this.deps.queue.outbox()[0]) {
        if (this.deps.ended() || !this.deps.connected()) return;
        if ((await this.sendQueued(entry, known)) === 'retry') {
          // Refused for now (pending-requests limit, a timeout) on a socket that stays up: no
          // login will come to drain it, so try again shortly. A reconnect drains it anyway.
          if (!this.deps.ended() && this.deps.connected()) {
            this.retryTimer.set(OUTBOX_RETRY_MS, () => void this.drain(new Map()));
          }
          return;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async sendQueued(entry: OutboxEntry, known: Map<string, Chat>): Promise<'done' | 'retry'> {
    let outcome: { event: ChatEvent } | { error: SdkError };
    try {
      let chat = known.get(entry.chatId);
      if (!chat) {
        chat = (await executeMethod('getChat', { chatId: entry.chatId }, this.deps.ownerless)).result;
        known.set(entry.chatId, chat);
      }
      // Sent before the socket went down, answer lost: the server has it, so it is not sent again.
      const already = chat.thread?.events.find((event) => event.customId === entry.customId);
      outcome = { event: already ?? (await executeMethod('sendEvent', entry.params, this.deps.ownerless)).result };
    } catch (error) {
      const sdkError = SdkError.from(error);
      if (RETRYABLE.has(sdkError.code)) return 'retry';
      this.deps.log('warn', `A queued message was refused (${sdkError.code}); dropping it`, sdkError.message);
      outcome = { error: sdkError };
    }
    const message: RuntimeMessage =
      'event' in outcome
        ? { kind: 'outbox', customId: entry.customId, event: outcome.event }
        : { kind: 'outbox', customId: entry.customId, error: outcome.error.toData() };
    this.deps.postAll(message);
    await this.deps.queue.settle(entry.customId);
    return 'done';
  }

  private newCustomId(): string {
    return `outbox-${this.deps.clock.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  }
}
