/**
 * A tab's SDK object (`createSdk`, src/client/sdk.ts) on its runtime: attaching with the mode
 * fallback, attaching again after NOT_ATTACHED, moving to a newer generation, and replacing a
 * runtime that died or hung. What is asserted is what an app sees: its listeners, the results and
 * error codes of its calls, `getRuntimeStatus()`, and which runtime its calls reach.
 *
 * FAKES (Node has none of these): SharedWorker, `document` and the window's events
 * (test/support/fake-env.page.ts: each worker is a scripted runtime behind a real Comlink port), Web
 * Locks (FakeLocks). The fallback's inline runtime is the real one. Deadlines and the runtime's
 * watch run on a ManualClock.
 */
import { describe, expect, it, vi } from 'vitest';
import { ATTACH_TIMEOUT_MS, CALL_TIMEOUT_MS, HANG_DEADLINE_MS, PROBE_INTERVAL_MS, WATCH_TICK_MS } from '../../src/client/timeouts';
import type { RuntimeMessage } from '../../src/shared/contract';
import { PROTOCOL_VERSION } from '../../src/shared/version';
import { warmUp } from '../../src/client/index';
import { connected } from '../support/fake-page';
import { errorOf, firstName, flush, listen, useTabEnv } from '../support/tab-env';

const { env, open, step, watching } = useTabEnv();

const customerId = (id: string): RuntimeMessage => ({ kind: 'event', name: 'customer_id', payload: id });

describe('attach', () => {
  it("attaches to the shared runtime: the replay reaches the app's listeners and its calls reach that runtime", async () => {
    const sdk = open();
    const heard = listen(sdk, 'connected');
    await vi.waitFor(() => expect(heard).toEqual([{ name: 'connected', payload: (connected as { payload: unknown }).payload }]));
    expect(await sdk.getCustomer()).toEqual({ method: 'getCustomer', echoed: undefined });
    const runtime = env.workers.runtime(firstName);
    const tabId = await sdk.getTabId();
    expect(runtime.hellos[0]).toMatchObject({ tabId, provisional: true, wantsConnection: false, focused: true });
    // The early attach is kept: the claimed id and lock follow it, no second attach.
    expect(runtime.calls.find((call) => call.method === 'claimed')?.args).toEqual([tabId, expect.stringContaining(tabId)]);
    expect(runtime.count('attach')).toBe(1);
    expect((await sdk.getRuntimeStatus()).epoch).toBe(runtime.epoch);
  });

  it('falls back to the next mode (inline here: Node has no Worker for dedicated mode) when the SharedWorker fails to start', async () => {
    env.workers.failing.add(firstName);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sdk = open({ mode: 'auto' });
    const status = await sdk.getRuntimeStatus();
    expect(status.mode).toBe('inline');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('falling back to inline mode'), expect.anything());
  });

  it('does not fall back when the app asked for mode "shared": its calls reject with RUNTIME_UNAVAILABLE', async () => {
    env.workers.failing.add(firstName);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const sdk = open({ mode: 'shared' });
    expect(await errorOf(sdk.getCustomer())).toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
  });

  it('falls back when the SharedWorker never answers the attach: at ATTACH_TIMEOUT_MS on the tab clock, not before', async () => {
    env.workers.runtime(firstName).holdAttach = true;
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sdk = open({ mode: 'auto' });
    let mode: string | undefined;
    void sdk.getRuntimeStatus().then((status) => (mode = status.mode));
    await vi.waitFor(() => expect(env.workers.runtime(firstName).count('attach')).toBe(1));
    env.clock.advance(ATTACH_TIMEOUT_MS - 1);
    await flush();
    expect(mode).toBeUndefined();
    env.clock.advance(1);
    await vi.waitFor(() => expect(mode).toBe('inline'));
  });
});

