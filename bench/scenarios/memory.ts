/**
 * JS heap after a forced GC: of each of 4 tabs and of the SharedWorker, once connected and after 1,000
 * agent messages; then the leak check: one tab stays open while another is opened (until connected)
 * and closed 200 times, with the heaps read every 20 cycles and a least-squares trend fitted to them.
 */
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets';
import { pageHeap, pageHeapReading, withInspector, type BrowserInspector, type HeapReading } from '../cdp';
import { agentSaysMany, eachSdk, openConnectedTab, receivedCounts, startChat, waitUntil, withTabs, type Bench, type SdkKind } from '../harness';
import { AGENT_PREFIX } from '../pages/harness';
import type { BudgetCheck, Row, Scenario } from '../results';
import { linearTrend, summarize, type Trend } from '../stats';

const TABS = 4;
const SAMPLE_EVERY = 20;

const kb = (bytes: number) => bytes / 1024;

/** Heap of the context's SharedWorker, or undefined where there is none (the official SDK). */
async function workerHeap(inspector: BrowserInspector, page: Page): Promise<number | undefined> {
  const worker = await inspector.sharedWorker(page);
  return worker === undefined ? undefined : inspector.workerHeap(worker.targetId);
}

interface Messages {
  tabsBefore: number[];
  tabsAfter: number[];
  workerBefore?: number;
  workerAfter?: number;
}

function afterMessages(bench: Bench, inspector: BrowserInspector, kind: SdkKind, messages: number): Promise<Messages> {
  return withTabs(bench, 'memory', kind, TABS, async ({ organizationId, pages }) => {
    const chatId = await startChat(pages[0]!);
    await Promise.all(pages.map((page) => page.evaluate(() => (window.bench.recording = false))));
    const tabsBefore = await Promise.all(pages.map(pageHeap));
    const workerBefore = await workerHeap(inspector, pages[0]!);
    await agentSaysMany(bench.emulator, organizationId, chatId, messages, 4, (i) => `${AGENT_PREFIX}memory ${i}`);
    await waitUntil(`${kind} memory messages`, async () => (await receivedCounts(pages)).every((n) => n >= messages), 60_000);
    // The harness's own record of texts goes, so what is left is the SDK's (and the page's) memory.
    await Promise.all(pages.map((page) => page.evaluate(() => window.bench.reset())));
    const tabsAfter = await Promise.all(pages.map(pageHeap));
    const workerAfter = await workerHeap(inspector, pages[0]!);
    return { tabsBefore, tabsAfter, ...(workerBefore === undefined ? {} : { workerBefore }), ...(workerAfter === undefined ? {} : { workerAfter }) };
  });
}

interface Series {
  /** V8 `usedSize` after GC, per sample. */
  used: number[];
  /** Snapshot self sizes without code, per sample. */
  objects: number[];
  code: number[];
}

interface Leak {
  cycles: number[];
  tab: Series;
  worker?: Series;
  /** Trends of `used` and `objects`, fitted after the warm-up sample. */
  tabTrend: { used: Trend; objects: Trend };
  workerTrend?: { used: Trend; objects: Trend };
}

const emptySeries = (): Series => ({ used: [], objects: [], code: [] });
const record = (series: Series, reading: HeapReading) => {
  series.used.push(reading.usedSize);
  series.objects.push(reading.objectBytes);
  series.code.push(reading.codeBytes);
};

/** Fits the samples after the first (cycle 0, before any tab came and went: JIT and caches still filling). */
const trendAfterWarmUp = (cycles: number[], heaps: number[]): Trend => linearTrend(cycles.slice(1).map((c, i) => [c, heaps[i + 1]!] as const));
const trends = (cycles: number[], series: Series) => ({ used: trendAfterWarmUp(cycles, series.used), objects: trendAfterWarmUp(cycles, series.objects) });

/** One tab (the anchor) stays open through the cycles. */
function leakCheck(bench: Bench, inspector: BrowserInspector, kind: SdkKind, cycles: number): Promise<Leak> {
  return withTabs(bench, 'leak', kind, 1, async ({ context, url, pages }) => {
    const anchor = pages[0]!;
    const sampled: number[] = [];
    const tab = emptySeries();
    const worker = emptySeries();
    const sample = async (cycle: number) => {
      sampled.push(cycle);
      record(tab, await pageHeapReading(anchor));
      const target = await inspector.sharedWorker(anchor);
      if (target !== undefined) record(worker, await inspector.workerHeapReading(target.targetId));
    };
    await sample(0);
    for (let cycle = 1; cycle <= cycles; cycle += 1) {
      const page = await openConnectedTab(context, url);
      await page.close();
      if (cycle % SAMPLE_EVERY === 0) {
        await sample(cycle);
        bench.log(`${kind}: ${cycle}/${cycles} cycles`);
      }
    }
    const hasWorker = worker.used.length === sampled.length;
    return {
      cycles: sampled,
      tab,
      tabTrend: trends(sampled, tab),
      ...(hasWorker ? { worker, workerTrend: trends(sampled, worker) } : {}),
    };
  });
}

