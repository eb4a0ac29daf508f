/**
 * The tab's side of supervision (src/client/supervise.ts), without a browser:
 *
 * - `watchRuntime` takes its timers and its LockManager: a ManualClock (whose `now()` the test can
 *   set ahead of its timers, to make the tab's own timers fire late as in a frozen or throttled
 *   tab) and test/support/fake-locks.ts (Node has no Web Locks);
 * - `respawn` takes its LockManager;
 * - `recover` and `superviseRuntime` reach for globals (`navigator.locks`, `document`, the real
 *   timers and `performance`), which the tests stub (vi.stubGlobal, vi.useFakeTimers).
 *
 * Runtimes are played by plain objects: what a tab can observe of one is whether it answers the
 * heartbeat, whether its life lock is held, and what attaching to it does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Timers } from '../../src/client/deadline';
import { recover, respawn, superviseRuntime, watchRuntime, type LossCause, type SupervisedTab } from '../../src/client/supervise';
import { HANG_DEADLINE_MS, PROBE_INTERVAL_MS, RECOVERY_MAX_PAUSE_MS, RECOVERY_PAUSE_MS, WATCH_TICK_MS } from '../../src/client/timeouts';
import type { Transport } from '../../src/client/transport';
import type { AttachInfo, RuntimeRestarts, TabPortApi } from '../../src/shared/contract';
import type { Envelope } from '../../src/shared/errors';
import { lifeLockName } from '../../src/shared/supervision';
import { FakeLocks } from '../support/fake-locks';
import { ManualClock } from '../support/manual-clock';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The whole hang deadline: a probe interval, then HANG_DEADLINE_MS more without an answer. */
const HANG_MS = PROBE_INTERVAL_MS + HANG_DEADLINE_MS;

/** Lets promise callbacks (probe answers, lock grants) run. */
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};

/**
 * The tab's clock: a ManualClock, plus a lag by which the tab's own timers can come late (the tab
 * was frozen, throttled or in the back/forward cache while they were due).
 */
function tabClock() {
  const manual = new ManualClock();
  let lag = 0;
  const timers: Timers = {
    now: () => manual.now() + lag,
    setTimeout: (callback, ms) => manual.setTimeout(callback, ms),
    clearTimeout: (handle) => manual.clearTimeout(handle),
  };
  return {
    timers,
    manual,
    /** `ms` of the tab running normally, one watch tick at a time, promise callbacks in between. */
    async run(ms: number) {
      for (let elapsed = 0; elapsed < ms; elapsed += WATCH_TICK_MS) {
        manual.advance(WATCH_TICK_MS);
        await settle();
      }
    },
    /** The tab's next tick comes `ms` late: it could not run its timers for that long. */
    async late(ms: number) {
      lag += ms;
      manual.advance(WATCH_TICK_MS);
      await settle();
    },
  };
}

/** A runtime as the watch sees it: `probe` answers while it is alive, never once it hangs. */
function runtimeProbe() {
  let state: 'alive' | 'hung' | 'unavailable' = 'alive';
  const probe = vi.fn(() => {
    if (state === 'hung') return new Promise<boolean>(() => undefined);
    return Promise.resolve(state === 'alive');
  });
  return {
    probe,
    hang: () => (state = 'hung'),
    /** The tab's side answers for it: it could not be reached (RUNTIME_UNAVAILABLE). */
    unreachable: () => (state = 'unavailable'),
  };
}

function watch(options: { healthy?: () => boolean; lifeLock?: string; locks?: LockManager } = {}) {
  const clock = tabClock();
  const runtime = runtimeProbe();
  const losses: LossCause[] = [];
  const stop = watchRuntime({
    probe: runtime.probe,
    onLost: (cause) => losses.push(cause),
    healthy: options.healthy ?? (() => true),
    timers: clock.timers,
    ...(options.lifeLock ? { lifeLock: options.lifeLock } : {}),
    ...(options.locks ? { locks: options.locks } : {}),
  });
  return { ...clock, ...runtime, losses, stop };
}

