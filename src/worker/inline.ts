/**
 * Inline host: the same runtime core, in the page itself, reached through a MessageChannel so the
 * tab side is identical to the worker modes. Used where workers are unavailable or by choice;
 * each page then holds its own connection. Loaded by the client with a dynamic `import()`, so the
 * core stays out of the tab bundle until a page needs it.
 */
import type { SocketLike } from './connection';
import { RuntimeHost } from './host';
import { consoleLogger } from './log';
import { idbStorage } from './storage';

/** Starts a runtime in this page; `stop()` lets go of it (its network listeners, its port). */
export function startInlineRuntime(): { port: MessagePort; stop(): void } {
  const host = new RuntimeHost('inline', {
    createSocket: (url) => new WebSocket(url) as SocketLike,
    log: consoleLogger,
    openStorage: idbStorage,
    // A page that leaves takes its inline runtime with it: nothing to linger for.
    lingerMs: 0,
  });
  const channel = new MessageChannel();
  host.serve(channel.port1, () => channel.port1.close());
  const online = () => host.networkOnline();
  const offline = () => host.networkOffline();
  addEventListener('online', online);
  addEventListener('offline', offline);
  return {
    port: channel.port2,
    stop() {
      // A destroyed SDK, then a new init(), must not leave the old host alive through these.
      removeEventListener('online', online);
      removeEventListener('offline', offline);
      channel.port1.close();
      channel.port2.close();
    },
  };
}
