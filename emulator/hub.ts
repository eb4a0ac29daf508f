// Registry of customer sockets and the fan-out rules of the API:
// a push reaches every logged-in socket of the customer, and only the requester's copy carries
// the request_id (wire-protocol.md §3.3/§3.4); nothing ever crosses to another customer or organization.
import { WebSocket } from 'ws';
import type { Payload, ServerFrame } from './wire';
import { pushFrame } from './wire';
import type { Outgoing, Session } from './rtm';

export interface Connection {
  readonly ws: WebSocket;
  readonly session: Session;
  /** Set once the server decided to close it: it gets no more pushes and its frames are ignored. */
  closing: boolean;
  loginTimer?: NodeJS.Timeout;
}

/** How long a closing socket may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 2000;

export class Hub {
  private readonly connections = new Set<Connection>();

  add(conn: Connection): void {
    this.connections.add(conn);
  }

  remove(conn: Connection): void {
    this.connections.delete(conn);
    if (conn.loginTimer !== undefined) clearTimeout(conn.loginTimer);
  }

  /** Sockets not yet closed (authorized or not), for one organization or all. */
  openCount(organizationId?: string): number {
    let n = 0;
    for (const c of this.connections) if (organizationId === undefined || c.session.organizationId === organizationId) n++;
    return n;
  }

  send(conn: Connection, frame: ServerFrame): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(frame));
  }

  /** Sends a push to one socket, honouring its login `pushes` subscription. */
  push(conn: Connection, action: string, payload: Payload, requestId?: string): void {
    const subs = conn.session.pushes;
    if (action !== 'customer_disconnected' && subs !== 'all' && !subs.has(action)) return;
    this.send(conn, pushFrame(action, payload, requestId));
  }

  /** Delivers what a handler produced for a request that arrived on `from`. */
  deliver(from: Connection, out: Outgoing[]): void {
    for (const o of out) {
      if (o.kind === 'reply') {
        this.send(from, o.frame);
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
    const targets = [...this.connections].filter(
      (c) => !c.closing && c.session.organizationId === organizationId && (customerId === undefined || c.session.customerId === customerId),
    );
    for (const c of targets) this.disconnect(c, reason, data);
    return targets.length;
  }

  close(conn: Connection, code = 1000): void {
    conn.closing = true;
    if (conn.loginTimer !== undefined) clearTimeout(conn.loginTimer);
    conn.ws.close(code);
    // A peer that never answers the close frame must not keep the socket (and the stats) alive.
    setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  closeAll(code = 1001): void {
    for (const c of this.connections) this.close(c, code);
  }

  terminateAll(): void {
    for (const c of this.connections) {
      c.closing = true;
      c.ws.terminate();
      this.remove(c);
    }
  }
}
