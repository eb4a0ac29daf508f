/**
 * WebKit through selenium-webdriver: Debian's `webkit2gtk-driver` (WebKitWebDriver, WebDriver
 * classic) drives WebKitGTK's MiniBrowser (`--automation`), one session, every tab a window of it
 * (windows of one session share a SharedWorker; a background tab of a window would be `hidden`).
 * MiniBrowser needs a display: the engine starts its own Xvfb (`-displayfd` picks a free display
 * number) and its own WebKitWebDriver on a free port, and ends both on close.
 *
 * WebDriver classic runs script in one window at a time: every command switches to its tab's
 * window first, one command at a time. Crashing the runtime: WebKitWebDriver has no command that
 * reaches a worker, so the test kills the web process whose `WebCore: SharedWorker` thread runs it:
 * the process of the tab that started it, which the scenario closes first (WebKitWebDriver deletes
 * the whole session when one of its pages crashes; the process lives on for the worker alone).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { PollingTab, sleep, type Engine, type PageFunction, type RuntimeCrash } from './engine';
import { descendants, killProcessWithThread } from './processes';

export const webkitDriverPath = (): string => process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const miniBrowserPath = (): string => process.env.WEBKIT_MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = 'Xvfb';

/** Runs the page function and reports its outcome through WebDriver's async-script callback. */
const ASYNC_SCRIPT = `
const done = arguments[arguments.length - 1];
const fn = (__FN__);
Promise.resolve().then(() => fn(arguments[0])).then(
  (value) => done({ ok: true, json: value === undefined ? undefined : JSON.stringify(value) }),
  (error) => done({ ok: false, error: String((error && error.stack) || error) }),
);`;

class WebKitTab extends PollingTab {
  constructor(
    private readonly engine: WebKitEngine,
    readonly handle: string,
  ) {
    super();
  }

  async evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R> {
    const script = ASYNC_SCRIPT.replace('__FN__', fn.toString());
    const outcome = (await this.engine.inWindow(this.handle, (driver) => driver.executeAsyncScript(script, arg ?? null))) as { ok: boolean; json?: string; error?: string };
    if (!outcome.ok) throw new Error(`evaluation failed in WebKit: ${outcome.error}`);
    return (outcome.json === undefined ? undefined : JSON.parse(outcome.json)) as R;
  }

  async goto(url: string): Promise<void> {
    await this.engine.inWindow(this.handle, (driver) => driver.get(url));
  }

  async reload(): Promise<void> {
    await this.engine.inWindow(this.handle, (driver) => driver.navigate().refresh());
  }

  async close(): Promise<void> {
    await this.engine.inWindow(this.handle, (driver) => driver.close());
  }
}

class WebKitEngine implements Engine {
  readonly name = 'webkit';
  /** Commands run one after another: each one switches to its window first. */
  private queue: Promise<unknown> = Promise.resolve();
  private firstWindowUsed = false;

  constructor(
    private readonly driver: WebDriver,
    private readonly driverProcess: ChildProcess,
    private readonly xvfb: ChildProcess,
  ) {}

  inWindow<T>(handle: string | undefined, command: (driver: WebDriver) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (handle) await this.driver.switchTo().window(handle);
      return command(this.driver);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async version(): Promise<string> {
    const capabilities = await this.driver.getCapabilities();
    return `WebKitGTK ${capabilities.get('browserVersion') as string} (MiniBrowser)`;
  }

  async newTab(url: string): Promise<WebKitTab> {
    const handle = await this.inWindow(undefined, async (driver) => {
      // The session starts with one window: the first tab uses it, every other tab gets a window of its own.
      if (this.firstWindowUsed) await driver.switchTo().newWindow('window');
      this.firstWindowUsed = true;
      await driver.get(url);
      return driver.getWindowHandle();
    });
    return new WebKitTab(this, handle);
  }

  async crashRuntime(): Promise<RuntimeCrash> {
    const pid = killProcessWithThread(this.driverProcess.pid!, /SharedWorker/);
    return { how: 'process', detail: `SIGKILL to web process ${pid} (its WebCore: SharedWorker thread ran the SharedWorker)` };
  }

  async close(): Promise<void> {
    await this.queue;
    // MiniBrowser and its web processes, should the session have ended without them (a crashed page).
    const browserProcesses = descendants(this.driverProcess.pid!);
    await this.driver.quit().catch(() => undefined);
    await stop(this.driverProcess);
    for (const pid of browserProcesses) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await stop(this.xvfb);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts Xvfb on a display it picks itself (`-displayfd`), and resolves it as `:N`. */
function startXvfb(): Promise<{ display: string; xvfb: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const xvfb = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let number = '';
    let errors = '';
    const timer = setTimeout(() => fail(new Error(`Xvfb did not start in 10 s: ${errors}`)), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      xvfb.kill('SIGKILL');
      reject(error);
    };
    xvfb.once('error', (error) => fail(new Error(`Xvfb could not start (${error.message}): install it (Debian: apt-get install xvfb)`)));
    xvfb.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      number += chunk.toString();
      if (number.includes('\n')) {
        clearTimeout(timer);
        resolve({ display: `:${number.trim()}`, xvfb });
      }
    });
    xvfb.once('exit', (code) => fail(new Error(`Xvfb exited (${code}): ${errors}`)));
  });
}

async function waitForDriver(port: number, driverProcess: ChildProcess): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    if (driverProcess.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driverProcess.exitCode})`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`WebKitWebDriver did not listen on ${port} in 10 s`);
    await sleep(100);
  }
}

export async function launchWebKit(): Promise<Engine> {
  for (const [path, what] of [
    [webkitDriverPath(), 'WebKitWebDriver (Debian: apt-get install webkit2gtk-driver; or set WEBKIT_DRIVER_PATH)'],
    [miniBrowserPath(), 'MiniBrowser (Debian: apt-get install webkit2gtk-driver; or set WEBKIT_MINIBROWSER_PATH)'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path}.`);
  }
  const { display, xvfb } = await startXvfb();
  let driverProcess: ChildProcess | undefined;
  try {
    const port = await freePort();
    driverProcess = spawn(webkitDriverPath(), [`--port=${port}`], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
    await waitForDriver(port, driverProcess);
    const driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: miniBrowserPath(), args: ['--automation'] },
      })
      .build();
    await driver.manage().setTimeouts({ script: 60_000, pageLoad: 60_000 });
    return new WebKitEngine(driver, driverProcess, xvfb);
  } catch (error) {
    if (driverProcess) await stop(driverProcess);
    await stop(xvfb);
    throw error;
  }
}
