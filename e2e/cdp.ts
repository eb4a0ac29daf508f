/**
 * What Playwright cannot do to the SDK's runtime, done over the Chrome DevTools Protocol: find the
 * SharedWorker (Playwright does not see SharedWorkers) or the leader's dedicated Worker of an
 * organization, terminate it, hang it in an endless loop and let it go again, freeze a tab, and
 * run tabs that can really be hidden.
 *
 * What this Chromium (156, headless) does, checked while writing these:
 * - `Target.getTargets` lists a SharedWorker as `shared_worker` and a dedicated Worker as `worker`,
 *   both with the worker's name as `title`: the SDK's name (`livechat-multitab@<version>|<org>|…`,
 *   `#<n>` at the end for a replacement), so a target is found by organization.
 * - `Target.closeTarget` terminates a SharedWorker (its socket closes, its locks are released). A
 *   dedicated Worker answers "Specified target doesn't support closing": it is ended from inside
 *   instead (`close()` evaluated in it), which the page is not told of either.
 * - `Target.attachToTarget` with `flatten: false` gives a session on a worker that Playwright's
 *   CDPSession can drive (`Target.sendMessageToTarget`); `Runtime.evaluate` of an endless loop
 *   there hangs the worker, and `Runtime.terminateExecution` breaks the loop and leaves the worker
 *   running (it wakes up).
 * - Playwright turns on focus emulation in every page it drives (`Emulation.setFocusEmulationEnabled`,
 *   which keeps the page shown as if captured): in a browser Playwright launched, every tab is
 *   `visible` and focused whatever is done to it (background tab, minimized window, another tab
 *   brought to front), and `Page.setWebLifecycleState` `frozen` does nothing (timers run on, calls
 *   answer). Without it, in a browser of our own driven through `connectOverCDP(…, { noDefaults })`
 *   (`launchPlainBrowser`), tabs of one window behave as a user's do: only the front one is
 *   `visible`, the others are `hidden` with throttled timers (one tick a second), and `frozen`
 *   really freezes a tab (`freeze` event, no timer runs until `active`; CDP evaluation and
 *   BroadcastChannel messages still get through).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './env';

/** A worker that runs an SDK runtime, as CDP lists it. */
export interface RuntimeTarget {
  targetId: string;
  type: 'shared_worker' | 'worker';
  /** The worker's name: the SDK's runtime key, with `#<n>` for the n-th replacement. */
  name: string;
  url: string;
  /** 0 for the first runtime of the key, n for the one named `…#n`. */
  incarnation: number;
}

interface TargetInfo {
  targetId: string;
  type: string;
  title: string;
  url: string;
}

/** Whether a worker named `name` serves `organizationId` (the name is `livechat-multitab@<version>|<org>|<group>|…`). */
const servesOrganization = (name: string, organizationId: string) => name.startsWith('livechat-multitab@') && name.split('|')[1] === organizationId;

