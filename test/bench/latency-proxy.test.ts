/**
 * The bench's latency proxy carries bytes faithfully: both directions, in order, the end of each
 * direction, over real TCP sockets. How long it holds them is the bench's business and machine
 * dependent, so no time is asserted here.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLatencyProxy, type LatencyProxy, type ProxyEvent } from '../../bench/latency-proxy';

let server: Server | undefined;
let proxy: LatencyProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  proxy = undefined;
  server = undefined;
});

/** A server that answers each chunk with `echo:` + the chunk and half-closes when the client does. */
async function echoServer(): Promise<string> {
  server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (chunk) => socket.write(`echo:${chunk.toString()}|`));
    socket.on('end', () => socket.end('bye'));
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readAll(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString()));
  return new Promise((resolve, reject) => {
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('latency proxy', () => {
  it('carries both directions in order and passes each end on', async () => {
    const events: ProxyEvent[] = [];
    proxy = await startLatencyProxy(await echoServer(), 30, (event) => events.push(event));
    const { port } = new URL(proxy.url);
    const client = connect({ host: '127.0.0.1', port: Number(port), allowHalfOpen: true });
    const all = readAll(client);
    for (let i = 0; i < 20; i += 1) client.write(`m${i}`);
    client.end();
    const text = await all;
    // The server may see several writes as one chunk; the bytes and their order are what matters.
    expect(text.replace(/echo:|\|/g, '')).toBe(`${Array.from({ length: 20 }, (_, i) => `m${i}`).join('')}bye`);
    expect(events.filter((e) => e.direction === 'up').reduce((n, e) => n + e.bytes, 0)).toBe(Array.from({ length: 20 }, (_, i) => `m${i}`).join('').length);
    expect(events.every((e) => e.releasedAt >= e.at)).toBe(true);
  });

  it('names HTTP request and response lines in its trace', async () => {
    const events: ProxyEvent[] = [];
    server = createServer((socket) => socket.on('data', () => socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n')));
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    proxy = await startLatencyProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 0, (event) => events.push(event));
    const response = await fetch(`${proxy.url}/token?x=1`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(204);
    expect(events.map((e) => e.line).filter(Boolean)).toEqual(['POST /token?x=1 HTTP/1.1', 'HTTP/1.1 204 No Content']);
  });
});
