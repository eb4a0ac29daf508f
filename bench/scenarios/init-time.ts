/**
 * `init()` → `connected` in a new tab, measured in the page: the first tab of a browser (cold: no
 * worker, no token, no socket yet) and a tab opened while two others are connected (warm).
 */
import { BUDGETS } from '../budgets';
import { initToConnected, openConnectedTab, SDKS, withTabs, withTabsOfEachSdk, type SdkKind } from '../harness';
import type { Row, Scenario } from '../results';
import { summarize, type Summary } from '../stats';

export const initTime: Scenario = {
  name: 'init',
  title: 'init() to connected in a new tab',
  async run(bench) {
    const coldRuns = bench.quick ? 2 : 10;
    const warmRuns = bench.quick ? 5 : 50;
    const cold: Record<SdkKind, number[]> = { official: [], ours: [] };
    const warm: Record<SdkKind, number[]> = { official: [], ours: [] };

    // Alternating the SDKs spreads the machine's noise over both.
    for (let run = 0; run < coldRuns; run += 1) {
      for (const kind of SDKS) cold[kind].push(await withTabs(bench, 'cold', kind, 1, ({ pages }) => initToConnected(pages[0]!)));
    }

    // Two tabs of each SDK stay open; the measured ones open and close next to them.
    await withTabsOfEachSdk(bench, 'warm', 2, async (tabs) => {
      for (let run = 0; run < warmRuns; run += 1) {
        for (const kind of SDKS) {
          const page = await openConnectedTab(tabs[kind].context, tabs[kind].url);
          warm[kind].push(await initToConnected(page));
          await page.close();
        }
      }
    });

    const s = (values: number[]): Summary => summarize(values);
    const coldSummary = { official: s(cold.official), ours: s(cold.ours) };
    const warmSummary = { official: s(warm.official), ours: s(warm.ours) };
    const rows: Row[] = [
      { metric: `first tab (cold), p50 of ${coldRuns}`, unit: 'ms', official: coldSummary.official.p50, ours: coldSummary.ours.p50 },
      { metric: `tab added while 2 are open (warm), p50 of ${warmRuns}`, unit: 'ms', official: warmSummary.official.p50, ours: warmSummary.ours.p50 },
      { metric: `tab added while 2 are open (warm), p99 of ${warmRuns}`, unit: 'ms', official: warmSummary.official.p99, ours: warmSummary.ours.p99 },
    ];
    return {
      rows,
      raw: { cold, warm, coldSummary, warmSummary },
      budgets: [
        {
          budget: 'a warm new tab reaches connected in < 30 ms',
          limit: `p50 < ${BUDGETS.warmConnectedMs} ms`,
          measured: `p50 ${warmSummary.ours.p50.toFixed(1)} ms (p99 ${warmSummary.ours.p99.toFixed(1)} ms)`,
          pass: warmSummary.ours.p50 < BUDGETS.warmConnectedMs,
        },
      ],
    };
  },
};