describe('watchRuntime: a hang is a deadline on the heartbeat', () => {
  it('probes every PROBE_INTERVAL_MS and never declares a runtime that answers hung', async () => {
    const { run, probe, losses } = watch();
    await run(300_000);
    expect(losses).toEqual([]);
    expect(probe).toHaveBeenCalledTimes(300_000 / PROBE_INTERVAL_MS);
  });

  it('declares a runtime hung after PROBE_INTERVAL_MS + HANG_DEADLINE_MS without an answer, once, and stops', async () => {
    const { run, hang, probe, losses, manual } = watch();
    hang();
    await run(HANG_MS - WATCH_TICK_MS);
    expect(losses).toEqual([]);
    expect(probe).toHaveBeenCalledTimes(1); // one heartbeat in flight at a time
    await run(WATCH_TICK_MS);
    expect(losses).toEqual(['hung']);
    expect(manual.pendingTimers).toBe(0);
    await run(60_000);
    expect(losses).toEqual(['hung']);
  });

  it('counts from the last answer: a runtime that hangs after answering is lost that long after it', async () => {
    const { run, hang, losses } = watch();
    await run(5 * PROBE_INTERVAL_MS); // the probe at 20 s was answered
    hang();
    await run(HANG_MS - WATCH_TICK_MS);
    expect(losses).toEqual([]);
    await run(WATCH_TICK_MS);
    expect(losses).toEqual(['hung']);
  });

  it('a heartbeat the tab could not deliver (RUNTIME_UNAVAILABLE) is no answer', async () => {
    const { run, unreachable, losses } = watch();
    unreachable();
    await run(HANG_MS);
    expect(losses).toEqual(['hung']);
  });

  it('a heartbeat that throws is no answer either, and does not stop the watch', async () => {
    const clock = tabClock();
    const losses: LossCause[] = [];
    const probe = vi.fn(() => Promise.reject(new Error('port closed')));
    watchRuntime({ probe, onLost: (cause) => losses.push(cause), healthy: () => true, timers: clock.timers });
    await clock.run(HANG_MS);
    expect(losses).toEqual(['hung']);
    expect(probe.mock.calls.length).toBeGreaterThan(1);
  });
});

describe('watchRuntime: only time in which the tab was healthy counts', () => {
  it('a tab whose timer comes more than two ticks late (frozen, throttled) starts the count again', async () => {
    const { run, late, hang, losses } = watch();
    hang();
    await run(HANG_MS - WATCH_TICK_MS); // one tick short of the deadline
    await late(2 * WATCH_TICK_MS); // this tick arrives three ticks after the last: the tab was frozen
    expect(losses).toEqual([]);
    await run(HANG_MS - WATCH_TICK_MS);
    expect(losses).toEqual([]);
    await run(WATCH_TICK_MS);
    expect(losses).toEqual(['hung']);
  });

  it('a tab frozen for a minute (Page.setWebLifecycleState, bfcache) does not declare a hang when it thaws', async () => {
    const { run, late, hang, losses } = watch();
    await run(10_000);
    hang(); // the runtime did not answer either: a frozen tab's silence proves nothing
    await late(60_000);
    await run(HANG_MS - WATCH_TICK_MS);
    expect(losses).toEqual([]);
  });

  it('a tick a little late (within two ticks) still counts: jittery timers do not postpone a hang forever', async () => {
    const { run, late, hang, losses } = watch();
    hang();
    await run(HANG_MS - 3 * WATCH_TICK_MS);
    await late(WATCH_TICK_MS / 2); // this tick counts 1.5 ticks of silence
    await run(WATCH_TICK_MS);
    expect(losses).toEqual([]);
    await run(WATCH_TICK_MS);
    expect(losses).toEqual(['hung']);
  });

  it('a hidden tab never declares a hang, however long; shown again, it counts from zero', async () => {
    let visible = false;
    const { run, hang, losses } = watch({ healthy: () => visible });
    hang();
    await run(600_000);
    expect(losses).toEqual([]);
    visible = true;
    await run(HANG_MS - WATCH_TICK_MS);
    expect(losses).toEqual([]);
    await run(WATCH_TICK_MS);
    expect(losses).toEqual(['hung']);
  });

  it('a tab hidden for a moment starts the count again', async () => {
    let visible = true;
    const { run, hang, losses } = watch({ healthy: () => visible });
    hang();
    await run(HANG_MS - WATCH_TICK_MS);
    visible = false;
    await run(WATCH_TICK_MS);
    visible = true;
    await run(HANG_MS - WATCH_TICK_MS);
    expect(losses).toEqual([]);
    await run(WATCH_TICK_MS);
    expect(losses).toEqual(['hung']);
  });
});

