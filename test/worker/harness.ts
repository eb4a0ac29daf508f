/**
 * Test harness for the runtime core in Node: a real emulator, real `ws` sockets, and tabs that
 * are plain objects recording what the runtime posts to them.
 */
import { randomUUID } from 'node:crypto';
import { expect, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { RuntimeConfig, RuntimeMessage, TabHello } from '../../src/shared/contract';
import type { CustomerData, Token } from '../../src/shared/types';
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
  for (const tab of [a, b]) await vi.waitFor(() => expect(tab.count('connected')).toBeGreaterThanOrEqual(1));
  const customerId = a.payloads('customer_id')[0] as string;
  return { organizationId, a, b, customerId };
}
