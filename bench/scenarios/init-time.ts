/**
 * `init()` → `connected` in a new tab, timed in the page: the first tab of a browser context (cold: no
 * worker, no token, no socket, no HTTP cache yet) and a tab opened while two others are connected
 * (warm). Measured by the clean method (bench/clean.ts), which the budgets use, and by the old one
 * (Playwright's browser: `waitForFunction` / `evaluate` in the tab, every new worker paused until
 * Playwright answers, no first window before a cold tab) beside it, so that the harness's share shows.
 */
import { BUDGETS } from '../budgets';
import { ratioBudget } from '../budget-check';
import { WIDGET_AFTER_LOAD_MS, widgetAfterPage, type Endpoints } from '../clean';
import { initToConnected, openConnectedTab, SDKS, withTabs, withTabsOfEachSdk, type SdkKind } from '../harness';
import type { Row, Scenario } from '../results';
import { summarize } from '../stats';

const OLD = 'old method (Playwright waits in the tab, workers paused)';

const samples = (): Record<SdkKind, number[]> => ({ official: [], ours: [] });

export const initTime: Scenario = {
  name: 'init',
  title: 'init() to connected in a new tab',
  async run(bench) {
    const coldRuns = bench.quick ? 2 : 10;
    const warmRuns = bench.quick ? 5 : 50;
    const clean = await bench.clean();
    const direct: Endpoints = { web: bench.web, server: bench.emulator.url };
    const cold = samples();
    const coldAfterPage = samples();
    const warm = samples();
    const warmAfterPage = samples();
    const oldCold = samples();
    const oldWarm = samples();

    // Alternating the SDKs and the methods spreads the machine's noise over all four.
    for (let run = 0; run < coldRuns; run += 1) {
      for (const kind of SDKS) cold[kind].push(await clean.cold(direct, kind, 'cold'));
      for (const kind of SDKS) coldAfterPage[kind].push(await clean.cold(direct, kind, 'cold-after-page', widgetAfterPage(kind)));
      for (const kind of SDKS) oldCold[kind].push(await withTabs(bench, 'cold', kind, 1, ({ pages }) => initToConnected(pages[0]!)));
    }

    // Two tabs of each SDK stay open; the measured ones open and close next to them, their widget
    // started during the page's load and after it, alternately.
    await clean.warm(direct, 'official', 'warm', 2, (official) =>
      clean.warm(direct, 'ours', 'warm', 2, async (ours) => {
        const sample = { official, ours };
        for (let run = 0; run < warmRuns; run += 1) {
          for (const kind of SDKS) warm[kind].push(await sample[kind]());
          for (const kind of SDKS) warmAfterPage[kind].push(await sample[kind](widgetAfterPage(kind)));
        }
      }),
    );
    await withTabsOfEachSdk(bench, 'warm', 2, async (tabs) => {
      for (let run = 0; run < warmRuns; run += 1) {
        for (const kind of SDKS) {
          const page = await openConnectedTab(tabs[kind].context, tabs[kind].url);
          oldWarm[kind].push(await initToConnected(page));
          await page.close();
        }
      }
    });

    const summary = (values: Record<SdkKind, number[]>) => ({ official: summarize(values.official), ours: summarize(values.ours) });
    const coldSummary = summary(cold);
    const coldAfterPageSummary = summary(coldAfterPage);
    const warmSummary = summary(warm);
    const warmAfterPageSummary = summary(warmAfterPage);
    const oldColdSummary = summary(oldCold);
    const oldWarmSummary = summary(oldWarm);
    const warmRows = (metric: string, of: ReturnType<typeof summary>): Row[] =>
      (['p50', 'p99'] as const).map((p) => ({ metric: `${metric}, ${p} of ${warmRuns}`, unit: 'ms', official: of.official[p], ours: of.ours[p] }));
    const rows: Row[] = [
      { metric: `first tab (cold), p50 of ${coldRuns}`, unit: 'ms', official: coldSummary.official.p50, ours: coldSummary.ours.p50 },
      {
        metric: `first tab (cold), widget started ${WIDGET_AFTER_LOAD_MS} ms after load (ours: warmUp() first), p50 of ${coldRuns}`,
        unit: 'ms',
        official: coldAfterPageSummary.official.p50,
        ours: coldAfterPageSummary.ours.p50,
      },
      ...warmRows('tab added while 2 are open (warm)', warmSummary),
      ...warmRows(`tab added while 2 are open (warm), widget started ${WIDGET_AFTER_LOAD_MS} ms after load (ours: warmUp() first)`, warmAfterPageSummary),
      { metric: `${OLD}: first tab (cold), p50 of ${coldRuns}`, unit: 'ms', official: oldColdSummary.official.p50, ours: oldColdSummary.ours.p50 },
      { metric: `${OLD}: warm, p50 of ${warmRuns}`, unit: 'ms', official: oldWarmSummary.official.p50, ours: oldWarmSummary.ours.p50 },
      { metric: `${OLD}: warm, p99 of ${warmRuns}`, unit: 'ms', official: oldWarmSummary.official.p99, ours: oldWarmSummary.ours.p99 },
    ];
    const { startup } = BUDGETS;
    return {
      rows,
      raw: { cold, coldAfterPage, warm, warmAfterPage, coldSummary, coldAfterPageSummary, warmSummary, warmAfterPageSummary, oldMethod: { cold: oldCold, warm: oldWarm, coldSummary: oldColdSummary, warmSummary: oldWarmSummary } },
      notes: [
        'Clean method (the first six rows, and the budgets): a second Chromium (same binary and switches) driven over a raw CDP pipe that only creates and closes contexts and tabs; ' +
          'the page stamps `init()` and `connected` with `performance.now()` and posts them by `sendBeacon` to a report server, so nothing is injected into the tab and no worker is paused; ' +
          "a cold tab opens next to its context's first window, opened and settled beforehand. " +
          'The old method (Playwright `waitForFunction` in the tab, which injects its script right after `load`; Playwright pausing each new worker until it answers; no first window) is kept beside it for comparison.',
      ],
      budgets: [
        ratioBudget(
          `a warm new tab of a widget started after the page (ours: warmUp() first) reaches connected ≤ ${startup.warmRatioLoopback}× the official SDK (loopback)`,
          startup.warmRatioLoopback,
          warmAfterPageSummary.ours.p50,
          warmAfterPageSummary.official.p50,
        ),
        ratioBudget(
          `a cold first tab of a widget started after the page (ours: warmUp() first) reaches connected ≤ ${startup.coldRatioLoopback}× the official SDK (loopback)`,
          startup.coldRatioLoopback,
          coldAfterPageSummary.ours.p50,
          coldAfterPageSummary.official.p50,
        ),
      ],
    };
  },
};
