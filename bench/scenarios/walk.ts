/**
 * A visitor with one tab walking 5 pages of the site (full navigations): logins at the server, and the
 * time from navigation start to `connected` on each page. This SDK asks for SharedWorker
 * `extendedLifetime`, so the worker and its socket outlive each navigation.
 *
 * Clean method (bench/clean.ts; the rows without a prefix): each page reports by
 * itself and starts the next navigation itself, as a visitor's click would, `DWELL_MS` after its
 * `connected`. The old method (Playwright `goto` and `waitForFunction` in the tab) is kept beside it.
 */
import { BUDGETS } from '../budgets';
import { pageUrl, SDKS, waitForOutcome, withTabs, type SdkKind } from '../harness';
import type { Row, Scenario } from '../results';
import { summarize } from '../stats';

export const PAGES = 5;
const DWELL_MS = 200;
const OLD = 'old method (Playwright goto and waits in the tab)';

interface Walk {
  logins: number;
  /** Per page: navigation start → connected (the page's `performance.now()` at connected). */
  navigationToConnected: number[];
}

export const walk: Scenario = {
  name: 'walk',
  title: `A ${PAGES}-page walk in one tab`,
  async run(bench) {
    const walks = bench.quick ? 1 : 5;
    const clean = await bench.clean();
    const direct = { web: bench.web, server: bench.emulator.url };
    const results: Record<SdkKind, Walk[]> = { official: [], ours: [] };
    const oldResults: Record<SdkKind, Walk[]> = { official: [], ours: [] };
    for (let w = 0; w < walks; w += 1) {
      for (const kind of SDKS) {
        const { organizationId, navigationToConnected } = await clean.walk(direct, kind, 'walk', PAGES, DWELL_MS);
        results[kind].push({ logins: bench.emulator.stats(organizationId).logins, navigationToConnected });
      }
      for (const kind of SDKS) {
        // No tab from withTabs: the walk's one tab navigates instead of opening anew.
        const result = await withTabs(bench, 'walk', kind, 0, async ({ context, organizationId }) => {
          const page = await context.newPage();
          const times: number[] = [];
          for (let step = 1; step <= PAGES; step += 1) {
            await page.goto(pageUrl(bench, kind, organizationId, { step: String(step) }));
            const outcome = await waitForOutcome(page);
            if (!outcome.connected) throw new Error(`${kind} walk: page ${step} did not connect (${outcome.disconnectReason})`);
            times.push(await page.evaluate(() => window.bench.connectedAt!));
          }
          return { logins: bench.emulator.stats(organizationId).logins, navigationToConnected: times };
        });
        oldResults[kind].push(result);
      }
    }
    const tables = (from: Record<SdkKind, Walk[]>) => ({
      logins: (kind: SdkKind) => summarize(from[kind].map((r) => r.logins)).mean,
      firstPage: (kind: SdkKind) => summarize(from[kind].map((r) => r.navigationToConnected[0]!)).p50,
      later: (kind: SdkKind) => summarize(from[kind].flatMap((r) => r.navigationToConnected.slice(1))),
    });
    const now = tables(results);
    const old = tables(oldResults);
    const rows: Row[] = [
      { metric: `logins per ${PAGES}-page walk (mean of ${walks})`, unit: 'logins', official: now.logins('official'), ours: now.logins('ours'), digits: 1 },
      { metric: 'page 1: navigation start → connected, p50', unit: 'ms', official: now.firstPage('official'), ours: now.firstPage('ours') },
      { metric: `pages 2–${PAGES}: navigation start → connected, p50`, unit: 'ms', official: now.later('official').p50, ours: now.later('ours').p50 },
      { metric: `pages 2–${PAGES}: navigation start → connected, p99`, unit: 'ms', official: now.later('official').p99, ours: now.later('ours').p99 },
      { metric: `${OLD}: logins per walk`, unit: 'logins', official: old.logins('official'), ours: old.logins('ours'), digits: 1 },
      { metric: `${OLD}: page 1, p50`, unit: 'ms', official: old.firstPage('official'), ours: old.firstPage('ours') },
      { metric: `${OLD}: pages 2–${PAGES}, p50`, unit: 'ms', official: old.later('official').p50, ours: old.later('ours').p50 },
      { metric: `${OLD}: pages 2–${PAGES}, p99`, unit: 'ms', official: old.later('official').p99, ours: old.later('ours').p99 },
    ];
    return {
      rows,
      raw: { walks: results, oldMethod: { walks: oldResults } },
      notes: [
        `Clean method: each page reports by beacon and navigates to the next itself ${DWELL_MS} ms after its \`connected\`; see the start-up scenario's note. ` +
          `The ${BUDGETS.startup.walkLaterPagesRatio}× budget of pages 2–${PAGES} is checked at ${BUDGETS.startup.atRttMs} ms RTT (latency scenario): ` +
          "on loopback most of a later page's time is loading the page itself, which is the same for both SDKs.",
      ],
      budgets: [],
    };
  },
};
