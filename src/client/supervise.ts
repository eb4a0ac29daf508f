/**
 * Supervising the runtime a tab is attached to, loaded right after the first attach (off the
 * start-up path: every byte of the tab's first chunk is paid before `connected`).
 *
 * - Death is an event: the runtime holds a Web Lock for its life (`AttachInfo.lifeLock`); the tab
 *   waits on it, and a grant means the runtime is gone (crashed, terminated, reclaimed by WebKit).
 * - A hang is a deadline: the tab probes with a heartbeat every PROBE_INTERVAL_MS, and a runtime
 *   that leaves it without an answer for HANG_DEADLINE_MS more is hung. Only time in which the tab
 *   itself was healthy counts: visible, and its own once-a-second tick on time. A frozen, hidden
 *   or throttled tab's silence proves nothing about the runtime, so it never declares one dead.
 * - Replacement (`recover`): a shared runtime is replaced under the next incarnation of its name,
 *   started by exactly one tab; in dedicated mode the leader restarts its worker. A newer SDK
 *   version taking over (`moveTo`) is a replacement too.
 */
import type { AttachInfo, RuntimeMessage, RuntimeRestarts } from '../shared/contract';
import { SdkError } from '../shared/errors';
import { incarnationName, parseIncarnation, queryLiveIncarnation } from '../shared/supervision';
import { PROTOCOL_VERSION } from '../shared/version';
import { realTimers, type Timers } from './deadline';
import { HANG_DEADLINE_MS, PROBE_INTERVAL_MS, RECOVERY_MAX_PAUSE_MS, RECOVERY_PAUSE_MS, WATCH_TICK_MS } from './timeouts';
import type { Transport } from './transport';

export type LossCause = 'crashed' | 'hung';

/** The tab (sdk.ts) as supervision sees it. */
export interface SupervisedTab {
  readonly debug: boolean;
  /** Updated here; getRuntimeStatus() reports it. */
  readonly restarts: RuntimeRestarts;
  /** Attaches this tab to `next`, which then carries its calls; throws what the runtime refused with. */
  attach(next: Transport): Promise<void>;
  /** Opens the SharedWorker a newer version announced (transport.ts's `openSharedWorkerAt`). */
  open(url: string, name: string, type?: WorkerType): Transport;
  current(): Transport | undefined;
  ended(): boolean;
  /** The runtime behind `gone` is lost: stop watching it, settle the calls in flight, tell the app. */
  lose(gone: Transport): void;
  /** A newer version took over and this tab cannot follow: end the instance (`sdk_updated`). */
  outdated(): void;
}

export interface WatchOptions {
  lifeLock?: string;
  /** Asks the runtime for a sign of life: resolves true when it answered, false when it could not. */
  probe(): Promise<boolean>;
  onLost(cause: LossCause): void;
  /** Whether this tab's own timers can be trusted now (visible: hidden tabs' timers are throttled). */
  healthy(): boolean;
  timers?: Timers;
  locks?: LockManager;
}

/**
 * Watches the runtime behind `transport`, attached with `info`: `onLost` once it died or hung.
 * `heartbeat` is the tab's own (a runtime that dropped the tab while it was frozen answers
 * NOT_ATTACHED, and the tab attaches again through it). Returns the function that stops watching.
 */
export function superviseRuntime(
  transport: Transport,
  info: AttachInfo,
  heartbeat: () => void,
  onLost: (cause: LossCause) => void,
  timers?: Timers,
): () => void {
  return watchRuntime({
    timers,
    lifeLock: info.lifeLock,
    probe: () =>
      transport.api.heartbeat().then((answer) => {
        if (answer.ok) return true;
        if (answer.error.code === 'NOT_ATTACHED') heartbeat();
        return answer.error.code !== 'RUNTIME_UNAVAILABLE';
      }),
    healthy: () => document.visibilityState === 'visible',
    onLost,
  });
}

/** Starts watching; returns the function that stops it (before a re-attach, on teardown). */
export function watchRuntime({ lifeLock, probe, onLost, healthy, timers = realTimers, locks = globalThis.navigator?.locks }: WatchOptions): () => void {
  let stopped = false;
  const stopLock = new AbortController();
  const lost = (cause: LossCause) => {
    if (stopped) return;
    stop();
    onLost(cause);
  };
  if (lifeLock && locks) {
    // Aborted on stop; a grant (with no abort) is the runtime's death. Released at once.
    locks.request(lifeLock, { signal: stopLock.signal }, () => lost('crashed')).catch(() => undefined);
  }
  let last = timers.now();
  let sinceProbe = 0;
  let silent = 0;
  let probing = false;
  let timer: unknown;
  const tick = () => {
    const now = timers.now();
    const gap = now - last;
    last = now;
    silent = gap <= 2 * WATCH_TICK_MS && healthy() ? silent + gap : 0;
    if (silent >= PROBE_INTERVAL_MS + HANG_DEADLINE_MS) return lost('hung');
    sinceProbe += gap;
    if (!probing && sinceProbe >= PROBE_INTERVAL_MS) {
      probing = true;
      sinceProbe = 0;
      probe()
        .then(
          (answered) => {
            if (answered) silent = 0;
          },
          () => undefined,
        )
        .finally(() => (probing = false));
    }
    timer = timers.setTimeout(tick, WATCH_TICK_MS);
  };
  timer = timers.setTimeout(tick, WATCH_TICK_MS);
  function stop() {
    stopped = true;
    stopLock.abort();
    timers.clearTimeout(timer);
  }
  return stop;
}

