/**
 * Adapts the runtime core to tabs that talk through MessagePorts and Comlink. Used by the
 * SharedWorker entry (one port per tab) and, later, the dedicated-Worker entry.
 */
import * as Comlink from 'comlink';
import {
  runtimeKey,
  type AttachInfo,
  type DestroyOptions,
  type RuntimeConfig,
  type RuntimeMessage,
  type RuntimeStatus,
  type TabHello,
  type TabHooks,
  type TabPortApi,
} from '../shared/contract';
import { fromEnvelope, SdkError, toEnvelope, type Envelope } from '../shared/errors';
import type { MethodName } from '../shared/methods';
import { PROTOCOL_VERSION, SDK_VERSION } from '../shared/version';
import { systemClock } from './clock';
import { oneOf, optionalObject, optionalString, requireObject, requireString } from '../shared/validate';
import type { SocketFactory } from './connection';
import { EarlySocket } from './early-socket';
import { rtmUrl } from '../protocol/wire';
import type { Logger } from './log';
import { watchGenerations, type Generation } from './generations';
import { Runtime, type RuntimeDeps, type TabSession } from './runtime';
import { holdLifeLock, newerIncarnation, predecessorHung, StallGuard } from './supervision';

export interface HostOptions extends RuntimeDeps {
  /**
   * A SharedWorker's script URL, name and how it was started: announced to other generations, and
   * the name its replacement after a hang is derived from. Absent in dedicated and inline hosts.
   */
  generation?: { url: string; name: string; type: WorkerType };
  /** The worker's name, for its life lock (see supervision.ts); absent inline, where the page is the runtime. */
  workerName?: string;
}

/**
 * How long a socket a tab's `preconnect` opened waits for that tab's attach: the attach is posted
 * within the same `init()`, so anything but a failed attach arrives well within this.
 */
const PRECONNECT_CLAIM_MS = 5_000;

/**
 * What a tab's page sent as its RuntimeConfig, checked where it picks a server: the runtime opens
 * sockets with it, and a page may send anything. Throws VALIDATION.
 */
function checkRuntimeConfig(value: unknown): asserts value is RuntimeConfig {
  const config = requireObject(value, 'runtime');
  requireString(config.organizationId, 'runtime.organizationId');
  requireString(config.clientId, 'runtime.clientId');
  requireString(config.env, 'runtime.env');
  oneOf(config.region, 'runtime.region', ['dal', 'fra']);
  optionalString(config.server, 'runtime.server');
  for (const [region, server] of Object.entries(optionalObject(config.regionServers, 'runtime.regionServers') ?? {})) {
    optionalString(server, `runtime.regionServers.${region}`);
  }
}

export class RuntimeHost {
  private runtime: Runtime | undefined;
  /** The life lock tabs wait on, once this worker holds it. */
  private readonly lifeLock: Promise<string | undefined>;
  /**
   * A newer incarnation that was already alive when this worker started: this one was started by
   * a tab that tried the first name before it knew (see sdk.ts), and must not serve anyone.
   */
  private readonly supersededAtStart: Promise<string | undefined>;
  private readonly createSocket: SocketFactory;
  private readonly predecessorHung: RuntimeDeps['predecessorHung'];
  /** The first tab's socket, created before the runtime existed to ask for it. */
  private readonly early: EarlySocket;
  /** Where a message no tab could be sent is reported. */
  readonly deliveryLog: Logger;

  constructor(
    readonly mode: RuntimeStatus['mode'],
    private readonly deps: HostOptions,
  ) {
    const epoch = Math.random().toString(36).slice(2, 12);
    this.lifeLock = deps.workerName ? holdLifeLock(deps.workerName, epoch) : Promise.resolve(undefined);
    this.createSocket = deps.createSocket;
    this.deliveryLog = deps.log ?? (() => undefined);
    const { generation } = deps;
    this.supersededAtStart = generation ? newerIncarnation(generation.name).catch(() => undefined) : Promise.resolve(undefined);
    this.predecessorHung = generation ? () => predecessorHung(generation.name) : deps.predecessorHung;
    if (generation) {
      // Only a SharedWorker can be replaced while it still runs (tabs cannot terminate it).
      const guard = new StallGuard(
        deps.clock ?? systemClock,
        () => newerIncarnation(generation.name),
        (name) => this.runtime?.retire(this.announced({ ...generation, name })),
      );
      this.createSocket = (url) => {
        const socket = deps.createSocket(url);
        const send = socket.send.bind(socket);
        socket.send = (data) => guard.send(() => send(data));
        return socket;
      };
    }
    this.early = new EarlySocket(this.createSocket, deps.clock ?? systemClock);
  }

  /** Resolves the life lock's name once this worker holds it. */
  heldLifeLock(): Promise<string | undefined> {
    return this.lifeLock;
  }

