/**
 * Sustained incoming events delivered to 4 tabs without loss: the bench pushes agent messages as fast
 * as the emulator takes them (a few requests in flight) and measures how fast the slowest tab got all
 * of them. If an SDK keeps up, its delivered rate equals the offered one: the emulator's ceiling is then
 * what is measured, and the table says so.
 */
import { agentSaysMany, duplicateDeliveries, eachSdk, nodeNow, receivedCounts, startChat, takeArrivals, waitUntil, withTabs, type Bench, type SdkKind } from '../harness';
import { AGENT_PREFIX } from '../pages/harness';
import type { Row, Scenario } from '../results';

const TABS = 4;
const IN_FLIGHT = 32;

interface Throughput {
  messages: number;
  offeredPerSecond: number;
  deliveredPerSecond: number;
  /** Deliveries missing over all tabs (messages × tabs expected). */
  lost: number;
  duplicates: number;
}

function run(bench: Bench, kind: SdkKind, messages: number): Promise<Throughput> {
  return withTabs(bench, 'throughput', kind, TABS, async ({ organizationId, pages }) => {
    const chatId = await startChat(pages[0]!);
    const start = nodeNow();
    await agentSaysMany(bench.emulator, organizationId, chatId, messages, IN_FLIGHT, (i) => `${AGENT_PREFIX}burst ${i}`);
    const sent = nodeNow();
    // Stop waiting once nothing moves any more: whatever is missing by then is lost.
    let last = -1;
    let still = 0;
    await waitUntil(`${kind} burst delivery`, async () => {
      const total = (await receivedCounts(pages)).reduce((a, b) => a + b, 0);
      if (total >= messages * TABS) return true;
      still = total === last ? still + 1 : 0;
      last = total;
      return still > 100;
    }, 120_000);
    const arrivals = await takeArrivals(pages);
    const received = arrivals.reduce((sum, perTab) => sum + Object.keys(perTab).length, 0);
    const lastArrival = Math.max(...arrivals.flatMap((perTab) => Object.values(perTab)));
    return {
      messages,
      offeredPerSecond: messages / ((sent - start) / 1000),
      deliveredPerSecond: messages / ((lastArrival - start) / 1000),
      lost: messages * TABS - received,
      duplicates: await duplicateDeliveries(pages),
    };
  });
}

export const throughput: Scenario = {
  name: 'throughput',
  title: `Sustained incoming events delivered to ${TABS} tabs`,
  async run(bench) {
    const messages = bench.quick ? 500 : 3000;
    const results = await eachSdk((kind) => run(bench, kind, messages));
    const rows: Row[] = [
      { metric: `offered by the emulator (${messages} messages)`, unit: 'events/s', official: results.official.offeredPerSecond, ours: results.ours.offeredPerSecond },
      { metric: `delivered to all ${TABS} tabs`, unit: 'events/s', official: results.official.deliveredPerSecond, ours: results.ours.deliveredPerSecond },
      { metric: 'lost or duplicated deliveries', unit: 'messages', official: results.official.lost + results.official.duplicates, ours: results.ours.lost + results.ours.duplicates, digits: 0 },
    ];
    return {
      rows,
      raw: { tabs: TABS, inFlight: IN_FLIGHT, results },
      notes: [`Messages pushed with ${IN_FLIGHT} control requests in flight; "delivered" = messages ÷ time from the first send to the last arrival in the slowest tab.`],
    };
  },
};