/**
 * Attaches (with `attach`) to the runtime that replaces the shared runtime named `lost.name`,
 * starting it if nobody has yet. Every tab that noticed runs this; a Web Lock lets one at a time
 * in, so exactly one starts the next incarnation (a hung worker keeps its name) and the others find
 * it alive. The lock is kept until the attach answered, which means the new runtime holds its own
 * life lock. `lost.name` becomes the incarnation tried, the one to replace if this attempt fails.
 */
export function respawn(
  lost: { name: string },
  reopen: (name: string) => Transport,
  attach: (next: Transport) => Promise<void>,
  locks = globalThis.navigator?.locks,
): Promise<Transport> {
  const { base, n } = parseIncarnation(lost.name);
  const replace = async (live: number): Promise<Transport> => {
    lost.name = incarnationName(base, live > n ? live : n + 1);
    const next = reopen(lost.name);
    try {
      await attach(next);
    } catch (error) {
      next.close();
      throw error;
    }
    return next;
  };
  // Without Web Locks every tab computes the same next name, and so meets in the same worker.
  if (!locks) return replace(-1);
  return locks.request(`livechat-multitab:respawn|${base}`, async () => replace(await queryLiveIncarnation(locks, base)));
}

/**
 * The runtime died or hung. Calls in flight on it settle now (requests with CONNECTION_LOST: they
 * may have reached the server); the app sees `disconnected` and, once a new runtime logged in,
 * `connected`; listeners and the instance stay. The tab tries again with a growing pause until it
 * is attached to a replacement or the instance ends. The new runtime learns what the tab was told
 * (its seen-record), so it catches up on what was said meanwhile, without repeats.
 */
export async function recover(tab: SupervisedTab, cause: LossCause, gone: Transport): Promise<void> {
  const started = performance.now();
  tab.lose(gone);
  if (tab.debug) console.info(`[livechat-multitab] the runtime ${cause}; replacing it.`);
  const lost = { name: gone.name ?? '' };
  for (let wait = RECOVERY_PAUSE_MS; !tab.ended(); wait = Math.min(wait * 2, RECOVERY_MAX_PAUSE_MS)) {
    try {
      if (gone.mode === 'shared') {
        await respawn(lost, gone.reopen!, (next) => tab.attach(next));
        gone.close();
      } else {
        gone.recover?.(cause);
        await tab.attach(gone);
      }
      noteRestart(tab, cause, started);
      return;
    } catch (error) {
      if (tab.ended()) return;
      console.warn('[livechat-multitab] could not replace the runtime yet; trying again.', error);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * A newer SDK version's worker took over (a deploy): attach to it and keep going, so the old and
 * the new build share one socket. A worker speaking another tab protocol cannot serve this tab:
 * it reports `disconnected` with reason `sdk_updated` and ends; reloading picks up the new build.
 */
export async function moveTo(tab: SupervisedTab, target: Extract<RuntimeMessage, { kind: 'moved' }>): Promise<void> {
  const previous = tab.current();
  const started = performance.now();
  let next: Transport | undefined;
  try {
    if (target.protocol !== PROTOCOL_VERSION) {
      throw new SdkError('PROTOCOL_MISMATCH', `SDK ${target.version} speaks tab protocol ${target.protocol}.`);
    }
    // Started the way the newer worker runs (a classic script where an app's bundler made it one).
    next = tab.open(target.url, target.name, target.type);
    await tab.attach(next);
    previous?.close();
    noteRestart(tab, 'replaced', started);
  } catch (error) {
    console.warn('[livechat-multitab] could not move to the newer runtime; reload the page to use it.', error);
    next?.close();
    tab.outdated();
  }
}

function noteRestart(tab: SupervisedTab, cause: RuntimeRestarts['lastCause'], started: number): void {
  const { restarts } = tab;
  restarts.count += 1;
  restarts.lastCause = cause;
  restarts.lastRecoveryMs = Math.round(performance.now() - started);
  if (tab.debug) console.info(`[livechat-multitab] runtime replaced (${cause}) in ${restarts.lastRecoveryMs} ms.`);
}
