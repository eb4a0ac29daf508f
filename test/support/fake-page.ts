/**
 * FAKES of what a tab's SDK object (src/client/sdk.ts) needs of a browser page that Node lacks:
 *
 * - `SharedWorker`: each worker, per name (as a browser matches them), is a `FakeRuntime`, a plain
 *   object implementing `TabPortApi` exposed with Comlink on a Node MessageChannel whose other
 *   port is the worker's `port`. So the tab's real transport.ts, attach.ts and Comlink code run;
 *   only the runtime behind the port is scripted. A name marked `failing` fires `error` instead.
 * - `document` (visibility, focus) and the window's `addEventListener`, on an EventTarget the
 *   test dispatches `focus`, `pagehide`, … to.
 *
 * Web Locks come from FakeLocks (the runtime's life lock, the tab's lock), time from ManualClock.
 */
import { randomUUID } from 'node:crypto';
import * as Comlink from 'comlink';
import { vi } from 'vitest';
import type { AttachInfo, DestroyOptions, RuntimeConfig, RuntimeMessage, RuntimeStatus, TabHello, TabHooks, TabPortApi } from '../../src/shared/contract';
import type { Envelope } from '../../src/shared/errors';
import type { MethodName } from '../../src/shared/methods';
import { lifeLockName } from '../../src/shared/supervision';
import { PROTOCOL_VERSION, SDK_VERSION } from '../../src/shared/version';
import type { FakeLocks } from './fake-locks';

const ok = <T>(value: T): Envelope<T> => ({ ok: true, value });
const notAttached: Envelope<never> = { ok: false, error: { code: 'NOT_ATTACHED', message: 'Unknown tab.' } };

export const customer = { id: 'customer-1', type: 'customer' as const, sessionFields: {} };
export const connected: RuntimeMessage = { kind: 'event', name: 'connected', payload: { customer, availability: 'online' } };

/** One method call a tab made on a runtime. */
export interface Call {
  method: string;
  args: unknown[];
}

/**
 * A runtime as a tab sees it. It knows a tab from its attach until `forget()`; it answers
 * NOT_ATTACHED to a tab it does not know. It replays `replay` on the tab's event port on each attach.
 */
export class FakeRuntime implements TabPortApi {
  readonly calls: Call[] = [];
  readonly hellos: TabHello[] = [];
  /** Posted to each tab that attaches, before the answer (as host.ts replays). */
  replay: RuntimeMessage[] = [connected];
  /** When set, `attach` waits for the test to settle it (`answerAttach`). */
  holdAttach = false;
  /** When set, `request` and `status` wait for the test to settle them (`answerRequests`). */
  holdRequests = false;
  /** When set, heartbeats go unanswered (a hung runtime). */
  holdHeartbeats = false;
  /** When set, `status` before any attach answers as a worker holding no runtime yet (host.ts: an empty epoch). */
  fresh = false;
  private held: Array<() => void> = [];
  private heldRequests: Array<(envelope: Envelope<unknown>) => void> = [];
  private events: MessagePort | undefined;
  private known = false;

  constructor(
    readonly name: string,
    readonly epoch: string,
    private readonly lifeLock?: string,
  ) {}

  async attach(hello: TabHello, _hooks: TabHooks, events: MessagePort): Promise<Envelope<AttachInfo>> {
    this.record('attach', [hello.tabId]);
    this.hellos.push(hello);
    if (this.holdAttach) await new Promise<void>((release) => this.held.push(release));
    this.events?.close();
    this.events = events;
    this.known = true;
    for (const message of this.replay) events.postMessage(message);
    return ok({ epoch: this.epoch, protocol: PROTOCOL_VERSION, sdkVersion: SDK_VERSION, ...(this.lifeLock ? { lifeLock: this.lifeLock } : {}) });
  }

  answerAttach(): void {
    for (const release of this.held.splice(0)) release();
  }

  async request(method: MethodName, params: unknown): Promise<Envelope<unknown>> {
    this.record('request', [method, params]);
    if (!this.known) return notAttached;
    if (this.holdRequests) return new Promise((answer) => this.heldRequests.push(answer));
    return ok({ method, echoed: params });
  }

  answerRequests(envelope: Envelope<unknown>): void {
    for (const answer of this.heldRequests.splice(0)) answer(envelope);
  }

  private simple(method: string, args: unknown[] = []): Promise<Envelope<void>> {
    this.record(method, args);
    return Promise.resolve(this.known ? ok(undefined) : notAttached);
  }

  connect = () => this.simple('connect');
  disconnect = () => this.simple('disconnect');
  destroy = (options?: DestroyOptions) => this.simple('destroy', [options]);
  leave = () => this.simple('leave');
  setFocus = (focused: boolean) => this.simple('setFocus', [focused]);
  heartbeat = () => {
    if (!this.holdHeartbeats) return this.simple('heartbeat');
    this.record('heartbeat', []);
    return new Promise<Envelope<void>>(() => undefined);
  };
  claimed = (tabId: string, lockName?: string) => this.simple('claimed', [tabId, lockName]);
  preconnect = (config: RuntimeConfig) => void this.record('preconnect', [config]);

