/**
 * `npx tsx bench/trace-start.ts [RTT_MS] [cold|warm|after-page]`: the network timeline of one start-up of each
 * SDK at a round trip (default 150 ms, cold), as the latency proxies see it: every HTTP request and
 * response line and every WebSocket frame, with the time it left the browser (or the server) and the
 * time it arrived, counted from the measured tab's `init()` (the page reports it on the clock this
 * process reads). It shows which round trips of a start-up wait for one another. Not part of `npm run bench`; builds the bench pages into
 * bench/.tmp/build like a bench run.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'vite';
import { startEmulator } from '../emulator/server';
import { CleanHarness, widgetAfterPage, type Endpoints } from './clean';
import { newOrganization, SDKS, type SdkKind } from './harness';
import { startLatencyProxy, type ProxyEvent } from './latency-proxy';
import { RawChromium } from './raw-chromium';
import { ReportBoard } from './reports';
import { serveDirectory } from './static-server';

const rttMs = Number(process.argv[2] ?? '150');
const mode = process.argv[3] === 'warm' || process.argv[3] === 'after-page' ? process.argv[3] : 'cold';
const buildDir = join(import.meta.dirname, '.tmp', 'build');

process.env.BENCH_OUT_DIR = buildDir;
await build({ configFile: join(import.meta.dirname, 'vite.config.ts'), logLevel: 'warn' });
const emulator = await startEmulator({ port: 0, maxConnectionsPerCustomer: 0, blockAfterRefusals: 0, inactivityTimeoutMs: 0 });
const web = await serveDirectory(buildDir);
const clean = new CleanHarness(await RawChromium.launch(), await ReportBoard.start());

type Traced = ProxyEvent & { side: 'web' | 'api' };

async function trace(kind: SdkKind): Promise<void> {
  const events: Traced[] = [];
  const [webProxy, apiProxy] = await Promise.all([
    startLatencyProxy(web.url, rttMs, (e) => events.push({ ...e, side: 'web' })),
    startLatencyProxy(emulator.url, rttMs, (e) => events.push({ ...e, side: 'api' })),
  ]);
  const endpoints: Endpoints = { web: webProxy.url, server: apiProxy.url };
  try {
    await clean.withContext(async (context) => {
      const organizationId = newOrganization('trace', kind);
      if (mode === 'warm') {
        for (let i = 0; i < 2; i += 1) {
          const run = randomUUID();
          await clean.openAndWait(context, clean.url(endpoints, kind, organizationId, run), run);
        }
      }
      events.length = 0;
      const run = randomUUID();
      const openedAt = performance.now();
      const extra = mode === 'after-page' ? widgetAfterPage(kind) : {};
      const { reports } = await clean.openAndWait(context, clean.url(endpoints, kind, organizationId, run, extra), run);
      const report = reports[0]!;
      // The page's init() on this process's clock: the proxies' times below count from it.
      const initAt = report.initEpoch - performance.timeOrigin;
      console.log(`\n${kind}, ${mode}, ${rttMs} ms RTT: init() ${(initAt - openedAt).toFixed(0)} ms after the tab was opened, connected ${(report.connectedAt! - report.initAt).toFixed(1)} ms after init()`);
      console.log('   sent  arrived  connection      bytes  what (ms after init())');
      for (const e of events) {
        const what = e.line ?? (e.side === 'api' ? `(socket data ${e.direction === 'up' ? 'to the server' : 'to the browser'})` : '(body)');
        if (e.line === undefined && e.side === 'web') continue;
        const arrow = e.direction === 'up' ? '→' : '←';
        console.log(
          `${(e.at - initAt).toFixed(1).padStart(7)} ${(e.releasedAt - initAt).toFixed(1).padStart(8)}  ${`${e.side}#${e.connection}`.padEnd(8)} ${arrow} ${String(e.bytes).padStart(6)}  ${what}`,
        );
      }
    });
  } finally {
    await Promise.all([webProxy.close(), apiProxy.close()]);
  }
}

try {
  for (const kind of SDKS) await trace(kind);
} finally {
  await clean.browser.close();
  await clean.reports.close();
  await web.close();
  await emulator.close();
}