/** Runs `use` with a fresh browser-level CDP session and detaches it afterwards. */
async function withBrowserSession<T>(browser: Browser, use: (session: CDPSession) => Promise<T>): Promise<T> {
  const session = await browser.newBrowserCDPSession();
  try {
    return await use(session);
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** The SDK's runtime workers of `type` for the organization, oldest incarnation first. */
export async function runtimeTargets(browser: Browser, organizationId: string, type: RuntimeTarget['type']): Promise<RuntimeTarget[]> {
  const { targetInfos } = (await withBrowserSession(browser, (session) => session.send('Target.getTargets'))) as { targetInfos: TargetInfo[] };
  return targetInfos
    .filter((info) => info.type === type && servesOrganization(info.title, organizationId))
    .map((info) => ({ targetId: info.targetId, type, name: info.title, url: info.url, incarnation: Number(/#(\d+)$/.exec(info.title)?.[1] ?? 0) }))
    .sort((a, b) => a.incarnation - b.incarnation);
}

/** The organization's SharedWorkers (more than one only while a replaced one still runs, hung). */
export function sharedWorkers(browser: Browser, organizationId: string): Promise<RuntimeTarget[]> {
  return runtimeTargets(browser, organizationId, 'shared_worker');
}

/** The organization's dedicated Workers (dedicated mode: the leader tab's, and a hung old leader's). */
export function dedicatedWorkers(browser: Browser, organizationId: string): Promise<RuntimeTarget[]> {
  return runtimeTargets(browser, organizationId, 'worker');
}

/** The one SharedWorker of the organization; fails (with what was found) unless there is exactly one. */
export async function theSharedWorker(browser: Browser, organizationId: string): Promise<RuntimeTarget> {
  const found = await sharedWorkers(browser, organizationId);
  expect(found.map((target) => target.name), 'exactly one SharedWorker for the organization').toHaveLength(1);
  return found[0]!;
}

/** Closes a target (a SharedWorker dies at once: its socket and its locks go with it). */
export async function closeTarget(browser: Browser, targetId: string): Promise<void> {
  const { success } = await withBrowserSession(browser, (session) => session.send('Target.closeTarget', { targetId }));
  expect(success, `Target.closeTarget(${targetId})`).toBe(true);
}

/**
 * Terminates the organization's SharedWorker (the one there is), as a crash or the browser
 * reclaiming it would: no goodbye to the tabs. Resolves the target it terminated.
 */
export async function crashSharedWorker(browser: Browser, organizationId: string): Promise<RuntimeTarget> {
  const target = await theSharedWorker(browser, organizationId);
  await closeTarget(browser, target.targetId);
  return target;
}

/**
 * A CDP session on one target, through a browser session (`flatten: false`), for the targets
 * Playwright does not drive (SharedWorkers) or drives on a session of its own (dedicated Workers).
 */
export class TargetSession {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private gone = false;

  private constructor(
    private readonly browserSession: CDPSession,
    private readonly sessionId: string,
    readonly targetId: string,
  ) {
    browserSession.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
    browserSession.on('Target.detachedFromTarget', (event: { sessionId?: string }) => {
      if (event.sessionId !== this.sessionId) return;
      this.gone = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`target ${targetId} detached`));
      this.pending.clear();
    });
  }

  static async attach(browser: Browser, targetId: string): Promise<TargetSession> {
    const browserSession = await browser.newBrowserCDPSession();
    const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId, flatten: false });
    return new TargetSession(browserSession, sessionId, targetId);
  }

  /** Whether the target went away (closed, terminated, crashed) since the session attached. */
  get detached(): boolean {
    return this.gone;
  }

  /**
   * Sends a command to the target and resolves its result; rejects after `timeoutMs` without an
   * answer (`Infinity`: waits, for an evaluation that is meant never to end).
   */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
    if (this.gone) return Promise.reject(new Error(`target ${this.targetId} detached`));
    const id = ++this.nextId;
    const answered = new Promise<T>((resolve, reject) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.pending.delete(id);
            reject(new Error(`${method} got no answer from ${this.targetId} in ${timeoutMs} ms`));
          }, timeoutMs)
        : undefined;
      const settle = <A>(then: (value: A) => void) => (value: A) => {
        clearTimeout(timer);
        then(value);
      };
      this.pending.set(id, { resolve: settle(resolve as (value: unknown) => void), reject: settle(reject) });
    });
    this.browserSession.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) }).catch((error: Error) => {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    });
    return answered;
  }

  /** Evaluates `expression` in the target and resolves its value (by value). */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails) throw new Error(`evaluation failed in ${this.targetId}: ${exceptionDetails.text}`);
    return result.value as T;
  }

  async detach(): Promise<void> {
    if (!this.gone) await this.browserSession.send('Target.detachFromTarget', { sessionId: this.sessionId }).catch(() => undefined);
    this.gone = true;
    await this.browserSession.detach().catch(() => undefined);
  }
}

/** Whether the browser still lists the target. */
export async function targetExists(browser: Browser, targetId: string): Promise<boolean> {
  const { targetInfos } = (await withBrowserSession(browser, (session) => session.send('Target.getTargets'))) as { targetInfos: TargetInfo[] };
  return targetInfos.some((info) => info.targetId === targetId);
}

