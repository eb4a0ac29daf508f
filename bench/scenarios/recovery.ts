/**
 * Recovery from a runtime crash (this SDK only): 10 connected tabs of one visitor with a chat; 20 times
 * the context's SharedWorker is terminated through CDP (`Target.closeTarget` on its `shared_worker`
 * target: Playwright cannot see SharedWorkers) and the bench measures the time until every tab has
 * emitted a new `connected`.
 *
 * Clocks: each tab stamps every `connected`/`disconnected` it gets with `performance.timeOrigin +
 * performance.now()` (the page harness's `lifecycle`); the crash instant is Node's reading of the same
 * system clock just before `Target.closeTarget` is sent (as in the fan-out scenario; the clock check at
 * the end says how far apart the two readings can be). While a crash is being recovered from, the bench
 * first watches only the in-process emulator (the old socket closing, a new login), and only then reads
 * the tabs' records, every TAB_POLL_MS: the poll decides when to go on, never what is measured.
 *
 * A crash the tabs do not recover from within CRASH_TIMEOUT_MS ends the run as a failed budget (the
 * next crash would have no runtime to crash). A crash that does not even close the runtime's socket at
 * the server is a broken bench, not a result.
 */
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets';
import { withInspector, type BrowserInspector, type TargetInfo } from '../cdp';
import { nodeNow, sleep, startChat, withTabs, type Bench } from '../harness';
import type { LifecycleEvent } from '../pages/harness';
import type { BudgetCheck, Row, Scenario } from '../results';
import { summarize, type Summary } from '../stats';
import { clockOffset } from './fanout';

/** A crash not recovered from within this is a failed run. */
export const CRASH_TIMEOUT_MS = 15_000;
/** Before each crash: the previous recovery's tail (re-attaches, resumes) is over, one worker and one socket are left. */
const SETTLE_MS = 300;
const SETTLE_TIMEOUT_MS = 5_000;
/** How often the emulator (in-process, no tab involved) is looked at during a recovery. */
const SERVER_POLL_MS = 5;
/** How often the tabs' records are read once the server saw the new login. */
const TAB_POLL_MS = 100;

/** What one crash did to the tabs, in ms after the crash instant. Undefined where not every tab got there. */
export interface CrashOutcome {
  tabs: number;
  /** Tabs that emitted a `connected` after the crash. */
  connectedTabs: number;
  /** Tabs that emitted a `disconnected` after the crash. */
  disconnectedTabs: number;
  allConnectedMs?: number;
  firstConnectedMs?: number;
  allDisconnectedMs?: number;
  /** The reasons the tabs were given, once each. */
  disconnectReasons: string[];
}

/**
 * Reads each tab's `connected`/`disconnected` events emitted since the crash (`since[i]` is tab i's
 * events recorded after the count read just before the crash). Pure.
 */
export function crashOutcome(crashAt: number, since: ReadonlyArray<readonly LifecycleEvent[]>): CrashOutcome {
  const firstOf = (events: readonly LifecycleEvent[], kind: LifecycleEvent['event']) => events.find((e) => e.event === kind);
  const connected = since.map((events) => firstOf(events, 'connected')?.at).filter((at): at is number => at !== undefined);
  const disconnected = since.map((events) => firstOf(events, 'disconnected')?.at).filter((at): at is number => at !== undefined);
  const every = (times: number[]) => (times.length === since.length && times.length > 0 ? Math.max(...times) - crashAt : undefined);
  const reasons = new Set(since.flatMap((events) => events.filter((e) => e.event === 'disconnected').map((e) => e.reason ?? 'unknown')));
  return {
    tabs: since.length,
    connectedTabs: connected.length,
    disconnectedTabs: disconnected.length,
    ...(every(connected) === undefined ? {} : { allConnectedMs: every(connected) }),
    ...(connected.length === 0 ? {} : { firstConnectedMs: Math.min(...connected) - crashAt }),
    ...(every(disconnected) === undefined ? {} : { allDisconnectedMs: every(disconnected) }),
    disconnectReasons: [...reasons],
  };
}

interface Crash extends CrashOutcome {
  /** The SharedWorker closed (its name shows the incarnation). */
  worker: string;
  /** Target.closeTarget's round trip from Node. */
  closeTargetMs: number;
  /** Crash → the emulator no longer had the old socket (polled every SERVER_POLL_MS). */
  socketClosedMs?: number;
  /** Crash → the emulator saw the next login. */
  loginMs?: number;
}

