/**
 * A TCP proxy that adds network latency: every byte crossing it waits RTT/2 in each direction, on
 * every connection (page and worker scripts, the token request, the WebSocket, its frames), in order.
 * At TCP level, so HTTP and WebSocket are delayed alike and neither SDK's traffic can bypass it.
 *
 * A new connection also pays the TCP handshake's round trip: the client's first bytes reach the
 * server 1.5 RTT after it connected, as they would after SYN / SYN-ACK. TLS is not simulated (both
 * SDKs talk plain ws/http to the emulator): against the real service each new connection would add
 * one more round trip (TLS 1.3), paid by the official SDK's socket per tab and by this SDK's once.
 * Bandwidth is not limited.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What a traced proxy saw, for bench/trace-start.ts: times are `performance.now()` in this process. */
export interface ProxyEvent {
  /** When the bytes reached the proxy (sent by the client, or by the server for `down`). */
  at: number;
  /** When they leave the proxy towards the other side. */
  releasedAt: number;
  connection: number;
  direction: 'up' | 'down';
  bytes: number;
  /** The chunk's first line when it starts an HTTP request or response (`GET /x HTTP/1.1`, `HTTP/1.1 200 OK`). */
  line?: string;
}

const HTTP_LINE = /^(?:(?:GET|POST|PUT|OPTIONS|HEAD|DELETE|PATCH) \S+ HTTP\/1\.1|HTTP\/1\.1 \d{3}[^\r\n]*)/;

export interface LatencyProxy {
  /** e.g. `http://127.0.0.1:40123`: the target's URL with the proxy's port. */
  url: string;
  rttMs: number;
  close(): Promise<void>;
}

/**
 * One direction of a proxied connection: chunks leave `delayMs` after they came, never before an
 * earlier one (a timer per head of the queue, not per chunk, so order is kept whatever the timers do).
 */
class DelayedDirection {
  private readonly queue: Array<{ at: number; chunk: Buffer | null }> = [];
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  constructor(
    private readonly to: Socket,
    private readonly delayMs: number,
    /** Nothing leaves before this time (the handshake's round trip, for the client's first bytes). */
    private readonly notBefore: number,
    private readonly trace?: (chunk: Buffer, at: number, releasedAt: number) => void,
  ) {}

  /** `null` is the end of the stream (a FIN), delayed like data. */
  push(chunk: Buffer | null): void {
    const now = performance.now();
    this.last = Math.max(this.last, Math.max(now, this.notBefore) + this.delayMs);
    this.queue.push({ at: this.last, chunk });
    if (chunk !== null) this.trace?.(chunk, now, this.last);
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const wait = this.queue[0]!.at - performance.now();
    if (wait <= 0 && this.delayMs === 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, Math.max(0, wait));
  }

  private flush(): void {
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now + 0.5) {
      const { chunk } = this.queue.shift()!;
      if (this.to.destroyed) return;
      if (chunk === null) this.to.end();
      else this.to.write(chunk);
    }
    this.schedule();
  }
}

/** Starts a proxy to `target` (an http:// URL on loopback) that adds `rttMs` of round trip. */
export async function startLatencyProxy(target: string, rttMs: number, trace?: (event: ProxyEvent) => void): Promise<LatencyProxy> {
  const { hostname, port } = new URL(target);
  const oneWay = rttMs / 2;
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const connectedAt = performance.now();
    const connection = ++connections;
    const upstream = createConnection({ host: hostname, port: Number(port), allowHalfOpen: true, noDelay: true });
    sockets.add(client);
    sockets.add(upstream);
    const traced = (direction: 'up' | 'down') =>
      trace &&
      ((chunk: Buffer, at: number, releasedAt: number) => {
        const line = HTTP_LINE.exec(chunk.subarray(0, 200).toString('latin1'))?.[0];
        trace({ at, releasedAt, connection, direction, bytes: chunk.length, ...(line === undefined ? {} : { line }) });
      });
    const up = new DelayedDirection(upstream, oneWay, connectedAt + rttMs, traced('up'));
    const down = new DelayedDirection(client, oneWay, 0, traced('down'));
    client.on('data', (chunk: Buffer) => up.push(chunk));
    upstream.on('data', (chunk: Buffer) => down.push(chunk));
    // A side that closes without a FIN (destroyed) still ends the other, after the delay like a FIN.
    let clientDone = false;
    let upstreamDone = false;
    const clientEnded = () => {
      if (clientDone) return;
      clientDone = true;
      up.push(null);
    };
    const upstreamEnded = () => {
      if (upstreamDone) return;
      upstreamDone = true;
      down.push(null);
    };
    client.on('end', clientEnded);
    upstream.on('end', upstreamEnded);
    // A reset on either side resets the other at once (a connection error carries no data to delay).
    const abort = () => {
      up.stop();
      down.stop();
      client.destroy();
      upstream.destroy();
    };
    client.on('error', abort);
    upstream.on('error', abort);
    client.on('close', () => {
      sockets.delete(client);
      clientEnded();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      upstreamEnded();
    });
    // Both halves ended and flushed: nothing is left to carry.
    const closeWhenDone = () => {
      if (client.writableEnded && upstream.writableEnded) {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on('finish', closeWhenDone);
    upstream.on('finish', closeWhenDone);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    rttMs,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
