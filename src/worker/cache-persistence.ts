/**
 * Where the chat cache is written: changed records are gathered for `flushDelayMs` and written
 * in one transaction. Storage that fails (missing, blocked, over quota, closed) turns the cache
 * into memory only, with one warning; no storage error ever reaches a caller.
 */
import { Timer, withTimeout, type Clock } from './clock';
import type { Logger } from './log';
import type { KeyValueStore } from './storage';

/** A record of the current customer that changed: the customer-wide one, the outbox, or a chat. */
export type RecordKey = 'meta' | 'outbox' | `chat:${string}`;

/** What the persistence reads of the cache when it flushes. */
export interface FlushSource {
  customerId(): string | undefined;
  /** Settles when the customer's stored records were read: writing before would replace them with a partial picture. */
  loaded(): Promise<unknown>;
  /** The storage key and record to write for `key`; undefined when there is nothing to write (a chat evicted meanwhile). */
  record(customerId: string, key: RecordKey): [string, unknown] | undefined;
}

export interface PersistenceDeps {
  /** Absent: memory only. */
  store: KeyValueStore | undefined;
  clock: Clock;
  log: Logger;
  /** Delay that gathers the writes of a burst of events into one transaction. */
  flushDelayMs?: number;
  /** A storage call slower than this counts as unavailable (a blocked open never settles). */
  timeoutMs?: number;
}

const DEFAULT_FLUSH_DELAY_MS = 50;
const DEFAULT_TIMEOUT_MS = 3_000;

export class CachePersistence {
  private store: KeyValueStore | undefined;
  private readonly dirty = new Set<RecordKey>();
  private readonly deleted = new Set<string>();
  private readonly flushTimer: Timer;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: PersistenceDeps,
    private readonly source: FlushSource,
  ) {
    this.store = deps.store;
    this.flushTimer = new Timer(deps.clock);
  }

  /** Whether records are written to storage (false: memory only). */
  get persistent(): boolean {
    return this.store !== undefined;
  }

  /** A record changed (every change touches the customer-wide record too): written with the next flush. */
  mark(key: RecordKey): void {
    this.dirty.add(key);
    if (key !== 'meta') this.dirty.add('meta');
    this.scheduleFlush();
  }

  /** A chat left the cache: it is not written, and its stored record (`storageKey`) goes. */
  evict(key: RecordKey, storageKey: string | undefined): void {
    this.dirty.delete(key);
    if (storageKey !== undefined) this.deleted.add(storageKey);
  }

  /** A stored record that did not decode: deleted with the next flush. */
  discard(storageKey: string, what: string): void {
    this.deps.log('warn', `Discarded the cached ${what}: written by another schema version or corrupt`);
    this.deleted.add(storageKey);
    this.scheduleFlush();
  }

  /** Forgets pending changes (the cache was reset). */
  reset(): void {
    this.flushTimer.clear();
    this.dirty.clear();
    this.deleted.clear();
  }

  /** Writes what changed since the last flush, in one transaction. */
  async flush(): Promise<void> {
    this.flushTimer.clear();
    const customerId = this.source.customerId();
    if (customerId === undefined) return;
    await this.source.loaded();
    if (customerId !== this.source.customerId()) return;
    const puts: Array<[string, unknown]> = [];
    for (const key of this.dirty) {
      const put = this.source.record(customerId, key);
      if (put) puts.push(put);
    }
    const deletes = [...this.deleted];
    this.dirty.clear();
    this.deleted.clear();
    if (puts.length > 0 || deletes.length > 0) await this.write(puts, deletes);
  }

  async read(keys: string[]): Promise<unknown[] | undefined> {
    const store = this.store;
    if (!store || keys.length === 0) return keys.length === 0 ? [] : undefined;
    try {
      return await this.bounded(store.getMany(keys));
    } catch (error) {
      this.unavailable(error);
      return undefined;
    }
  }

  /** Writes are chained so that a slow transaction is never overtaken by the next flush. */
  write(puts: Array<[string, unknown]>, deletes: string[]): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    this.writing = this.writing.then(() => this.bounded(store.write(puts, deletes))).catch((error: unknown) => this.unavailable(error));
    return this.writing;
  }

  private scheduleFlush(): void {
    if (!this.flushTimer.pending) this.flushTimer.set(this.deps.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS, () => void this.flush());
  }

  private bounded<T>(promise: Promise<T>): Promise<T> {
    const ms = this.deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return withTimeout(this.deps.clock, promise, ms, () => new Error(`IndexedDB did not answer within ${ms} ms`));
  }

  /** Any storage failure: memory only from now on, said once. */
  private unavailable(error: unknown): void {
    if (!this.store) return;
    this.store = undefined;
    this.deps.log('warn', 'IndexedDB is unavailable (private mode, blocked or over quota?); the chat cache works from memory only', error);
  }
}
