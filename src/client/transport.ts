/**
 * How a tab reaches the runtime. `shared`: a SharedWorker per connection key, shared by every
 * tab of the site in this browser profile. (`dedicated` and `inline` are not in this build yet.)
 */
import * as Comlink from 'comlink';
import type { TabPortApi } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { RuntimeMode } from '../shared/types';

export interface Transport {
  mode: 'shared';
  api: Comlink.Remote<TabPortApi>;
  /** Rejects if the worker fails to start (script error, blocked by policy). */
  failed: Promise<never>;
  close(): void;
}

export function chooseMode(requested: RuntimeMode): 'shared' {
  if (requested === 'dedicated' || requested === 'inline') {
    throw new SdkError('UNSUPPORTED_MODE', `Runtime mode "${requested}" is not available in this build yet; use "shared".`);
  }
  if (typeof SharedWorker === 'undefined') {
    throw new SdkError('UNSUPPORTED_MODE', 'This browser has no SharedWorker; the fallback modes are not available in this build yet.');
  }
  return 'shared';
}

export function openTransport(name: string): Transport {
  // The URL must be written inside the constructor call: that is how Vite finds and bundles the worker.
  const worker = new SharedWorker(new URL('../worker/shared.ts', import.meta.url), { type: 'module', name });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', () =>
      reject(new SdkError('RUNTIME_UNAVAILABLE', 'The shared runtime (SharedWorker) failed to start.')),
    );
  });
  failed.catch(() => undefined);
  const api = Comlink.wrap<TabPortApi>(worker.port);
  return {
    mode: 'shared',
    api,
    failed,
    close: () => {
      api[Comlink.releaseProxy]();
      worker.port.close();
    },
  };
}
