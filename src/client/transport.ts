/**
 * How a tab reaches the runtime:
 * - `shared`: a SharedWorker per connection key, shared by every tab of the site in this browser
 *   profile (one socket for all tabs);
 * - `dedicated` (opt-in): the tabs elect a leader with Web Locks; the leader tab runs the runtime
 *   in a dedicated Worker and relays for the others over a BroadcastChannel (one socket for all
 *   tabs without SharedWorker). Its code (`leader.ts` and what it imports) is loaded only in this mode;
 * - `inline`: the runtime runs in the page (one socket per tab), where SharedWorker is missing or
 *   fails to start, or when asked for.
 *
 * The worker script is the site's own `workerUrl` when given, else the worker file that ships next
 * to this module: the `new URL(…, import.meta.url)` calls below are what Vite (for the demo) and,
 * in the published ESM, the app's bundler find and bundle (see vite.lib.config.ts).
 */
import * as Comlink from 'comlink';
import type { TabPortApi } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { SeenSnapshot } from '../shared/seen';
import type { RuntimeMode } from '../shared/types';
import type { LossCause } from './supervise';

export type TransportMode = 'shared' | 'dedicated' | 'inline';

export interface Transport {
  mode: TransportMode;
  api: Comlink.Remote<TabPortApi>;
  /** Rejects if the runtime fails to start (worker script error, blocked by policy). */
  failed: Promise<never>;
  close(): void;
  /** Shared mode: the worker's name, and the same script started under another name (its next incarnation). */
  name?: string;
  reopen?(name: string): Transport;
  /** Dedicated mode: the runtime was lost; a leader restarts its worker, a follower looks for its leader. */
  recover?(cause: LossCause): void;
}

/**
 * Whether this build can locate the worker file it ships with. The ESM build can (through
 * `import.meta.url`); the CommonJS and script-tag builds cannot (no `import.meta` there) and set
 * this to false, so only a `workerUrl` gets them a worker.
 */
declare const __LIVECHAT_BUNDLED_WORKER__: boolean | undefined;
const bundledWorker = typeof __LIVECHAT_BUNDLED_WORKER__ === 'boolean' ? __LIVECHAT_BUNDLED_WORKER__ : true;

let warnedNoWorker = false;

const dedicatedSupported = () =>
  typeof Worker !== 'undefined' && typeof BroadcastChannel !== 'undefined' && typeof navigator !== 'undefined' && !!navigator.locks;

/**
 * `auto`: SharedWorker where it exists; else dedicated mode (one leader tab's Worker for all
 * tabs); else inline. A SharedWorker that fails to start falls back too (see sdk.ts). A build
 * without a worker file of its own (CommonJS, script tag) and without `workerUrl` runs inline.
 */
export function chooseMode(requested: RuntimeMode, workerUrl?: string): TransportMode {
  if (requested === 'inline') return 'inline';
  if (!workerUrl && !bundledWorker) {
    if (requested !== 'auto') {
      throw new SdkError('UNSUPPORTED_MODE', `Mode "${requested}" needs "workerUrl" in this build (CommonJS or script tag).`);
    }
    if (!warnedNoWorker) {
      warnedNoWorker = true;
      console.warn('[livechat-multitab] without "workerUrl" this build runs inline, one connection per tab: host the worker file, pass its URL.');
    }
    return 'inline';
  }
  if (requested === 'dedicated') {
    if (!dedicatedSupported()) {
      throw new SdkError('UNSUPPORTED_MODE', 'Mode "dedicated" needs Worker, BroadcastChannel and Web Locks; use mode "auto" or "inline".');
    }
    return 'dedicated';
  }
  if (requested === 'shared' && typeof SharedWorker === 'undefined') {
    throw new SdkError('UNSUPPORTED_MODE', 'This browser has no SharedWorker; use mode "auto" or "inline".');
  }
  if (typeof SharedWorker !== 'undefined') return 'shared';
  return fallbackMode();
}

