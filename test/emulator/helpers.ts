import { afterEach } from 'vitest';
// Test-side client for the emulator: a raw `ws` socket plus fetch, written against the wire format
// (not against src/), so these tests check the emulator and nothing else.
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

export type Frame = {
  request_id?: string;
  action?: string;
  type?: 'response' | 'push';
  success?: boolean;
  version?: string;
  payload: Record<string, any>;
};

export const randomOrg = (): string => `org-${randomUUID()}`;

export function wsUrl(base: string, organizationId: string | undefined, version = '3.6'): string {
  const query = organizationId === undefined ? '' : `?organization_id=${encodeURIComponent(organizationId)}`;
  return `${base.replace(/^http/, 'ws')}/v${version}/customer/rtm/ws${query}`;
}

export class RtmClient {
  private readonly frames: Frame[] = [];
  /** Frames already handed out by next(), so two waits never get the same frame. */
  private readonly consumed = new WeakSet<Frame>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string): Promise<RtmClient> {
    const ws = new WebSocket(url);
    const client = new RtmClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Every frame received so far, in order (taken or not). */
  get received(): readonly Frame[] {
    return this.frames;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  send(action: string, payload: Record<string, unknown> = {}, requestId = `r${++this.seq}`): string {
    this.ws.send(JSON.stringify({ request_id: requestId, action, payload }));
    return requestId;
  }

  /** Sends a request with a top-level `version` and resolves with its direct response frame. */
  async requestVersioned(action: string, payload: Record<string, unknown>, version: string): Promise<Frame> {
    const id = `r${++this.seq}`;
    this.ws.send(JSON.stringify({ request_id: id, action, version, payload }));
    return this.next((f) => f.type === 'response' && f.request_id === id);
  }

  /** Sends a request and resolves with its direct response frame (success or error). */
  async request(action: string, payload: Record<string, unknown> = {}): Promise<Frame> {
    const id = this.send(action, payload);
    return this.next((f) => f.type === 'response' && f.request_id === id);
  }

  /** Resolves with the first received frame (past or future) matching `match`, ignoring frames already consumed by next(). */
  next(match: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const look = (): boolean => {
        const index = this.frames.findIndex((f) => !this.consumed.has(f) && match(f));
        if (index < 0) return false;
        const frame = this.frames[index]!;
        this.consumed.add(frame);
        resolve(frame);
        return true;
      };
      if (look()) return;
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`No matching frame within ${timeoutMs} ms; received: ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      const wake = (): void => {
        if (look()) {
          clearTimeout(timer);
          this.waiters.delete(wake);
        }
      };
      this.waiters.add(wake);
    });
  }

  push(action: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.type === 'push' && f.action === action, timeoutMs);
  }

  /** Waits `ms` and returns the frames matching `match` that arrived meanwhile or before (not consumed). */
  async quietFor(ms: number, match: (f: Frame) => boolean = () => true): Promise<Frame[]> {
    await sleep(ms);
    return this.frames.filter((f) => !this.consumed.has(f) && match(f));
  }

  close(): void {
    this.ws.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` stops throwing, for server state that settles asynchronously (socket closes). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(20);
    }
  }
}

export interface TokenResult {
  status: number;
  body: Record<string, any>;
  setCookies: string[];
  /** A Cookie header carrying what the response set, merged over the one sent: the "same browser" next time. */
  cookie: string;
}

export async function requestToken(
  base: string,
  organizationId: string,
  options: { cookie?: string; path?: string; body?: unknown; contentType?: string } = {},
): Promise<TokenResult> {
  const body =
    options.body ?? { response_type: 'token', grant_type: 'cookie', client_id: 'test-client', organization_id: organizationId, redirect_uri: 'http://127.0.0.1:5173/' };
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'text/plain;charset=UTF-8', origin: 'http://127.0.0.1:5173' };
  if (options.cookie) headers.cookie = options.cookie;
  const res = await fetch(`${base}${options.path ?? '/v2/customer/token'}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const setCookies = res.headers.getSetCookie();
  const jar = new Map<string, string>();
  for (const part of (options.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k && v !== undefined) jar.set(k, v);
  }
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const [k, v] = (pair ?? '').split('=');
    if (k && v !== undefined) jar.set(k, v);
  }
  return {
    status: res.status,
    body: (await res.json()) as Record<string, any>,
    setCookies,
    cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
  };
}

export interface Customer {
  organizationId: string;
  customerId: string;
  accessToken: string;
  cookie: string;
}

/** A "browser": gets a token through the cookie grant; pass `cookie` to act as the same browser again. */
export async function newCustomer(base: string, organizationId: string, cookie?: string): Promise<Customer> {
  const t = await requestToken(base, organizationId, cookie === undefined ? {} : { cookie });
  if (t.status !== 200) throw new Error(`token endpoint answered ${t.status}: ${JSON.stringify(t.body)}`);
  return { organizationId, customerId: t.body.entity_id as string, accessToken: t.body.access_token as string, cookie: t.cookie };
}

/**
 * Opens a socket for the customer and logs in; returns the client and the login response frame.
 * On another API version the login frame carries `version` at top level, as SDK 4.x sends it on 3.5.
 */
export async function connect(
  base: string,
  customer: Customer,
  login: Record<string, unknown> = {},
  version = '3.6',
): Promise<{ client: RtmClient; login: Frame }> {
  const client = await RtmClient.open(wsUrl(base, customer.organizationId, version));
  const payload = { token: `Bearer ${customer.accessToken}`, customer: {}, ...login };
  const frame = version === '3.6' ? await client.request('login', payload) : await client.requestVersioned('login', payload, version);
  if (frame.success !== true) throw new Error(`login failed: ${JSON.stringify(frame.payload)}`);
  return { client, login: frame };
}

export async function postJson(base: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function getJson(base: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: await res.json() };
}

/**
 * Closes, after each test, the clients the test opened: `track(await connect(...))` returns its
 * argument and remembers the client.
 */
export function trackClients(): <T extends { client: RtmClient }>(opened: T) => T {
  const open: RtmClient[] = [];
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  return (opened) => {
    open.push(opened.client);
    return opened;
  };
}