interface Recovery {
  tabs: number;
  crashesPlanned: number;
  crashes: Crash[];
  /** Why the run stopped early; undefined when every crash was recovered from. */
  failure?: string;
  openConnectionsAfter: number;
  sharedWorkersAfter: string[];
  logins: number;
  totalConnections: number;
  /** Each tab's `getRuntimeStatus()` after the crashes (or 'timeout'). */
  runtimeStatuses: unknown[];
  clocks: Array<{ offsetMs: number; uncertaintyMs: number }>;
}

const lifecycleSince = (page: Page, count: number): Promise<LifecycleEvent[]> => page.evaluate((n) => window.bench.lifecycle.slice(n), count);

/** Waits until the context has exactly one SharedWorker and the organization one socket; that worker, or why not. */
async function settled(bench: Bench, inspector: BrowserInspector, contextId: string, organizationId: string): Promise<TargetInfo | string> {
  await sleep(SETTLE_MS);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const workers = await inspector.sharedWorkersOf(contextId);
    const open = bench.emulator.stats(organizationId).openConnections;
    if (workers.length === 1 && open === 1) return workers[0]!;
    if (Date.now() > deadline) return `${workers.length} SharedWorker(s) (${workers.map((w) => w.title ?? w.url).join(', ')}) and ${open} open socket(s) ${SETTLE_TIMEOUT_MS / 1000} s after the last recovery, instead of 1 and 1`;
    await sleep(50);
  }
}

/** One crash: closes `worker`, then waits (bounded) for every tab to be connected again. */
async function crashOnce(bench: Bench, inspector: BrowserInspector, organizationId: string, pages: readonly Page[], worker: TargetInfo): Promise<Crash> {
  const counts = await Promise.all(pages.map((page) => page.evaluate(() => window.bench.lifecycle.length)));
  const before = bench.emulator.stats(organizationId);

  const crashAt = nodeNow();
  await inspector.closeTarget(worker.targetId);
  const closeTargetMs = nodeNow() - crashAt;
  const deadline = crashAt + CRASH_TIMEOUT_MS;

  // The server only: until the old socket closed and a new login came (no tab can be connected before).
  let socketClosedAt: number | undefined;
  let loginAt: number | undefined;
  while ((socketClosedAt === undefined || loginAt === undefined) && nodeNow() < deadline) {
    const now = bench.emulator.stats(organizationId);
    const at = nodeNow();
    // Sockets closed since the crash: what was open, plus what opened since, minus what is open now.
    if (socketClosedAt === undefined && before.openConnections + (now.totalConnections - before.totalConnections) - now.openConnections >= 1) socketClosedAt = at;
    if (loginAt === undefined && now.logins > before.logins) loginAt = at;
    await sleep(SERVER_POLL_MS);
  }
  if (socketClosedAt === undefined) {
    throw new Error(
      `Target.closeTarget on SharedWorker ${worker.title ?? worker.url} did not close its socket at the server within ${CRASH_TIMEOUT_MS / 1000} s ` +
        `(open sockets: ${bench.emulator.stats(organizationId).openConnections}): the crash plumbing is broken, not the SDK`,
    );
  }

  // Then the tabs' own records, lightly, until each has a `connected` since the crash.
  const pending = new Set(pages.keys());
  if (loginAt !== undefined) {
    while (pending.size > 0 && nodeNow() < deadline) {
      for (const i of [...pending]) {
        if ((await lifecycleSince(pages[i]!, counts[i]!)).some((e) => e.event === 'connected')) pending.delete(i);
      }
      if (pending.size > 0) await sleep(TAB_POLL_MS);
    }
  }

  const since = await Promise.all(pages.map((page, i) => lifecycleSince(page, counts[i]!)));
  return {
    worker: worker.title ?? worker.url,
    closeTargetMs,
    socketClosedMs: socketClosedAt - crashAt,
    ...(loginAt === undefined ? {} : { loginMs: loginAt - crashAt }),
    ...crashOutcome(crashAt, since),
  };
}

