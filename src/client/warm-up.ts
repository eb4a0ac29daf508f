/**
 * Where a tab's SharedWorker comes from: its name and options for a config, and the workers
 * `warmUp()` started before `init()` (see index.ts), which the tab's first attach goes through.
 */
import type * as Comlink from 'comlink';
import { workerName, type TabPortApi } from '../shared/contract';
import type { SeenSnapshot } from '../shared/seen';
import { incarnationName } from '../shared/supervision';
import { createTokenSource, warmTokenSource } from './auth';
import type { CustomerAuth } from '../shared/types';
import { runtimeConfig, type ResolvedConfig } from './config';
import { chooseMode, openSharedTransport, type Transport, type TransportOptions } from './transport';

/** The name of a config's SharedWorker before any incarnation suffix. */
export function workerBase(config: ResolvedConfig): string {
  return workerName(runtimeConfig(config)) + (config.extendedLifetime ? '' : '|short-lived');
}

export function transportOptions(config: ResolvedConfig, incarnation: number, seen: () => SeenSnapshot[]): TransportOptions {
  return {
    name: incarnationName(workerBase(config), incarnation),
    extendedLifetime: config.extendedLifetime,
    key: workerName(runtimeConfig(config)),
    ...(config.workerUrl ? { workerUrl: config.workerUrl } : {}),
    seen,
  };
}

/**
 * A worker `warmUp()` started, and whether it held no runtime yet when it answered (`unused`; not
 * set until then): the first tab to attach to such a worker gives it its socket and token, so
 * `init()` has the socket opened and the token requested at once.
 */
export interface Warmed {
  transport: Transport;
  unused?: boolean;
  /** Its token source, code loaded (see `warmTokenSource`); none where the app brings its own. */
  auth?: CustomerAuth | undefined;
}

/** Workers started by `warmUp()`, by base name, until an `init()` of this page attaches through one. */
const warmed = new Map<string, Warmed>();

/**
 * Whether this tab's runtime runs in a SharedWorker, whose liveness it watches with Web Locks
 * (`in`: the `locks` getter would set Web Locks up, which `init()` does once the attach is posted).
 */
const sharedHere = (config: ResolvedConfig) => chooseMode(config.mode, config.workerUrl) === 'shared' && 'locks' in (globalThis.navigator ?? {});

/**
 * `init()`'s first step, before the SDK's own code runs (and compiles): the connect to the shared
 * worker, which the browser routes meanwhile. The worker `warmUp()` started, if any, else a new
 * connect (not `unused`: nothing is known of it yet); undefined where the tab uses no SharedWorker.
 *
 * A worker `warmUp()` found unused gets its socket and token from this tab's attach: the socket is
 * opened (`preconnect`) and the token asked for (its code is loaded) here, not once attached, nor
 * after `createSdk()` compiled. The token source the tab uses is then `auth` (an app's
 * `identityProvider` given to `init()` alone wins over `warmUp()`'s source).
 */
export function startEarly(config: ResolvedConfig): Warmed | undefined {
  if (!sharedHere(config)) return;
  const base = workerBase(config);
  const worker = warmed.get(base) ?? { transport: openSharedTransport(transportOptions(config, 0, () => [])) };
  warmed.delete(base);
  if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: worker connect started');
  if (config.identityProvider) worker.auth = undefined;
  if (worker.unused && config.autoConnect) {
    void (worker.transport.api as Comlink.Remote<Required<TabPortApi>>).preconnect(runtimeConfig(config));
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: preconnect posted');
    void (worker.auth ??= createTokenSource(config)).getToken().catch(() => undefined);
  }
  return worker;
}

/**
 * Starts the shared runtime's worker for `config` now, so that a later `init()` with the same
 * config finds it booted, and readies the token source a first tab needs. Only code loads (and a
 * stored token is read): no token request, socket or login until `init()`. Does nothing where the
 * tab would not use a SharedWorker (dedicated or inline mode).
 */
export function warmUpRuntime(config: ResolvedConfig): void {
  if (!sharedHere(config)) return;
  const base = workerBase(config);
  if (warmed.has(base)) return;
  const transport = openSharedTransport(transportOptions(config, 0, () => []));
  // A runtime not created yet has an empty epoch (host.ts): no tab has attached to this worker.
  const worker: Warmed = { transport, auth: warmTokenSource(config) };
  void transport.api.status().then((status) => (worker.unused = status.ok && !status.value.epoch), () => undefined);
  warmed.set(base, worker);
}
