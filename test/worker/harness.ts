/**
 * Test harness for the runtime core in Node: a real emulator, real `ws` sockets, and tabs that
 * are plain objects recording what the runtime posts to them.
 */
import { randomUUID } from 'node:crypto';
import { expect, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { RuntimeConfig, RuntimeMessage, TabHello } from '../../src/shared/contract';
import type { SdkError } from '../../src/shared/errors';
import type { Chat, CustomerData, Token } from '../../src/shared/types';
import { PROTOCOL_VERSION } from '../../src/shared/version';
import type { SocketLike } from '../../src/worker/connection';
import { Runtime, type RuntimeDeps, type TabSession } from '../../src/worker/runtime';
import type { EmulatorEnv } from '../support/emulator';

export const createSocket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;

/** One browser profile: a cookie jar, so every tab of it is the same customer. */
export class Browser {
  private cookies = new Map<string, string>();
  tokenRequests = 0;

  constructor(
    private readonly server: string,
    private readonly organizationId: string,
  ) {}

  async token(): Promise<Token> {
    this.tokenRequests += 1;
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.server}/v2/customer/token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({
        response_type: 'token',
        grant_type: 'cookie',
        client_id: 'test-client',
        organization_id: this.organizationId,
        redirect_uri: 'http://127.0.0.1/test',
      }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name && value !== undefined) this.cookies.set(name.trim(), value.trim());
    }
    const body = (await response.json()) as Record<string, string | number>;
    return {
      accessToken: String(body.access_token),
      entityId: String(body.entity_id),
      expiresIn: Number(body.expires_in) * 1000,
      tokenType: String(body.token_type),
      creationDate: Date.now(),
    };
  }
}

export class TestTab {
  readonly messages: RuntimeMessage[] = [];
  readonly session: TabSession;
  /** The app's `customerDataProvider` in this tab (attach with `hasCustomerDataProvider: true`). */
  customerDataProvider: (() => CustomerData | undefined) | undefined;
  /** A frozen tab receives messages but answers none. */
  frozen = false;
  /** Replace to make this tab slow, dead or failing when asked for a token. */
  tokenProvider: (fresh: boolean) => Promise<Token>;

  constructor(runtime: Runtime, browser: Browser, hello: Partial<TabHello> & { tabId: string }) {
    this.tokenProvider = () => browser.token();
    this.session = runtime.attach(
      { protocol: PROTOCOL_VERSION, runtime: runtime.config, wantsConnection: true, ...hello },
      {
        post: (message) => {
          this.messages.push(message);
          // A live tab answers the runtime's liveness pings; a frozen one (`frozen = true`) does not.
          if (message.kind === 'ping' && !this.frozen) queueMicrotask(() => this.session.heartbeat());
        },
        getToken: (fresh) => this.tokenProvider(fresh),
        getCustomerData: async () => this.customerDataProvider?.(),
      },
    );
  }

  /** Names of the events received, in order, and `destroyed:<reason>` when the runtime ended the tab. */
  names(): string[] {
    return this.messages.flatMap((message) =>
      message.kind === 'event' ? [message.name] : message.kind === 'destroyed' ? [`destroyed:${message.reason}`] : [],
    );
  }

  /** The tab the runtime last named as the one to notify. */
  notifier(): string | undefined {
    const last = this.messages.filter((message) => message.kind === 'notifier').pop();
    return last?.kind === 'notifier' ? last.tabId : undefined;
  }

  payloads(name: string): unknown[] {
    return this.messages.flatMap((message) => (message.kind === 'event' && message.name === name ? [message.payload] : []));
  }

  count(name: string): number {
    return this.payloads(name).length;
  }

  /** The texts of the `incoming_event`s received (of one chat when named), in order; '' for an event without text. */
  texts(chatId?: string): string[] {
    return this.payloads('incoming_event').flatMap((payload) => {
      const { chatId: id, event } = payload as { chatId: string; event: { text?: string } };
      return chatId === undefined || id === chatId ? [event.text ?? ''] : [];
    });
  }
}

export function runtimeConfig(server: string, organizationId: string): RuntimeConfig {
  return { organizationId, clientId: 'test-client', groupId: 0, uniqueGroups: false, region: 'dal', server, env: 'production' };
}

export function newRuntime(server: string, organizationId: string, deps: Partial<RuntimeDeps> = {}): Runtime {
  return new Runtime(runtimeConfig(server, organizationId), { createSocket, ...deps });
}

export async function post(server: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${server}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** What a request was rejected with (undefined when it resolved), to assert its code. */
export const rejection = (promise: Promise<unknown>): Promise<SdkError | undefined> =>
  promise.then(() => undefined, (error: unknown) => error as SdkError);

/**
 * Waits until the tab has been told `connected` `count` times (a reconnect is the second).
 * `timeout` (ms) for waits that span a login through a slow path; vi.waitFor's default otherwise.
 */
export const connected = (tab: TestTab, count = 1, timeout?: number): Promise<void> =>
  vi.waitFor(() => expect(tab.count('connected')).toBeGreaterThanOrEqual(count), timeout);

/** The tab starts a chat whose thread opens with the customer's message `text`. */
export async function startChat(tab: TestTab, text = 'hi'): Promise<Chat> {
  const { chat } = (await tab.session.request('startChat', { chat: { thread: { events: [{ type: 'message', text }] } } })) as { chat: Chat };
  return chat;
}

/** Plays the agent in one organization through the emulator's agent API (`/__emulator/agent/<action>`). */
export function asAgent(server: string, organizationId: string, action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return post(server, `/__emulator/agent/${action}`, { organization_id: organizationId, ...body }) as Promise<Record<string, unknown>>;
}

/** The agent sends the message `text` to a chat. */
export const agentSays = (server: string, organizationId: string, chatId: string, text: string): Promise<Record<string, unknown>> =>
  asAgent(server, organizationId, 'send_event', { chat_id: chatId, text });

/** Two tabs of one customer in a fresh organization, both connected through one runtime. */
export async function connectedTabs(env: EmulatorEnv, prefix: string) {
  const organizationId = `${prefix}-${randomUUID()}`;
  const runtime = newRuntime(env.emulator.url, organizationId);
  const browser = new Browser(env.emulator.url, organizationId);
  const a = new TestTab(runtime, browser, { tabId: 'tab-a' });
  const b = new TestTab(runtime, browser, { tabId: 'tab-b' });
  env.cleanup.push(() => {
    a.session.detach('destroyed');
    b.session.detach('destroyed');
  });
  for (const tab of [a, b]) await connected(tab);
  const customerId = a.payloads('customer_id')[0] as string;
  return { organizationId, a, b, customerId };
}
