/**
 * SharedWorker entry: one runtime for every tab of the site that uses the same worker name
 * (the name carries the SDK version and the connection key, see `workerName`).
 */
import type { SocketLike } from './connection';
import { RuntimeHost } from './host';
import { consoleLogger } from './log';
import { installProfileSteps } from '../shared/profile';
import { idbStorage } from './storage';

declare const self: SharedWorkerGlobalScope;

/**
 * Whether the page (its bundler) started this worker as a module or a classic script. A module
 * worker refuses `importScripts` with a TypeError before it looks at the URL; a classic one fails
 * to parse this URL (a SyntaxError DOMException) and loads nothing. An empty `importScripts()`
 * cannot tell: Firefox (153) returns from it without a word in a module worker too.
 */
function startedAs(): WorkerType {
  try {
    self.importScripts('http://[');
  } catch (error) {
    return error instanceof TypeError ? 'module' : 'classic';
  }
  return 'classic';
}

const host = new RuntimeHost('shared', {
  createSocket: (url) => new WebSocket(url) as SocketLike,
  log: consoleLogger,
  openStorage: idbStorage,
  generation: { url: self.location.href, name: self.name, type: startedAs() },
  workerName: self.name,
});

if (globalThis.__LIVECHAT_PROFILE__) installProfileSteps();

self.addEventListener('connect', (event: MessageEvent) => {
  if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: connect event');
  const port = event.ports[0];
  if (port) host.serve(port, () => port.close());
});
self.addEventListener('online', () => host.networkOnline());
self.addEventListener('offline', () => host.networkOffline());
