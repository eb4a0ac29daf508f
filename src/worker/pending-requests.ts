/**
 * Requests in flight on one socket: request id ↔ settle callbacks, a per-request timeout and
 * the pending limit, so that no call can hang and the server's own limit is never reached.
 */
import { SdkError } from '../shared/errors';
import type { IndirectPush } from '../protocol/method-table';
import type { Json } from '../shared/validate';
import { Timer, type Clock } from './clock';

export const REQUEST_TIMEOUT_MS = 15_000;
export const PENDING_REQUESTS_LIMIT = 10;

interface Pending {
  action: string;
  resolvedBy?: IndirectPush;
  /** Who asked: the runtime routes an indirect answer's push to every other tab. */
  owner?: string;
  timer: Timer;
  resolve(payload: Json): void;
  reject(error: SdkError): void;
}

export interface Answer {
  owner?: string;
}

export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private issued = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Registers a request and returns its id and the promise of its answer; throws when full. */
  open(
    action: string,
    options: { resolvedBy?: IndirectPush; owner?: string; timeoutMs?: number } = {},
  ): { requestId: string; answer: Promise<Json> } {
    if (this.pending.size >= PENDING_REQUESTS_LIMIT) {
      throw new SdkError(
        'PENDING_REQUESTS_LIMIT_REACHED',
        `${PENDING_REQUESTS_LIMIT} requests are already in flight; wait for one to settle.`,
      );
    }
    const requestId = this.newId();
    const answer = new Promise<Json>((resolve, reject) => {
      const timer = new Timer(this.clock);
      const entry: Pending = { action, timer, resolve, reject };
      if (options.resolvedBy) entry.resolvedBy = options.resolvedBy;
      if (options.owner !== undefined) entry.owner = options.owner;
      this.pending.set(requestId, entry);
      timer.set(options.timeoutMs ?? REQUEST_TIMEOUT_MS, () => {
        this.pending.delete(requestId);
        reject(new SdkError('REQUEST_TIMEOUT', `Request "${action}" timed out.`));
      });
    });
    return { requestId, answer };
  }

  /** Drops a request that could not be sent. */
  cancel(requestId: string, error: SdkError): void {
    this.take(requestId)?.reject(error);
  }

  /**
   * Settles the request a response frame answers. A successful response to an indirectly
   * answered action is ignored: the push that echoes the request id settles it.
   * Returns false when no request waits for this id.
   */
  settleResponse(requestId: string, success: boolean, payload: Json): boolean {
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    if (success && entry.resolvedBy) return true;
    this.take(requestId);
    if (success) {
      entry.resolve(payload);
    } else {
      const error = typeof payload.error === 'object' && payload.error !== null ? (payload.error as Json) : {};
      const type = typeof error.type === 'string' ? error.type : 'internal';
      const message = typeof error.message === 'string' ? error.message : `Request "${entry.action}" failed.`;
      entry.reject(new SdkError(type.toUpperCase(), message, error.data));
    }
    return true;
  }

  /** Settles an indirectly answered request from its push; returns who asked, or undefined if none. */
  settlePush(action: string, requestId: string, payload: Json): Answer | undefined {
    const entry = this.pending.get(requestId);
    if (!entry || entry.resolvedBy !== action) return undefined;
    this.take(requestId);
    entry.resolve(payload);
    return entry.owner === undefined ? {} : { owner: entry.owner };
  }

  rejectAll(error: SdkError): void {
    for (const requestId of [...this.pending.keys()]) this.take(requestId)?.reject(error);
  }

  /** Rejects the requests one owner made (a tab that left). */
  rejectOwner(owner: string, error: SdkError): void {
    for (const [requestId, entry] of [...this.pending]) {
      if (entry.owner === owner) this.take(requestId)?.reject(error);
    }
  }

  private take(requestId: string): Pending | undefined {
    const entry = this.pending.get(requestId);
    if (!entry) return undefined;
    entry.timer.clear();
    this.pending.delete(requestId);
    return entry;
  }

  /**
   * Random base-36 characters (as the official SDK's ids) plus a per-connection sequence, so ids
   * are unique by construction even with a deterministic `random` (tests, seeded jitter).
   */
  private newId(): string {
    const sequence = (this.issued++).toString(36);
    return this.random().toString(36).slice(2, 12 - sequence.length).padEnd(10 - sequence.length, '0') + sequence;
  }
}
