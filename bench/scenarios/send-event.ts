/**
 * `sendEvent` round trip from one tab: the call until its promise resolves (the server's echo of the
 * event), timed in the page in sequence. Blocks of sends alternate between the SDKs so that a busy
 * moment of the shared machine does not land on one of them only.
 */
import { BUDGETS } from '../budgets';
import { eachSdk, SDKS, startChat, withTabsOfEachSdk, type SdkKind } from '../harness';
import type { Scenario } from '../results';
import { ratio, summarize } from '../stats';

const WARM_UP = 50;

export const sendEvent: Scenario = {
  name: 'send',
  title: 'sendEvent round trip (one tab)',
  async run(bench) {
    const sends = bench.quick ? 200 : 2000;
    const blocks = bench.quick ? 2 : 5;
    const rtts: Record<SdkKind, number[]> = { official: [], ours: [] };
    await withTabsOfEachSdk(bench, 'send', 1, async (tabs) => {
      const chats = await eachSdk((kind) => startChat(tabs[kind].pages[0]!));
      const sendMany = (kind: SdkKind, count: number) => tabs[kind].pages[0]!.evaluate(([chatId, n]) => window.bench.sendMany(chatId, n), [chats[kind], count] as const);
      // JIT and connection warm-up, not measured.
      await Promise.all(SDKS.map((kind) => sendMany(kind, WARM_UP)));
      for (let block = 0; block < blocks; block += 1) {
        for (const kind of SDKS) rtts[kind].push(...(await sendMany(kind, Math.ceil(sends / blocks))));
      }
    });
    const official = summarize(rtts.official);
    const ours = summarize(rtts.ours);
    const p50Ratio = ratio(ours.p50, official.p50)!;
    return {
      rows: [
        { metric: `p50 of ${ours.n}`, unit: 'ms', official: official.p50, ours: ours.p50 },
        { metric: `p99 of ${ours.n}`, unit: 'ms', official: official.p99, ours: ours.p99 },
        { metric: 'mean', unit: 'ms', official: official.mean, ours: ours.mean },
      ],
      raw: { summary: { official, ours }, rtts },
      notes: ['Timed with `performance.now()` in the page, which Chromium rounds to 0.1 ms on a page without cross-origin isolation (as on most sites).'],
      budgets: [
        {
          budget: 'sendEvent p50 ≤ 1.2× the official SDK',
          limit: `≤ ${BUDGETS.sendEventP50Ratio}×`,
          measured: `${p50Ratio.toFixed(2)}× (${ours.p50.toFixed(2)} ms vs ${official.p50.toFixed(2)} ms)`,
          pass: p50Ratio <= BUDGETS.sendEventP50Ratio,
        },
      ],
    };
  },
};
