/**
 * `npm run bench`: this SDK against the official @livechat/customer-sdk@4.0.2, in the same run, on the
 * same emulator, in Debian's Chromium. Builds the bench pages, starts the emulators and a static server
 * on random ports, runs the scenarios, prints the tables and the budgets, writes results.json and
 * RESULTS.md. Exits 1 when a budget fails (unless --no-fail) or a scenario breaks. Not part of `npm test`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/env';
import { startEmulator, type Emulator } from '../emulator/server';
import { parseArgs, USAGE, type BenchArgs } from './args';
import type { Bench, ManifestChunk } from './harness';
import { machineInfo } from './machine';
import { CleanHarness } from './clean';
import { RawChromium } from './raw-chromium';
import { ReportBoard } from './reports';
import { budgetsOf, renderMarkdown, type Report } from './report';
import type { Scenario } from './results';
import { bytes } from './scenarios/bytes';
import { connections } from './scenarios/connections';
import { fanout } from './scenarios/fanout';
import { initTime } from './scenarios/init-time';
import { latency } from './scenarios/latency';
import { memory } from './scenarios/memory';
import { recovery } from './scenarios/recovery';
import { sendEvent } from './scenarios/send-event';
import { throughput } from './scenarios/throughput';
import { walk } from './scenarios/walk';
import { serveDirectory, type StaticServer } from './static-server';

const SCENARIOS: readonly Scenario[] = [bytes, connections, initTime, sendEvent, fanout, throughput, walk, latency, memory, recovery];

const benchDir = import.meta.dirname;
const tmpDir = join(benchDir, '.tmp');
const buildDir = join(tmpDir, 'build');

function readArgs(): BenchArgs {
  const names = SCENARIOS.map((s) => s.name);
  try {
    const args = parseArgs(process.argv.slice(2), names);
    if (args.help) {
      console.log(USAGE.replace('SCENARIOS', names.join(', ')));
      process.exit(0);
    }
    return args;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE.replace('SCENARIOS', names.join(', '))}`);
    process.exit(2);
  }
}

async function buildPages(): Promise<Record<string, ManifestChunk>> {
  process.env.BENCH_OUT_DIR = buildDir;
  await build({ configFile: join(benchDir, 'vite.config.ts'), logLevel: 'warn' });
  return JSON.parse(await readFile(join(buildDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
}

async function main(): Promise<number> {
  const args = readArgs();
  const started = performance.now();
  const selected = SCENARIOS.filter((s) => args.only === undefined || args.only.includes(s.name));
  const log = (message: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

  log('building the bench pages');
  const manifest = await buildPages();
  const emulators: Emulator[] = [];
  let web: StaticServer | undefined;
  let clean: Promise<CleanHarness> | undefined;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  const report: Report = {
    machine: machineInfo(browser.version()),
    options: { quick: args.quick, only: args.only, rtts: args.rtts },
    durationS: 0,
    scenarios: [],
  };
  try {
    // No per-customer cap and no blocking, inactivity or login-less timeouts that a long run could trip.
    const emulator = await startEmulator({ port: 0, maxConnectionsPerCustomer: 0, blockAfterRefusals: 0, inactivityTimeoutMs: 0, chatsPerCustomer: 1 });
    emulators.push(emulator);
    const cappedEmulator = await startEmulator({ port: 0 });
    emulators.push(cappedEmulator);
    web = await serveDirectory(buildDir);
    const launchClean = async () => {
      const [raw, reports] = await Promise.all([RawChromium.launch(), ReportBoard.start()]);
      log(`clean start-up method: a second Chromium ${await raw.version()} over a raw CDP pipe, page reports to ${reports.url}`);
      return new CleanHarness(raw, reports);
    };
    const bench: Bench = {
      browser,
      emulator,
      cappedEmulator,
      web: web.url,
      buildDir,
      manifest,
      quick: args.quick,
      rtts: args.rtts,
      clean: () => (clean ??= launchClean()),
      log,
    };
    log(`emulator ${emulator.url} (uncapped), ${cappedEmulator.url} (default cap), pages ${web.url}, Chromium ${browser.version()}`);

    for (const scenario of selected) {
      log(`${scenario.name}: ${scenario.title}`);
      const scenarioLog = (message: string) => log(`${scenario.name}: ${message}`);
      try {
        const result = await scenario.run({ ...bench, log: scenarioLog });
        report.scenarios.push({ name: scenario.name, title: scenario.title, result });
      } catch (error) {
        console.error(error);
        report.scenarios.push({ name: scenario.name, title: scenario.title, error: (error as Error).message });
      }
    }
  } finally {
    const cleanHarness = await clean?.catch(() => undefined);
    await cleanHarness?.browser.close();
    await cleanHarness?.reports.close();
    await browser.close();
    await web?.close();
    for (const emulator of emulators) await emulator.close();
  }
  report.durationS = (performance.now() - started) / 1000;

  const markdown = renderMarkdown(report);
  const full = !args.quick && args.only === undefined;
  const outDir = full ? benchDir : tmpDir;
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'RESULTS.md'), markdown);
  console.log(`\n${markdown}`);

  const budgets = budgetsOf(report);
  for (const budget of budgets) console.log(`${budget.pass ? 'PASS' : 'FAIL'}  ${budget.budget}: ${budget.measured} (limit ${budget.limit})`);
  const failedBudgets = budgets.filter((b) => !b.pass).length;
  const broken = report.scenarios.filter((s) => s.error !== undefined).map((s) => s.name);
  if (broken.length > 0) console.log(`BROKEN  scenario(s) that did not finish: ${broken.join(', ')}`);
  console.log(`\nWrote ${resolve(outDir, 'results.json')} and RESULTS.md (${Math.round(report.durationS)} s).`);
  if (broken.length > 0) return 1;
  return failedBudgets > 0 && args.failOnBudget ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
