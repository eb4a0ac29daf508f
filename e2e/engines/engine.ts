/**
 * The few things the cross-engine scenarios (scenarios.ts) do to a browser, written once and
 * implemented three times: Chromium through Playwright (chromium.ts), Firefox through
 * puppeteer-core over WebDriver BiDi (firefox.ts), WebKitGTK through selenium-webdriver against
 * WebKitWebDriver (webkit.ts). Every tab of one Engine is in the same browser profile, so they
 * share the SDK's SharedWorker as a visitor's tabs do.
 */

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/**
 * A function run in a page: it must be self-contained (it is sent as source text; it cannot use
 * anything of the test's module scope) and its argument and result must survive JSON.
 */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>;

export interface Tab {
  /** Runs `fn(arg)` in the page and resolves its (awaited) result. */
  evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R>;
  /** Polls `predicate(arg)` in the page until it is true; rejects after `timeoutMs` (15 s). */
  waitFor<A = undefined>(predicate: PageFunction<A, boolean>, arg?: A, timeoutMs?: number): Promise<void>;
  /** Navigates this tab and resolves once the page has loaded. */
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What crashing the SDK's runtime did: `terminated` (the SharedWorker alone ended, as CDP's
 * `Target.closeTarget` does) or `process` (the content process that ran it was killed: the scenario
 * first closes the tab that started the worker, so that process runs the worker alone).
 */
export interface RuntimeCrash {
  how: 'terminated' | 'process';
  detail: string;
}

/** A runtime stuck in an endless loop (its worker thread only: the rest of the browser runs on). */
export interface RuntimeHang {
  detail: string;
  /** Ends the loop: resolves true once the worker runs again, false if it was gone meanwhile. */
  release(): Promise<boolean>;
  /** Ends the worker if it still runs, and whatever the hang held open. */
  end(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** Product and version, e.g. `Chromium 156.0.8078.114`. */
  version(): Promise<string>;
  /** A new tab (or window) of the same browser profile, at `url` once loaded. */
  newTab(url: string): Promise<Tab>;
  /**
   * Kills the SharedWorker that runs the organization's runtime, with no goodbye to its tabs.
   * Undefined where the engine offers no way (see README, Browser engines).
   */
  crashRuntime?(organizationId: string): Promise<RuntimeCrash>;
  /** Hangs the SharedWorker that runs the organization's runtime. Undefined where the engine cannot. */
  hangRuntime?(organizationId: string): Promise<RuntimeHang>;
  close(): Promise<void>;
}

/** `Tab.waitFor` for every engine: polls through `evaluate`, which each engine has. */
export abstract class PollingTab implements Tab {
  abstract evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R>;
  abstract goto(url: string): Promise<void>;
  abstract reload(): Promise<void>;
  abstract close(): Promise<void>;

  async waitFor<A = undefined>(predicate: PageFunction<A, boolean>, arg?: A, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (await this.evaluate(predicate, arg)) return;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${predicate.toString().slice(0, 200)}`);
      await sleep(100);
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
