/**
 * Dedicated-Worker entry, for `mode: 'dedicated'`: started by the leader tab only (see
 * `src/client/leader.ts`), it owns the one socket for every tab of the browser profile. The leader
 * tab sends it one MessagePort per tab it serves (its own, and one per follower tab that relays
 * through it), each in a `{ kind: 'connect', port }` message, and every port gets the same
 * per-tab API a SharedWorker port gets.
 */
import type { SocketLike } from './connection';
import { RuntimeHost } from './host';
import { consoleLogger } from './log';
import { idbStorage } from './storage';

declare const self: DedicatedWorkerGlobalScope;

const host = new RuntimeHost('dedicated', {
  createSocket: (url) => new WebSocket(url) as SocketLike,
  log: consoleLogger,
  openStorage: idbStorage,
  workerName: self.name,
});

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as { kind?: unknown; port?: unknown } | null;
  if (data?.kind !== 'connect') return;
  const port = data.port instanceof MessagePort ? data.port : event.ports[0];
  if (port) host.serve(port);
});
self.addEventListener('online', () => host.networkOnline());
self.addEventListener('offline', () => host.networkOffline());
