/**
 * SharedWorker entry: one runtime for every tab of the site that uses the same worker name
 * (the name carries the SDK version and the connection key, see `workerName`).
 */
import type { SocketLike } from './connection';
import { RuntimeHost } from './host';
import { consoleLogger } from './log';
import { idbStorage } from './storage';

declare const self: SharedWorkerGlobalScope;

/**
 * Whether the page (its bundler) started this worker as a module or a classic script: `importScripts`
 * with no URL does nothing in a classic worker and throws a TypeError in a module worker.
 */
function startedAs(): WorkerType {
  try {
    self.importScripts();
    return 'classic';
  } catch {
    return 'module';
  }
}

const host = new RuntimeHost('shared', {
  createSocket: (url) => new WebSocket(url) as SocketLike,
  log: consoleLogger,
  openStorage: idbStorage,
  generation: { url: self.location.href, name: self.name, type: startedAs() },
  workerName: self.name,
});

self.addEventListener('connect', (event: MessageEvent) => {
  const port = event.ports[0];
  if (port) host.serve(port, () => port.close());
});
self.addEventListener('online', () => host.networkOnline());
self.addEventListener('offline', () => host.networkOffline());
