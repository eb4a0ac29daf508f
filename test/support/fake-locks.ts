/**
 * A FAKE of the Web Locks API (`navigator.locks`), because Node has no Web Locks (Node 20 has no
 * `navigator` at all). It implements the part of the standard that supervision relies on, with the
 * standard's semantics, and nothing more:
 *
 * - exclusive locks only (a `mode: 'shared'` request throws: nothing here asks for one);
 * - requests for one name are granted in the order they were made, one holder at a time; the
 *   holder keeps the lock until the promise its callback returned settles, and `request()` then
 *   settles like that promise;
 * - `ifAvailable` (the callback gets `null` when the lock cannot be granted at once) and `signal`
 *   (aborting a pending request rejects it with an `AbortError` and removes it from the queue;
 *   aborting after the grant does nothing);
 * - `steal`: the holder loses the lock at once (its `request()` rejects with an `AbortError`, and
 *   its callback's promise no longer matters), the requests waiting stay queued behind, and the
 *   stealer is granted next; with `ifAvailable` or `signal` it is a `NotSupportedError`;
 * - `query()` reports the held and the pending requests, with the client that made each.
 *
 * One `FakeLocks` is one origin's lock registry; `client(id)` is the `LockManager` one context sees
 * (a tab, a worker). `crash(id)` is that context dying: the browser releases what it held and drops
 * what it was waiting for, and its own `request()` promises never settle.
 */

interface Request {
  name: string;
  /** Its lock was stolen: the holder was told already, and its callback's end releases nothing. */
  stolen?: true;
  clientId: string;
  callback: (lock: Lock | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class FakeLocks {
  private readonly held = new Map<string, Request>();
  private readonly pending: Request[] = [];
  private readonly dead = new Set<string>();

  /** The `LockManager` that the context `clientId` sees. */
  client(clientId: string): LockManager {
    return {
      request: ((name: string, optionsOrCallback: LockOptions | LockGrantedCallback<unknown>, maybeCallback?: LockGrantedCallback<unknown>) => {
        const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
        const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as Request['callback'];
        return this.request(clientId, name, options, callback);
      }) as LockManager['request'],
      query: () => Promise.resolve(this.snapshot()),
    };
  }

  /** The context `clientId` died: its locks are released, its pending requests dropped. */
  crash(clientId: string): void {
    this.dead.add(clientId);
    for (let index = this.pending.length - 1; index >= 0; index -= 1) {
      if (this.pending[index]!.clientId === clientId) this.pending.splice(index, 1);
    }
    for (const [name, holder] of [...this.held]) if (holder.clientId === clientId) this.held.delete(name);
    this.grant();
  }

  /** What `navigator.locks.query()` answers. */
  snapshot(): LockManagerSnapshot {
    const info = (request: Request): LockInfo => ({ name: request.name, mode: 'exclusive', clientId: request.clientId });
    return { held: [...this.held.values()].map(info), pending: this.pending.map(info) };
  }

  /** Names of the locks held now (by `clientId` when given). */
  heldNames(clientId?: string): string[] {
    return [...this.held.values()].filter((request) => clientId === undefined || request.clientId === clientId).map((request) => request.name);
  }

  private request(clientId: string, name: string, options: LockOptions, callback: Request['callback']): Promise<unknown> {
    if (typeof callback !== 'function') return Promise.reject(new TypeError('LockManager.request: no callback'));
    if (options.mode === 'shared') throw new Error('FakeLocks: shared locks are not implemented (nothing asked for one).');
    const { signal } = options;
    if (options.steal && (options.ifAvailable || signal)) {
      return Promise.reject(new DOMException('steal cannot be combined with ifAvailable or signal.', 'NotSupportedError'));
    }
    if (signal?.aborted) return Promise.reject(signal.reason ?? new DOMException('The request was aborted.', 'AbortError'));
    if (this.dead.has(clientId)) return new Promise(() => undefined);
    return new Promise((resolve, reject) => {
      const request: Request = { name, clientId, callback, resolve, reject };
      if (options.ifAvailable && (this.held.has(name) || this.pending.some((other) => other.name === name))) {
        this.run(request, null);
        return;
      }
      if (options.steal) {
        const holder = this.held.get(name);
        if (holder) {
          this.held.delete(name);
          holder.stolen = true;
          holder.reject(new DOMException('The lock was stolen.', 'AbortError'));
        }
        // The standard puts the stealer at the front of the queue, so it is granted next.
        this.pending.unshift(request);
        this.grant();
        return;
      }
      this.pending.push(request);
      signal?.addEventListener('abort', () => {
        const index = this.pending.indexOf(request);
        if (index < 0) return; // granted already: an abort no longer matters
        this.pending.splice(index, 1);
        reject(signal.reason ?? new DOMException('The request was aborted.', 'AbortError'));
        this.grant();
      });
      this.grant();
    });
  }

  /** Grants every pending request whose lock is free, oldest first. */
  private grant(): void {
    for (const request of [...this.pending]) {
      if (this.held.has(request.name)) continue;
      this.pending.splice(this.pending.indexOf(request), 1);
      this.held.set(request.name, request);
      this.run(request, { name: request.name, mode: 'exclusive' });
    }
  }

  /** Runs the callback later, never within `request()`, as browsers do; the lock goes when its promise settles. */
  private run(request: Request, lock: Lock | null): void {
    queueMicrotask(() => {
      let result: Promise<unknown>;
      try {
        result = Promise.resolve(request.callback(lock));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => this.release(request, () => request.resolve(value)),
        (error: unknown) => this.release(request, () => request.reject(error)),
      );
    });
  }

  private release(request: Request, settle: () => void): void {
    // A context that died while holding the lock lost it already, and hears nothing more.
    if (this.dead.has(request.clientId) || request.stolen) return;
    if (this.held.get(request.name) === request) this.held.delete(request.name);
    settle();
    this.grant();
  }
}
