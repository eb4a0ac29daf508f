// Registry of customer sockets and the fan-out rules of the API:
// a push reaches every logged-in socket of the customer, and only the requester's copy carries
// the request_id (wire-protocol.md §3.3/§3.4); nothing ever crosses to another customer or organization.
import { WebSocket } from 'ws';
import type { Payload, ServerFrame } from './wire';
import { pushExists, pushFrame } from './wire';
import type { Outgoing, Session } from './rtm';
import type { SocketLog } from './state';

/** The emulator (server) a socket came in through; several may share one Hub (regions). */
export interface Endpoint {
  /** Every frame and close to the socket is delayed by this much (runtime-adjustable). */
  latencyMs: number;
  /** POST /__emulator/pause: nothing is written to (or read from) these sockets until resumed. */
  paused: { all: boolean; organizations: Set<string> };
  /** Verbose mode: told of every frame written to a socket. */
  frameLog?: (conn: Connection, direction: 'in' | 'out', frame: { action?: string; type?: string; request_id?: string }, size: number) => void;
}

/** Whether the endpoint holds this socket's frames (a paused organization, or everything). */
export function isPaused(conn: Connection): boolean {
  const { paused } = conn.owner;
  return paused.all || paused.organizations.has(conn.session.organizationId);
}

/** What the service wants to know of every frame written, whichever endpoint wrote it. */
interface HubHooks {
  pushSent?(conn: Connection, action: string): void;
}

export interface Connection {
  readonly ws: WebSocket;
  readonly session: Session;
  readonly owner: Endpoint;
  /** Remote IP address of the socket, for the per-address cap on unauthorized sockets. */
  readonly remoteAddress: string;
  /** Set once the server decided to close it: it gets no more pushes and its frames are ignored. */
  closing: boolean;
  /** Requests received whose response has not been written to the socket yet. */
  pending: number;
  loginTimer?: NodeJS.Timeout;
  /** Fires when the client has been silent for the idle timeout (after login). */
  idleTimer?: NodeJS.Timeout;
  /** Fires when the access token used to log in expires. */
  tokenTimer?: NodeJS.Timeout;
  /** Frames and closes waiting for their latency to pass (or for a pause to end), in order. */
  queue?: Array<{ at: number; run: () => void }>;
  queueTimer?: NodeJS.Timeout;
  /** Frames received while paused, handled in order on resume. */
  inbox?: Array<() => void>;
  /** What `GET /__emulator/sockets` reports of this socket (kept in the organization's state, also once closed). */
  log?: SocketLog;
}

function clearConnectionTimers(conn: Connection): void {
  for (const t of [conn.loginTimer, conn.idleTimer, conn.tokenTimer]) if (t !== undefined) clearTimeout(t);
  conn.loginTimer = undefined;
  conn.idleTimer = undefined;
  conn.tokenTimer = undefined;
}