describe('watchRuntime: death is an event (the life lock)', () => {
  /** A runtime in its own worker holding its life lock, and the tab's view of the lock registry. */
  async function runtimeWithLifeLock() {
    const registry = new FakeLocks();
    const lifeLock = lifeLockName('w', 'epoch');
    void registry.client('worker').request(lifeLock, () => new Promise(() => undefined));
    await settle();
    return { registry, lifeLock, locks: registry.client('tab') };
  }

  it('the grant of the life lock (the runtime died) is a loss, at once and exactly once', async () => {
    const { registry, lifeLock, locks } = await runtimeWithLifeLock();
    const { run, hang, losses, manual } = watch({ lifeLock, locks });
    await run(3_000);
    expect(losses).toEqual([]);
    expect(registry.snapshot().pending).toMatchObject([{ name: lifeLock, clientId: 'tab' }]);
    registry.crash('worker');
    hang(); // a dead runtime answers no heartbeat either
    await settle();
    expect(losses).toEqual(['crashed']);
    expect(manual.pendingTimers).toBe(0);
    await run(HANG_MS * 2);
    expect(losses).toEqual(['crashed']);
    // The tab let go of the lock at once: the next tab waiting on it gets it too.
    expect(registry.heldNames()).toEqual([]);
  });

  it('after stop(), neither the lock nor the heartbeat reports anything, and the lock request is gone', async () => {
    const { registry, lifeLock, locks } = await runtimeWithLifeLock();
    const { run, hang, probe, losses, stop } = watch({ lifeLock, locks });
    await run(PROBE_INTERVAL_MS);
    const probes = probe.mock.calls.length;
    stop();
    await settle();
    expect(registry.snapshot().pending).toEqual([]);
    hang();
    registry.crash('worker');
    await run(HANG_MS * 2);
    expect(losses).toEqual([]);
    expect(probe).toHaveBeenCalledTimes(probes);
  });

  it('a hang declared first is the one loss: a later grant adds nothing', async () => {
    const { registry, lifeLock, locks } = await runtimeWithLifeLock();
    const { run, hang, losses } = watch({ lifeLock, locks });
    hang();
    await run(HANG_MS);
    expect(losses).toEqual(['hung']);
    registry.crash('worker');
    await settle();
    expect(losses).toEqual(['hung']);
  });

  it('a grant and the hang deadline in the same moment are still one loss', async () => {
    const { registry, lifeLock, locks } = await runtimeWithLifeLock();
    const { run, hang, losses, manual } = watch({ lifeLock, locks });
    hang();
    await run(HANG_MS - WATCH_TICK_MS);
    registry.crash('worker'); // granted now; the tab's callback runs after this turn
    manual.advance(WATCH_TICK_MS); // and in this same turn the deadline passes
    await settle();
    expect(losses).toEqual(['hung']);
  });

  it('without Web Locks (or a life lock) a dead runtime is still noticed, by the heartbeat deadline', async () => {
    const { run, hang, losses } = watch({ lifeLock: lifeLockName('w', 'e') }); // no LockManager
    hang();
    await run(HANG_MS);
    expect(losses).toEqual(['hung']);
  });
});

