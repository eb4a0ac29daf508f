/**
 * Firefox through puppeteer-core over WebDriver BiDi: Debian's `firefox-esr` (FIREFOX_PATH),
 * headless, one fresh profile per launch, every tab a window of it (a background tab of a window
 * is `hidden`, with throttled timers, which no visitor's whole set of tabs is). Playwright's
 * `moz-firefox` channel cannot drive 153 ESR (see ../shared/toolchain.md).
 *
 * Crashing the runtime: BiDi lists the SharedWorker (`script.getRealms`, type `shared-worker`) but
 * evaluates in window realms only, and Firefox has no command that ends a worker, so the test kills
 * the content process that runs it (its `DOM Worker` thread). That is the process of the tab that
 * started it; the scenario closes that tab first, and the process lives on for the worker alone.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { PollingTab, type Engine, type PageFunction, type RuntimeCrash } from './engine';
import { killProcessWithThread } from './processes';

export const firefoxPath = (): string => process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

class FirefoxTab extends PollingTab {
  constructor(private readonly page: Page) {
    super();
  }

  evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as (arg: unknown) => R, arg as unknown) as Promise<R>;
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

class FirefoxEngine implements Engine {
  readonly name = 'firefox';

  constructor(private readonly browser: Browser) {}

  async version(): Promise<string> {
    // "firefox/153.8.0"
    return `Firefox ${(await this.browser.version()).split('/')[1] ?? '?'}`;
  }

  async newTab(url: string): Promise<FirefoxTab> {
    const page = await this.browser.newPage({ type: 'window' });
    page.on('pageerror', (error) => console.error(`[firefox page error] ${error instanceof Error ? error.message : String(error)}`));
    await page.goto(url);
    return new FirefoxTab(page);
  }

  async crashRuntime(): Promise<RuntimeCrash> {
    const pid = killProcessWithThread(this.browser.process()!.pid!, /^DOM Worker$/);
    return { how: 'process', detail: `SIGKILL to content process ${pid} (its DOM Worker thread ran the SharedWorker)` };
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

export async function launchFirefox(): Promise<Engine> {
  const executablePath = firefoxPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Firefox not found at ${executablePath}: install it (Debian: apt-get install firefox-esr) or set FIREFOX_PATH.`);
  }
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: {
      // A process per tab (the default is 4 per site): the SharedWorker's process then hosts no other tab.
      'dom.ipc.processCount.webIsolated': 16,
    },
  });
  return new FirefoxEngine(browser);
}
