/**
 * Dedicated-Worker entry, for `mode: 'dedicated'`: started by the leader tab only, it owns the
 * socket for every tab. The leader sends it one MessagePort per tab it serves (`{ kind: 'connect',
 * port }`), and each port gets the per-tab API a SharedWorker port gets.
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
