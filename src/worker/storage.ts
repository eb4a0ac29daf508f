/**
 * Where the chat cache is kept: a small key-value interface, so the core stays host-independent.
 * Browser hosts pass `idbStorage` (IndexedDB through idb-keyval, one database per organization);
 * tests pass the same over fake-indexeddb, or `memoryStorage`.
 */
import { createStore, getMany, promisifyRequest, type UseStore } from 'idb-keyval';

export interface KeyValueStore {
  getMany(keys: string[]): Promise<unknown[]>;
  /** Writes and deletes in one transaction: IndexedDB's cost is per transaction, not per record. */
  write(puts: Array<[string, unknown]>, deletes: string[]): Promise<void>;
}

/** One idb-keyval store per organization, so two organizations' records never share a database. */
export function idbStorage(organizationId: string): KeyValueStore {
  let store: UseStore | undefined;
  // Opened on first use: creating it where IndexedDB is missing would throw in the constructor's caller.
  const use: UseStore = (mode, callback) => (store ??= createStore(`livechat-multitab:${organizationId}`, 'cache'))(mode, callback);
  // The first read comes when a token names the customer, just before the login goes out; opening
  // the database costs this thread a few ms on a worker's first use, so it starts a task later,
  // behind the login frame rather than in front of it.
  let opened: Promise<void> | undefined;
  const afterCurrentTask = () => (opened ??= new Promise((resolve) => setTimeout(resolve, 0)));
  return {
    getMany: (keys) => afterCurrentTask().then(() => getMany(keys, use)),
    write: (puts, deletes) =>
      use('readwrite', (objects) => {
        for (const [key, value] of puts) objects.put(value, key);
        for (const key of deletes) objects.delete(key);
        return promisifyRequest(objects.transaction);
      }),
  };
}

/** Memory only: what the runtime falls back to where IndexedDB is unavailable. */
export function memoryStorage(): KeyValueStore {
  const records = new Map<string, unknown>();
  return {
    getMany: async (keys) => keys.map((key) => structuredClone(records.get(key))),
    write: async (puts, deletes) => {
      for (const [key, value] of puts) records.set(key, structuredClone(value));
      for (const key of deletes) records.delete(key);
    },
  };
}