  /** Throws NOT_ATTACHED where this worker was superseded before it started (it then serves nobody). */
  async assertCurrent(): Promise<void> {
    const newer = await this.supersededAtStart;
    if (newer !== undefined) throw new SdkError('NOT_ATTACHED', `This runtime was superseded by ${newer} before it started.`);
  }

  /**
   * Serves one tab on `endpoint` (a SharedWorker port, or a dedicated worker's global scope).
   * `close` ends the endpoint once the tab is known to be gone, so that neither the port nor the
   * objects its listener holds outlive the tab (a SharedWorker gets a port per page, forever).
   */
  serve(endpoint: Comlink.Endpoint, close?: () => void): void {
    Comlink.expose(new PortApi(this, close), endpoint);
  }

  /**
   * The runtime for a config: created by the first tab, shared by every later one. `connect`: the
   * first tab wants the connection, so its socket is created before the runtime's parts are built.
   */
  runtimeFor(config: RuntimeConfig, connect = false): Runtime {
    checkRuntimeConfig(config);
    if (!this.runtime) {
      if (connect) this.early.open(rtmUrl(config, config.region));
      const runtime = new Runtime(config, {
        ...this.deps,
        createSocket: this.early.factory(),
        mode: this.mode,
        ...(this.predecessorHung ? { predecessorHung: this.predecessorHung } : {}),
      });
      this.runtime = runtime;
      const { generation } = this.deps;
      if (generation) {
        // After this task: the first tab's attach (and its socket) need not wait for the announcement.
        (this.deps.clock ?? systemClock).setTimeout(
          () => watchGenerations(`livechat-multitab:generations|${runtimeKey(config)}`, this.announced(generation), (newer) => runtime.retire(newer)),
          0,
        );
      }
    } else if (runtimeKey(this.runtime.config) !== runtimeKey(config)) {
      throw new SdkError(
        'CONFIG_MISMATCH',
        `This runtime serves ${runtimeKey(this.runtime.config)}; a tab asked for ${runtimeKey(config)}.`,
      );
    }
    return this.runtime;
  }

  /**
   * A first tab that will want the connection, before its attach (`TabPortApi.preconnect`): its
   * socket is opened now, not after the attach's own work (in the tab and here). Nothing once a
   * runtime exists, or in a worker that serves nobody; closed if no attach claims it in time.
   */
  preconnect(config: RuntimeConfig): void {
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: preconnect received');
    if (this.runtime || this.early.waiting) return;
    checkRuntimeConfig(config);
    void this.supersededAtStart.then((newer) => {
      if (newer !== undefined || this.runtime) return;
      this.early.open(rtmUrl(config, config.region), PRECONNECT_CLAIM_MS);
    });
  }

  private announced(generation: NonNullable<HostOptions['generation']>): Generation {
    return { version: SDK_VERSION, protocol: PROTOCOL_VERSION, ...generation };
  }

  networkOnline(): void {
    this.runtime?.networkOnline();
  }

  networkOffline(): void {
    this.runtime?.networkOffline();
  }

  /** Before the first attach there is no runtime: an empty epoch says so (see RuntimeStatus). */
  status(): RuntimeStatus {
    return (
      this.runtime?.status() ?? { mode: this.mode, epoch: '', sdkVersion: SDK_VERSION, tabs: 0, connection: 'idle', notifierTabId: null }
    );
  }
}

/** The object one tab's port talks to. */
class PortApi implements TabPortApi {
  private session: TabSession | undefined;
  private release: (() => void) | undefined;
  /** Set once the runtime let go of this tab (lock granted, eviction, leave). */
  private detached = false;
  /** The tab's lifetime lock this port is watching. */
  private watchedLock: string | undefined;

  constructor(
    private readonly host: RuntimeHost,
    private readonly closeEndpoint: (() => void) | undefined,
  ) {}

