/**
 * Sockets and logins the server sees for N tabs of one browser (one Playwright context), on an emulator
 * without a per-customer cap, then the same at the API's default cap of 5, where the official SDK's
 * extra tabs are refused.
 */
import type { Emulator } from '../../emulator/server';
import { BUDGETS } from '../budgets';
import { eachSdk, openTab, SDKS, withTabs, type Bench, type SdkKind } from '../harness';
import type { BudgetCheck, Row, Scenario } from '../results';

interface Held {
  tabs: number;
  connectedTabs: number;
  openConnections: number;
  logins: number;
  refusedConnections: number;
  disconnectReasons: string[];
}

/** Opens the tabs itself (none by `withTabs`): a refused tab is a result here, not a broken bench. */
function holdTabs(bench: Bench, kind: SdkKind, tabs: number, emulator: Emulator): Promise<Held> {
  return withTabs(
    bench,
    'connections',
    kind,
    0,
    async ({ context, url, organizationId }) => {
      const outcomes = [];
      for (let i = 0; i < tabs; i += 1) outcomes.push(await openTab(context, url));
      const stats = emulator.stats(organizationId);
      return {
        tabs,
        connectedTabs: outcomes.filter((o) => o.connected).length,
        openConnections: stats.openConnections,
        logins: stats.logins,
        refusedConnections: stats.refusedConnections,
        disconnectReasons: outcomes.flatMap((o) => (o.disconnectReason === undefined ? [] : [o.disconnectReason])),
      };
    },
    { emulator },
  );
}

export const connections: Scenario = {
  name: 'connections',
  title: 'Sockets and logins held by N tabs of one browser',
  async run(bench) {
    const counts = bench.quick ? [1, 5] : [1, 5, 10, 20];
    const cappedTabs = bench.quick ? 6 : 10;
    const uncapped: Record<SdkKind, Held[]> = { official: [], ours: [] };
    for (const tabs of counts) {
      for (const kind of SDKS) {
        bench.log(`${kind}: ${tabs} tab(s)`);
        uncapped[kind].push(await holdTabs(bench, kind, tabs, bench.emulator));
      }
    }
    const capped = await eachSdk((kind) => {
      bench.log(`${kind}: ${cappedTabs} tabs at the default cap`);
      return holdTabs(bench, kind, cappedTabs, bench.cappedEmulator);
    });

    const rows: Row[] = [];
    counts.forEach((tabs, i) => {
      const official = uncapped.official[i]!;
      const ours = uncapped.ours[i]!;
      rows.push({ metric: `${tabs} tab(s): sockets at the server`, unit: 'sockets', official: official.openConnections, ours: ours.openConnections, digits: 0 });
      rows.push({ metric: `${tabs} tab(s): logins`, unit: 'logins', official: official.logins, ours: ours.logins, digits: 0 });
    });
    rows.push({ metric: `${cappedTabs} tabs, cap of 5: tabs connected`, unit: 'tabs', official: capped.official.connectedTabs, ours: capped.ours.connectedTabs, digits: 0 });
    rows.push({ metric: `${cappedTabs} tabs, cap of 5: refused (too_many_connections)`, unit: 'sockets', official: capped.official.refusedConnections, ours: capped.ours.refusedConnections, digits: 0 });

    const all = [...uncapped.ours, capped.ours];
    const short = all.find((h) => h.connectedTabs !== h.tabs);
    const budgets: BudgetCheck[] = [
      {
        budget: 'one socket and one login for any N',
        limit: `${BUDGETS.socketsPerBrowser} socket, ${BUDGETS.loginsPerBrowser} login`,
        measured: `at most ${Math.max(...all.map((h) => h.openConnections))} socket(s), ${Math.max(...all.map((h) => h.logins))} login(s) (N = ${[...counts, cappedTabs].join(', ')}; all tabs connected: ${short ? `no, ${short.connectedTabs} of ${short.tabs}` : 'yes'})`,
        pass: all.every((h) => h.openConnections === BUDGETS.socketsPerBrowser && h.logins === BUDGETS.loginsPerBrowser && h.connectedTabs === h.tabs),
      },
    ];
    return { rows, raw: { uncapped, capped }, budgets };
  },
};
