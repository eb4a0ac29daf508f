/**
 * The tab's half of the outbox (`init({ outbox: true })`), loaded only by tabs that ask for it.
 * The runtime keeps the queue; here the customId is fixed before the call, so the caller's
 * promise settles on whichever comes first: the answer, or the event sent later from the queue.
 */
import type { OutboxReceipt, RuntimeMessage } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { ChatEvent } from '../shared/types';

/** Here, not in the contract, because only this module (loaded with `outbox: true`) checks receipts. */
export function isOutboxReceipt(value: unknown): value is OutboxReceipt {
  return typeof value === 'object' && value !== null && (value as OutboxReceipt).outbox === 'queued' && typeof (value as OutboxReceipt).customId === 'string';
}
import { randomId } from './tab';

export interface Outbox {
  /** `sendEvent` through the outbox. */
  send(params: unknown): Promise<ChatEvent>;
  /** An `incoming_event`: true when it is one of this tab's queued messages (then it is a result, not an event). */
  delivered(event: ChatEvent): boolean;
  /** The runtime's word on a queued message: sent at last, refused, or dropped. */
  settled(message: Extract<RuntimeMessage, { kind: 'outbox' }>): void;
}

export interface OutboxDeps {
  /** Calls the runtime's `sendEvent`. */
  send(params: unknown): Promise<unknown>;
  /** The tab's pending rejections, so that destroy() ends a queued call too. */
  pending: Set<(error: SdkError) => void>;
}

export function createOutbox({ send, pending }: OutboxDeps): Outbox {
  const waiters = new Map<string, { resolve(event: ChatEvent): void; reject(error: SdkError): void }>();
  return {
    async send(params) {
      const given = params as { event?: unknown } | null;
      const event =
        typeof given === 'object' && given !== null && typeof given.event === 'object' && given.event !== null
          ? (given.event as { customId?: unknown })
          : undefined;
      // Malformed params: the runtime rejects them with VALIDATION, nothing is queued.
      if (!event) return (await send(params)) as ChatEvent;
      const customId = typeof event.customId === 'string' && event.customId !== '' ? event.customId : `outbox-${randomId()}`;
      let settle!: { resolve(event: ChatEvent): void; reject(error: SdkError): void };
      const sent = new Promise<ChatEvent>((resolve, reject) => (settle = { resolve, reject }));
      // Settled before the call answered (destroy(), a refusal), nobody awaits it: the caller
      // gets that outcome from the call itself.
      sent.catch(() => undefined);
      waiters.set(customId, settle);
      pending.add(settle.reject);
      try {
        const result = await send({ ...(given as object), event: { ...event, customId } });
        return isOutboxReceipt(result) ? await sent : (result as ChatEvent);
      } finally {
        waiters.delete(customId);
        pending.delete(settle.reject);
      }
    },
    delivered(event) {
      const waiter = waiters.get(event.customId ?? '');
      waiter?.resolve(event);
      return waiter !== undefined;
    },
    settled(message) {
      const waiter = waiters.get(message.customId);
      if (waiter && message.event) waiter.resolve(message.event);
      else waiter?.reject(message.error ? SdkError.fromData(message.error) : new SdkError('CONNECTION_LOST', 'The queued message was not sent.'));
    },
  };
}
