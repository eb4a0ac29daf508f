/**
 * Fan-out: the time from the bench asking the emulator to push an agent message until the message has
 * reached every one of N tabs. The bench stamps the send with `performance.timeOrigin + now()` in Node
 * and each tab stamps the arrival the same way: both read this machine's one system clock. The clock
 * check below measures how far apart the two readings can be; the stamp also covers the loopback HTTP
 * request to the emulator's control API, the same for both SDKs.
 */
import type { Page } from '@playwright/test';
import type { Emulator } from '../../emulator/server';
import { agentSays, duplicateDeliveries, eachSdk, nodeNow, receivedCounts, SDKS, sleep, startChat, takeArrivals, waitUntil, withTabsOfEachSdk, type SdkKind, type Tabs } from '../harness';
import { AGENT_PREFIX } from '../pages/harness';
import type { Row, Scenario } from '../results';
import { summarize, type Summary } from '../stats';

/** Pause between messages, so each one measures delivery, not queueing behind the previous one. */
const GAP_MS = 10;

interface Clock {
  /** Page clock minus Node clock, from the round trip with the smallest spread. */
  offsetMs: number;
  /** Half that round trip: the offset is known to within this. */
  uncertaintyMs: number;
}

/** Reads the page's clock between two Node readings, a few times; keeps the tightest one. */
export async function clockOffset(page: Page): Promise<Clock> {
  let best: Clock | undefined;
  for (let i = 0; i < 10; i += 1) {
    const before = nodeNow();
    const inPage = await page.evaluate(() => window.bench.now());
    const after = nodeNow();
    const candidate = { offsetMs: inPage - (before + after) / 2, uncertaintyMs: (after - before) / 2 };
    if (best === undefined || candidate.uncertaintyMs < best.uncertaintyMs) best = candidate;
  }
  return best!;
}

interface Fanout {
  /** Per message: until the last tab had it. */
  all: Summary;
  /** Per message: until the first tab had it. */
  first: Summary;
  lost: number;
  duplicates: number;
  clocks: Clock[];
}

/** Messages alternate between the SDKs, so that a busy moment of the shared machine does not land on one of them only. */
async function measure(emulator: Emulator, tabs: Record<SdkKind, Tabs>, messages: number): Promise<Record<SdkKind, Fanout>> {
  const chats = await eachSdk((kind) => startChat(tabs[kind].pages[0]!));
  const sentAt: Record<SdkKind, Map<string, number>> = { official: new Map(), ours: new Map() };
  for (let i = 0; i < messages; i += 1) {
    for (const kind of SDKS) {
      const text = `${AGENT_PREFIX}fanout ${i}`;
      sentAt[kind].set(text, nodeNow());
      await agentSays(emulator, tabs[kind].organizationId, chats[kind], text);
      await sleep(GAP_MS);
    }
  }
  return eachSdk(async (kind) => {
    const { pages } = tabs[kind];
    await waitUntil(`${kind} fan-out delivery`, async () => (await receivedCounts(pages)).every((n) => n >= messages), 15_000).catch(() => undefined);
    const arrivals = await takeArrivals(pages);
    const duplicates = await duplicateDeliveries(pages);
    const all: number[] = [];
    const first: number[] = [];
    let lost = 0;
    for (const [text, sent] of sentAt[kind]) {
      const times = arrivals.map((perTab) => perTab[text]);
      lost += times.filter((t) => t === undefined).length;
      const got = times.filter((t): t is number => t !== undefined);
      if (got.length === pages.length) all.push(Math.max(...got) - sent);
      if (got.length > 0) first.push(Math.min(...got) - sent);
    }
    return { all: summarize(all), first: summarize(first), lost, duplicates, clocks: await Promise.all(pages.map(clockOffset)) };
  });
}

export const fanout: Scenario = {
  name: 'fanout',
  title: 'Fan-out of a pushed message to every tab',
  async run(bench) {
    const tabCounts = bench.quick ? [4] : [4, 10, 20];
    const messages = bench.quick ? 50 : 300;
    const results: Record<number, Record<SdkKind, Fanout>> = {};
    for (const count of tabCounts) {
      bench.log(`${count} tabs, ${messages} messages`);
      results[count] = await withTabsOfEachSdk(bench, 'fanout', count, (tabs) => measure(bench.emulator, tabs, messages));
    }
    const rows: Row[] = [];
    for (const count of tabCounts) {
      const r = results[count]!;
      rows.push({ metric: `${count} tabs: to every tab, p50`, unit: 'ms', official: r.official.all.p50, ours: r.ours.all.p50 });
      rows.push({ metric: `${count} tabs: to every tab, p99`, unit: 'ms', official: r.official.all.p99, ours: r.ours.all.p99 });
      rows.push({ metric: `${count} tabs: to the first tab, p50`, unit: 'ms', official: r.official.first.p50, ours: r.ours.first.p50 });
      rows.push({ metric: `${count} tabs: lost or duplicated deliveries`, unit: 'messages', official: r.official.lost + r.official.duplicates, ours: r.ours.lost + r.ours.duplicates, digits: 0 });
    }
    const clocks = Object.values(results).flatMap((r) => SDKS.flatMap((kind) => r[kind].clocks));
    const worstOffset = Math.max(...clocks.map((c) => Math.abs(c.offsetMs) - c.uncertaintyMs));
    return {
      rows,
      raw: { messagesPerRun: messages, gapMs: GAP_MS, results },
      notes: [
        `${messages} agent messages per run, ${GAP_MS} ms apart, sent through POST /__emulator/agent/send_event; the time includes that loopback request.`,
        `Clock check: page and Node clocks agreed to within ${Math.max(0, worstOffset).toFixed(2)} ms beyond the uncertainty of the check itself (${clocks.length} tabs).`,
      ],
    };
  },
};
