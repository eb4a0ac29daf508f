/**
 * A second Chromium for the start-up measurements, driven over a raw CDP pipe that never attaches to
 * anything. Playwright's browser cannot measure start-up cleanly: its root session auto-attaches to
 * every target with `waitForDebuggerOnStart`, so each new SharedWorker is paused until the Node
 * process answers (80 ms seen on a busy machine), and its waits inject a utility script into the
 * measured tab after `load`, inside the page's `init()` → `connected` chain. Here the bench only
 * creates and closes browser contexts and tabs (browser-level `Target.*` calls): no session, no
 * `Runtime.enable`, nothing paused, nothing injected; the pages report their own times
 * (bench/reports.ts).
 *
 * Same binary and the same switches as the Playwright browser (Playwright's defaults for headless
 * Chromium, then e2e/env.ts's CHROMIUM_ARGS), so the two methods differ only in the harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/env';
import { sleep } from './harness';

/**
 * Playwright 1.65's `chromiumSwitches()` and headless switches (playwright-core, chromium/chromiumSwitches.ts
 * and chromium.ts `_innerDefaultArgs`), copied because Playwright does not export them. Keep in step when
 * Playwright is upgraded, or the two methods' browsers differ in more than the harness.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];
const PLAYWRIGHT_SWITCHES = [
  '--disable-field-trial-config',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-back-forward-cache',
  '--disable-breakpad',
  '--disable-component-extensions-with-background-pages',
  '--disable-component-update',
  '--no-default-browser-check',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  `--disable-features=${PLAYWRIGHT_DISABLED_FEATURES.join(',')}`,
  '--enable-features=CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies',
  '--allow-pre-commit-input',
  '--disable-hang-monitor',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--force-color-profile=srgb',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
  '--no-service-autorun',
  '--disable-search-engine-choice-screen',
  '--unsafely-disable-devtools-self-xss-warnings',
  '--enable-unsafe-swiftshader',
  '--disable-stack-profiler',
  '--disable-infobars',
  '--disable-sync',
  '--headless',
  '--hide-scrollbars',
  '--mute-audio',
  '--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4',
  '--no-sandbox',
];

/**
 * How long a context's first window is left to settle before a cold tab opens next to it. On a busy
 * 2-core machine 400 ms was not always enough: cold tabs of both SDKs came out 20-30 % slower than
 * after 0.8, 1.5 or 3 s, which agreed with one another; 1 s leaves a margin above 0.8.
 */
export const FIRST_WINDOW_SETTLE_MS = 1000;

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  method: string;
}

export class RawChromium {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private closed = false;

  private constructor(
    private readonly process: ChildProcess,
    private readonly userDataDir: string,
    private readonly writer: Writable,
  ) {
    const reader = process.stdio[4] as Readable;
    reader.setEncoding('utf8');
    reader.on('data', (text: string) => this.onData(text));
    process.on('exit', () => {
      this.closed = true;
      for (const [, pending] of this.pending) pending.reject(new Error(`Chromium exited during CDP ${pending.method}`));
      this.pending.clear();
    });
  }

  static async launch(): Promise<RawChromium> {
    const userDataDir = await mkdtemp(join(tmpdir(), 'bench-raw-chromium-'));
    // BENCH_CHROMIUM_ARGS: switches for a diagnostic run only, e.g. a trace (see bench/profile-start.ts).
    const extra = process.env.BENCH_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [];
    const args = [...PLAYWRIGHT_SWITCHES, ...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', '--no-startup-window', ...extra];
    // fd 3: CDP to Chromium, fd 4: CDP from Chromium (the --remote-debugging-pipe convention).
    const child = spawn(chromiumPath(), args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    const browser = new RawChromium(child, userDataDir, child.stdio[3] as Writable);
    await browser.send('Browser.getVersion');
    return browser;
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`Chromium is closed (CDP ${method})`));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject, method });
      this.writer.write(`${JSON.stringify({ id, method, params })}\0`);
    });
  }

  async version(): Promise<string> {
    const { product } = await this.send<{ product: string }>('Browser.getVersion');
    return product.slice(product.indexOf('/') + 1);
  }

  async newContext(): Promise<RawContext> {
    const { browserContextId } = await this.send<{ browserContextId: string }>('Target.createBrowserContext', { disposeOnDetach: true });
    return new RawContext(this, browserContextId);
  }

  async close(): Promise<void> {
    if (!this.closed) {
      const exited = new Promise((done) => this.process.once('exit', done));
      await this.send('Browser.close').catch(() => undefined);
      await Promise.race([exited, sleep(5000)]);
      if (!this.closed) this.process.kill('SIGKILL');
    }
    await rm(this.userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined);
  }

  private onData(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: unknown; error?: { message: string } };
      this.buffer = this.buffer.slice(end + 1);
      // Events are not subscribed to; only replies carry an id.
      if (message.id === undefined) continue;
      const pending = this.pending.get(message.id);
      if (pending === undefined) continue;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new Error(`CDP ${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result);
    }
  }
}

/** A browser context of the raw Chromium: tabs opened by URL and closed by id, never attached to. */
export class RawContext {
  constructor(
    private readonly browser: RawChromium,
    readonly id: string,
  ) {}

  /** Opens a tab at `url` (the browser starts loading it); its target id. */
  async open(url: string): Promise<string> {
    const { targetId } = await this.browser.send<{ targetId: string }>('Target.createTarget', { url, browserContextId: this.id });
    return targetId;
  }

  /**
   * Opens the context's first window on a blank page and leaves it open: Chromium loads its own
   * pages (the omnibox popup) when a context opens its first window, 40–93 ms of CPU that would
   * otherwise land in a cold tab's start-up.
   */
  async openFirstWindow(): Promise<void> {
    await this.open('about:blank');
    await sleep(FIRST_WINDOW_SETTLE_MS);
  }

  closeTab(targetId: string): Promise<unknown> {
    return this.browser.send('Target.closeTarget', { targetId });
  }

  async close(): Promise<void> {
    await this.browser.send('Target.disposeBrowserContext', { browserContextId: this.id }).catch(() => undefined);
  }
}
