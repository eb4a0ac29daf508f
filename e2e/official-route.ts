/**
 * Points the unchanged official `@livechat/customer-sdk@4.0.2` at the emulator. It hard-codes production
 * hosts (wire-protocol.md §2.1, §2.4): tokens from `https://accounts.livechatinc.com/v2/customer/token` (XHR
 * with credentials) and the socket `wss://api[-region].livechatinc.com/v3.5/customer/rtm/ws?organization_id=…`.
 * Both are routed per browser context, so every tab of a context is one browser to the emulator.
 */
import type { BrowserContext, Route } from '@playwright/test';
import { WebSocket, type RawData } from 'ws';

const ACCOUNTS = 'https://accounts.livechatinc.com/**';
const RTM_SOCKET = /^wss:\/\/api(-[a-z]+)?\.livechatinc\.com\//;
/** 4.0.2 fires an image beacon here on startChat/resumeChat (§2.5); answer it rather than leak a request. */
const TELEMETRY = 'https://queue.livechatinc.com/**';

/** One forwarded token request: where its Cookie header came from, and what the emulator answered. */
export interface TokenExchange {
  /** `browser`: the request carried it; `jar`: read from the context's cookies; `none`: no cookie yet. */
  cookie: 'browser' | 'jar' | 'none';
  status: number;
  entityId?: string;
}

export interface OfficialRouting {
  /** Emulator URLs of the sockets opened so far, in order (one per page socket). */
  readonly sockets: readonly string[];
  /** Token requests forwarded so far, in order. */
  readonly tokens: readonly TokenExchange[];
  /** Relays whose emulator socket is still open. */
  openRelays(): number;
  /** Cuts every relay still open (also done when the context closes). */
  close(): void;
}

export async function routeOfficialSdk(context: BrowserContext, emulatorUrl: string): Promise<OfficialRouting> {
  const base = emulatorUrl.replace(/\/$/, '');
  const sockets: string[] = [];
  const tokens: TokenExchange[] = [];
  const relays = new Set<WebSocket>();

  await context.route(ACCOUNTS, async (route) => {
    const exchange = await forwardToken(context, route, base);
    if (exchange !== undefined) tokens.push(exchange);
  });
  await context.route(TELEMETRY, (route) => route.fulfill({ status: 204 }));

  await context.routeWebSocket(RTM_SOCKET, async (page) => {
    const from = new URL(page.url());
    const target = `${base.replace(/^http/, 'ws')}${from.pathname}${from.search}`;
    sockets.push(target);
    const server = new WebSocket(target);
    relays.add(server);
    let pageClosed = false;

    // Listeners go on before anything is awaited: the emulator may speak (customer_disconnected) right away.
    // Sending to the page opens its socket first if it is not open yet.
    server.on('message', (data: RawData, isBinary: boolean) => {
      if (!pageClosed) page.send(isBinary ? toBuffer(data) : toBuffer(data).toString('utf8'));
    });
    server.on('error', () => undefined); // 'close' follows
    server.on('close', (code: number, reason: Buffer) => {
      relays.delete(server);
      if (pageClosed) return;
      pageClosed = true;
      // The page gets the code the relay saw, 1006 for a cut connection included, as a browser would report it.
      void page.close({ code, reason: truncateReason(reason.toString('utf8')) }).catch(() => undefined);
    });
    page.onMessage((message) => {
      if (server.readyState === WebSocket.OPEN) server.send(message);
    });
    page.onClose((code, reason) => {
      pageClosed = true;
      if (server.readyState === WebSocket.OPEN || server.readyState === WebSocket.CONNECTING) {
        server.close(sendableCode(code), reason === undefined ? undefined : truncateReason(reason));
      }
    });

    // The page's socket opens once this handler returns (Playwright then opens the socket it mocks), so
    // waiting for the emulator here gives the page the real open, or the failure instead of a fake open.
    await new Promise<void>((resolve) => {
      if (server.readyState !== WebSocket.CONNECTING) return resolve();
      server.once('open', () => resolve());
      server.once('close', () => resolve());
    });
  });

  const closeAll = (): void => {
    for (const socket of relays) socket.terminate();
    relays.clear();
  };
  context.on('close', closeAll);
  return {
    sockets,
    tokens,
    openRelays: () => [...relays].filter((s) => s.readyState === WebSocket.OPEN).length,
    close: closeAll,
  };
}

/**
 * The cookie grant, forwarded as the browser sent it (body, Cookie header) to the emulator's token endpoint;
 * the emulator's status, body and Set-Cookie go back with the CORS headers a credentialed XHR needs.
 */
async function forwardToken(context: BrowserContext, route: Route, base: string): Promise<TokenExchange | undefined> {
  const request = route.request();
  const headers = await request.allHeaders();
  const origin = headers.origin ?? new URL(request.frame().url()).origin;
  const cors = { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
  if (request.method() === 'OPTIONS') {
    await route.fulfill({
      status: 204,
      headers: { ...cors, 'access-control-allow-methods': 'POST, OPTIONS', 'access-control-allow-headers': headers['access-control-request-headers'] ?? 'content-type' },
    });
    return undefined;
  }
  const url = new URL(request.url());
  // The Cookie header as the browser sends it; read from the context's jar if the interception does not show it.
  const jar = headers.cookie === undefined ? await cookieHeader(context, url.origin) : '';
  const cookie = headers.cookie ?? jar;
  const forwarded: Record<string, string> = { 'content-type': headers['content-type'] ?? 'text/plain;charset=UTF-8', origin };
  if (cookie !== '') forwarded.cookie = cookie;
  const body = request.postDataBuffer();
  const response = await fetch(`${base}${url.pathname}${url.search}`, {
    method: request.method(),
    headers: forwarded,
    ...(body === null ? {} : { body: new Uint8Array(body) }),
  });
  const setCookies = response.headers.getSetCookie().map(crossSiteCookie);
  const out: Record<string, string> = { ...cors, 'content-type': response.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' };
  // Playwright splits a Set-Cookie header on newlines into one header per cookie.
  if (setCookies.length > 0) out['set-cookie'] = setCookies.join('\n');
  const payload = Buffer.from(await response.arrayBuffer());
  await route.fulfill({ status: response.status, headers: out, body: payload });
  const exchange: TokenExchange = { cookie: headers.cookie !== undefined ? 'browser' : jar !== '' ? 'jar' : 'none', status: response.status };
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { entity_id?: unknown };
    if (typeof parsed.entity_id === 'string') exchange.entityId = parsed.entity_id;
  } catch {
    // not JSON: nothing to record
  }
  return exchange;
}

/**
 * The emulator's cookies are first-party (`SameSite=Lax`) on its own host; on accounts.livechatinc.com they are
 * third-party to the page, and a cross-site XHR only carries `SameSite=None; Secure` cookies, as the real ones are.
 */
function crossSiteCookie(cookie: string): string {
  const attributes = cookie.split(';').map((part) => part.trim()).filter((part) => !/^(samesite|secure)(=|$)/i.test(part));
  return [...attributes, 'SameSite=None', 'Secure'].join('; ');
}

async function cookieHeader(context: BrowserContext, origin: string): Promise<string> {
  const cookies = await context.cookies(origin);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Close codes the page may pass on to the emulator (RFC 6455 §7.4); 1005/1006/1015 only describe a close and are left out. */
function sendableCode(code: number | undefined): number | undefined {
  if (code === undefined) return undefined;
  if (code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)) return code;
  return undefined;
}

/** A close reason is at most 123 UTF-8 bytes. */
function truncateReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}