/** How long a closing socket may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 2000;

export class Hub {
  private readonly connections = new Set<Connection>();

  constructor(private readonly hooks: HubHooks = {}) {}

  /** Every open socket of the endpoint (or all), optionally one organization's. */
  list(owner?: Endpoint, organizationId?: string): Connection[] {
    return [...this.connections].filter(
      (c) => (owner === undefined || c.owner === owner) && (organizationId === undefined || c.session.organizationId === organizationId),
    );
  }

  add(conn: Connection): void {
    this.connections.add(conn);
  }

  remove(conn: Connection): void {
    this.connections.delete(conn);
    clearConnectionTimers(conn);
    if (conn.queueTimer !== undefined) clearTimeout(conn.queueTimer);
    conn.queue = undefined;
    conn.inbox = undefined;
  }

  /** Sockets not yet closed (authorized or not), for one organization or all, optionally only one endpoint's. */
  openCount(organizationId?: string, owner?: Endpoint): number {
    return this.list(owner, organizationId).length;
  }

  /** Open sockets from `address` that have not logged in and are not being closed. */
  unauthorizedFrom(address: string): number {
    let n = 0;
    for (const c of this.connections) if (!c.closing && c.session.customerId === undefined && c.remoteAddress === address) n++;
    return n;
  }

  /** Customers of an organization with at least one logged-in socket that is not being closed. */
  onlineCustomers(organizationId: string): Set<string> {
    const out = new Set<string>();
    for (const c of this.connections) {
      if (!c.closing && c.session.organizationId === organizationId && c.session.customerId !== undefined) out.add(c.session.customerId);
    }
    return out;
  }

  /** Writes a frame, after the endpoint's latency; `onSent` runs when it is written (or dropped because the socket is gone). */
  send(conn: Connection, frame: ServerFrame, onSent?: () => void): void {
    const text = JSON.stringify(frame);
    this.later(conn, () => {
      if (conn.ws.readyState === WebSocket.OPEN) {
        conn.ws.send(text);
        if (frame.type === 'push' && frame.action !== undefined) this.hooks.pushSent?.(conn, frame.action);
        conn.owner.frameLog?.(conn, 'out', frame, Buffer.byteLength(text));
      }
      onSent?.();
    });
  }

  /**
   * Runs `run` now when there is no latency and nothing queued, else once the latency has passed.
   * Items never overtake each other, even when the latency is lowered at runtime.
   */
  private later(conn: Connection, run: () => void): void {
    const latency = conn.owner.latencyMs;
    const queue = conn.queue ?? [];
    if (latency <= 0 && queue.length === 0 && !isPaused(conn)) return run();
    const last = queue[queue.length - 1];
    queue.push({ at: Math.max(Date.now() + Math.max(latency, 0), last?.at ?? 0), run });
    conn.queue = queue;
    this.pump(conn);
  }

  private pump(conn: Connection): void {
    const head = conn.queue?.[0];
    if (head === undefined || conn.queueTimer !== undefined || isPaused(conn)) return;
    conn.queueTimer = setTimeout(() => {
      conn.queueTimer = undefined;
      const queue = conn.queue ?? [];
      const now = Date.now();
      while (queue.length > 0 && (queue[0]?.at ?? 0) <= now && !isPaused(conn)) queue.shift()?.run();
      this.pump(conn);
    }, Math.max(0, head.at - Date.now()));
  }

  /** After a pause: writes what was held for the endpoint's sockets, in order (their latency has passed meanwhile). */
  flush(owner: Endpoint): void {
    for (const c of this.list(owner)) this.pump(c);
  }

  /** Sends a push to one socket, honouring its API version (pushes it lacks are dropped) and its login `pushes` subscription. */
  push(conn: Connection, action: string, payload: Payload, requestId?: string): void {
    const { pushes: subs, version } = conn.session;
    if (!pushExists(action, version)) return;
    if (action !== 'customer_disconnected' && subs !== 'all' && !subs.has(action)) return;
    this.send(conn, pushFrame(action, payload, requestId, version));
  }

  /** Delivers what a handler produced for a request that arrived on `from`; `onReplySent` runs once the response is written. */
  deliver(from: Connection, out: Outgoing[], onReplySent?: () => void): void {
    for (const o of out) {
      if (o.kind === 'reply') {
        this.send(from, o.frame, onReplySent);
        continue;
      }
      if (o.kind === 'disconnect') {
        this.disconnect(from, o.reason, o.data);
        continue;
      }
      const { organizationId, customerId } = from.session;
      if (customerId === undefined) continue;
      this.pushToCustomer(organizationId, customerId, o.action, o.payload, o.requestId === undefined ? undefined : { conn: from, requestId: o.requestId });
    }
  }

  pushToCustomer(organizationId: string, customerId: string, action: string, payload: Payload, requester?: { conn: Connection; requestId: string }): number {
    let n = 0;
    for (const c of this.customerConnections(organizationId, customerId)) {
      this.push(c, action, payload, requester?.conn === c ? requester.requestId : undefined);
      n++;
    }
    return n;
  }

  /** Pushes to every logged-in socket of the organization whose login group is `groupId` (group status changes). */
  pushToGroup(organizationId: string, groupId: number, action: string, payload: Payload): number {
    let n = 0;
    for (const c of this.connections) {
      if (c.closing || c.session.organizationId !== organizationId || c.session.customerId === undefined || c.session.groupId !== groupId) continue;
      this.push(c, action, payload);
      n++;
    }
    return n;
  }

  customerConnections(organizationId: string, customerId: string): Connection[] {
    return [...this.connections].filter(
      (c) => !c.closing && c.session.organizationId === organizationId && c.session.customerId === customerId,
    );
  }

  /** Sends `customer_disconnected` then closes: the order the real server uses and clients rely on. */
  disconnect(conn: Connection, reason: string, data?: Payload): void {
    if (conn.closing) return;
    this.push(conn, 'customer_disconnected', data === undefined ? { reason } : { reason, data });
    this.close(conn);
  }

  /** Disconnects every socket of an organization, or only one customer's. Returns how many. */
  disconnectMatching(organizationId: string, customerId: string | undefined, reason: string, data?: Payload): number {
    const targets =
      customerId === undefined ? this.list(undefined, organizationId).filter((c) => !c.closing) : this.customerConnections(organizationId, customerId);
    for (const c of targets) this.disconnect(c, reason, data);
    return targets.length;
  }

  /** Closes after whatever is already queued for the socket (so a preceding push still arrives first). */
  close(conn: Connection, code = 1000): void {
    conn.closing = true;
    clearConnectionTimers(conn);
    this.later(conn, () => {
      conn.ws.close(code);
      // A peer that never answers the close frame must not keep the socket (and the stats) alive.
      setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS).unref();
    });
  }

  /** Cuts the socket at once, without a close frame (the client sees 1006); queued frames are dropped. */
  terminate(conn: Connection): void {
    conn.closing = true;
    conn.ws.terminate();
    this.remove(conn);
  }

  closeAll(code = 1001, owner?: Endpoint): void {
    for (const c of this.list(owner)) this.close(c, code);
  }

  /** Terminates every socket of the endpoint (or all), optionally only one organization's. Returns how many. */
  terminateAll(owner?: Endpoint, organizationId?: string): number {
    const targets = this.list(owner, organizationId);
    for (const c of targets) this.terminate(c);
    return targets.length;
  }
}
