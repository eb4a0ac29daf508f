/**
 * Start-up and `sendEvent` at real network latency: the clean method's tabs (bench/clean.ts) load
 * their pages and talk to the emulator through latency proxies (bench/latency-proxy.ts) that add
 * RTT/2 each way on every connection: page and worker scripts, the token request, the WebSocket.
 * The official SDK's production hosts are rewritten in its page to the `server` it is given
 * (bench/pages/official-hosts.ts), which here is the emulator's proxy, so both SDKs cross it.
 * At 0 ms the tabs still go through the proxies, so the rows differ only in the delay.
 */
import { BUDGETS } from '../budgets';
import { ratioBudget } from '../budget-check';
import { WIDGET_AFTER_LOAD_MS, widgetAfterPage, type Endpoints } from '../clean';
import { SDKS, type SdkKind } from '../harness';
import { startLatencyProxy } from '../latency-proxy';
import type { BudgetCheck, Row, Scenario } from '../results';
import { summarize, type Summary } from '../stats';
import { PAGES } from './walk';

interface AtRtt {
  rttMs: number;
  cold: Record<SdkKind, number[]>;
  /** The first tab of a widget started after the page (this SDK: `warmUp()` first). */
  coldAfterPage: Record<SdkKind, number[]>;
  warm: Record<SdkKind, number[]>;
  /** Navigation start → connected on pages 2–5 of each walk. */
  walkLater: Record<SdkKind, number[]>;
  sends: Record<SdkKind, number[]>;
}

const samples = (): Record<SdkKind, number[]> => ({ official: [], ours: [] });

