// Wiring: one node:http server carries the HTTP endpoints and, on upgrade, the RTM WebSocket.
// Tests start it in-process with `startEmulator({ port: 0 })`; cli.ts runs it standalone.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createHttpHandler } from './http';
import { Hub, type Connection } from './hub';
import { handleRequest, parseFrame, type RtmOptions, type Session } from './rtm';
import { State } from './state';
import { API_VERSION, errorResponse } from './wire';

export interface EmulatorOptions {
  /** Default 8787; 0 = a random free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** A socket that has not logged in after this long is disconnected. Default 30000 (the API's 30 s). */
  loginTimeoutMs?: number;
  /** Chats one customer may start. Default 1, the API's limit (`chat_limit_reached`); raise it to test list_chats paging. */
  chatsPerCustomer?: number;
}

export interface Emulator {
  /** e.g. 'http://127.0.0.1:8787' */
  url: string;
  port: number;
  close(): Promise<void>;
  stats(organizationId?: string): EmulatorStats;
}

export interface EmulatorStats {
  /** Open customer WebSocket connections (authorized or not). */
  openConnections: number;
  totalConnections: number;
  /** Successful logins so far. */
  logins: number;
  /** Count of requests received per action name. */
  requests: Record<string, number>;
}

/** WebSocket frames above this are refused by `ws` (close 1009); the API's own limit is not published. */
const MAX_FRAME_BYTES = 1024 * 1024;
const RTM_PATH = /^\/v(\d+\.\d+)\/customer\/rtm\/ws\/?$/;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const loginTimeoutMs = options.loginTimeoutMs ?? 30_000;
  const rtmOptions: RtmOptions = { chatsPerCustomer: options.chatsPerCustomer ?? 1 };
  const state = new State();
  const hub = new Hub();

  const stats = (organizationId?: string): EmulatorStats => {
    const orgs = organizationId === undefined ? [...state.orgs.values()] : [state.orgs.get(organizationId)];
    const out: EmulatorStats = { openConnections: hub.openCount(organizationId), totalConnections: 0, logins: 0, requests: {} };
    for (const org of orgs) {
      if (org === undefined) continue;
      out.totalConnections += org.counters.totalConnections;
      out.logins += org.counters.logins;
      for (const [action, n] of Object.entries(org.counters.requests)) out.requests[action] = (out.requests[action] ?? 0) + n;
    }
    return out;
  };

  const server = createServer(createHttpHandler({ state, hub, stats }));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  server.on('upgrade', (req, socket: Duplex, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const match = RTM_PATH.exec(url.pathname);
    if (match === null) {
      const body = JSON.stringify({ error: { type: 'not_found', message: `No WebSocket endpoint at ${url.pathname}` } });
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    const version = match[1] ?? '';
    const organizationId = url.searchParams.get('organization_id') ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, version, organizationId));
  });

  function onConnection(ws: WebSocket, version: string, organizationId: string): void {
    // Sockets without an organization are kept under '' so that they show in the global stats only.
    state.org(organizationId).counters.totalConnections += 1;
    const session: Session = { organizationId, groupId: 0, pushes: 'all' };
    const conn: Connection = { ws, session, closing: false };
    hub.add(conn);
    // `ws` emits 'error' for protocol violations (bad frames, oversize); unhandled it would crash the process.
    ws.on('error', () => hub.close(conn, 1002));
    ws.on('close', () => hub.remove(conn));

    // The real service accepts the socket and then explains itself with customer_disconnected.
    if (version !== API_VERSION) return hub.disconnect(conn, 'unsupported_version');
    if (organizationId === '') return hub.disconnect(conn, 'license_not_found');

    conn.loginTimer = setTimeout(() => {
      if (session.customerId === undefined) hub.disconnect(conn, 'connection_timeout');
    }, loginTimeoutMs);
    conn.loginTimer.unref();
    ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
  }

  function onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return;
    if (isBinary) {
      hub.send(conn, errorResponse(undefined, undefined, { type: 'validation', message: 'Frames must be JSON text, not binary' }));
      return;
    }
    const parsed = parseFrame(rawText(data));
    const action = parsed.ok ? parsed.request.action : parsed.action;
    if (action !== undefined) {
      const requests = state.org(conn.session.organizationId).counters.requests;
      requests[action] = (requests[action] ?? 0) + 1;
    }
    if (!parsed.ok) {
      hub.send(conn, errorResponse(parsed.action, parsed.requestId, { type: parsed.type ?? 'validation', message: parsed.message }));
      return;
    }
    hub.deliver(conn, handleRequest(state, conn.session, parsed.request, rtmOptions));
    if (conn.session.customerId !== undefined && conn.loginTimer !== undefined) {
      clearTimeout(conn.loginTimer);
      conn.loginTimer = undefined;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats,
    close() {
      closing ??= (async () => {
        hub.closeAll(1001);
        // Give clients a moment to complete the close handshake, then cut whatever is left.
        const deadline = Date.now() + 500;
        while (hub.openCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        hub.terminateAll();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