describe('a worker warmUp() started', () => {
  const provider = () => {
    const getToken = vi.fn(() => new Promise<never>(() => undefined));
    return { getToken, getFreshToken: getToken, hasToken: () => Promise.resolve(false), invalidate: () => Promise.resolve() };
  };

  it("found unused: init() has it open the socket and asks for the token at once, of the app's identityProvider given to init() alone", async () => {
    env.workers.runtime(firstName).fresh = true;
    // warmUp() with no identityProvider readies its own token source (its code loads; no request).
    warmUp({ organizationId: 'org', clientId: 'client', autoConnect: false });
    await flush();
    const app = provider();
    open({ autoConnect: true, identityProvider: () => app });
    expect(app.getToken).toHaveBeenCalledTimes(1);
    const runtime = env.workers.runtime(firstName);
    await vi.waitFor(() => expect(runtime.count('attach')).toBe(1));
    expect(runtime.calls.filter((call) => call.method === 'preconnect')).toEqual([
      { method: 'preconnect', args: [expect.objectContaining({ organizationId: 'org', clientId: 'client' })] },
    ]);
    // The preconnect went before the attach.
    expect(runtime.calls.findIndex((call) => call.method === 'preconnect')).toBeLessThan(runtime.calls.findIndex((call) => call.method === 'attach'));
  });

  it('not known to be unused (its status named no empty runtime): init() neither preconnects nor asks for a token before attaching', async () => {
    warmUp({ organizationId: 'org', clientId: 'client', autoConnect: false });
    await flush();
    const app = provider();
    open({ autoConnect: true, identityProvider: () => app });
    await vi.waitFor(() => expect(env.workers.runtime(firstName).count('attach')).toBe(1));
    expect(env.workers.runtime(firstName).count('preconnect')).toBe(0);
    expect(app.getToken).not.toHaveBeenCalled();
  });
});

describe('attaching again after NOT_ATTACHED', () => {
  it('the runtime forgot the tab: the tab attaches again once (however many calls asked), with a fresh event port, and the calls are retried', async () => {
    const sdk = open();
    const heard = listen(sdk, 'connected', 'customer_id');
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    const runtime = env.workers.runtime(firstName);
    const tabId = await sdk.getTabId();
    runtime.forget();
    const [customer, chats] = await Promise.all([sdk.getCustomer(), sdk.listChats({})]);
    expect(customer).toEqual({ method: 'getCustomer', echoed: undefined });
    expect(chats).toEqual({ method: 'listChats', echoed: {} });
    expect(runtime.count('attach')).toBe(2);
    // Attached again under its claimed id and lock, no longer provisionally.
    expect(runtime.hellos[1]).toMatchObject({ tabId, lockName: expect.stringContaining(tabId) });
    expect(runtime.hellos[1]!.provisional).toBeUndefined();
    // Each call was refused once and answered once.
    expect(runtime.calls.filter((call) => call.method === 'request').map((call) => call.args[0])).toEqual(['getCustomer', 'listChats', 'getCustomer', 'listChats']);
    // The new port carries the runtime's pushes; the replayed `connected` is not told twice.
    runtime.post(customerId('after'));
    await vi.waitFor(() => expect(heard.map((event) => event.name)).toEqual(['connected', 'customer_id']));
  });

  it('a call refused twice is not retried again: the app gets NOT_ATTACHED', async () => {
    const sdk = open();
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    runtime.replay = [];
    // The attach succeeds but the runtime keeps forgetting the tab.
    runtime.forget();
    const attachOriginal = runtime.attach.bind(runtime);
    runtime.attach = async (...args) => {
      const answer = await attachOriginal(...args);
      runtime.forget();
      return answer;
    };
    expect(await errorOf(sdk.getCustomer())).toMatchObject({ code: 'NOT_ATTACHED' });
    expect(runtime.count('request')).toBe(2);
  });
});

