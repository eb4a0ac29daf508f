/**
 * Sustained incoming events delivered to 4 tabs without loss: the bench pushes agent messages as fast
 * as the emulator takes them (a few requests in flight) and measures how fast the slowest tab got all
 * of them. If an SDK keeps up, its delivered rate equals the offered one: the emulator's ceiling is then
 * what is measured, and the table says so.
 */
import type { Page } from '@playwright/test';
import { agentSays, newOrganization, nodeNow, openConnectedTab, pageUrl, receivedCounts, SDKS, waitUntil, type Bench, type SdkKind } from '../harness';
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

async function run(bench: Bench, kind: SdkKind, messages: number): Promise<Throughput> {
  const context = await bench.browser.newContext();
  try {
    const organizationId = newOrganization('throughput', kind);
    const pages: Page[] = [];
    for (let i = 0; i < TABS; i += 1) pages.push(await openConnectedTab(context, pageUrl(bench, kind, organizationId)));
    const chatId = await pages[0]!.evaluate(() => window.bench.startChat());
    let next = 0;
    const start = nodeNow();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < messages) {
          const i = next++;
          await agentSays(bench.emulator, organizationId, chatId, `${AGENT_PREFIX}burst ${i}`);
        }
      }),
    );
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
    const arrivals = await Promise.all(pages.map((page) => page.evaluate(() => window.bench.takeArrivals())));
    const received = arrivals.reduce((sum, perTab) => sum + Object.keys(perTab).length, 0);
    const lastArrival = Math.max(...arrivals.flatMap((perTab) => Object.values(perTab)));
    const duplicates = (await Promise.all(pages.map((page) => page.evaluate(() => window.bench.duplicates)))).reduce((a, b) => a + b, 0);
    return {
      messages,
      offeredPerSecond: messages / ((sent - start) / 1000),
      deliveredPerSecond: messages / ((lastArrival - start) / 1000),
      lost: messages * TABS - received,
      duplicates,
    };
  } finally {
    await context.close();
  }
}

export const throughput: Scenario = {
  name: 'throughput',
  title: `Sustained incoming events delivered to ${TABS} tabs`,
  async run(bench) {
    const messages = bench.quick ? 500 : 3000;
    const results = {} as Record<SdkKind, Throughput>;
    for (const kind of SDKS) results[kind] = await run(bench, kind, messages);
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