function describeFailure(n: number, crash: Crash, bench: Bench, organizationId: string, workers: TargetInfo[]): string {
  const stats = bench.emulator.stats(organizationId);
  return (
    `crash ${n}: ${crash.connectedTabs} of ${crash.tabs} tabs connected again within ${CRASH_TIMEOUT_MS / 1000} s ` +
    `(${crash.disconnectedTabs} were told disconnected${crash.disconnectReasons.length > 0 ? `: ${crash.disconnectReasons.join(', ')}` : ''}; ` +
    `server: old socket closed after ${crash.socketClosedMs?.toFixed(0)} ms, ${crash.loginMs === undefined ? 'no new login' : `new login after ${crash.loginMs.toFixed(0)} ms`}, ` +
    `${stats.openConnections} socket(s) open; SharedWorkers now: ${workers.length === 0 ? 'none' : workers.map((w) => w.title ?? w.url).join(', ')})`
  );
}

function measure(bench: Bench, tabCount: number, crashCount: number): Promise<Recovery> {
  return withInspector(bench.browser, (inspector) =>
    withTabs(bench, 'recovery', 'ours', tabCount, async ({ organizationId, pages }) => {
      await startChat(pages[0]!);
      const contextId = await inspector.contextId(pages[0]!);
      const crashes: Crash[] = [];
      let failure: string | undefined;
      for (let n = 1; n <= crashCount; n += 1) {
        const worker = await settled(bench, inspector, contextId, organizationId);
        if (typeof worker === 'string') {
          failure = `before crash ${n}: ${worker}`;
          break;
        }
        const crash = await crashOnce(bench, inspector, organizationId, pages, worker);
        crashes.push(crash);
        if (crash.allConnectedMs === undefined) {
          failure = describeFailure(n, crash, bench, organizationId, await inspector.sharedWorkersOf(contextId));
          bench.log(`FAILED ${failure}`);
          break;
        }
        if (n === 1 || n % 5 === 0 || n === crashCount) {
          bench.log(`crash ${n}/${crashCount} (${crash.worker}): every tab connected after ${crash.allConnectedMs.toFixed(0)} ms, the first after ${crash.firstConnectedMs!.toFixed(0)} ms`);
        }
      }
      // What is left once the last recovery (or the failed one) is over.
      if (failure === undefined) await settled(bench, inspector, contextId, organizationId);
      const stats = bench.emulator.stats(organizationId);
      const workersAfter = await inspector.sharedWorkersOf(contextId);
      const runtimeStatuses = await Promise.all(pages.map((page) => page.evaluate(() => window.bench.runtimeStatus(2_000))));
      const clocks = await Promise.all(pages.map(clockOffset));
      return {
        tabs: tabCount,
        crashesPlanned: crashCount,
        crashes,
        ...(failure === undefined ? {} : { failure }),
        openConnectionsAfter: stats.openConnections,
        sharedWorkersAfter: workersAfter.map((w) => w.title ?? w.url),
        logins: stats.logins,
        totalConnections: stats.totalConnections,
        runtimeStatuses,
        clocks,
      };
    }),
  );
}

const summaryOf = (values: Array<number | undefined>): Summary | undefined => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : summarize(known);
};

/** `restarts.count` per tab, where `getRuntimeStatus()` reports one. */
function restartCounts(statuses: unknown[]): Array<number | undefined> {
  return statuses.map((status) => {
    const count = (status as { restarts?: { count?: unknown } } | null)?.restarts?.count;
    return typeof count === 'number' ? count : undefined;
  });
}

