/**
 * Dedicated mode between tabs, in Node: three tabs' transports (`openDedicatedTransport`), one of
 * which wins the leader lock (a FAKE of Web Locks: Node has none) and serves the others through a
 * real runtime host against a real emulator. Node's BroadcastChannel carries the relay between
 * them, as a browser's does between tabs; observers on the channels see what each tab would receive.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachTo } from '../../src/client/attach';
import { openDedicatedTransport } from '../../src/client/leader';
import { inboxChannelName, relayChannelName, type InboxMessage, type RelayMessage } from '../../src/client/relay';
import type { Transport } from '../../src/client/transport';
import type { TabHello, TabHooks } from '../../src/shared/contract';
import { PROTOCOL_VERSION } from '../../src/shared/version';
import { RuntimeHost } from '../../src/worker/host';
import { useEmulator } from '../support/emulator';
import { FakeLocks } from '../support/fake-locks';
import { createSocket, runtimeConfig } from '../worker/harness';

const env = useEmulator();

afterEach(() => {
  vi.unstubAllGlobals();
});

/** What every message posted on a channel looks like to one more tab listening there. */
function observe<T>(name: string): T[] {
  const seen: T[] = [];
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent<T>) => seen.push(event.data);
  env.cleanup.push(() => channel.close());
  return seen;
}

/** A tab that wants no connection is never asked for a token. */
const noHooks: TabHooks = {
  getToken: () => Promise.resolve({ ok: false, error: { code: 'TOKEN_UNAVAILABLE', message: 'not asked' } }),
  getCustomerData: () => Promise.resolve({ ok: true, value: null }),
};

const nodeIdOf = (transport: Transport) => (transport.api as unknown as { nodeId: string }).nodeId;

describe('dedicated mode: a follower calls the leader', () => {
  it('the call reaches the leader alone: nothing on the shared relay channel, nothing in another follower’s inbox', async () => {
    vi.stubGlobal('navigator', { locks: new FakeLocks().client('browser') });
    const key = `dedicated-relay-${randomUUID()}`;
    const host = new RuntimeHost('dedicated', { createSocket, lingerMs: 0 });
    const worker = { postMessage: (data: { port: MessagePort }) => host.serve(data.port), addEventListener: () => undefined, terminate: () => undefined };
    const open = () => openDedicatedTransport(key, () => worker as unknown as Worker, () => []);
    // The first transport asks for the leader lock first, so it leads.
    const [leader, caller, bystander] = [open(), open(), open()];
    env.cleanup.push(() => [bystander, caller, leader].forEach((transport) => transport.close()));
    const onRelay = observe<RelayMessage>(relayChannelName(key));
    const atLeader = observe<InboxMessage>(inboxChannelName(key, nodeIdOf(leader)));
    const atBystander = observe<InboxMessage>(inboxChannelName(key, nodeIdOf(bystander)));

    const hello: TabHello = { protocol: PROTOCOL_VERSION, tabId: `tab-${randomUUID()}`, runtime: runtimeConfig(env.emulator.url, `org-${randomUUID()}`), wantsConnection: false };
    const attached = await attachTo(caller.api, hello, noHooks, () => undefined, 10_000);
    expect(attached.envelope.ok).toBe(true);
    expect(await caller.api.status()).toMatchObject({ ok: true, value: { mode: 'dedicated', tabs: 1 } });

    const calls = (messages: Array<{ kind: string }>) => messages.filter((message) => message.kind === 'call');
    const fromCaller = { kind: 'call', from: nodeIdOf(caller), to: nodeIdOf(leader) };
    expect(calls(atLeader)).toEqual([expect.objectContaining({ ...fromCaller, op: 'attach' }), expect.objectContaining({ ...fromCaller, op: 'status' })]);
    expect(calls(onRelay)).toEqual([]);
    expect(calls(atBystander)).toEqual([]);
  });
});
