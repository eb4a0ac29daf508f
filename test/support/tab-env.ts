/**
 * One tab's SDK object (`createSdk`) in a fake browser, per test: FakeWorkers (SharedWorker),
 * FakePage (`document`, the window's events), FakeLocks (Web Locks) as globals, a ManualClock,
 * and the SDK objects a test opened destroyed after it. See fake-page.ts for what each fakes.
 */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { resolveConfig } from '../../src/client/config';
import { createSdk, type CustomerSDK } from '../../src/client/sdk';
import { WATCH_TICK_MS } from '../../src/client/timeouts';
import { startEarly, workerBase } from '../../src/client/warm-up';
import type { SdkError } from '../../src/shared/errors';
import type { CustomerAuth, InitConfig } from '../../src/shared/types';
import { FakeLocks } from './fake-locks';
import { FakePage, FakeWorkers } from './fake-page';
import { ManualClock } from './manual-clock';

const auth: CustomerAuth = {
  getToken: () => Promise.reject(new Error('no token in these tests')),
  getFreshToken: () => Promise.reject(new Error('no token in these tests')),
  hasToken: () => Promise.resolve(false),
  invalidate: () => Promise.resolve(),
};
const baseConfig: InitConfig = { organizationId: 'org', clientId: 'client', identityProvider: () => auth, autoConnect: false };

/** The SharedWorker name a tab with the default config connects to first. */
export const firstName = workerBase(resolveConfig(baseConfig));

export const flush = () => new Promise((resolve) => setTimeout(resolve, 20));
/** What `promise` rejected with; undefined when it resolved. */
export const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: SdkError) => error);

export function useTabEnv() {
  const env = {} as { locks: FakeLocks; workers: FakeWorkers; page: FakePage; clock: ManualClock };
  const sdks: CustomerSDK[] = [];
  beforeEach(() => {
    env.locks = new FakeLocks();
    env.workers = new FakeWorkers(env.locks);
    env.workers.install();
    env.page = new FakePage();
    env.page.install();
    vi.stubGlobal('navigator', { locks: env.locks.client('tab') });
    env.clock = new ManualClock();
  });
  afterEach(() => {
    for (const sdk of sdks.splice(0)) sdk.destroy();
    env.workers.close();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
  return {
    env,
    open(config: Partial<InitConfig> = {}): CustomerSDK {
      const resolved = resolveConfig({ ...baseConfig, ...config });
      const sdk = createSdk(resolved, startEarly(resolved), env.clock);
      sdks.push(sdk);
      return sdk;
    },
    /**
     * Moves the clock on one watch tick at a time, letting the runtime answer in between (its
     * answers cross a real MessageChannel, so they cannot arrive within one `advance`).
     */
    async step(ms: number): Promise<void> {
      for (let elapsed = 0; elapsed < ms; elapsed += WATCH_TICK_MS) {
        env.clock.advance(Math.min(WATCH_TICK_MS, ms - elapsed));
        await flush();
      }
    },
    /** Resolves once the tab watches its runtime's life lock (supervision is loaded after start-up). */
    watching: () => vi.waitFor(() => expect((env.locks.snapshot().pending ?? []).some((lock) => lock.clientId === 'tab')).toBe(true)),
  };
}

/** Every event of `names` the app's listeners got, in order. */
export function listen(sdk: CustomerSDK, ...names: Array<'connected' | 'disconnected' | 'customer_id'>) {
  const heard: Array<{ name: string; payload: unknown }> = [];
  for (const name of names) sdk.on(name, (payload: unknown) => heard.push({ name, payload }));
  return heard;
}
