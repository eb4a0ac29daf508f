/**
 * The part of a bench page that is the same for both SDKs: it records when `init()` was called and
 * when `connected` came, stamps each agent message's arrival, and runs send loops inside the page,
 * so a measurement never includes a Playwright round trip. No DOM work, so the numbers are the SDK's.
 */
import { installProfileSteps } from '../../src/shared/profile';

/** What both SDKs offer that the benchmarks use (same names and shapes in 4.0.2 and v5). */
export interface BenchSdk {
  on(event: string, handler: (payload: any) => void): void;
  startChat(params?: Record<string, unknown>): Promise<{ chat: { id: string } }>;
  sendEvent(params: { chatId: string; event: { type: 'message'; text: string } }): Promise<unknown>;
  /** This SDK only (v5 multi-tab): what the runtime says about itself, `restarts` included. */
  getRuntimeStatus?(): Promise<unknown>;
}

/** A `connected` or `disconnected` the SDK emitted, stamped with `now()` as it arrived. */
export interface LifecycleEvent {
  event: 'connected' | 'disconnected';
  /** Epoch ms on the clock Node also reads (`timeOrigin + now()`). */
  at: number;
  reason?: string;
}

export interface BenchState {
  sdk: 'official' | 'ours';
  /** `performance.now()` just before `init()`. */
  initAt: number;
  /** `performance.now()` at the first `connected`. */
  connectedAt?: number;
  /** The first `disconnected` reason, if any (e.g. `too_many_connections`). */
  disconnectReason?: string;
  /** Every `connected` and `disconnected`, in order (a handful per tab: it is never cleared). */
  lifecycle: LifecycleEvent[];
  /** Agent messages (text starting with `AGENT_PREFIX`) that arrived as `incoming_event`. */
  received: number;
  /** Agent messages that arrived more than once. */
  duplicates: number;
  /** Whether to keep each agent message's arrival time (off for the memory scenario). */
  recording: boolean;
  /** Milliseconds since the epoch on the clock Node also reads (`timeOrigin + now()`). */
  now(): number;
  startChat(): Promise<string>;
  /** `count` sequential `sendEvent`s; each one's round trip in ms. */
  sendMany(chatId: string, count: number): Promise<number[]>;
  /** Arrival times (epoch ms) of agent messages by text, then forgets them. */
  takeArrivals(): Record<string, number>;
  /** Forgets arrivals and counters, so that only the SDK's own memory is left to measure. */
  reset(): void;
  /** `getRuntimeStatus()`, or 'unsupported' (the official SDK), or 'timeout' after `timeoutMs`. */
  runtimeStatus(timeoutMs: number): Promise<unknown>;
}

/**
 * What a page opened with `?report=URL&run=ID` posts to the bench (bench/reports.ts) by itself, so
 * that the harness waits for it without touching the page: `connected` (or `disconnected` before
 * it) once per page load, then `sends` when asked for sends.
 */
export interface PageReport {
  run: string;
  type: 'connected' | 'disconnected' | 'sends' | 'error';
  sdk: BenchState['sdk'];
  /** The walk's page number (`?step=`), 1 on a page outside a walk. */
  step: number;
  /** `performance.now()` just before `init()` (milliseconds since this page's navigation start). */
  initAt: number;
  /** `performance.now()` at the first `connected`. */
  connectedAt?: number;
  /** `init()` in epoch ms on the clock Node also reads (`timeOrigin + initAt`): lines a page's times up with the bench's. */
  initEpoch: number;
  reason?: string;
  /** `sends`: each sendEvent's round trip, in order. */
  rtts?: number[];
  /** The profiler's build only: the SDK's start-up steps, in ms after `init()` (bench/profile-start.ts). */
  steps?: Array<[step: string, ms: number]>;
}

/** The bench sends agent messages with texts starting with this; anything else is not counted. */
export const AGENT_PREFIX = 'bench:';

declare global {
  interface Window {
    bench: BenchState;
  }
}

/** The profiler's build: the SDK's start-up steps from this page and its worker, as they are posted. */
const profileSteps: Array<[string, number]> = [];
if (globalThis.__LIVECHAT_PROFILE__) {
  installProfileSteps();
  new BroadcastChannel('livechat-multitab:profile').onmessage = (event: MessageEvent<[string, number]>) => profileSteps.push(event.data);
  // The page's own milestones beside the SDK's steps (this page paints nothing, so it has no paint entries).
  for (const name of ['DOMContentLoaded', 'load'])
    addEventListener(name, () => profileSteps.push([`page: ${name}`, performance.timeOrigin + performance.now()]), { once: true });
}

