/**
 * Chromium through Playwright: Debian's Chromium (e2e/env.ts), headless, every tab a page of one
 * browser context. The runtime is crashed over CDP (`Target.closeTarget` on the SharedWorker), as
 * e2e/supervision.spec.ts does.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../env';
import { PollingTab, type Engine, type PageFunction, type RuntimeCrash } from './engine';

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

interface TargetInfo {
  targetId: string;
  type: string;
  title: string;
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
    const session = await this.browser.newBrowserCDPSession();
    try {
      const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
      // The SharedWorker's name is the SDK's runtime key: `livechat-multitab@<version>|<org>|…`.
      const workers = targetInfos.filter((info) => info.type === 'shared_worker' && info.title.split('|')[1] === organizationId);
      if (workers.length !== 1) throw new Error(`expected one SharedWorker for ${organizationId}, found ${workers.length}`);
      const { success } = await session.send('Target.closeTarget', { targetId: workers[0]!.targetId });
      if (!success) throw new Error('Target.closeTarget failed');
      return { how: 'terminated', detail: `CDP Target.closeTarget(${workers[0]!.title})` };
    } finally {
      await session.detach().catch(() => undefined);
    }
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