  async status(): Promise<Envelope<RuntimeStatus>> {
    this.record('status', []);
    if (!this.known && this.fresh) return ok({ mode: 'shared', epoch: '', sdkVersion: SDK_VERSION, tabs: 0, notifierTabId: null, connection: 'idle' });
    if (!this.known) return notAttached;
    if (this.holdRequests) return new Promise((answer) => this.heldRequests.push(answer as (envelope: Envelope<unknown>) => void));
    return ok({ mode: 'shared', epoch: this.epoch, sdkVersion: SDK_VERSION, tabs: 1, notifierTabId: null, connection: 'connected' });
  }

  /** Posts to the attached tab's event port, as the runtime pushes. */
  post(message: RuntimeMessage): void {
    this.events!.postMessage(message);
  }

  /** Drops the tab, as a runtime that restarted with its memory wiped or evicted a frozen tab. */
  forget(): void {
    this.known = false;
  }

  /** How often `method` was called. */
  count(method: string): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
  }
}

/**
 * The browser's SharedWorkers, by name: `runtime(name)` is the one a tab reaches under that name
 * (created on the first connect, as a browser starts a worker). `failing` names fail to start.
 * With `locks`, each runtime holds its life lock (as src/worker/supervision.ts does) until `crash`.
 */
export class FakeWorkers {
  readonly runtimes = new Map<string, FakeRuntime>();
  readonly failing = new Set<string>();
  /** Names connected to, in order (a reconnect under the same name counts again). */
  readonly opened: string[] = [];
  private readonly channels: MessageChannel[] = [];

  constructor(private readonly locks?: FakeLocks) {}

  runtime(name: string): FakeRuntime {
    let runtime = this.runtimes.get(name);
    if (!runtime) {
      const epoch = randomUUID();
      const lifeLock = this.locks ? lifeLockName(name, epoch) : undefined;
      if (lifeLock) void this.locks!.client(`worker:${name}`).request(lifeLock, () => new Promise(() => undefined));
      runtime = new FakeRuntime(name, epoch, lifeLock);
      this.runtimes.set(name, runtime);
    }
    return runtime;
  }

  /** The worker `name` died: its life lock is released, and nothing it had answers any more. */
  crash(name: string): void {
    this.locks?.crash(`worker:${name}`);
  }

  /** The newest runtime started (the one a tab ends up on after a replacement). */
  latest(): FakeRuntime {
    return [...this.runtimes.values()].at(-1)!;
  }

  install(): void {
    const workers = this;
    class FakeSharedWorker extends EventTarget {
      readonly port: MessagePort;
      constructor(_url: string | URL, options: WorkerOptions) {
        super();
        const name = options.name!;
        workers.opened.push(name);
        const channel = new MessageChannel();
        workers.channels.push(channel);
        this.port = channel.port1;
        if (workers.failing.has(name)) {
          setTimeout(() => this.dispatchEvent(new Event('error')));
          return;
        }
        Comlink.expose(workers.runtime(name), channel.port2 as unknown as Comlink.Endpoint);
      }
    }
    vi.stubGlobal('SharedWorker', FakeSharedWorker);
  }

  close(): void {
    for (const channel of this.channels) {
      channel.port1.close();
      channel.port2.close();
    }
  }
}

/** A page: `document` (visible, focused unless changed) and the window's events, as globals. */
export class FakePage extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  focused = true;
  readonly document: EventTarget & Pick<Document, 'visibilityState' | 'hasFocus'>;

  constructor() {
    super();
    const page = this;
    // Read when asked, as the browser's are (Object.assign would copy today's values).
    this.document = Object.defineProperties(new EventTarget(), {
      visibilityState: { get: () => page.visibilityState },
      hasFocus: { value: () => page.focused },
    }) as EventTarget & Pick<Document, 'visibilityState' | 'hasFocus'>;
  }

  /** Listeners registered on the window and the document now (a tab that ended must leave none). */
  listeners = 0;

  install(): void {
    const count = (target: EventTarget) => {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      return {
        add: (...args: Parameters<EventTarget['addEventListener']>) => (this.listeners++, add(...args)),
        remove: (...args: Parameters<EventTarget['removeEventListener']>) => (this.listeners--, remove(...args)),
      };
    };
    const page = count(this);
    const document = count(this.document);
    this.document.addEventListener = document.add;
    this.document.removeEventListener = document.remove;
    vi.stubGlobal('document', this.document);
    vi.stubGlobal('addEventListener', page.add);
    vi.stubGlobal('removeEventListener', page.remove);
  }

  /** The window gets or loses the focus. */
  focus(focused: boolean): void {
    this.focused = focused;
    this.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
  }

  /** The tab is hidden or shown. */
  show(visible: boolean): void {
    this.visibilityState = visible ? 'visible' : 'hidden';
    this.document.dispatchEvent(new Event('visibilitychange'));
  }

  /** `pagehide`/`pageshow`; `persisted`: into or out of the back/forward cache. */
  transition(type: 'pagehide' | 'pageshow', persisted: boolean): void {
    this.dispatchEvent(Object.assign(new Event(type), { persisted }));
  }
}