export function installHarness(kind: BenchState['sdk'], sdk: BenchSdk, initAt: number): void {
  let arrivals = new Map<string, number>();
  const seen = new Set<string>();
  const now = () => performance.timeOrigin + performance.now();

  const state: BenchState = {
    sdk: kind,
    initAt,
    lifecycle: [],
    received: 0,
    duplicates: 0,
    recording: true,
    now,
    startChat: async () => (await sdk.startChat()).chat.id,
    async sendMany(chatId, count) {
      const rtts: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const start = performance.now();
        await sdk.sendEvent({ chatId, event: { type: 'message', text: `customer ${i}` } });
        rtts.push(performance.now() - start);
      }
      return rtts;
    },
    takeArrivals() {
      const out = Object.fromEntries(arrivals);
      arrivals = new Map();
      return out;
    },
    reset() {
      arrivals = new Map();
      seen.clear();
      state.received = 0;
      state.duplicates = 0;
    },
    runtimeStatus(timeoutMs) {
      if (sdk.getRuntimeStatus === undefined) return Promise.resolve('unsupported');
      return Promise.race([sdk.getRuntimeStatus(), new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs))]);
    },
  };

  const autopilot = reportingAutopilot(state);
  sdk.on('connected', () => {
    state.lifecycle.push({ event: 'connected', at: now() });
    if (state.connectedAt !== undefined) return;
    state.connectedAt = performance.now();
    autopilot?.connected();
  });
  sdk.on('disconnected', (payload: { reason?: string } | undefined) => {
    const reason = payload?.reason ?? 'unknown';
    state.lifecycle.push({ event: 'disconnected', at: now(), reason });
    state.disconnectReason ??= reason;
    if (state.connectedAt === undefined) autopilot?.failed(reason);
  });
  sdk.on('incoming_event', (payload: { event?: { type?: string; text?: unknown } }) => {
    const at = now();
    const text = payload.event?.text;
    if (payload.event?.type !== 'message' || typeof text !== 'string' || !text.startsWith(AGENT_PREFIX)) return;
    // The set of texts costs memory too, but the same for both SDKs, and reset() clears it before heaps are read.
    if (seen.has(text)) {
      state.duplicates += 1;
      return;
    }
    seen.add(text);
    state.received += 1;
    if (state.recording) arrivals.set(text, at);
  });
  window.bench = state;
}

/**
 * With `?report=URL&run=ID`, the page reports by itself and carries on alone: `connected` as soon as
 * it is stamped; then, with `?walk=N&step=K&dwell=MS`, the next page of the walk after `dwell` ms (a
 * navigation the page starts, as a visitor's click does); with `?sends=N`, a chat and N sequential
 * sendEvents after 5 unmeasured ones, then their round trips.
 */
function reportingAutopilot(state: BenchState): { connected(): void; failed(reason: string): void } | undefined {
  const url = query('report');
  const run = query('run');
  if (url === undefined || run === undefined) return undefined;
  const step = Number(query('step') ?? '1');
  const post = (report: Omit<PageReport, 'run' | 'sdk' | 'step' | 'initAt' | 'initEpoch'>) => {
    const initEpoch = performance.timeOrigin + state.initAt;
    const body = JSON.stringify({ run, sdk: state.sdk, step, initAt: state.initAt, initEpoch, ...report } satisfies PageReport);
    // A beacon outlives the page (the walk navigates right after); fetch is the fallback if its queue is full.
    if (!navigator.sendBeacon(url, body)) void fetch(url, { method: 'POST', body, keepalive: true, mode: 'no-cors' });
  };
  return {
    connected() {
      if (globalThis.__LIVECHAT_PROFILE__) {
        // The worker's last steps cross a BroadcastChannel: give them a moment to arrive.
        const initEpoch = performance.timeOrigin + state.initAt;
        setTimeout(() => post({ type: 'connected', connectedAt: state.connectedAt!, steps: profileSteps.map(([step, at]) => [step, at - initEpoch]) }), 100);
      } else post({ type: 'connected', connectedAt: state.connectedAt! });
      const pages = Number(query('walk') ?? '0');
      if (step < pages) {
        const next = new URL(location.href);
        next.searchParams.set('step', String(step + 1));
        setTimeout(() => location.assign(next), Number(query('dwell') ?? '200'));
      }
      const sends = Number(query('sends') ?? '0');
      if (sends > 0) {
        void (async () => {
          const chatId = await state.startChat();
          await state.sendMany(chatId, 5);
          post({ type: 'sends', rtts: await state.sendMany(chatId, sends) });
        })().catch((error: unknown) => post({ type: 'error', reason: String(error) }));
      }
    },
    failed(reason) {
      post({ type: 'disconnected', reason });
    },
  };
}

/**
 * Runs the widget's start (`init()`): at once, or with `?initAfterLoad=MS` that long after the
 * page's `load`, as a widget a site loads after its own content. Both SDKs' pages use it alike.
 */
export function startWidget(start: () => void): void {
  const delay = query('initAfterLoad');
  if (delay === undefined) return start();
  const later = () => setTimeout(start, Number(delay));
  if (document.readyState === 'complete') later();
  else addEventListener('load', later, { once: true });
}

export function query(name: string): string | undefined {
  return new URLSearchParams(location.search).get(name) ?? undefined;
}
