/**
 * The budgets of issue 8, as numbers the scenarios check against. Changing one is a product decision:
 * say so in the README's Benchmarks section.
 */
export const BUDGETS = {
  /**
   * The SDK's code a tab loads before `init()`, gzip: the package's ESM entry, its static chunks and
   * Comlink, minified and joined as an app's bundler would (`weighPackageTab`, bench/weigh.mjs). The
   * app's bundler adds its own runtime on top (Vite's preload helper): reported, not budgeted.
   * 8 KB until 2026-12-03; 9 KB since runtime supervision: a tab must find the live incarnation of
   * the runtime before it attaches, and settle its calls when the runtime is lost, before anything
   * could be loaded on demand (README, Benchmarks).
   */
  tabBundleGzipBytes: 9 * 1024,
  /** Sockets and logins at the server for any number of tabs of one browser. */
  socketsPerBrowser: 1,
  loginsPerBrowser: 1,
  /**
   * Start-up against the official SDK in the same run, as ratios of p50s (issue 16): absolute times
   * are not stable on these shared machines, a ratio of two SDKs measured side by side is. Clean
   * method (bench/clean.ts). "Loopback" is the `init` scenario (no added latency); `atRttMs` is the
   * latency scenario's round trip the others are checked at.
   * Until issue 16 the warm tab had an absolute budget instead: p50 < 30 ms, Playwright method.
   * Two changes to issue 16's text, decided with the measurements in the README (Benchmarks):
   * - The cold budgets hold for a widget started after the page, this SDK's page calling `warmUp()`
   *   first. A cold `init()` alone must fetch and start the worker before its socket can open: one
   *   round trip and a thread start the official SDK, already in the page, does not pay. That floor
   *   (4 round trips against 3 at 150 ms; 25–35 ms of worker start against a 12 ms official login
   *   on loopback) is reported beside it, not budgeted.
   * - Pages 2–5 of a walk are checked at `atRttMs`: on loopback most of a later page's time is
   *   loading the page itself, the same for both SDKs.
   * - The warm budget on loopback (2026-12-04, sixth session) holds for a widget started after the
   *   page, this SDK's page calling `warmUp()` first, as the cold ones. The browser alone
   *   (bench/primitives.ts) takes 5.5 ms to route a new page's connect to a running SharedWorker
   *   and answer it, against 6.95 ms for a loopback WebSocket's open and one echo: 0.79× before
   *   either SDK runs a line. And a widget started during the page's load hears the runtime only
   *   after the page's load-time tasks and first frame, while the official SDK's socket is still
   *   opening. Started during load, the warm tab is reported beside it, not budgeted; at `atRttMs`
   *   it is still the budgeted start.
   */
  startup: {
    /** A tab opened while 2 others are connected: `init()` → `connected`. */
    warmRatioLoopback: 0.8,
    warmRatioAtRtt: 0.1,
    /** The first tab of a fresh browser context, widget started after the page: `init()` → `connected`. */
    coldRatioLoopback: 1.5,
    coldRatioAtRtt: 1.0,
    /** Pages 2–5 of a 5-page walk in one tab: navigation start → `connected`. */
    walkLaterPagesRatio: 0.5,
    atRttMs: 150,
  },
  /** sendEvent round-trip median, at most this many times the official SDK's. */
  sendEventP50Ratio: 1.2,
  /**
   * Heap growth per open/close cycle (least-squares slope over the samples after warm-up) that still
   * counts as "no growth trend": 256 B/cycle is 50 KB over 200 cycles, well above the noise of heaps
   * read after a forced GC, and well below what keeping one tab's record (ports, listeners) would cost.
   */
  leakSlopeBytesPerCycle: 256,
  /**
   * A crash of the shared runtime (its SharedWorker terminated) → every one of 10 tabs `connected`
   * again, p99 over 20 crashes, with one socket left at the server afterwards.
   */
  recoveryP99Ms: 2000,
} as const;