describe('a newer generation takes over', () => {
  const moved = (name: string, protocol = PROTOCOL_VERSION): RuntimeMessage => ({ kind: 'moved', url: 'https://example.test/next.js', name, protocol, version: '9.0.0' });

  it('the tab moves to the announced worker: listeners keep working, calls go there, restarts counts it', async () => {
    const sdk = open();
    const heard = listen(sdk, 'connected', 'customer_id');
    await sdk.getTabId();
    const old = env.workers.runtime(firstName);
    old.post(moved('next-generation'));
    const next = env.workers.runtime('next-generation');
    await vi.waitFor(async () => expect((await sdk.getRuntimeStatus()).restarts).toMatchObject({ count: 1, lastCause: 'replaced' }));
    expect((await sdk.getRuntimeStatus()).epoch).toBe(next.epoch);
    expect(next.hellos[0]).toMatchObject({ tabId: await sdk.getTabId() });
    next.post(customerId('from the new generation'));
    old.post(customerId('from the old one'));
    await vi.waitFor(() => expect(heard).toContainEqual({ name: 'customer_id', payload: 'from the new generation' }));
    await flush();
    expect(heard.map((event) => event.payload)).not.toContain('from the old one');
    expect(heard.filter((event) => event.name === 'connected')).toHaveLength(1);
    expect(await sdk.getCustomer()).toEqual({ method: 'getCustomer', echoed: undefined });
    expect(next.count('request')).toBe(1);
    expect(old.count('request')).toBe(0);
  });

  it('a generation speaking another tab protocol: the app hears disconnected (sdk_updated) and the instance ends', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sdk = open();
    const heard = listen(sdk, 'disconnected');
    await sdk.getTabId();
    env.workers.runtime(firstName).post(moved('far-future', PROTOCOL_VERSION + 1));
    await vi.waitFor(() => expect(heard).toEqual([{ name: 'disconnected', payload: { reason: 'sdk_updated' } }]));
    expect(await errorOf(sdk.getCustomer())).toMatchObject({ code: 'SDK_DESTROYED' });
    expect(env.workers.opened).not.toContain('far-future');
  });
});

describe('the runtime is lost', () => {
  it('dies: the app hears disconnected then connected from its replacement; an idempotent call in flight is answered there, a request is not sent again', async () => {
    const sdk = open();
    const heard = listen(sdk, 'connected', 'disconnected');
    await sdk.getTabId();
    await watching();
    const old = env.workers.runtime(firstName);
    old.holdRequests = true;
    const request = errorOf(sdk.sendEvent({ chatId: 'chat-1', event: { type: 'message', text: 'hi' } } as never));
    const status = sdk.getRuntimeStatus();
    await vi.waitFor(() => expect(old.count('request') + old.count('status')).toBe(2));
    env.workers.crash(firstName);
    expect(await request).toMatchObject({ code: 'CONNECTION_LOST' });
    const replacement = env.workers.runtime(`${firstName}#1`);
    expect(await status).toMatchObject({ epoch: replacement.epoch, restarts: { count: 1, lastCause: 'crashed' } });
    expect(heard.map((event) => event.name)).toEqual(['connected', 'disconnected', 'connected']);
    expect(heard[1]!.payload).toEqual({ reason: 'connection_lost' });
    expect(replacement.count('request')).toBe(0);
  });

  it('hangs: replaced once the tab, healthy, heard nothing for a probe interval plus HANG_DEADLINE_MS on its clock, not before', async () => {
    const sdk = open();
    await sdk.getTabId();
    await watching();
    const old = env.workers.runtime(firstName);
    old.holdHeartbeats = true;
    await step(PROBE_INTERVAL_MS + HANG_DEADLINE_MS - WATCH_TICK_MS);
    expect(old.count('heartbeat')).toBeGreaterThan(0);
    expect(env.workers.opened).not.toContain(`${firstName}#1`);
    await step(WATCH_TICK_MS);
    await vi.waitFor(async () => expect((await sdk.getRuntimeStatus()).restarts).toMatchObject({ count: 1, lastCause: 'hung' }));
    expect((await sdk.getRuntimeStatus()).epoch).toBe(env.workers.runtime(`${firstName}#1`).epoch);
  });

  it('a call the runtime never answers rejects with RUNTIME_UNAVAILABLE at CALL_TIMEOUT_MS on the tab clock', async () => {
    const sdk = open();
    await sdk.getTabId();
    env.workers.runtime(firstName).holdRequests = true;
    let settled: unknown;
    void errorOf(sdk.getCustomer()).then((error) => (settled = error ?? 'resolved'));
    await vi.waitFor(() => expect(env.workers.runtime(firstName).count('request')).toBe(1));
    // Its heartbeats are answered meanwhile: it is alive, only this call is stuck.
    await step(CALL_TIMEOUT_MS - 1);
    expect(settled).toBeUndefined();
    expect(env.workers.runtime(firstName).count('heartbeat')).toBeGreaterThan(0);
    await step(1);
    await vi.waitFor(() => expect(settled).toMatchObject({ code: 'RUNTIME_UNAVAILABLE' }));
  });
});