  attach(hello: TabHello, hooks: Comlink.Remote<TabHooks>, events: MessagePort): Promise<Envelope<AttachInfo>> {
    return toEnvelope(async () => {
      // Held before the answer: a tab that waited on it earlier would be granted it at once.
      const lifeLock = await this.host.heldLifeLock();
      let runtime: Runtime;
      try {
        await this.host.assertCurrent();
        if (hello.protocol !== PROTOCOL_VERSION) {
          throw new SdkError(
            'PROTOCOL_MISMATCH',
            `The tab speaks protocol ${hello.protocol}, this runtime ${PROTOCOL_VERSION}; reload the page.`,
          );
        }
        runtime = this.host.runtimeFor(hello.runtime, hello.wantsConnection);
        if (hello.provisional === true && runtime.hasTab(hello.tabId)) {
          throw new SdkError('NOT_ATTACHED', `Tab id ${hello.tabId} is in use by a live tab; attach once the id is claimed.`);
        }
      } catch (error) {
        // Refused: nothing will use what the tab sent, so let go of it now rather than at GC.
        hooks[Comlink.releaseProxy]();
        events.close();
        throw error;
      }
      // Attaching again (after an eviction or a runtime restart): let go of the old session first.
      this.release?.();
      const outgoing = batchedPort(events, this.host.deliveryLog);
      // What the runtime replays while it attaches the tab goes as one batch.
      outgoing.hold();
      let session: TabSession;
      try {
        session = runtime.attach(hello, {
          post: outgoing.post,
          getToken: async (fresh) => fromEnvelope(await hooks.getToken(fresh)),
          getCustomerData: async () => fromEnvelope(await hooks.getCustomerData()),
        });
      } finally {
        outgoing.flush();
      }
      this.session = session;
      this.detached = false;
      let released = false;
      this.release = () => {
        if (released) return;
        released = true;
        this.detached = true;
        session.detach('gone');
        hooks[Comlink.releaseProxy]();
        outgoing.close();
      };
      this.watchLock(hello.lockName);
      if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: attach answered');
      return { epoch: runtime.epoch, protocol: PROTOCOL_VERSION, sdkVersion: SDK_VERSION, ...(lifeLock ? { lifeLock } : {}) };
    });
  }

  request(method: MethodName, params: unknown): Promise<Envelope<unknown>> {
    return toEnvelope(() => this.attached().request(method, params));
  }

  connect(): Promise<Envelope<void>> {
    return toEnvelope(() => this.attached().connect());
  }

  disconnect(): Promise<Envelope<void>> {
    return toEnvelope(() => this.attached().disconnect());
  }

  destroy(options?: DestroyOptions): Promise<Envelope<void>> {
    return toEnvelope(() => {
      // Plain data from a tab: only an explicit `true` clears.
      this.session?.detach('destroyed', { clearCache: options?.clearCache === true });
      this.release?.();
    });
  }

  leave(): Promise<Envelope<void>> {
    return toEnvelope(() => this.release?.());
  }

  setFocus(focused: boolean): Promise<Envelope<void>> {
    return toEnvelope(() => this.attached().setFocus(focused === true));
  }

  heartbeat(): Promise<Envelope<void>> {
    return toEnvelope(() => this.attached().heartbeat());
  }

  status(): Promise<Envelope<RuntimeStatus>> {
    return toEnvelope(() => this.host.status());
  }

  preconnect(config: RuntimeConfig): void {
    try {
      this.host.preconnect(config);
    } catch {
      // A hint: a config it cannot use is the attach's to refuse.
    }
  }

  claimed(tabId: string, lockName?: string): Promise<Envelope<void>> {
    return toEnvelope(() => {
      requireString(tabId, 'tabId');
      if (lockName !== undefined) requireString(lockName, 'lockName');
      this.attached().claim(tabId);
      this.watchLock(lockName);
    });
  }

  private attached(): TabSession {
    if (!this.session || this.detached) throw new SdkError('NOT_ATTACHED', 'This tab is not attached to the runtime.');
    return this.session;
  }

  /**
   * The tab holds a Web Lock named `lockName` for its whole life; asking for the same lock here is
   * granted only once the tab is gone (closed, crashed, discarded), which no port event reports.
   */
  private watchLock(lockName: string | undefined): void {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    // One watch per tab: attaching again on this port (after an eviction) keeps the one it has.
    if (!lockName || !locks || lockName === this.watchedLock) return;
    this.watchedLock = lockName;
    // Granted: the tab is gone for good (unlike a leave or an eviction, after which it may come
    // back on this same port), so its session, whichever is current, and the port can go.
    const gone = () => {
      this.release?.();
      this.closeEndpoint?.();
    };
    locks.request(lockName, gone).catch(gone);
  }
}

/**
 * A tab's event port that can hold messages and send them as one batch: what the runtime replays
 * while it attaches a tab (customer, `connected`, status, notifier, …) then costs the tab one task
 * and one structured clone, and none of the tab's own start-up work lands between them. Outside a
 * hold every message goes at once, as a push must. `close()` sends what is held first. A batch
 * that cannot be cloned goes message by message, so one bad message does not cost the others.
 */
export function batchedPort(events: MessagePort, log: Logger): { post(message: RuntimeMessage): void; hold(): void; flush(): void; close(): void } {
  let batch: RuntimeMessage[] | undefined;
  const send = (message: RuntimeMessage | RuntimeMessage[]) => {
    try {
      events.postMessage(message);
    } catch (error) {
      if (!Array.isArray(message)) return log('warn', `Could not deliver a "${message.kind}" message to a tab`, error);
      for (const one of message) send(one);
    }
  };
  const flush = () => {
    const messages = batch;
    batch = undefined;
    if (messages?.length) send(messages.length === 1 ? messages[0]! : messages);
  };
  return {
    post: (message) => (batch ? batch.push(message) : send(message)),
    hold: () => (batch ??= []),
    flush,
    close() {
      flush();
      events.close();
    },
  };
}