export const memory: Scenario = {
  name: 'memory',
  title: 'Memory: heaps after 1,000 messages, and the leak check',
  async run(bench) {
    const messages = bench.quick ? 300 : 1000;
    const cycles = bench.quick ? 60 : 200;
    const { loaded, leaks } = await withInspector(bench.browser, async (inspector) => ({
      loaded: await eachSdk((kind) => afterMessages(bench, inspector, kind, messages)),
      leaks: await eachSdk((kind) => leakCheck(bench, inspector, kind, cycles)),
    }));
    const meanTab = (heaps: number[]) => summarize(heaps).mean;
    const all = (m: Messages) => m.tabsAfter.reduce((a, b) => a + b, 0) + (m.workerAfter ?? 0);
    const ours = leaks.ours;
    const rows: Row[] = [
      { metric: 'tab heap, connected (mean of 4)', unit: 'KB', official: kb(meanTab(loaded.official.tabsBefore)), ours: kb(meanTab(loaded.ours.tabsBefore)) },
      { metric: `tab heap after ${messages} messages (mean of 4)`, unit: 'KB', official: kb(meanTab(loaded.official.tabsAfter)), ours: kb(meanTab(loaded.ours.tabsAfter)) },
      { metric: `worker heap after ${messages} messages`, unit: 'KB', ...(loaded.ours.workerAfter === undefined ? {} : { ours: kb(loaded.ours.workerAfter) }) },
      { metric: `4 tabs + worker after ${messages} messages`, unit: 'KB', official: kb(all(loaded.official)), ours: kb(all(loaded.ours)) },
      { metric: `leak check, open tab: objects slope over ${cycles} cycles`, unit: 'B/cycle', official: leaks.official.tabTrend.objects.slope, ours: ours.tabTrend.objects.slope, digits: 0 },
      { metric: `leak check, open tab: used heap slope over ${cycles} cycles`, unit: 'B/cycle', official: leaks.official.tabTrend.used.slope, ours: ours.tabTrend.used.slope, digits: 0 },
      { metric: `leak check, worker: objects slope over ${cycles} cycles`, unit: 'B/cycle', ...(ours.workerTrend === undefined ? {} : { ours: ours.workerTrend.objects.slope }), digits: 0 },
      { metric: `leak check, worker: used heap slope over ${cycles} cycles`, unit: 'B/cycle', ...(ours.workerTrend === undefined ? {} : { ours: ours.workerTrend.used.slope }), digits: 0 },
      {
        metric: `leak check, worker: compiled code, sample 1 → end`,
        unit: 'KB',
        ...(ours.worker === undefined ? {} : { ours: kb(ours.worker.code.at(-1)! - ours.worker.code[1]!) }),
        digits: 1,
      },
    ];
    const slopes: Array<[string, Trend | undefined]> = [
      ['worker', ours.workerTrend?.objects],
      ['open tab', ours.tabTrend.objects],
    ];
    const budgets: BudgetCheck[] = [
      {
        budget: 'no growth trend in the leak check',
        limit: `objects slope ≤ ${BUDGETS.leakSlopeBytesPerCycle} B/cycle`,
        measured:
          slopes.map(([what, t]) => (t === undefined ? `${what}: not measured` : `${what} ${t.slope.toFixed(0)} B/cycle (r² ${t.r2.toFixed(2)})`)).join(', ') +
          ` over ${cycles} cycles; used heap incl. code: worker ${ours.workerTrend?.used.slope.toFixed(0) ?? '–'}, tab ${ours.tabTrend.used.slope.toFixed(0)} B/cycle`,
        pass: slopes.every(([, t]) => t !== undefined && t.slope <= BUDGETS.leakSlopeBytesPerCycle),
      },
    ];
    return {
      rows,
      raw: { messages, cycles, sampleEvery: SAMPLE_EVERY, loaded, leaks },
      notes: [
        'Heaps are V8 `usedSize` after `HeapProfiler.collectGarbage`, read over CDP (the worker through the browser target).',
        `Leak check: one tab stays open while another opens (until connected) and closes ${cycles} times; every ${SAMPLE_EVERY} cycles the open tab's and the worker's heaps are read after a forced GC, with a heap snapshot. ` +
          'The trend is the least-squares slope over the samples, leaving out the one at cycle 0 (before the first tab came and went). ' +
          '"Objects" leaves out V8 code (bytecode, compiled code, feedback vectors): it grows while V8 compiles and optimizes more of the program (code paths such as the 20 s tab liveness pings run for the first time minutes into a run), which is bounded, while a leak shows as objects. ' +
          'The budget is on objects; the used-heap slope including code is shown next to it.',
      ],
      budgets,
    };
  },
};