describe('superviseRuntime: the heartbeat as the tab sends it (globals stubbed)', () => {
  function supervised(answer: () => Promise<Envelope<void>>, visibility: DocumentVisibilityState = 'visible') {
    vi.useFakeTimers();
    vi.stubGlobal('navigator', {});
    const document = { visibilityState: visibility };
    vi.stubGlobal('document', document);
    const heartbeat = vi.fn();
    const losses: LossCause[] = [];
    const transport = { api: { heartbeat: vi.fn(answer) } } as unknown as Transport;
    const info: AttachInfo = { epoch: 'e', protocol: 1, sdkVersion: 'x' };
    const stop = superviseRuntime(transport, info, heartbeat, (cause) => losses.push(cause));
    return { heartbeat, losses, stop, document, api: transport.api as unknown as { heartbeat: ReturnType<typeof vi.fn> } };
  }

  it('an answered heartbeat keeps the runtime alive', async () => {
    const { losses, api, stop } = supervised(() => Promise.resolve({ ok: true, value: undefined }));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(losses).toEqual([]);
    expect(api.heartbeat).toHaveBeenCalledTimes(120_000 / PROBE_INTERVAL_MS);
    stop();
  });

  it('NOT_ATTACHED (the runtime dropped this frozen tab) is an answer: the tab attaches again, nothing is replaced', async () => {
    const { losses, heartbeat, stop } = supervised(() => Promise.resolve({ ok: false, error: { code: 'NOT_ATTACHED', message: 'who?' } }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(losses).toEqual([]);
    expect(heartbeat).toHaveBeenCalled();
    stop();
  });

  it('RUNTIME_UNAVAILABLE is no answer: the runtime is declared hung', async () => {
    const { losses, heartbeat, stop } = supervised(() => Promise.resolve({ ok: false, error: { code: 'RUNTIME_UNAVAILABLE', message: 'gone' } }));
    await vi.advanceTimersByTimeAsync(HANG_MS);
    expect(losses).toEqual(['hung']);
    expect(heartbeat).not.toHaveBeenCalled();
    stop();
  });

  it('a heartbeat that never answers while the page is hidden declares nothing; once visible, it does', async () => {
    const { losses, document, stop } = supervised(() => new Promise(() => undefined), 'hidden');
    await vi.advanceTimersByTimeAsync(300_000);
    expect(losses).toEqual([]);
    document.visibilityState = 'visible';
    await vi.advanceTimersByTimeAsync(HANG_MS);
    expect(losses).toEqual(['hung']);
    stop();
  });
});

/**
 * A browser's SharedWorkers for one base name, as `respawn` meets them: `reopen(name)` starts the
 * worker of that name unless one runs, and a worker that starts takes its life lock before it
 * answers an attach (as src/worker/host.ts does).
 */
function sharedWorkers(registry: FakeLocks) {
  const started: string[] = [];
  const alive = new Map<string, string>();
  let starts = 0;
  const start = (name: string) => {
    if (alive.has(name)) return;
    const lifeLock = lifeLockName(name, `epoch-${++starts}`);
    alive.set(name, lifeLock);
    started.push(name);
    void registry.client(`worker:${name}`).request(lifeLock, () => new Promise(() => undefined));
  };
  const transport = (name: string): Transport => ({
    mode: 'shared',
    name,
    api: {} as TabPortApi as never,
    failed: new Promise<never>(() => undefined),
    close: vi.fn(),
    reopen: (next: string) => {
      start(next);
      return transport(next);
    },
  });
  return {
    started,
    transport,
    /** The life lock the running worker of `name` holds (what it tells a tab that attaches). */
    lifeLock: (name: string) => alive.get(name)!,
    /** The worker of `name` runs (and holds its life lock) already. */
    running: async (name: string) => {
      start(name);
      started.splice(started.indexOf(name), 1);
      await settle();
    },
    crash: (name: string) => {
      alive.delete(name);
      registry.crash(`worker:${name}`);
    },
  };
}

describe('respawn: exactly one tab starts the next incarnation', () => {
  it('lets one tab at a time in: the next one waits until the first attached, then joins the runtime it started', async () => {
    const registry = new FakeLocks();
    const workers = sharedWorkers(registry);
    await workers.running('w'); // hung: it keeps its name and its lock
    const order: string[] = [];
    let finishFirstAttach!: () => void;
    const first = respawn(
      { name: 'w' },
      (name) => {
        order.push(`A opens ${name}`);
        return workers.transport('w').reopen!(name);
      },
      () => {
        order.push('A attaching');
        return new Promise<void>((resolve) => (finishFirstAttach = resolve));
      },
      registry.client('tab-a'),
    );
    const second = respawn(
      { name: 'w' },
      (name) => {
        order.push(`B opens ${name}`);
        return workers.transport('w').reopen!(name);
      },
      async () => {
        order.push('B attaching');
      },
      registry.client('tab-b'),
    );
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['A opens w#1', 'A attaching']);
    order.push('A attached');
    finishFirstAttach();
    expect((await first).name).toBe('w#1');
    expect((await second).name).toBe('w#1');
    expect(order).toEqual(['A opens w#1', 'A attaching', 'A attached', 'B opens w#1', 'B attaching']);
    expect(workers.started).toEqual(['w#1']);
    expect(registry.heldNames().filter((name) => name.startsWith('livechat-multitab:respawn|'))).toEqual([]);
  });

  it('ten tabs that noticed the same crash start one runtime between them', async () => {
    const registry = new FakeLocks();
    const workers = sharedWorkers(registry);
    await workers.running('w');
    workers.crash('w');
    const attached = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        respawn({ name: 'w' }, (name) => workers.transport('w').reopen!(name), async () => undefined, registry.client(`tab-${index}`)),
      ),
    );
    expect(attached.map((transport) => transport.name)).toEqual(Array(10).fill('w#1'));
    expect(workers.started).toEqual(['w#1']);
  });

  it('joins a later incarnation that is already alive instead of starting another', async () => {
    const registry = new FakeLocks();
    const workers = sharedWorkers(registry);
    await workers.running('w');
    await workers.running('w#3');
    const lost = { name: 'w' };
    const next = await respawn(lost, (name) => workers.transport('w').reopen!(name), async () => undefined, registry.client('tab'));
    expect(next.name).toBe('w#3');
    expect(lost.name).toBe('w#3');
    expect(workers.started).toEqual([]);
  });

  it('an attach that fails closes what it opened, lets the next tab in, and makes that incarnation the one to replace', async () => {
    const registry = new FakeLocks();
    const workers = sharedWorkers(registry);
    const opened: Transport[] = [];
    const lost = { name: 'w' };
    const reopen = (name: string) => {
      const transport = workers.transport('w').reopen!(name);
      opened.push(transport);
      return transport;
    };
    const refused = new Error('attach refused');
    await expect(
      respawn(
        lost,
        reopen,
        async () => {
          workers.crash('w#1'); // the new runtime died before it answered
          throw refused;
        },
        registry.client('tab'),
      ),
    ).rejects.toBe(refused);
    expect(lost.name).toBe('w#1');
    expect(opened[0]!.close).toHaveBeenCalledTimes(1);
    expect(registry.heldNames().filter((name) => name.startsWith('livechat-multitab:respawn|'))).toEqual([]);

    const next = await respawn(lost, reopen, async () => undefined, registry.client('tab'));
    expect(next.name).toBe('w#2');
    expect(next.close).not.toHaveBeenCalled();
  });

  it('without Web Locks every tab computes the same next name', async () => {
    const names: string[] = [];
    const registry = new FakeLocks();
    const workers = sharedWorkers(registry);
    for (const lost of [{ name: 'w#4' }, { name: 'w#4' }]) {
      const next = await respawn(lost, (name) => (names.push(name), workers.transport('w').reopen!(name)), async () => undefined, undefined);
      expect(next.name).toBe('w#5');
    }
    expect(names).toEqual(['w#5', 'w#5']);
  });
});

