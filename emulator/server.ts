// Wiring: one node:http server carries the HTTP endpoints and, on upgrade, the RTM WebSocket.
// Tests start it in-process with `startEmulator({ port: 0 })`; cli.ts runs it standalone.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createHttpHandler } from './http';
import { Hub, isPaused, type Connection, type Endpoint } from './hub';
import { loginGate } from './admission';
import { handleRequest, parseFrame, type RtmOptions, type Session } from './rtm';
import type { EmulatorStats } from './control';
import type { Emulator, EmulatorOptions, FrameLogLine } from './options';
import { State, TOKEN_LIFETIME_S, addCounters, emptyCounters } from './state';
import { API_VERSION, errorResponse, isApiVersion } from './wire';

export type { EmulatorStats } from './control';
export type { Emulator, EmulatorOptions, FrameLogLine } from './options';

/** What emulators sharing one state (regions) have in common. */
interface Service {
  state: State;
  hub: Hub;
  /** `${organizationId}\n${customerId}` → pending inactivity_timeout. */
  inactivity: Map<string, NodeJS.Timeout>;
  /** Emulators still running on this service. */
  users: number;
}

const services = new WeakMap<Emulator, Service>();

/** WebSocket frames above this are refused by `ws` (close 1009); the API's own limit is not published. */
const MAX_FRAME_BYTES = 1024 * 1024;
const RTM_PATH = /^\/v(\d+\.\d+)\/customer\/rtm\/ws\/?$/;
/** Requests that count as the customer being active for the inactivity timeout. */
const ENGAGING_ACTIONS = new Set(['login', 'send_event', 'start_chat', 'resume_chat', 'update_customer_page']);
/** setTimeout's ceiling; a longer token lifetime simply never expires on an open socket. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const loginTimeoutMs = options.loginTimeoutMs ?? 30_000;
  const maxUnauthorized = options.maxUnauthorizedPerIp ?? 0;
  const idleTimeoutMs = options.idleTimeoutMs ?? 0;
  const inactivityTimeoutMs = options.inactivityTimeoutMs ?? 30 * 60 * 1000;
  const tokenLifetimeSec = options.accessTokenLifetimeSec ?? TOKEN_LIFETIME_S;
  const maxPending = options.maxPendingRequests ?? 10;
  const region = options.region ?? 'dal';

  const shared = options.shareStateWith === undefined ? undefined : services.get(options.shareStateWith);
  if (options.shareStateWith !== undefined && shared === undefined) throw new Error('shareStateWith must be an emulator returned by startEmulator');
  const service: Service = shared ?? newService();
  service.users += 1;
  const { state, hub } = service;
  const endpoint: Endpoint = { latencyMs: options.latencyMs ?? 0, paused: { all: false, organizations: new Set() } };
  if (options.verbose === true) {
    const write = options.logLine ?? ((line: string) => process.stdout.write(`${line}\n`));
    endpoint.frameLog = (conn, dir, frame, size) => {
      const line: FrameLogLine = {
        ts: new Date().toISOString(),
        dir,
        organization_id: conn.session.organizationId,
        customer_id: conn.session.customerId ?? null,
        action: frame.action ?? null,
        type: frame.type ?? null,
        size,
      };
      if (frame.request_id !== undefined) line.request_id = frame.request_id;
      write(JSON.stringify(line));
    };
  }
  /** Timed pauses, by organization (undefined: the pause of everything); each ends only its own. */
  const pauseTimers = new Map<string | undefined, NodeJS.Timeout>();
  /** End (ms) of an outage for every organization, and per organization. */
  let outageUntil = 0;
  const orgOutageUntil = new Map<string, number>();

  const admit = loginGate(state, hub, {
    region,
    maxConnections: options.maxConnectionsPerCustomer ?? 5,
    blockAfter: options.blockAfterRefusals ?? 3,
    blockMs: options.blockDurationMs ?? 60_000,
    usersLimit: options.usersLimit ?? 0,
  });
  const rtmOptions: RtmOptions = { chatsPerCustomer: options.chatsPerCustomer ?? 1, admit };

  const stats = (organizationId?: string): EmulatorStats => {
    const orgs = organizationId === undefined ? [...state.orgs.values()] : [state.orgs.get(organizationId)];
    const out: EmulatorStats = { openConnections: hub.openCount(organizationId), ...emptyCounters() };
    for (const org of orgs) if (org !== undefined) addCounters(out, org.counters);
    return out;
  };

  const server = createServer(
    createHttpHandler({
      state,
      hub,
      stats,
      tokenLifetimeSec,
      latency(ms) {
        if (ms !== undefined) endpoint.latencyMs = ms;
        return endpoint.latencyMs;
      },
      outage(durationMs, organizationId) {
        refuseUpgrades(durationMs, organizationId);
        return hub.terminateAll(endpoint, organizationId);
      },
      pause,
      resume,
      restart(keepState, downMs) {
        resume();
        const closed = hub.list(endpoint).length;
        // 1012 "Service Restart": what a server going down on purpose tells its clients.
        hub.closeAll(1012, endpoint);
        if (!keepState) state.clear();
        if (downMs > 0) refuseUpgrades(downMs);
        return closed;
      },
    }),
  );

  function refuseUpgrades(durationMs: number, organizationId?: string): void {
    const until = Date.now() + durationMs;
    if (organizationId === undefined) outageUntil = Math.max(outageUntil, until);
    else orgOutageUntil.set(organizationId, Math.max(orgOutageUntil.get(organizationId) ?? 0, until));
  }

  /** Holds every frame to and from the endpoint's sockets (of one organization, or all) until resume(). */
  function pause(organizationId?: string, durationMs?: number): void {
    if (organizationId === undefined) endpoint.paused.all = true;
    else endpoint.paused.organizations.add(organizationId);
    if (durationMs !== undefined) {
      clearTimeout(pauseTimers.get(organizationId));
      const timer = setTimeout(() => resume(organizationId), durationMs);
      timer.unref();
      pauseTimers.set(organizationId, timer);
    }
  }

  /** Ends a pause (everything, or one organization's): what was held goes out in order, then what came in is handled in order. */
  function resume(organizationId?: string): void {
    if (organizationId === undefined) {
      endpoint.paused.all = false;
      endpoint.paused.organizations.clear();
      for (const timer of pauseTimers.values()) clearTimeout(timer);
      pauseTimers.clear();
    } else {
      endpoint.paused.organizations.delete(organizationId);
      clearTimeout(pauseTimers.get(organizationId));
      pauseTimers.delete(organizationId);
    }
    hub.flush(endpoint);
    for (const conn of hub.list(endpoint)) {
      if (isPaused(conn)) continue;
      const inbox = conn.inbox ?? [];
      conn.inbox = undefined;
      for (const handle of inbox) handle();
    }
  }
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
    // During an outage the service is down: the upgrade itself fails, as a load balancer would answer.
    if (Date.now() < Math.max(outageUntil, orgOutageUntil.get(organizationId) ?? 0)) {
      const body = JSON.stringify({ error: { type: 'service_unavailable', message: 'Service is restarting (emulated outage)' } });
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    const remoteAddress = req.socket.remoteAddress ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, version, organizationId, remoteAddress));
  });

  function onConnection(ws: WebSocket, version: string, organizationId: string, remoteAddress: string): void {
    // Sockets without an organization are kept under '' so that they show in the global stats only.
    const org = state.org(organizationId);
    org.counters.totalConnections += 1;
    // An unsupported version is told so in the newest version's format.
    const session: Session = { organizationId, version: isApiVersion(version) ? version : API_VERSION, groupId: 0, pushes: 'all' };
    const log = state.logSocket(organizationId);
    const conn: Connection = { ws, session, owner: endpoint, remoteAddress, closing: false, pending: 0, log };
    hub.add(conn);
    // `ws` emits 'error' for protocol violations (bad frames, oversize); unhandled it would crash the process.
    ws.on('error', () => hub.close(conn, 1002));
    ws.on('close', () => {
      log.closedAt = Date.now();
      hub.remove(conn);
    });
    // Every frame that arrives counts, whatever becomes of it (a closing socket's, a paused one's, garbage).
    ws.on('message', () => {
      log.framesIn += 1;
      log.lastFrameInAt = Date.now();
    });

    // The real service accepts the socket and then explains itself with customer_disconnected.
    if (!isApiVersion(version)) return hub.disconnect(conn, 'unsupported_version');
    if (organizationId === '' || org.status === 'missing') return hub.disconnect(conn, 'license_not_found');
    if (org.status === 'expired') return hub.disconnect(conn, 'license_expired');
    // This socket already counts itself.
    if (maxUnauthorized > 0 && hub.unauthorizedFrom(remoteAddress) > maxUnauthorized) {
      return hub.disconnect(conn, 'too_many_unauthorized_connections');
    }

    conn.loginTimer = setTimeout(() => {
      if (session.customerId === undefined) hub.disconnect(conn, 'connection_timeout');
    }, loginTimeoutMs);
    conn.loginTimer.unref();
    ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
    // Backend-style clients may keep the socket alive with control pings instead of the ping action.
    ws.on('ping', () => {
      if (conn.closing) return;
      state.org(organizationId).counters.pings += 1;
      touchIdle(conn);
    });
  }

  function onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return;
    if (isPaused(conn)) {
      (conn.inbox ??= []).push(() => onMessage(conn, data, isBinary));
      return;
    }
    touchIdle(conn);
    if (isBinary) {
      endpoint.frameLog?.(conn, 'in', {}, rawSize(data));
      hub.send(conn, errorResponse(undefined, undefined, { type: 'validation', message: 'Frames must be JSON text, not binary' }));
      return;
    }
    const counters = state.org(conn.session.organizationId).counters;
    const text = rawText(data);
    const parsed = parseFrame(text, conn.session.version);
    const action = parsed.ok ? parsed.request.action : parsed.action;
    const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
    endpoint.frameLog?.(conn, 'in', { action, type: 'request', ...(requestId === undefined ? {} : { request_id: requestId }) }, Buffer.byteLength(text));
    if (action !== undefined && conn.log !== undefined) conn.log.lastActionIn = action;
    if (action !== undefined) counters.requests[action] = (counters.requests[action] ?? 0) + 1;
    if (action === 'ping') counters.pings += 1;
    if (!parsed.ok) {
      hub.send(conn, errorResponse(parsed.action, parsed.requestId, { type: parsed.type ?? 'validation', message: parsed.message }));
      return;
    }
    if (maxPending > 0 && conn.pending >= maxPending) {
      const message = `More than ${maxPending} requests are pending on this connection`;
      hub.send(conn, errorResponse(parsed.request.action, parsed.request.requestId, { type: 'pending_requests_limit_reached', message }));
      return;
    }

    const fault = state.takeFault(conn.session.organizationId, parsed.request.action);
    if (fault !== undefined) {
      const message = fault.type === 'internal' ? 'Internal server error (emulated fault)' : 'Service temporarily unavailable (emulated fault)';
      conn.pending += 1;
      hub.send(conn, errorResponse(parsed.request.action, parsed.request.requestId, { type: fault.type, message }), () => (conn.pending -= 1));
      return;
    }

    const wasLoggedIn = conn.session.customerId !== undefined;
    const out = handleRequest(state, conn.session, parsed.request, rtmOptions);
    const reply = out.find((o) => o.kind === 'reply');
    if (reply !== undefined) {
      conn.pending += 1;
      hub.deliver(conn, out, () => (conn.pending -= 1));
    } else {
      hub.deliver(conn, out);
    }
    const customerId = conn.session.customerId;
    if (customerId === undefined || conn.closing) return;
    if (!wasLoggedIn) onLogin(conn);
    if (reply?.frame.success === true && ENGAGING_ACTIONS.has(parsed.request.action)) touchInactivity(conn.session.organizationId, customerId);
  }

  function onLogin(conn: Connection): void {
    if (conn.log !== undefined) conn.log.customerId = conn.session.customerId;
    if (conn.loginTimer !== undefined) clearTimeout(conn.loginTimer);
    conn.loginTimer = undefined;
    touchIdle(conn);
    const expiresAt = conn.session.tokenExpiresAt;
    const remaining = expiresAt === undefined ? Infinity : expiresAt - Date.now();
    if (remaining <= MAX_TIMER_MS) {
      conn.tokenTimer = setTimeout(() => hub.disconnect(conn, 'access_token_expired'), Math.max(0, remaining));
      conn.tokenTimer.unref();
    }
  }

  function touchIdle(conn: Connection): void {
    if (idleTimeoutMs <= 0 || conn.closing || conn.session.customerId === undefined) return;
    if (conn.idleTimer !== undefined) clearTimeout(conn.idleTimer);
    conn.idleTimer = setTimeout(() => hub.disconnect(conn, 'connection_timeout'), idleTimeoutMs);
    conn.idleTimer.unref();
  }

  function touchInactivity(organizationId: string, customerId: string): void {
    if (inactivityTimeoutMs <= 0) return;
    const key = `${organizationId}\n${customerId}`;
    const previous = service.inactivity.get(key);
    if (previous !== undefined) clearTimeout(previous);
    const timer = setTimeout(() => {
      service.inactivity.delete(key);
      hub.disconnectMatching(organizationId, customerId, 'inactivity_timeout');
    }, inactivityTimeoutMs);
    timer.unref();
    service.inactivity.set(key, timer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: unknown) => {
    service.users -= 1;
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const emulator: Emulator = {
    url: `http://${urlHost}:${port}`,
    port,
    region,
    stats,
    close() {
      closing ??= (async () => {
        resume();
        hub.closeAll(1001, endpoint);
        // Give clients a moment to complete the close handshake, then cut whatever is left.
        const deadline = Date.now() + 500 + endpoint.latencyMs;
        while (hub.openCount(undefined, endpoint) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        hub.terminateAll(endpoint);
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        service.users -= 1;
        if (service.users === 0) {
          for (const t of service.inactivity.values()) clearTimeout(t);
          service.inactivity.clear();
        }
      })();
      return closing;
    },
  };
  services.set(emulator, service);
  return emulator;
}

function newService(): Service {
  const state = new State();
  const hub = new Hub({
    pushSent(conn, action) {
      const pushes = state.org(conn.session.organizationId).counters.pushes;
      pushes[action] = (pushes[action] ?? 0) + 1;
    },
  });
  return { state, hub, inactivity: new Map(), users: 0 };
}

function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
