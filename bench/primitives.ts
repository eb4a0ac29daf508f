/**
 * `npx tsx bench/primitives.ts [RUNS]`: what the browser itself costs for the steps a new tab of
 * each SDK cannot avoid, without either SDK: a page connecting to a SharedWorker that is already
 * running and hearing its first answer (this SDK's warm tab, whose page did not call `warmUp()`), a
 * message to that worker on a port already connected (after `warmUp()`), a BroadcastChannel round
 * trip to it, and a new WebSocket to a loopback server up to its first echo (the official SDK's
 * socket and login, without token or JSON), and a token-sized POST answered with JSON, by fetch()
 * (`response.json()`) and by XMLHttpRequest (its `load`, then `JSON.parse`): the cookie grant's
 * two ways to the token (src/client/cookie-grant.ts). Each is timed in its own fresh tab, 0.3 s after `load`,
 * next to a tab that keeps the worker running, by the clean method (bench/clean.ts: nothing is
 * injected, the page reports by beacon). Not part of `npm run bench`: it measures the browser, not
 * the SDKs, and says what floor the start-up budgets stand on (bench/budgets.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RawChromium } from './raw-chromium';
import { ReportBoard } from './reports';
import { percentile } from './stats';

const runs = Number(process.argv[2] ?? '30');
const MODES = ['connect', 'port', 'broadcast', 'websocket', 'fetch', 'xhr'] as const;

// A channel does not hear its own messages, so the worker answers on the one it listens on.
const WORKER = `
const channel = new BroadcastChannel('primitives');
channel.onmessage = (event) => {
  if (event.data?.hello !== undefined) channel.postMessage({ here: event.data.hello });
};
onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = (message) => port.postMessage(message.data);
};`;

// The page reports through the bench's report board (bench/reports.ts): the time goes in `connectedAt`.
const PAGE = `<!doctype html><title>primitives</title><script type="module">
const query = new URLSearchParams(location.search);
const mode = query.get('mode');
const report = (ms) => navigator.sendBeacon(query.get('report'), JSON.stringify({
  run: query.get('run'), type: 'connected', sdk: 'ours', step: 1, initAt: 0, initEpoch: 0, connectedAt: ms }));
function measure() {
  const start = performance.now();
  const done = () => report(performance.now() - start);
  if (mode === 'keep' || mode === 'connect') {
    const worker = new SharedWorker('/worker.js');
    worker.port.onmessage = done;
    worker.port.postMessage('hello');
  } else if (mode === 'port') {
    const worker = new SharedWorker('/worker.js');
    worker.port.onmessage = () => {
      const again = performance.now();
      worker.port.onmessage = () => report(performance.now() - again);
      worker.port.postMessage('again');
    };
    worker.port.postMessage('hello');
  } else if (mode === 'broadcast') {
    const channel = new BroadcastChannel('primitives');
    const id = Math.random();
    channel.onmessage = (event) => { if (event.data.here === id) done(); };
    channel.postMessage({ hello: id });
  } else if (mode === 'fetch') {
    fetch('/token', { method: 'POST', body: '{}' }).then((response) => response.json()).then(done);
  } else if (mode === 'xhr') {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/token');
    xhr.onload = () => { JSON.parse(xhr.responseText); done(); };
    xhr.send('{}');
  } else {
    const socket = new WebSocket(query.get('ws'));
    socket.onopen = () => socket.send('login');
    socket.onmessage = () => { done(); socket.close(); };
  }
}
addEventListener('load', () => setTimeout(measure, 300));
</script>`;

const web = createServer((req, res) => {
  if (req.url === '/token') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: 'x'.repeat(400), entity_id: 'e', expires_in: 3600 }));
    return;
  }
  const worker = req.url?.startsWith('/worker.js');
  res.writeHead(200, { 'Content-Type': worker ? 'text/javascript' : 'text/html', 'Cache-Control': 'no-cache' }).end(worker ? WORKER : PAGE);
});
await new Promise<void>((done) => web.listen(0, '127.0.0.1', done));
const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise<void>((done) => echo.once('listening', done));
echo.on('connection', (socket) => socket.on('message', () => socket.send('ok')));
const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
const wsUrl = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}/`;

const browser = await RawChromium.launch();
const reports = await ReportBoard.start();
const context = await browser.newContext();
/** Opens a tab in `mode`, waits for its one report; the time it reported, in ms. */
const sample = async (mode: string): Promise<number> => {
  const run = randomUUID();
  const waiting = reports.wait(run, 1, 30_000);
  const targetId = await context.open(`${webUrl}/?${new URLSearchParams({ mode, run, report: reports.url, ws: wsUrl })}`);
  const [report] = await waiting.finally(() => reports.forget(run));
  if (mode !== 'keep') await context.closeTab(targetId);
  return report!.connectedAt!;
};
try {
  await context.openFirstWindow();
  await sample('keep');
  const times = Object.fromEntries(MODES.map((mode) => [mode, [] as number[]])) as Record<(typeof MODES)[number], number[]>;
  for (let i = 0; i < runs; i += 1) for (const mode of MODES) times[mode].push(await sample(mode));
  const p50 = (mode: (typeof MODES)[number]) => percentile(times[mode], 50);
  console.log(`Chromium ${await browser.version()}, ${runs} tabs per primitive, p50 in ms (and ÷ the WebSocket's):`);
  const what = {
    connect: 'new SharedWorker() to a running worker → its first answer',
    port: 'a message to that worker on a connected port → its answer',
    broadcast: 'a BroadcastChannel round trip to that worker',
    websocket: 'new WebSocket() on loopback → open → one echo',
    fetch: 'fetch() POST on loopback → response.json()',
    xhr: 'XMLHttpRequest POST on loopback → onload, JSON.parse',
  };
  for (const mode of MODES) console.log(`${p50(mode).toFixed(2).padStart(7)}  ${(p50(mode) / p50('websocket')).toFixed(2)}×  ${what[mode]}`);
} finally {
  await context.close();
  await browser.close();
  await reports.close();
  echo.close();
  web.close();
}