export const recovery: Scenario = {
  name: 'recovery',
  title: 'Recovery from a crash of the shared runtime',
  async run(bench) {
    const tabCount = bench.quick ? 4 : 10;
    const crashCount = bench.quick ? 5 : 20;
    bench.log(`${tabCount} tabs, ${crashCount} crashes of the SharedWorker (timeout ${CRASH_TIMEOUT_MS / 1000} s each)`);
    const r = await measure(bench, tabCount, crashCount);

    const recovered = r.crashes.filter((c) => c.allConnectedMs !== undefined);
    const all = summaryOf(recovered.map((c) => c.allConnectedMs));
    const first = summaryOf(recovered.map((c) => c.firstConnectedMs));
    const disconnected = summaryOf(r.crashes.map((c) => c.allDisconnectedMs));
    const socketClosed = summaryOf(r.crashes.map((c) => c.socketClosedMs));
    const closeTarget = summaryOf(r.crashes.map((c) => c.closeTargetMs));
    const n = recovered.length;
    const rows: Row[] = [
      { metric: `${r.tabs} tabs: crash → every tab connected, p50 of ${n}`, unit: 'ms', ours: all?.p50 },
      { metric: `${r.tabs} tabs: crash → every tab connected, p99 of ${n}`, unit: 'ms', ours: all?.p99 },
      { metric: `${r.tabs} tabs: crash → every tab connected, max`, unit: 'ms', ours: all?.max },
      { metric: `${r.tabs} tabs: crash → first tab connected, p50 of ${n}`, unit: 'ms', ours: first?.p50 },
      { metric: `${r.tabs} tabs: crash → every tab told disconnected, p50 of ${disconnected?.n ?? 0}`, unit: 'ms', ours: disconnected?.p50 },
      { metric: `crash → the server saw the old socket close, p50 of ${socketClosed?.n ?? 0}`, unit: 'ms', ours: socketClosed?.p50 },
      { metric: `crashes recovered from (of ${r.crashesPlanned})`, unit: 'crashes', ours: n, digits: 0 },
      { metric: `sockets open at the server after the crashes`, unit: 'sockets', ours: r.openConnectionsAfter, digits: 0 },
      { metric: `logins over the run (1 + one per crash expected)`, unit: 'logins', ours: r.logins, digits: 0 },
    ];

    const limit = BUDGETS.recoveryP99Ms;
    const allRecovered = r.failure === undefined && n === r.crashesPlanned;
    const budgets: BudgetCheck[] = [
      {
        budget: `a crashed shared runtime is replaced: every tab connected again in < ${limit / 1000} s`,
        limit: `p99 < ${limit} ms over ${r.crashesPlanned} crashes of ${r.tabs} tabs, 1 socket after`,
        measured: allRecovered
          ? `p99 ${all!.p99.toFixed(0)} ms (p50 ${all!.p50.toFixed(0)} ms, max ${all!.max.toFixed(0)} ms, n = ${n}); ${r.openConnectionsAfter} socket(s) open after`
          : `not recovered: ${r.failure ?? `${n} of ${r.crashesPlanned} crashes`}`,
        pass: allRecovered && all !== undefined && all.p99 < limit && r.openConnectionsAfter === BUDGETS.socketsPerBrowser,
      },
    ];

    const worstOffset = Math.max(...r.clocks.map((c) => Math.abs(c.offsetMs) - c.uncertaintyMs));
    const restarts = restartCounts(r.runtimeStatuses);
    const notes = [
      `The official SDK has no shared runtime to crash (each of its tabs holds its own socket), so this table has this SDK only.`,
      `A crash is CDP \`Target.closeTarget\` on the context's \`shared_worker\` target, which terminates the SharedWorker (its socket, MessagePorts and Web Locks go with it); ` +
        `${r.tabs} tabs of one visitor with a chat, ${r.crashesPlanned} crashes ${SETTLE_MS} ms or more apart, each only once the context was back to one SharedWorker and one socket. ` +
        `Each tab stamps its events with \`performance.timeOrigin + performance.now()\`; the crash instant is the same clock read in Node just before \`Target.closeTarget\` is sent ` +
        `(its round trip: p50 ${closeTarget === undefined ? '–' : closeTarget.p50.toFixed(2)} ms). A crash not recovered from within ${CRASH_TIMEOUT_MS / 1000} s fails the run.`,
      `Clock check: page and Node clocks agreed to within ${Math.max(0, worstOffset).toFixed(2)} ms beyond the uncertainty of the check itself (${r.clocks.length} tabs).`,
      `After the crashes: SharedWorker(s) in the context: ${r.sharedWorkersAfter.length === 0 ? 'none' : r.sharedWorkersAfter.map((w) => `\`${w}\``).join(', ')}; ` +
        `\`getRuntimeStatus().restarts.count\` per tab: ${restarts.every((c) => c === undefined) ? 'not reported' : restarts.map((c) => c ?? '–').join(', ')}.`,
      ...(r.failure === undefined ? [] : [`**Failed:** ${r.failure}.`]),
    ];
    return { rows, raw: { crashTimeoutMs: CRASH_TIMEOUT_MS, settleMs: SETTLE_MS, ...r }, notes, budgets };
  },
};