/** A target stuck in an endless loop: `release()` breaks the loop (the target lives on), `close()` ends the target. */
export interface Hang {
  readonly target: RuntimeTarget;
  /** `Date.now()` when the loop was queued (it starts at once, the next task). */
  readonly since: number;
  /**
   * Breaks the loop with `Runtime.terminateExecution`: the target runs its queued tasks and goes
   * on ('woke'). 'gone' when the target no longer exists to wake (the SDK ended it meanwhile, as a
   * leader does with its hung dedicated Worker).
   */
  release(): Promise<'woke' | 'gone'>;
  /** Closes the target if it is a SharedWorker still hung, and the session. */
  close(): Promise<void>;
}

/**
 * The endless loop runs as a task of the target's own (a timer), not inside the CDP evaluation:
 * while a DevTools command runs, Chromium refuses to force-terminate the worker
 * (`Worker.terminate()` of a hung dedicated Worker would then never end it), which a runaway
 * loop in the runtime's own code does not get. `Runtime.terminateExecution` breaks it either way.
 */
const ENDLESS_LOOP = 'setTimeout(() => { globalThis.__hungAt = Date.now(); for (;;) {} }, 0); true';

/**
 * Hangs a worker target: a task that never ends, as a runaway loop in the runtime would be. The
 * target answers the evaluation that queues it, and loops from about `since` on.
 */
export async function hangTarget(browser: Browser, target: RuntimeTarget): Promise<Hang> {
  const session = await TargetSession.attach(browser, target.targetId);
  expect(await session.evaluate('1 + 1'), `${target.name} answers before it hangs`).toBe(2);
  expect(await session.evaluate(ENDLESS_LOOP)).toBe(true);
  const since = Date.now();
  let released = false;
  return {
    target,
    since,
    async release() {
      if (released) throw new Error('released twice');
      released = true;
      if (session.detached || !(await targetExists(browser, target.targetId))) return 'gone';
      try {
        await session.send('Runtime.terminateExecution');
      } catch (error) {
        if (session.detached || !(await targetExists(browser, target.targetId))) return 'gone';
        throw error;
      }
      // The loop is over: the worker answers again (it did loop: the loop's task stamped the time).
      expect(await session.evaluate('typeof globalThis.__hungAt'), `${target.name} runs again`).toBe('number');
      return 'woke';
    },
    async close() {
      if (!released && target.type === 'shared_worker') await closeTarget(browser, target.targetId).catch(() => undefined);
      await session.detach();
    },
  };
}

/** Hangs the organization's SharedWorker (the one there is); see hangTarget. */
export async function hangSharedWorker(browser: Browser, organizationId: string): Promise<Hang> {
  return hangTarget(browser, await theSharedWorker(browser, organizationId));
}

/** The one dedicated Worker of the organization (the leader tab's). */
export async function theDedicatedWorker(browser: Browser, organizationId: string): Promise<RuntimeTarget> {
  const found = await dedicatedWorkers(browser, organizationId);
  expect(found.map((target) => target.name), 'exactly one dedicated Worker for the organization').toHaveLength(1);
  return found[0]!;
}

/**
 * Ends a dedicated Worker without a word to its page. CDP cannot close a `worker` target, so the
 * worker closes itself (`close()`: its queued tasks are dropped, its locks released, the page's
 * Worker object is not told). Resolves once the target is gone.
 */
export async function terminateDedicatedWorker(browser: Browser, target: RuntimeTarget): Promise<void> {
  const session = await TargetSession.attach(browser, target.targetId);
  try {
    await session.evaluate('close()');
  } finally {
    await session.detach();
  }
  await expect.poll(() => targetExists(browser, target.targetId), { message: `${target.name} ended` }).toBe(false);
}

/** The tab among `tabs` that runs the dedicated Worker (the leader), by Playwright's view of its workers. */
export async function leaderTab(tabs: readonly Page[], target: RuntimeTarget): Promise<Page> {
  const leaders = tabs.filter((tab) => tab.workers().some((worker) => worker.url() === target.url));
  expect(leaders, 'one tab runs the dedicated Worker').toHaveLength(1);
  return leaders[0]!;
}

/** A tab stuck in an endless loop (its main thread), on a CDP session of its own; see Hang. */
export interface PageHang {
  readonly since: number;
  release(): Promise<void>;
}

