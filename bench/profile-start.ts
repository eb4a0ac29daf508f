/**
 * `npx tsx bench/profile-start.ts [RUNS] [RTT_MS] [warm,warm-after-page,warm-after-warm-up,cold,after-page]`:
 * where this SDK's start-up time goes, step by step. Builds the bench pages with the SDK's profiling
 * steps compiled in (src/shared/profile.ts), opens tabs by the clean method (bench/clean.ts) and
 * prints, for a warm tab (its widget started during the page's load, or after it, with or without
 * `warmUp()` in its head), a cold tab and a cold tab of a widget started after the page (`warmUp()`
 * first), the median time after `init()` of each step the tab and the worker reached, with the
 * official SDK's `init()` → `connected` of the same run beside
 * it. Not part of `npm run bench`: the steps cost a little themselves, so its totals are not the
 * bench's. For a trace of the same start-ups without the steps (what the README's profile rests on):
 * `BENCH_PROFILE=0 BENCH_NO_MINIFY=1 BENCH_CHROMIUM_ARGS="--trace-startup=devtools.timeline,v8.execute,
 * disabled-by-default-v8.cpu_profiler --trace-startup-format=json --trace-startup-file=/tmp/t.json
 * --trace-startup-duration=14" npx tsx bench/profile-start.ts 8 0 warm` (one switch string, no newlines).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'vite';
import { startEmulator } from '../emulator/server';
import { CleanHarness, widgetAfterPage, type Endpoints } from './clean';
import { newOrganization, SDKS, type SdkKind } from './harness';
import { startLatencyProxy } from './latency-proxy';
import type { PageReport } from './pages/harness';
import { RawChromium } from './raw-chromium';
import { ReportBoard } from './reports';
import { percentile } from './stats';
import { serveDirectory } from './static-server';

const runs = Number(process.argv[2] ?? '15');
const rttMs = Number(process.argv[3] ?? '0');
const starts = (process.argv[4] ?? 'warm,cold,after-page').split(',') as Start[];
const buildDir = join(import.meta.dirname, '.tmp', 'profile-build');

process.env.BENCH_OUT_DIR = buildDir;
process.env.BENCH_PROFILE = process.env.BENCH_PROFILE ?? '1';
await build({ configFile: join(import.meta.dirname, 'vite.config.ts'), logLevel: 'warn' });
const emulator = await startEmulator({ port: 0, maxConnectionsPerCustomer: 0, blockAfterRefusals: 0, inactivityTimeoutMs: 0 });
const web = await serveDirectory(buildDir);
const proxies = rttMs > 0 ? await Promise.all([startLatencyProxy(web.url, rttMs), startLatencyProxy(emulator.url, rttMs)]) : [];
const endpoints: Endpoints = proxies.length ? { web: proxies[0]!.url, server: proxies[1]!.url } : { web: web.url, server: emulator.url };
const clean = new CleanHarness(await RawChromium.launch(), await ReportBoard.start());

type Start = 'warm' | 'warm-after-page' | 'warm-after-warm-up' | 'cold' | 'after-page';

/** One measured tab's report; a warm one opens next to two connected tabs of the same visitor. */
async function measure(kind: SdkKind, start: Start): Promise<PageReport> {
  return clean.withContext(async (context) => {
    const organizationId = newOrganization(`profile-${start}`, kind);
    if (start === 'warm' || start === 'warm-after-page' || start === 'warm-after-warm-up') {
      for (let i = 0; i < 2; i += 1) {
        const run = randomUUID();
        await clean.openAndWait(context, clean.url(endpoints, kind, organizationId, run), run);
      }
    }
    const run = randomUUID();
    // `warm-after-page`: no `warmUp()` (its worker is running already); `warm-after-warm-up`: the page's head calls it anyway.
    const extra = start === 'warm' || start === 'cold' ? {} : widgetAfterPage(kind, start !== 'warm-after-page');
    const { reports } = await clean.openAndWait(context, clean.url(endpoints, kind, organizationId, run, extra), run);
    return reports[0]!;
  });
}

try {
  console.log(`Chromium ${await clean.browser.version()}, ${rttMs} ms RTT, ${runs} tabs per start and SDK; medians in ms after init().`);
  for (const start of starts) {
    const totals: Record<SdkKind, number[]> = { official: [], ours: [] };
    const steps = new Map<string, number[]>();
    for (let i = 0; i < runs; i += 1) {
      for (const kind of SDKS) {
        const report = await measure(kind, start);
        totals[kind].push(report.connectedAt! - report.initAt);
        if (kind !== 'ours') continue;
        // A step's first time after init() (a warm tab's neighbours post their own steps too, before it).
        const seen = new Set<string>();
        for (const [step, ms] of report.steps ?? []) {
          if (ms < -0.5 || seen.has(step)) continue;
          seen.add(step);
          steps.set(step, [...(steps.get(step) ?? []), ms]);
        }
      }
    }
    console.log(`\n${start}: official ${percentile(totals.official, 50).toFixed(1)} ms, this SDK ${percentile(totals.ours, 50).toFixed(1)} ms (init() → connected)`);
    const ordered = [...steps].map(([step, values]) => ({ step, ms: percentile(values, 50), n: values.length })).sort((a, b) => a.ms - b.ms);
    for (const { step, ms, n } of ordered) console.log(`${ms.toFixed(1).padStart(8)}  ${step}${n < runs ? ` (in ${n} of ${runs})` : ''}`);
  }
} finally {
  await clean.browser.close();
  await clean.reports.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await web.close();
  await emulator.close();
}
