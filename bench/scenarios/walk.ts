/**
 * A visitor with one tab walking 5 pages of the site (full navigations): logins at the server, and the
 * time from navigation start to `connected` on each page. This SDK asks for SharedWorker
 * `extendedLifetime`, so the worker and its socket outlive each navigation.
 */
import { pageUrl, SDKS, waitForOutcome, withTabs, type SdkKind } from '../harness';
import type { Row, Scenario } from '../results';
import { summarize } from '../stats';

const PAGES = 5;

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
    const results: Record<SdkKind, Walk[]> = { official: [], ours: [] };
    for (let w = 0; w < walks; w += 1) {
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
        results[kind].push(result);
      }
    }
    const logins = (kind: SdkKind) => summarize(results[kind].map((r) => r.logins)).mean;
    const firstPage = (kind: SdkKind) => summarize(results[kind].map((r) => r.navigationToConnected[0]!)).p50;
    const later = (kind: SdkKind) => summarize(results[kind].flatMap((r) => r.navigationToConnected.slice(1)));
    const rows: Row[] = [
      { metric: `logins per ${PAGES}-page walk (mean of ${walks})`, unit: 'logins', official: logins('official'), ours: logins('ours'), digits: 1 },
      { metric: 'page 1: navigation start → connected, p50', unit: 'ms', official: firstPage('official'), ours: firstPage('ours') },
      { metric: `pages 2–${PAGES}: navigation start → connected, p50`, unit: 'ms', official: later('official').p50, ours: later('ours').p50 },
      { metric: `pages 2–${PAGES}: navigation start → connected, p99`, unit: 'ms', official: later('official').p99, ours: later('ours').p99 },
    ];
    return { rows, raw: { walks: results } };
  },
};
