/**
 * Dedicated mode's leader side (`LeaderRelay`) in Node: the real runtime host behind it (served
 * the way src/worker/dedicated.ts serves it, minus the thread), a real emulator, real sockets. The
 * follower is played by hand with the relay's plain-data messages, as another tab sends them over
 * the BroadcastChannel. Assertions are what the follower hears and what the server counts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { LeaderRelay } from '../../src/client/leader-relay';
import { inboxChannelName, type InboxMessage, type RelayOp } from '../../src/client/relay';
import type { TabHello } from '../../src/shared/contract';
import type { Envelope } from '../../src/shared/errors';
import { PROTOCOL_VERSION } from '../../src/shared/version';
import { RuntimeHost } from '../../src/worker/host';
import { useEmulator } from '../support/emulator';
import { Browser, createSocket, runtimeConfig } from '../worker/harness';

const env = useEmulator();
const LEADER = 'leader-node';

/** A leader tab's relay over a runtime host in this thread, and one follower tab speaking to it. */
function leaderWithFollower(organizationId: string) {
  const key = `relay-test-${randomUUID()}`;
  // No linger: a socket nobody wants any more closes at once, so the server's count shows it.
  const host = new RuntimeHost('dedicated', { createSocket, lingerMs: 0 });
  const worker = { postMessage: (data: { port: MessagePort }) => host.serve(data.port), terminate: () => undefined };
  const relay = new LeaderRelay(worker as unknown as Worker, key, LEADER);
  const browser = new Browser(env.emulator.url, organizationId);
  const from = `follower-${randomUUID()}`;
  const heard: InboxMessage[] = [];
  const inbox = new BroadcastChannel(inboxChannelName(key, from));
  inbox.onmessage = (event: MessageEvent<InboxMessage>) => {
    const message = event.data;
    heard.push(message);
    // The follower's page answers the runtime's token requests, as follower.ts's answerHook does.
    if (message.kind === 'hook' && message.hook === 'getToken') {
      void browser.token().then((token) => relay.onHookReply({ kind: 'hook-reply', to: LEADER, from, id: message.id, envelope: { ok: true, value: token } }));
    }
  };
  env.cleanup.push(() => {
    relay.close();
    inbox.close();
  });
  let nextId = 0;
  /** One relay call from the follower; resolves with the leader's reply. */
  const call = async (op: RelayOp, args: unknown[]): Promise<Envelope<unknown>> => {
    const id = ++nextId;
    await relay.onCall({ kind: 'call', to: LEADER, from, id, op, args });
    await vi.waitFor(() => expect(heard.some((message) => message.kind === 'reply' && message.id === id)).toBe(true));
    const reply = heard.find((message) => message.kind === 'reply' && message.id === id);
    return (reply as Extract<InboxMessage, { kind: 'reply' }>).envelope;
  };
  const hello: TabHello = { protocol: PROTOCOL_VERSION, tabId: from, runtime: runtimeConfig(env.emulator.url, organizationId), wantsConnection: true };
  const events = (name: string) => heard.filter((message) => message.kind === 'event' && message.message.kind === 'event' && message.message.name === name).length;
  return { call, hello, events };
}

describe('LeaderRelay: a follower that attaches again', () => {
  it('a re-attach the runtime refuses lets go of the link the follower had: the runtime stops serving it and the socket closes', async () => {
    const organizationId = `relay-${randomUUID()}`;
    const { call, hello, events } = leaderWithFollower(organizationId);
    expect(await call('attach', [hello])).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(events('connected')).toBe(1));
    expect(env.emulator.stats(organizationId).openConnections).toBe(1);

    // Attaching again (as after a missed answer) with a hello this runtime cannot take.
    const refused = await call('attach', [{ ...hello, protocol: PROTOCOL_VERSION + 1 }]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'PROTOCOL_MISMATCH' } });

    // The follower is attached nowhere now (it starts over or ends), so nothing holds the socket.
    expect(await call('status', [])).toMatchObject({ ok: false, error: { code: 'NOT_ATTACHED' } });
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
  });

  it('a re-attach that holds replaces the previous link: one session, one socket, one login', async () => {
    const organizationId = `relay-${randomUUID()}`;
    const { call, hello, events } = leaderWithFollower(organizationId);
    expect(await call('attach', [hello])).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(events('connected')).toBe(1));

    expect(await call('attach', [hello])).toMatchObject({ ok: true });
    // A tab that attaches while connected is replayed `connected` (once, on its new link).
    await vi.waitFor(() => expect(events('connected')).toBe(2));
    expect(await call('status', [])).toMatchObject({ ok: true, value: { tabs: 1, connection: 'connected' } });
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
    expect(await call('destroy', [])).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
  });
});
