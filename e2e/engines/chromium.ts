/**
 * Chromium through Playwright: Debian's Chromium (e2e/env.ts), headless, every tab a page of one
 * browser context. The runtime is crashed (`Target.closeTarget` on the SharedWorker) and hung (an
 * endless loop evaluated in it) over CDP, with e2e/cdp.ts, as e2e/supervision.spec.ts does.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { crashSharedWorker, hangSharedWorker } from '../cdp';
import { CHROMIUM_ARGS, chromiumPath } from '../env';
import { PollingTab, type Engine, type PageFunction, type RuntimeCrash, type RuntimeHang } from './engine';

class ChromiumTab extends PollingTab {
  constructor(private readonly page: Page) {
    super();
  }

  evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R> {
    // Playwright serializes `fn` as source and `arg` as JSON, as the interface says.
    return this.page.evaluate(fn as (arg: unknown) => R, arg as unknown);
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

class ChromiumEngine implements Engine {
  readonly name = 'chromium';

  constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
  ) {}

  async version(): Promise<string> {
    return `Chromium ${this.browser.version()}`;
  }

  async newTab(url: string): Promise<ChromiumTab> {
    const page = await this.context.newPage();
    page.on('pageerror', (error) => console.error(`[chromium page error] ${error.message}`));
    await page.goto(url);
    return new ChromiumTab(page);
  }

  async crashRuntime(organizationId: string): Promise<RuntimeCrash> {
    const target = await crashSharedWorker(this.browser, organizationId);
    return { how: 'terminated', detail: `CDP Target.closeTarget(${target.name})` };
  }

  async hangRuntime(organizationId: string): Promise<RuntimeHang> {
    const hang = await hangSharedWorker(this.browser, organizationId);
    return {
      detail: `an endless loop evaluated in ${hang.target.name} over CDP`,
      async release() {
        return (await hang.release()) === 'woke';
      },
      end: () => hang.close(),
    };
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

export async function launchChromium(): Promise<Engine> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  return new ChromiumEngine(browser, await browser.newContext());
}