describe('recover: replacing the runtime, as the tab lives through it', () => {
  function tab(attach: (next: Transport) => Promise<void>) {
    const restarts: RuntimeRestarts = { count: 0, lastCause: null, lastRecoveryMs: null };
    let ended = false;
    const supervisedTab: SupervisedTab = {
      debug: false,
      restarts,
      attach: vi.fn(attach),
      open: vi.fn(),
      current: () => undefined,
      ended: () => ended,
      lose: vi.fn(),
      outdated: vi.fn(),
    };
    return { supervisedTab, restarts, end: () => (ended = true) };
  }

  /** A dedicated-mode runtime (its leader restarts the worker): `recover` retries the same transport. */
  function dedicated() {
    return { mode: 'dedicated', api: {} as never, failed: new Promise<never>(() => undefined), close: vi.fn(), recover: vi.fn() } as unknown as Transport & {
      recover: ReturnType<typeof vi.fn>;
    };
  }

  it('pauses between failed attempts, doubling from RECOVERY_PAUSE_MS up to RECOVERY_MAX_PAUSE_MS, until one holds', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const attempts: number[] = [];
    const failures = 8;
    const { supervisedTab, restarts } = tab(async () => {
      attempts.push(Date.now());
      if (attempts.length <= failures) throw new Error('not yet');
    });
    const gone = dedicated();
    const started = Date.now();
    const done = recover(supervisedTab, 'hung', gone);
    await vi.advanceTimersByTimeAsync(60_000);
    await done;
    const pauses = attempts.slice(1).map((at, index) => at - attempts[index]!);
    const expected: number[] = [];
    for (let pause = RECOVERY_PAUSE_MS; expected.length < failures; pause = Math.min(pause * 2, RECOVERY_MAX_PAUSE_MS)) expected.push(pause);
    expect(pauses).toEqual(expected);
    expect(expected.at(-1)).toBe(RECOVERY_MAX_PAUSE_MS); // the cap was reached
    expect(supervisedTab.lose).toHaveBeenCalledTimes(1);
    expect(supervisedTab.lose).toHaveBeenCalledWith(gone);
    expect(gone.recover).toHaveBeenCalledTimes(failures + 1);
    expect(gone.recover).toHaveBeenCalledWith('hung');
    expect(restarts).toEqual({ count: 1, lastCause: 'hung', lastRecoveryMs: attempts.at(-1)! - started });
  });

  it('stops trying once the instance ended, and counts no restart', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let calls = 0;
    const { supervisedTab, restarts, end } = tab(async () => {
      calls += 1;
      if (calls === 3) end();
      throw new Error('not yet');
    });
    const done = recover(supervisedTab, 'crashed', dedicated());
    await vi.advanceTimersByTimeAsync(60_000);
    await done;
    expect(calls).toBe(3);
    expect(restarts.count).toBe(0);
  });

  it('a life-lock grant leads to exactly one replacement, started by this tab under the next incarnation', async () => {
    const registry = new FakeLocks();
    vi.stubGlobal('navigator', { locks: registry.client('tab') });
    const workers = sharedWorkers(registry);
    await workers.running('w');
    const gone = workers.transport('w');
    const attached: string[] = [];
    const { supervisedTab, restarts } = tab(async (next) => {
      attached.push(next.name!);
    });
    const recoveries: Array<Promise<void>> = [];
    const clock = tabClock();
    watchRuntime({
      lifeLock: workers.lifeLock('w'),
      locks: registry.client('tab'),
      timers: clock.timers,
      healthy: () => true,
      probe: () => new Promise(() => undefined), // dead: no heartbeat answers either
      onLost: (cause) => recoveries.push(recover(supervisedTab, cause, gone)),
    });
    await settle();
    expect(registry.snapshot().pending).toMatchObject([{ name: workers.lifeLock('w'), clientId: 'tab' }]);
    workers.crash('w');
    await settle();
    await clock.run(HANG_MS * 2);
    await Promise.all(recoveries);
    expect(recoveries).toHaveLength(1);
    expect(attached).toEqual(['w#1']);
    expect(workers.started).toEqual(['w#1']);
    expect(gone.close).toHaveBeenCalledTimes(1);
    expect(restarts).toMatchObject({ count: 1, lastCause: 'crashed' });
  });
});
