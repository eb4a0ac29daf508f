/**
 * `attachTo` (src/client/attach.ts), the one way a tab attaches to a runtime, over a real Comlink
 * endpoint: a MessageChannel (Node's, the global one) whose far side exposes either a scripted
 * runtime (to hold its answer back, refuse, throw or speak before it answers) or the real runtime
 * host (src/worker/host.ts) against a real emulator. Deadlines run on a ManualClock.
 */
import { randomUUID } from 'node:crypto';
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachTo } from '../../src/client/attach';
import type { AttachInfo, RuntimeMessage, TabHello, TabHooks, TabPortApi } from '../../src/shared/contract';
import type { Envelope } from '../../src/shared/errors';
import { lifeLockName } from '../../src/shared/supervision';
import { PROTOCOL_VERSION, SDK_VERSION } from '../../src/shared/version';
import { RuntimeHost } from '../../src/worker/host';
import { useEmulator } from '../support/emulator';
import { FakeLocks } from '../support/fake-locks';
import { ManualClock } from '../support/manual-clock';
import { Browser, createSocket, runtimeConfig } from '../worker/harness';

const env = useEmulator();

afterEach(() => {
  vi.unstubAllGlobals();
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A Comlink endpoint pair: `api` in the tab, `serve(object)` in the runtime's context. */
function endpoint() {
  const channel = new MessageChannel();
  env.cleanup.push(() => {
    channel.port1.close();
    channel.port2.close();
  });
  return {
    api: Comlink.wrap<TabPortApi>(channel.port1 as unknown as Comlink.Endpoint),
    serve: (object: unknown) => Comlink.expose(object, channel.port2 as unknown as Comlink.Endpoint),
  };
}

const hello = (organizationId = 'org', overrides: Partial<TabHello> = {}): TabHello => ({
  protocol: PROTOCOL_VERSION,
  tabId: `tab-${randomUUID()}`,
  runtime: runtimeConfig(env.emulator.url, organizationId),
  wantsConnection: true,
  ...overrides,
});

const info: AttachInfo = { epoch: 'e1', protocol: PROTOCOL_VERSION, sdkVersion: SDK_VERSION };
const noHooks: TabHooks = {
  getToken: () => Promise.resolve({ ok: false, error: { code: 'TOKEN_UNAVAILABLE', message: 'none here' } }),
  getCustomerData: () => Promise.resolve({ ok: true, value: null }),
};

/**
 * A runtime that does what the test says when a tab attaches: `answer` settles the attach;
 * `events` is the port it was handed; `hooks` the tab's hooks, as the runtime sees them (a proxy).
 */
function scriptedRuntime() {
  const { api, serve } = endpoint();
  const attaches: Array<{ hello: TabHello; hooks: Comlink.Remote<TabHooks>; events: MessagePort; answer: (envelope: Envelope<AttachInfo>) => void; fail: (error: Error) => void }> = [];
  serve({
    attach: (tabHello: TabHello, hooks: Comlink.Remote<TabHooks>, events: MessagePort) =>
      new Promise<Envelope<AttachInfo>>((answer, fail) => {
        attaches.push({ hello: tabHello, hooks, events, answer, fail });
      }),
  });
  return { api, attaches };
}

describe('attachTo: the answer', () => {
  it('resolves with what the runtime answered, keeps the event port open and hands it every message, the early ones included', async () => {
    const { api, attaches } = scriptedRuntime();
    const received: RuntimeMessage[] = [];
    const clock = new ManualClock();
    const tabHello = hello();
    const attached = attachTo(api, tabHello, noHooks, (message) => received.push(message), 15_000, clock);
    await vi.waitFor(() => expect(attaches).toHaveLength(1));
    expect(attaches[0]!.hello).toEqual(tabHello);
    // The runtime replays its state on the port before it answers: the tab is listening already.
    attaches[0]!.events.postMessage({ kind: 'notifier', tabId: 'replayed' } satisfies RuntimeMessage);
    await flush();
    attaches[0]!.answer({ ok: true, value: info });
    const { envelope, events } = await attached;
    expect(envelope).toEqual({ ok: true, value: info });
    expect(received).toEqual([{ kind: 'notifier', tabId: 'replayed' }]);
    attaches[0]!.events.postMessage({ kind: 'ping' } satisfies RuntimeMessage);
    await vi.waitFor(() => expect(received).toEqual([{ kind: 'notifier', tabId: 'replayed' }, { kind: 'ping' }]));
    expect(clock.pendingTimers).toBe(0); // the deadline is cleared, nothing fires later
    events.close();
  });

  it("hands the runtime the tab's hooks as a proxy it can call back", async () => {
    const { api, attaches } = scriptedRuntime();
    const getToken = vi.fn((fresh: boolean) => Promise.resolve({ ok: true as const, value: { accessToken: `token-${fresh}`, entityId: 'c', expiresIn: 1, tokenType: 'Bearer', creationDate: 0 } }));
    const attached = attachTo(api, hello(), { ...noHooks, getToken }, () => undefined, 15_000, new ManualClock());
    await vi.waitFor(() => expect(attaches).toHaveLength(1));
    const token = await attaches[0]!.hooks.getToken(true);
    expect(token).toMatchObject({ ok: true, value: { accessToken: 'token-true' } });
    expect(getToken).toHaveBeenCalledWith(true);
    attaches[0]!.answer({ ok: true, value: info });
    (await attached).events.close();
  });

  it('passes a refusal through and closes the event port: nothing the runtime posts afterwards arrives', async () => {
    const { api, attaches } = scriptedRuntime();
    const received: RuntimeMessage[] = [];
    const attached = attachTo(api, hello(), noHooks, (message) => received.push(message), 15_000, new ManualClock());
    await vi.waitFor(() => expect(attaches).toHaveLength(1));
    const refusal: Envelope<AttachInfo> = { ok: false, error: { code: 'CONFIG_MISMATCH', message: 'another key' } };
    attaches[0]!.answer(refusal);
    expect((await attached).envelope).toEqual(refusal);
    attaches[0]!.events.postMessage({ kind: 'ping' } satisfies RuntimeMessage);
    await flush();
    expect(received).toEqual([]);
  });

  it('turns a runtime that throws into RUNTIME_UNAVAILABLE naming the error', async () => {
    const { api, attaches } = scriptedRuntime();
    const attached = attachTo(api, hello(), noHooks, () => undefined, 15_000, new ManualClock());
    await vi.waitFor(() => expect(attaches).toHaveLength(1));
    attaches[0]!.fail(new Error('worker script exploded'));
    const { envelope } = await attached;
    expect(envelope).toMatchObject({ ok: false, error: { code: 'RUNTIME_UNAVAILABLE' } });
    expect(!envelope.ok && envelope.error.message).toContain('worker script exploded');
  });

  it('turns a runtime that never answers into RUNTIME_UNAVAILABLE at the deadline, not before, and closes the port', async () => {
    const { api, attaches } = scriptedRuntime();
    const clock = new ManualClock();
    const received: RuntimeMessage[] = [];
    let settled: Envelope<AttachInfo> | undefined;
    void attachTo(api, hello(), noHooks, (message) => received.push(message), 15_000, clock).then(({ envelope }) => (settled = envelope));
    await vi.waitFor(() => expect(attaches).toHaveLength(1));
    clock.advance(14_999);
    await flush();
    expect(settled).toBeUndefined();
    clock.advance(1);
    await vi.waitFor(() => expect(settled).toBeDefined());
    expect(settled).toMatchObject({ ok: false, error: { code: 'RUNTIME_UNAVAILABLE' } });
    expect(!settled!.ok && settled!.error.message).toContain('15000 ms');
    // A hung runtime that wakes up and answers late is not heard on the closed port.
    attaches[0]!.events.postMessage({ kind: 'ping' } satisfies RuntimeMessage);
    attaches[0]!.answer({ ok: true, value: info });
    await flush();
    expect(received).toEqual([]);
    expect(settled).toMatchObject({ ok: false });
  });

  it('gives a runtime that is gone (its endpoint closed) the deadline too, instead of waiting forever', async () => {
    const channel = new MessageChannel();
    env.cleanup.push(() => channel.port1.close());
    channel.port2.close(); // nobody will ever answer
    const clock = new ManualClock();
    let settled: Envelope<AttachInfo> | undefined;
    void attachTo(Comlink.wrap<TabPortApi>(channel.port1 as unknown as Comlink.Endpoint), hello(), noHooks, () => undefined, 1_000, clock).then(
      ({ envelope }) => (settled = envelope),
    );
    await flush();
    expect(settled).toBeUndefined();
    clock.advance(1_000);
    await vi.waitFor(() => expect(settled).toMatchObject({ ok: false, error: { code: 'RUNTIME_UNAVAILABLE' } }));
  });
});

describe('attachTo: against the real runtime host', () => {
  it('attaches, the runtime logs in with a token from the tab, and the tab hears customer_id and connected', async () => {
    const organizationId = `attach-${randomUUID()}`;
    const browser = new Browser(env.emulator.url, organizationId);
    const channel = new MessageChannel();
    const runtimeHost = new RuntimeHost('shared', { createSocket, lingerMs: 0 });
    runtimeHost.serve(channel.port2 as unknown as Comlink.Endpoint);
    const api = Comlink.wrap<TabPortApi>(channel.port1 as unknown as Comlink.Endpoint);
    const hooks: TabHooks = { ...noHooks, getToken: async () => ({ ok: true, value: await browser.token() }) };
    const received: RuntimeMessage[] = [];
    const { envelope, events } = await attachTo(api, hello(organizationId), hooks, (message) => received.push(message), 15_000);
    env.cleanup.push(() => {
      events.close();
      channel.port1.close();
      channel.port2.close();
    });
    expect(envelope).toMatchObject({ ok: true, value: { protocol: PROTOCOL_VERSION, sdkVersion: SDK_VERSION, epoch: expect.any(String) } });
    // Without Web Locks (Node) the runtime holds no life lock, and says so by leaving it out.
    expect(envelope.ok && envelope.value.lifeLock).toBeUndefined();
    const names = () => received.flatMap((message) => (message.kind === 'event' ? [message.name] : []));
    await vi.waitFor(() => expect(names()).toContain('connected'), 10_000);
    expect(names().slice(0, 2)).toEqual(['customer_id', 'connected']);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
    await api.destroy();
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
  });

  /**
   * The real host, recording every socket it asks for (whether or not one lives long enough to reach
   * the emulator), and a way to attach a tab with real tokens and wait for its `connected`.
   */
  function recordingHost(organizationId: string, clock?: ManualClock) {
    const browser = new Browser(env.emulator.url, organizationId);
    const created: string[] = [];
    const runtimeHost = new RuntimeHost('shared', { createSocket: (url) => (created.push(url), createSocket(url)), lingerMs: 0, ...(clock ? { clock } : {}) });
    const hooks: TabHooks = { ...noHooks, getToken: async () => ({ ok: true, value: await browser.token() }) };
    /** A tab's port to the host, for what it says before it attaches. */
    const port = () => hostChannel(runtimeHost) as Comlink.Remote<Required<TabPortApi>>;
    const attach = async (tab: TabHello, untilConnected: boolean, api = port()) => {
      const received: RuntimeMessage[] = [];
      const attached = await attachTo(api, tab, hooks, (message) => received.push(message), 15_000);
      env.cleanup.push(() => attached.events.close());
      expect(attached.envelope.ok).toBe(true);
      if (untilConnected) {
        await vi.waitFor(() => expect(received.some((message) => message.kind === 'event' && message.name === 'connected')).toBe(true), 10_000);
      }
    };
    return { created, attach, port };
  }

  it('the first tab that wants the connection opens the one socket; a first tab that does not opens none', async () => {
    const organizationId = `attach-${randomUUID()}`;
    const { created, attach } = recordingHost(organizationId);
    await attach(hello(organizationId, { wantsConnection: false }), false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(created).toEqual([]);

    await attach(hello(organizationId), true);
    expect(created).toHaveLength(1);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });

  it("a first tab that wants the connection: the socket created before the runtime's parts is the one it logs in on", async () => {
    const organizationId = `attach-${randomUUID()}`;
    const { created, attach } = recordingHost(organizationId);
    await attach(hello(organizationId), true);
    // One socket in all: not one made early and dropped, and another made by the runtime.
    expect(created).toHaveLength(1);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });

  it("a first tab's preconnect opens the socket before its attach, and the attach logs in on that socket", async () => {
    const organizationId = `attach-${randomUUID()}`;
    const { created, attach, port } = recordingHost(organizationId);
    const api = port();
    const tab = hello(organizationId);
    await api.preconnect(tab.runtime);
    expect(created).toHaveLength(1);
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(1));
    expect(env.emulator.stats(organizationId).logins).toBe(0);

    await attach(tab, true, api);
    expect(created).toHaveLength(1);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });

  it('a preconnect whose attach never comes: its socket is closed once the claim window is over', async () => {
    const organizationId = `attach-${randomUUID()}`;
    const clock = new ManualClock();
    const { created, port } = recordingHost(organizationId, clock);
    await port().preconnect(hello(organizationId).runtime);
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(1));
    clock.advance(4_999);
    await flush();
    expect(env.emulator.stats(organizationId).openConnections).toBe(1);
    clock.advance(1);
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    expect(created).toHaveLength(1);
    expect(env.emulator.stats(organizationId).logins).toBe(0);
  });

  it('a preconnect once a runtime exists, or with a config it cannot use, opens nothing and breaks nothing', async () => {
    const organizationId = `attach-${randomUUID()}`;
    const { created, attach, port } = recordingHost(organizationId);
    const api = port();
    await api.preconnect(null as never);
    await api.preconnect(42 as never);
    await flush();
    expect(created).toEqual([]);

    await attach(hello(organizationId), true, api);
    await port().preconnect(hello(organizationId).runtime);
    await flush();
    expect(created).toHaveLength(1);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });

  it('refuses an attach whose runtime config names no usable server, with VALIDATION, and opens nothing', async () => {
    const organizationId = `attach-${randomUUID()}`;
    const { created, port } = recordingHost(organizationId);
    const tab = hello(organizationId);
    const { envelope, events } = await attachTo(port(), { ...tab, runtime: { ...tab.runtime, region: 'mars' as never } }, noHooks, () => undefined, 15_000);
    env.cleanup.push(() => events.close());
    expect(envelope).toMatchObject({ ok: false, error: { code: 'VALIDATION', data: { field: 'runtime.region' } } });
    await flush();
    expect(created).toEqual([]);
  });

  it("answers with the runtime's life lock where Web Locks exist, which a waiting tab is granted only when the runtime dies", async () => {
    const registry = new FakeLocks();
    vi.stubGlobal('navigator', { locks: registry.client('worker') });
    const channel = new MessageChannel();
    const runtimeHost = new RuntimeHost('shared', { createSocket, lingerMs: 0, workerName: 'w#1' });
    runtimeHost.serve(channel.port2 as unknown as Comlink.Endpoint);
    env.cleanup.push(() => {
      channel.port1.close();
      channel.port2.close();
    });
    const api = Comlink.wrap<TabPortApi>(channel.port1 as unknown as Comlink.Endpoint);
    const { envelope, events } = await attachTo(api, hello(`attach-${randomUUID()}`, { wantsConnection: false }), noHooks, () => undefined, 15_000);
    env.cleanup.push(() => events.close());
    expect(envelope.ok).toBe(true);
    const lifeLock = envelope.ok ? envelope.value.lifeLock : undefined;
    expect(lifeLock).toMatch(new RegExp(`^${lifeLockName('w#1', '').replace(/[|#]/g, '\\$&')}.+`));
    expect(registry.heldNames('worker')).toEqual([lifeLock]);

    const granted = vi.fn();
    void registry.client('tab').request(lifeLock!, granted);
    await flush();
    expect(granted).not.toHaveBeenCalled();
    registry.crash('worker');
    await vi.waitFor(() => expect(granted).toHaveBeenCalledTimes(1));
  });

  /** The real host on a fresh channel; `api` is the tab's side. */
  function hostChannel(runtimeHost: RuntimeHost) {
    const channel = new MessageChannel();
    runtimeHost.serve(channel.port2 as unknown as Comlink.Endpoint);
    env.cleanup.push(() => {
      channel.port1.close();
      channel.port2.close();
    });
    return Comlink.wrap<TabPortApi>(channel.port1 as unknown as Comlink.Endpoint);
  }

  it('a provisional attach under an id a live tab already uses is refused with NOT_ATTACHED, and that tab keeps its session', async () => {
    const runtimeHost = new RuntimeHost('shared', { createSocket, lingerMs: 0 });
    const organizationId = `attach-${randomUUID()}`;
    const original = hello(organizationId, { wantsConnection: false });
    const first = hostChannel(runtimeHost);
    const kept = await attachTo(first, original, noHooks, () => undefined, 15_000);
    env.cleanup.push(() => kept.events.close());
    expect(kept.envelope.ok).toBe(true);

    // A duplicated tab inherits the id and tries it before it learns the id is taken.
    const duplicate = hostChannel(runtimeHost);
    const received: RuntimeMessage[] = [];
    const refused = await attachTo(duplicate, { ...original, provisional: true }, noHooks, (message) => received.push(message), 15_000);
    expect(refused.envelope).toMatchObject({ ok: false, error: { code: 'NOT_ATTACHED' } });
    expect(received).toEqual([]);
    expect(await first.heartbeat()).toEqual({ ok: true, value: undefined });
    expect(await first.status()).toMatchObject({ ok: true, value: { tabs: 1 } });

    // Under an id nobody uses, a provisional attach is an attach.
    const fresh = await attachTo(duplicate, hello(organizationId, { wantsConnection: false, provisional: true }), noHooks, () => undefined, 15_000);
    env.cleanup.push(() => fresh.events.close());
    expect(fresh.envelope.ok).toBe(true);
    expect(await first.status()).toMatchObject({ ok: true, value: { tabs: 2 } });
  });

  it('claimed after a provisional attach: the tab goes by its claimed id (replacing the previous page under it), and the runtime drops it once its lock is free', async () => {
    const registry = new FakeLocks();
    vi.stubGlobal('navigator', { locks: registry.client('worker') });
    const runtimeHost = new RuntimeHost('shared', { createSocket, lingerMs: 0, workerName: 'w' });
    const organizationId = `attach-${randomUUID()}`;
    // The page before a reload, still attached under the id the reloaded page has stored.
    const previous = hostChannel(runtimeHost);
    const stored = hello(organizationId, { wantsConnection: false });
    const old = await attachTo(previous, stored, noHooks, () => undefined, 15_000);
    env.cleanup.push(() => old.events.close());
    // The reloaded page attaches under a fresh id before it has read its stored one.
    const api = hostChannel(runtimeHost) as Comlink.Remote<Required<TabPortApi>>;
    const { envelope, events } = await attachTo(api, hello(organizationId, { wantsConnection: false, provisional: true }), noHooks, () => undefined, 15_000);
    env.cleanup.push(() => events.close());
    expect(envelope.ok).toBe(true);
    expect(await api.status()).toMatchObject({ ok: true, value: { tabs: 2 } });

    const lockName = `tab-lock-${stored.tabId}`;
    void registry.client('tab').request(lockName, () => new Promise(() => undefined));
    expect(await api.claimed('', lockName)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await api.claimed(stored.tabId, '')).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await api.claimed(stored.tabId, lockName)).toEqual({ ok: true, value: undefined });
    expect(await api.status()).toMatchObject({ ok: true, value: { tabs: 1 } });
    expect(await previous.heartbeat()).toMatchObject({ ok: false, error: { code: 'NOT_ATTACHED' } });
    // The id is this tab's now: another provisional attach under it is refused.
    const duplicate = await attachTo(hostChannel(runtimeHost), { ...stored, provisional: true }, noHooks, () => undefined, 15_000);
    expect(duplicate.envelope).toMatchObject({ ok: false, error: { code: 'NOT_ATTACHED' } });

    await flush();
    expect(await api.status()).toMatchObject({ ok: true, value: { tabs: 1 } });
    registry.crash('tab');
    await vi.waitFor(async () => expect(await api.status()).toMatchObject({ ok: true, value: { tabs: 0 } }));
  });

  it('a worker started under a name a newer incarnation already replaced serves nobody (a tab tried the first name before it knew)', async () => {
    const registry = new FakeLocks();
    vi.stubGlobal('navigator', { locks: registry.client('worker') });
    // The live incarnation #1 holds its life lock; the first name is started afresh.
    void registry.client('live').request(lifeLockName('w#1', 'e1'), () => new Promise(() => undefined));
    const clock = new ManualClock();
    const runtimeHost = new RuntimeHost('shared', { createSocket, lingerMs: 0, clock, workerName: 'w', generation: { url: 'https://example.test/w.js', name: 'w', type: 'module' } });
    const api = hostChannel(runtimeHost);
    const organizationId = `attach-${randomUUID()}`;
    const { envelope } = await attachTo(api, hello(organizationId), noHooks, () => undefined, 15_000);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'NOT_ATTACHED' } });
    expect(await api.status()).toMatchObject({ ok: true, value: { tabs: 0, connection: 'idle' } });
    expect(env.emulator.stats(organizationId).openConnections).toBe(0);
  });

  it('passes the real refusal of a tab speaking another protocol through, with the port closed', async () => {
    const channel = new MessageChannel();
    const runtimeHost = new RuntimeHost('shared', { createSocket, lingerMs: 0 });
    runtimeHost.serve(channel.port2 as unknown as Comlink.Endpoint);
    env.cleanup.push(() => {
      channel.port1.close();
      channel.port2.close();
    });
    const api = Comlink.wrap<TabPortApi>(channel.port1 as unknown as Comlink.Endpoint);
    const received: RuntimeMessage[] = [];
    const { envelope } = await attachTo(api, hello('org', { protocol: PROTOCOL_VERSION + 1 }), noHooks, (message) => received.push(message), 15_000);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'PROTOCOL_MISMATCH' } });
    expect(await api.status()).toMatchObject({ ok: true, value: { tabs: 0 } });
    expect(received).toEqual([]);
  });
});