export const latency: Scenario = {
  name: 'latency',
  title: 'Start-up and sendEvent at network latency',
  async run(bench) {
    // The budgeted cold start gets more samples than the plain one: at 150 ms the two SDKs are a few ms apart in ~475.
    const counts = bench.quick ? { cold: 1, coldAfterPage: 1, warm: 3, walks: 1, sends: 10 } : { cold: 6, coldAfterPage: 12, warm: 15, walks: 2, sends: 30 };
    const clean = await bench.clean();
    const results: AtRtt[] = [];
    for (const rttMs of bench.rtts) {
      const [web, api] = await Promise.all([startLatencyProxy(bench.web, rttMs), startLatencyProxy(bench.emulator.url, rttMs)]);
      const at: AtRtt = { rttMs, cold: samples(), coldAfterPage: samples(), warm: samples(), walkLater: samples(), sends: samples() };
      try {
        const endpoints: Endpoints = { web: web.url, server: api.url };
        bench.log(
          `${rttMs} ms round trip: ${counts.cold} + ${counts.coldAfterPage} cold tabs, ${counts.warm} warm tabs, ${counts.walks} walks, ${counts.sends} sends per SDK`,
        );
        for (let run = 0; run < Math.max(counts.cold, counts.coldAfterPage); run += 1) {
          if (run < counts.cold) for (const kind of SDKS) at.cold[kind].push(await clean.cold(endpoints, kind, 'latency-cold'));
          if (run < counts.coldAfterPage) {
            for (const kind of SDKS) at.coldAfterPage[kind].push(await clean.cold(endpoints, kind, 'latency-cold-after-page', widgetAfterPage(kind)));
          }
        }
        await clean.warm(endpoints, 'official', 'latency-warm', 2, (official) =>
          clean.warm(endpoints, 'ours', 'latency-warm', 2, async (ours) => {
            const sample = { official, ours };
            for (let run = 0; run < counts.warm; run += 1) for (const kind of SDKS) at.warm[kind].push(await sample[kind]());
          }),
        );
        // A visitor reads a page for longer than a few round trips: work an SDK starts after `connected` is not cut short.
        const dwellMs = 200 + 4 * rttMs;
        for (let w = 0; w < counts.walks; w += 1) {
          for (const kind of SDKS) at.walkLater[kind].push(...(await clean.walk(endpoints, kind, 'latency-walk', PAGES, dwellMs)).navigationToConnected.slice(1));
        }
        for (const kind of SDKS) at.sends[kind].push(...(await clean.sends(endpoints, kind, 'latency-send', counts.sends)));
      } finally {
        await Promise.all([web.close(), api.close()]);
      }
      results.push(at);
    }

    const p50 = (values: Record<SdkKind, number[]>) => ({ official: summarize(values.official).p50, ours: summarize(values.ours).p50 });
    const rows: Row[] = [];
    const metrics: Array<[string, (at: AtRtt) => Record<SdkKind, number[]>]> = [
      [`first tab (cold): init() → connected, p50 of ${counts.cold}`, (at) => at.cold],
      [`first tab (cold), widget started ${WIDGET_AFTER_LOAD_MS} ms after load (ours: warmUp() first): init() → connected, p50 of ${counts.coldAfterPage}`, (at) => at.coldAfterPage],
      [`tab added while 2 are open (warm): init() → connected, p50 of ${counts.warm}`, (at) => at.warm],
      [`pages 2–${PAGES} of a walk: navigation start → connected, p50 of ${counts.walks * (PAGES - 1)}`, (at) => at.walkLater],
      [`sendEvent round trip, p50 of ${counts.sends}`, (at) => at.sends],
    ];
    for (const [metric, of] of metrics) {
      for (const at of results) rows.push({ metric: `${at.rttMs} ms RTT: ${metric}`, unit: 'ms', ...p50(of(at)) });
    }

    const { startup } = BUDGETS;
    const budgetAt = results.find((at) => at.rttMs === startup.atRttMs);
    const budgets: BudgetCheck[] = [];
    if (budgetAt !== undefined) {
      const warm = p50(budgetAt.warm);
      const cold = p50(budgetAt.coldAfterPage);
      const walk = p50(budgetAt.walkLater);
      budgets.push(
        ratioBudget(`a warm new tab reaches connected ≤ ${startup.warmRatioAtRtt}× the official SDK (${startup.atRttMs} ms RTT)`, startup.warmRatioAtRtt, warm.ours, warm.official),
        ratioBudget(
          `a cold first tab of a widget started after the page (ours: warmUp() first) reaches connected ≤ ${startup.coldRatioAtRtt}× the official SDK (${startup.atRttMs} ms RTT)`,
          startup.coldRatioAtRtt,
          cold.ours,
          cold.official,
        ),
        ratioBudget(`pages 2–${PAGES} of a walk reach connected ≤ ${startup.walkLaterPagesRatio}× the official SDK (${startup.atRttMs} ms RTT)`, startup.walkLaterPagesRatio, walk.ours, walk.official),
      );
    }
    const summaries = (values: Record<SdkKind, number[]>): Record<SdkKind, Summary> => ({ official: summarize(values.official), ours: summarize(values.ours) });
    return {
      rows,
      raw: {
        counts,
        byRtt: results.map((at) => ({
          ...at,
          summary: { cold: summaries(at.cold), coldAfterPage: summaries(at.coldAfterPage), warm: summaries(at.warm), walkLater: summaries(at.walkLater), sends: summaries(at.sends) },
        })),
      },
      notes: [
        'Every connection of the clean method\'s tabs (pages, scripts, the token request, the WebSocket) goes through TCP proxies that hold each chunk RTT/2 in each direction, in order; ' +
          "a new connection's first bytes also wait one RTT for the TCP handshake. TLS is not simulated (the emulator speaks plain http/ws): against the real service each new connection pays one more round trip. " +
          `Walk pages dwell 200 ms + 4 RTT after \`connected\` before the next navigation. ${budgetAt === undefined ? `The ${startup.atRttMs} ms budgets were not checked: not among this run's round trips (\`--rtt\`).` : ''}`.trim(),
      ],
      budgets,
    };
  },
};
