/**
 * The connection against a scripted server (a real `ws` server on a real port whose answers each
 * test chooses), for what the emulator does not do on purpose: garbage frames, silence.
 * Time is a manual clock, so pings, pong deadlines and backoff run without waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RuntimeConfig } from '../../src/shared/contract';
import { PROTOCOL_VERSION } from '../../src/shared/version';
import { Runtime } from '../../src/worker/runtime';
import { ManualClock } from '../support/manual-clock';
import { createSocket } from './harness';

const LOGIN_RESPONSE = {
  customer: { id: 'customer-1', type: 'customer', statistics: { chats_count: 0 } },
  chats: [],
  __priv_dynamic_config: { online_groups_ids: [0], customer_groups: { monitoring: { id: 0 } } },
};

class ScriptedServer {
  readonly sockets: WebSocket[] = [];
  readonly received: Array<{ action: string }> = [];
  answerPings = true;
  /** Frames sent to each new socket before the login is answered. */
  preamble: Array<string | Buffer> = [];
  private server!: WebSocketServer;

  async start(): Promise<string> {
    this.server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => this.server.once('listening', resolve));
    this.server.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { request_id?: string; action: string };
        this.received.push(frame);
        if (frame.action === 'login') {
          for (const garbage of this.preamble) socket.send(garbage);
          socket.send(JSON.stringify({ request_id: frame.request_id, action: 'login', type: 'response', success: true, payload: LOGIN_RESPONSE }));
        } else if (frame.action === 'ping' && this.answerPings) {
          socket.send(JSON.stringify({ action: 'ping', type: 'response', success: true, payload: {} }));
        }
      });
    });
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  push(action: string, payload: unknown): void {
    for (const socket of this.sockets) socket.send(JSON.stringify({ action, type: 'push', version: '3.6', payload }));
  }

  get openSockets(): number {
    return this.sockets.filter((socket) => socket.readyState === socket.OPEN).length;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let server: ScriptedServer;
let clock: ManualClock;
let url: string;

beforeEach(async () => {
  server = new ScriptedServer();
  url = await server.start();
  clock = new ManualClock();
});
afterEach(() => server.close());

const TOKEN = { accessToken: 'dal:t', entityId: 'customer-1', expiresIn: 28_800_000, tokenType: 'Bearer', creationDate: Date.now() };

/** `onEvent`: also told each event's name as the tab receives it, and each status (`status <connection>`). */
function attachTab(runtime: Runtime, getToken = async () => ({ ...TOKEN }), onEvent?: (name: string) => void) {
  const events: Array<{ name: string; payload: unknown }> = [];
  const session = runtime.attach(
    { protocol: PROTOCOL_VERSION, tabId: 'tab', runtime: runtime.config, wantsConnection: true },
    {
      post: (message) => {
        if (message.kind === 'event') {
          events.push({ name: message.name, payload: message.payload });
          onEvent?.(message.name);
        } else if (message.kind === 'status') {
          onEvent?.(`status ${message.status.connection}`);
        }
        // A live tab answers the runtime's liveness pings.
        if (message.kind === 'ping') queueMicrotask(() => session.heartbeat());
      },
      getCustomerData: async () => undefined,
      getToken,
    },
  );
  return { events, session, names: () => events.map((event) => event.name) };
}

function newRuntime(socketFactory = createSocket): Runtime {
  const config: RuntimeConfig = { organizationId: 'org', clientId: 'c', groupId: 0, uniqueGroups: false, region: 'dal', server: url, env: 'production' };
  return new Runtime(config, { createSocket: socketFactory, clock, random: () => 0.5, log: () => undefined });
}

describe('the order of a start', () => {
  const STARTING = ['sent login', 'customer_id', 'connected', 'status connected'];
  /** What left on the socket (`sent <action>`) and what the tab heard, in one sequence. */
  function recorded() {
    const sequence: string[] = [];
    const socketFactory: typeof createSocket = (socketUrl) => {
      const socket = createSocket(socketUrl);
      const send = socket.send.bind(socket);
      socket.send = (data: string) => {
        sequence.push(`sent ${(JSON.parse(data) as { action: string }).action}`);
        send(data);
      };
      return socket;
    };
    return { sequence, socketFactory };
  }

  it('sends the login as soon as a late token comes, before the tabs hear whose it is; `connected` goes before the status saying so', async () => {
    const { sequence, socketFactory } = recorded();
    let giveToken!: () => void;
    const token = new Promise<typeof TOKEN>((resolve) => (giveToken = () => resolve({ ...TOKEN })));
    const tab = attachTab(newRuntime(socketFactory), () => token, (name) => sequence.push(name));
    await vi.waitFor(() => expect(server.openSockets).toBe(1));
    // The socket's open event in the runtime, not only at the server.
    await new Promise((resolve) => setTimeout(resolve, 20));
    giveToken();
    await vi.waitFor(() => expect(tab.names()).toContain('connected'));
    await vi.waitFor(() => expect(sequence).toContain('status connected'));
    expect(sequence.filter((step) => STARTING.includes(step))).toEqual(['sent login', 'customer_id', 'connected', 'status connected']);
    tab.session.detach();
  });

  it('tells the tabs whose token it is at once when it comes before the socket opens', async () => {
    const { sequence, socketFactory } = recorded();
    const tab = attachTab(newRuntime(socketFactory), async () => ({ ...TOKEN }), (name) => sequence.push(name));
    await vi.waitFor(() => expect(tab.names()).toContain('connected'));
    await vi.waitFor(() => expect(sequence).toContain('status connected'));
    expect(sequence.filter((step) => STARTING.includes(step))).toEqual(['customer_id', 'sent login', 'connected', 'status connected']);
    tab.session.detach();
  });
});

describe('a connection that meets a misbehaving server', () => {
  it('survives garbage frames and malformed pushes, and keeps delivering good ones', async () => {
    server.preamble = [
      'not json at all',
      '[1,2,3]',
      '{"no":"action"}',
      Buffer.from([0xde, 0xad]),
      JSON.stringify({ action: 'incoming_event', type: 'push', payload: { chat_id: 'C1', event: 'not an object' } }),
      JSON.stringify({ action: 'incoming_chat', type: 'push', payload: { chat: { users: [] } } }),
      JSON.stringify({ request_id: 'nobody-asked', action: 'get_chat', type: 'response', success: true, payload: {} }),
    ];
    const runtime = newRuntime();
    const tab = attachTab(runtime);
    await vi.waitFor(() => expect(tab.names()).toContain('connected'));
    server.push('incoming_event', { chat_id: 'C1', thread_id: 'T1', event: { id: 'T1_1', type: 'message', text: 'still here', author_id: 'agent' } });
    await vi.waitFor(() => expect(tab.names()).toContain('incoming_event'));
    expect(tab.events.filter((event) => event.name === 'incoming_event')).toEqual([
      { name: 'incoming_event', payload: { chatId: 'C1', event: expect.objectContaining({ text: 'still here', threadId: 'T1' }) } },
    ]);
    expect(tab.names()).not.toContain('incoming_chat');
    expect(runtime.state).toBe('connected');
    tab.session.detach();
  });

  it('pings every 15 s, reports an unanswered ping as unstable, recovers on traffic, and reconnects after silence', async () => {
    const runtime = newRuntime();
    const tab = attachTab(runtime);
    await vi.waitFor(() => expect(tab.names()).toEqual(['customer_id', 'connected']));

    clock.advance(15_000);
    await vi.waitFor(() => expect(server.received.filter((frame) => frame.action === 'ping')).toHaveLength(1));
    // Answered: stays stable.
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(5_000);
    expect(tab.names()).not.toContain('connection_unstable');

    server.answerPings = false;
    clock.advance(10_000); // second ping at 30 s
    await vi.waitFor(() => expect(server.received.filter((frame) => frame.action === 'ping')).toHaveLength(2));
    clock.advance(5_000);
    expect(tab.names().slice(-1)).toEqual(['connection_unstable']);

    server.push('incoming_typing_indicator', {});
    await vi.waitFor(() => expect(tab.names().slice(-1)).toEqual(['connection_recovered']));

    clock.advance(10_000); // third ping at 45 s, unanswered
    await vi.waitFor(() => expect(server.received.filter((frame) => frame.action === 'ping')).toHaveLength(3));
    clock.advance(15_000); // a whole interval of silence: the socket is given up
    expect(tab.events.filter((event) => event.name === 'disconnected')).toEqual([{ name: 'disconnected', payload: { reason: 'connection_lost' } }]);
    expect(runtime.state).toBe('reconnecting');

    server.answerPings = true;
    clock.advance(30_000); // past the longest first backoff delay
    await vi.waitFor(() => expect(tab.names().filter((name) => name === 'connected')).toHaveLength(2));
    await vi.waitFor(() => expect(server.openSockets).toBe(1));
    tab.session.detach();
  });

  it('fails a request the server never answers with REQUEST_TIMEOUT after 15 s', async () => {
    const runtime = newRuntime();
    const tab = attachTab(runtime);
    await vi.waitFor(() => expect(tab.names()).toContain('connected'));
    const outcome = tab.session.request('getCustomer', undefined).catch((error: unknown) => error);
    await vi.waitFor(() => expect(server.received.map((frame) => frame.action)).toContain('get_customer'));
    clock.advance(15_000);
    expect(await outcome).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    tab.session.detach();
  });

  it('raises PENDING_REQUESTS_LIMIT_REACHED for the 11th request in flight, before sending it', async () => {
    const runtime = newRuntime();
    const tab = attachTab(runtime);
    await vi.waitFor(() => expect(tab.names()).toContain('connected'));
    const calls = Array.from({ length: 11 }, () => tab.session.request('getCustomer', undefined).catch((error: unknown) => error));
    expect(await calls[10]).toMatchObject({ code: 'PENDING_REQUESTS_LIMIT_REACHED' });
    await vi.waitFor(() => expect(server.received.filter((frame) => frame.action === 'get_customer')).toHaveLength(10));
    tab.session.detach();
    for (const call of calls.slice(0, 10)) expect(await call).toMatchObject({ code: 'SDK_DESTROYED' });
  });
});