/** Hangs a tab's main thread (Playwright's own calls to it wait meanwhile). */
export async function hangPage(page: Page): Promise<PageHang> {
  const session = await page.context().newCDPSession(page);
  expect(await session.send('Runtime.evaluate', { expression: '1 + 1', returnByValue: true }).then((answer) => answer.result.value)).toBe(2);
  expect(await session.send('Runtime.evaluate', { expression: ENDLESS_LOOP, returnByValue: true }).then((answer) => answer.result.value)).toBe(true);
  const since = Date.now();
  return {
    since,
    async release() {
      await session.send('Runtime.terminateExecution');
      expect(await session.send('Runtime.evaluate', { expression: 'typeof globalThis.__hungAt', returnByValue: true }).then((answer) => answer.result.value)).toBe('number');
      await session.detach().catch(() => undefined);
    },
  };
}

/**
 * Freezes a tab for `ms` (`Page.setWebLifecycleState`), then makes it active again; resolves the
 * longest pause its timers took meanwhile, measured in the tab (a 250 ms interval), which shows
 * whether it really froze. Only a browser without focus emulation freezes (see launchPlainBrowser).
 */
export async function freezePage(page: Page, ms: number): Promise<{ longestTimerGapMs: number }> {
  await page.evaluate(() => {
    const ticks: number[] = [performance.now()];
    (window as unknown as { __ticks: number[] }).__ticks = ticks;
    setInterval(() => ticks.push(performance.now()), 250);
  });
  const session = await page.context().newCDPSession(page);
  try {
    await session.send('Page.setWebLifecycleState', { state: 'frozen' });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await session.send('Page.setWebLifecycleState', { state: 'active' });
  } finally {
    await session.detach().catch(() => undefined);
  }
  const resumedAt = await page.evaluate(() => performance.now());
  // One tick after the thaw, so the gap the freeze made is closed.
  await expect.poll(() => page.evaluate((at) => (window as unknown as { __ticks: number[] }).__ticks.some((tick) => tick > at), resumedAt), { timeout: 5_000 }).toBe(true);
  const longestTimerGapMs = await page.evaluate(() => {
    const ticks = (window as unknown as { __ticks: number[] }).__ticks;
    let longest = 0;
    for (let i = 1; i < ticks.length; i++) longest = Math.max(longest, ticks[i]! - ticks[i - 1]!);
    return Math.round(longest);
  });
  return { longestTimerGapMs };
}

/** `document.visibilityState` of the tab. */
export function visibility(page: Page): Promise<DocumentVisibilityState> {
  return page.evaluate(() => document.visibilityState);
}

/**
 * Brings `page` to the front of its window: in a plain browser (launchPlainBrowser) it becomes
 * `visible` and every other tab of the window `hidden`, as a user switching tabs does.
 */
export async function bringToFront(page: Page): Promise<void> {
  await page.bringToFront();
  await expect.poll(() => visibility(page)).toBe('visible');
}

/** A Chromium of our own, driven without Playwright's page defaults; `close()` ends it and removes its profile. */
export interface PlainBrowser {
  browser: Browser;
  /** The profile's one context: its tabs share SharedWorkers, Web Locks and storage like a context of Playwright's. */
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Chromium (the e2e flags, a fresh profile, no Playwright throttling switches) and connects
 * with `noDefaults`, so its tabs are not focus-emulated: a background tab is really `hidden`, with
 * throttled timers, and `freezePage` really freezes. Opened pages are tabs of one window, the last
 * opened in front.
 */
export async function launchPlainBrowser(): Promise<PlainBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'e2e-plain-chromium-'));
  const child = spawn(chromiumPath(), ['--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, ...CHROMIUM_ARGS, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${output}`)), 20_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${output}`)));
    });
    child.stderr!.resume();
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
    const context = browser.contexts()[0]!;
    return {
      browser,
      context,
      async close() {
        await browser.close().catch(() => undefined);
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
        // Chromium's helper processes outlive the browser process for a while, writing to the
        // profile; a temporary profile left behind must not fail the test.
        try {
          rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
        } catch (error) {
          console.warn(`could not remove ${profile}: ${(error as Error).message}`);
        }
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
