/**
 * The clean start-up method: tabs of the raw Chromium (bench/raw-chromium.ts) that time themselves
 * and report by beacon (bench/reports.ts). Between opening a measured tab and its report the harness
 * does nothing to the browser: no script injected, no worker paused, no CDP session on the tab; a
 * cold tab opens next to its context's first window, opened and settled beforehand.
 */
import { randomUUID } from 'node:crypto';
import { newOrganization, type SdkKind } from './harness';
import type { RawChromium, RawContext } from './raw-chromium';
import type { PageReport, ReportBoard } from './reports';

/** Where a clean tab loads its page from and which server its SDK talks to: the bench's own, or latency proxies in front of them. */
export interface Endpoints {
  /** Base URL of the bench pages. */
  web: string;
  /** The emulator's URL as the page should use it. */
  server: string;
}

/**
 * A widget that starts after the page, as sites load chat widgets after their own content: `init()`
 * runs `WIDGET_AFTER_LOAD_MS` after `load`, and this SDK's page calls `warmUp()` as its first script,
 * as a site's `<head>` would (README, "Starting the runtime early"). The official SDK has nothing to
 * start early. The cold budgets, and the warm one on loopback, are checked on this start
 * (bench/budgets.ts says why). `warmUp` false: the page does not call it.
 */
export const WIDGET_AFTER_LOAD_MS = 500;
export function widgetAfterPage(kind: SdkKind, warmUp = true): Record<string, string> {
  return { initAfterLoad: String(WIDGET_AFTER_LOAD_MS), ...(warmUp && kind === 'ours' ? { warmUp: '1' } : {}) };
}

export interface WalkResult {
  organizationId: string;
  /** Per page: navigation start → `connected` (the page's `performance.now()` at `connected`). */
  navigationToConnected: number[];
}

export class CleanHarness {
  constructor(
    readonly browser: RawChromium,
    readonly reports: ReportBoard,
  ) {}

  /** A bench page that reports run `run` by itself; `extra` adds the autopilot's other parameters. */
  url(endpoints: Endpoints, kind: SdkKind, organizationId: string, run: string, extra: Record<string, string> = {}): string {
    const query = new URLSearchParams({ server: endpoints.server, organizationId, report: this.reports.url, run, ...extra });
    return `${endpoints.web}/${kind}.html?${query}`;
  }

  /** Opens a tab of `url` in `context` and waits for its `count` reports; throws if the page was disconnected instead. */
  async openAndWait(context: RawContext, url: string, run: string, count = 1, timeoutMs = 30_000): Promise<{ targetId: string; reports: PageReport[] }> {
    const waiting = this.reports.wait(run, count, timeoutMs);
    const targetId = await context.open(url);
    const reports = await waiting.finally(() => this.reports.forget(run));
    const failed = reports.find((r) => r.type === 'disconnected' || r.type === 'error');
    if (failed) throw new Error(`a clean bench tab ${failed.type === 'error' ? 'failed' : 'was disconnected'} (${failed.reason ?? 'no reason'}): ${url}`);
    return { targetId, reports };
  }

  /** Runs `use` in a fresh context whose first window is open and settled; disposed afterwards whatever happens. */
  async withContext<T>(use: (context: RawContext) => Promise<T>): Promise<T> {
    const context = await this.browser.newContext();
    try {
      await context.openFirstWindow();
      return await use(context);
    } finally {
      await context.close();
    }
  }

  /**
   * `init()` → `connected` of the first tab of a fresh context (no worker, token, socket or cache
   * yet); `extra` adds page parameters (`initAfterLoad`, `warmUp`: bench/pages/harness.ts).
   */
  cold(endpoints: Endpoints, kind: SdkKind, scenario: string, extra: Record<string, string> = {}): Promise<number> {
    return this.withContext(async (context) => {
      const run = randomUUID();
      const { reports } = await this.openAndWait(context, this.url(endpoints, kind, newOrganization(scenario, kind), run, extra), run);
      return toConnected(reports[0]!);
    });
  }

  /**
   * A context with `open` connected tabs of one visitor; `sample(extra)` opens one more tab (`extra`:
   * page parameters, as for `cold`), takes its `init()` → `connected` and closes it. `use` runs while
   * the context is open.
   */
  warm<T>(
    endpoints: Endpoints,
    kind: SdkKind,
    scenario: string,
    open: number,
    use: (sample: (extra?: Record<string, string>) => Promise<number>) => Promise<T>,
  ): Promise<T> {
    return this.withContext(async (context) => {
      const organizationId = newOrganization(scenario, kind);
      for (let i = 0; i < open; i += 1) {
        const run = randomUUID();
        await this.openAndWait(context, this.url(endpoints, kind, organizationId, run), run);
      }
      return use(async (extra = {}) => {
        const run = randomUUID();
        const { targetId, reports } = await this.openAndWait(context, this.url(endpoints, kind, organizationId, run, extra), run);
        await context.closeTab(targetId);
        return toConnected(reports[0]!);
      });
    });
  }

  /** One tab walking `pages` pages of the site, each page navigating to the next itself after `dwellMs`. */
  walk(endpoints: Endpoints, kind: SdkKind, scenario: string, pages: number, dwellMs: number): Promise<WalkResult> {
    return this.withContext(async (context) => {
      const organizationId = newOrganization(scenario, kind);
      const run = randomUUID();
      const url = this.url(endpoints, kind, organizationId, run, { walk: String(pages), step: '1', dwell: String(dwellMs) });
      const { reports } = await this.openAndWait(context, url, run, pages, 30_000 + pages * (dwellMs + 10_000));
      const byStep = [...reports].sort((a, b) => a.step - b.step);
      if (byStep.some((r, i) => r.step !== i + 1)) throw new Error(`${kind} walk: reports for pages ${byStep.map((r) => r.step).join(',')}`);
      return { organizationId, navigationToConnected: byStep.map((r) => r.connectedAt!) };
    });
  }

  /** `count` sequential sendEvent round trips from one connected tab (after 5 unmeasured ones). */
  sends(endpoints: Endpoints, kind: SdkKind, scenario: string, count: number): Promise<number[]> {
    return this.withContext(async (context) => {
      const run = randomUUID();
      const url = this.url(endpoints, kind, newOrganization(scenario, kind), run, { sends: String(count) });
      const { reports } = await this.openAndWait(context, url, run, 2, 60_000 + count * 2_000);
      return reports.find((r) => r.type === 'sends')!.rtts!;
    });
  }
}

function toConnected(report: PageReport): number {
  if (report.type !== 'connected' || report.connectedAt === undefined) throw new Error(`expected a connected report, got ${JSON.stringify(report)}`);
  return report.connectedAt - report.initAt;
}