/** Where `auto` goes without a (working) SharedWorker. */
export function fallbackMode(): TransportMode {
  return dedicatedSupported() ? 'dedicated' : 'inline';
}

export interface SharedOptions {
  name: string;
  /** Ask the browser to keep the worker (and its socket) alive briefly after the last tab leaves. */
  extendedLifetime: boolean;
}

export interface TransportOptions extends SharedOptions {
  /** `workerName(runtime)`: names the leader lock and the relay channels in dedicated mode. */
  key: string;
  /** The site's own copy of the worker file (`workerUrl`, resolved); else the bundled one. */
  workerUrl?: string;
  /** What this tab has been told of (its SeenEvents): dedicated mode hands it to each new leader. */
  seen: () => SeenSnapshot[];
}

export async function openTransport(mode: TransportMode, shared: TransportOptions): Promise<Transport> {
  if (mode === 'dedicated') {
    const { openDedicatedTransport } = await import('./leader');
    return openDedicatedTransport(shared.key, (name) => startDedicatedWorker(name, shared.workerUrl), shared.seen);
  }
  if (mode === 'inline') {
    const { startInlineRuntime } = await import('../worker/inline');
    const { port, stop } = startInlineRuntime();
    const api = Comlink.wrap<TabPortApi>(port);
    return { mode, api, failed: new Promise<never>(() => undefined), close: stop };
  }
  return openSharedTransport(shared);
}

/** Shared mode opens synchronously: a tab can post its attach within `init()`. */
export function openSharedTransport(shared: TransportOptions): Transport {
  // The site's own copy of the worker file opens like a newer version's announced one.
  return shared.workerUrl ? openSharedWorkerAt(shared.workerUrl, shared) : openBundled(shared);
}

function openBundled(shared: TransportOptions): Transport {
  return sharedTransport(startSharedWorker(shared), shared.name, (name) => openBundled({ ...shared, name }));
}

/**
 * `extendedLifetime` (Chrome 148+) lets a single-tab visitor move between pages without the
 * worker, and so the socket, dying on each navigation. Browsers without it ignore the member.
 * Every build of the package and every SDK version asks for a module worker: a SharedWorker asked
 * for with another type than the running one fails, which would split the tabs of a site during a
 * deploy. (An app's bundler may still start it as a classic script, as webpack does without
 * `output.module`; a deploy's handover then asks for the type the newer worker announces.)
 */
function startSharedWorker({ name, extendedLifetime }: SharedOptions): SharedWorker {
  // The URL and the options must be written inside the constructor call: that is how Vite finds,
  // types and bundles the worker. (`extendedLifetime` is not in TypeScript's DOM types yet.)
  return new SharedWorker(new URL('../worker/shared.ts', import.meta.url), {
    type: 'module',
    name,
    // @ts-expect-error -- WorkerOptions lacks extendedLifetime in lib.dom (Chrome 148+ feature).
    extendedLifetime,
  });
}

/** The dedicated-mode leader's Worker (started by election.ts); the same file as the SharedWorker's with `workerUrl`. */
function startDedicatedWorker(name: string, workerUrl: string | undefined): Worker {
  if (workerUrl) return new Worker(workerUrl, { type: 'module', name });
  return new Worker(new URL('../worker/dedicated.ts', import.meta.url), { type: 'module', name });
}

/**
 * Connects to a SharedWorker whose script is not bundled here: the one a newer SDK version
 * announced (after a deploy), or the site's own copy (`workerUrl`).
 */
export function openSharedWorkerAt(url: string, shared: SharedOptions, type: WorkerType = 'module'): Transport {
  const options = { type, name: shared.name, extendedLifetime: shared.extendedLifetime } as WorkerOptions;
  return sharedTransport(new SharedWorker(url, options), shared.name, (name) => openSharedWorkerAt(url, { ...shared, name }, type));
}

function sharedTransport(worker: SharedWorker, name: string, reopen: (name: string) => Transport): Transport {
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
    name,
    reopen,
    close: () => {
      api[Comlink.releaseProxy]();
      worker.port.close();
    },
  };
}
