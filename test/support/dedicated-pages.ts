/**
 * Dedicated-mode tabs in Node, for tests of who leads: each page is one `openDedicatedTransport`
 * on a manual clock shared by all pages, the FAKE Web Locks (Node has none: fake-locks.ts), and
 * real Node BroadcastChannels. A leader's Worker is a real runtime host in this thread against the
 * real emulator (with its own real timers, as a worker thread keeps running while its page is frozen).
 *
 * A page can be frozen (its main thread runs nothing: what it would post or receive on its
 * channels is dropped; its timers and its lock request's answer wait for `wake`), or crash (it
 * runs nothing again; the browser releases its locks and ends its worker).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/shared/clock';
import { attachTo } from '../../src/client/attach';
import { openDedicatedTransport } from '../../src/client/leader';
import { leaderLockName, type RelayChannel } from '../../src/client/relay';
import type { Transport } from '../../src/client/transport';
import type { AttachInfo, RuntimeMessage, RuntimeStatus, TabHello, TabHooks } from '../../src/shared/contract';
import type { Envelope } from '../../src/shared/errors';
import { PROTOCOL_VERSION } from '../../src/shared/version';
import type { SocketLike } from '../../src/worker/connection';
import { RuntimeHost } from '../../src/worker/host';
import { Browser, createSocket, runtimeConfig } from '../worker/harness';
import type { EmulatorEnv } from './emulator';
import { FakeLocks } from './fake-locks';
import { ManualClock } from './manual-clock';

/** A dedicated Worker: the runtime host; `terminate` stops everything of it at once, as the browser does. */
class TestWorker {
  private readonly host: RuntimeHost;
  private readonly sockets: SocketLike[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private terminated = false;

  constructor() {
    const clock: Clock = {
      now: () => Date.now(),
      setTimeout: (callback, ms) => {
        if (this.terminated) return undefined;
        const handle = setTimeout(() => {
          this.timers.delete(handle);
          callback();
        }, ms);
        this.timers.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        clearTimeout(handle as ReturnType<typeof setTimeout>);
        this.timers.delete(handle as ReturnType<typeof setTimeout>);
      },
    };
    const track = (url: string) => {
      const socket = createSocket(url);
      this.sockets.push(socket);
      return socket;
    };
    // No linger: a socket nobody wants any more closes at once, so the emulator's count shows it.
    this.host = new RuntimeHost('dedicated', { createSocket: track, lingerMs: 0, clock });
  }

  postMessage(data: { kind: 'connect'; port: MessagePort }): void {
    if (this.terminated) return;
    this.ports.push(data.port);
    this.host.serve(data.port);
  }

  addEventListener(): void {}

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    for (const timer of this.timers) clearTimeout(timer);
    // The thread is gone: its socket closes and nothing of it hears or answers any more.
    for (const socket of this.sockets) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      socket.close();
    }
    for (const port of this.ports) port.close();
  }
}

export class TestPage {
  readonly transport: Transport;
  /** What arrived on the event port of this page's SDK instance. */
  readonly heard: RuntimeMessage[] = [];
  readonly workers: TestWorker[] = [];
  hello: TabHello | undefined;
  private frozen = false;
  private dead = false;
  private readonly held: Array<() => void> = [];
  private readonly channels: BroadcastChannel[] = [];
  private readonly ports: MessagePort[] = [];

  constructor(
    readonly name: string,
    private readonly world: DedicatedPages,
    /** This page's spread of its wait before a steal (see election.ts). */
    jitter: number,
  ) {
    const { clock, registry } = world;
    const locks = registry.client(name);
    this.transport = openDedicatedTransport(
      world.key,
      () => {
        const worker = new TestWorker();
        this.workers.push(worker);
        return worker as unknown as Worker;
      },
      () => [],
      {
        clock: {
          now: () => clock.now(),
          setTimeout: (callback, ms) => clock.setTimeout(() => this.run(callback), ms),
          clearTimeout: (handle) => clock.clearTimeout(handle),
        },
        locks: {
          request: ((lockName: string, options: LockOptions, callback: LockGrantedCallback<unknown>) =>
            new Promise<unknown>((resolve, reject) => {
              // FakeLocks grants in a microtask, browsers in a task of their own: a tab that steals
              // leaves the line first, and here that request's rejection comes after the grant. The
              // election must not step down for it (only a granted request can lose the lock).
              const granted = (lock: Lock | null) => new Promise<unknown>((done) => this.run(() => done(callback(lock))));
              locks.request(lockName, options, granted).then(
                (value) => this.run(() => resolve(value)),
                (error: unknown) => this.run(() => reject(error)),
              );
            })) as LockManager['request'],
          query: () => locks.query(),
        },
        openChannel: (channelName) => this.channel(channelName),
        random: () => jitter,
      },
    );
  }

  /** Attaches this page's SDK instance as sdk.ts does: its hooks, its own event port. */
  async attach(hello: Partial<TabHello> = {}): Promise<Envelope<AttachInfo>> {
    this.hello = {
      protocol: PROTOCOL_VERSION,
      tabId: `${this.name}-${randomUUID()}`,
      runtime: runtimeConfig(this.world.env.emulator.url, this.world.organizationId),
      wantsConnection: true,
      ...hello,
    };
    const { browser } = this.world;
    const hooks: TabHooks = {
      getToken: async () => ({ ok: true, value: await browser.token() }),
      getCustomerData: () => Promise.resolve({ ok: true, value: null }),
    };
    const { envelope, events } = await attachTo(this.transport.api, this.hello, hooks, (message) => this.heard.push(message), 15_000, this.world.clock);
    this.ports.push(events);
    return envelope;
  }

  /** The connection events this page's instance saw, `disconnected` with its reason. */
  connection(): string[] {
    return this.heard.flatMap((message) => {
      if (message.kind !== 'event') return [];
      if (message.name === 'connected') return ['connected'];
      if (message.name === 'disconnected') return [`disconnected:${message.payload.reason}`];
      return [];
    });
  }

  async status(): Promise<RuntimeStatus> {
    const envelope = await this.transport.api.status();
    if (!envelope.ok) throw new Error(`${this.name}: status failed with ${envelope.error.code}`);
    return envelope.value;
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Back to life: what came due while frozen runs now, in order. */
  wake(): void {
    this.frozen = false;
    for (const task of this.held.splice(0)) task();
  }

  crash(): void {
    this.dead = true;
    this.world.registry.crash(this.name);
    for (const worker of this.workers) worker.terminate();
  }

  dispose(): void {
    if (!this.dead) this.transport.close();
    for (const worker of this.workers) worker.terminate();
    for (const channel of this.channels) channel.close();
    for (const port of this.ports) port.close();
  }

  private get asleep(): boolean {
    return this.frozen || this.dead;
  }

  private run(task: () => void): void {
    if (this.dead) return;
    if (this.frozen) this.held.push(task);
    else task();
  }

  private channel(name: string): RelayChannel {
    const channel = new BroadcastChannel(name);
    this.channels.push(channel);
    const wrapped: RelayChannel = {
      onmessage: null,
      postMessage: (message) => {
        if (!this.asleep) channel.postMessage(message);
      },
      close: () => channel.close(),
    };
    channel.onmessage = (event) => {
      if (!this.asleep) wrapped.onmessage?.(event as MessageEvent);
    };
    return wrapped;
  }
}

/** One browser profile's dedicated-mode pages for one runtime key. */
export class DedicatedPages {
  readonly key = `dedicated-pages-${randomUUID()}`;
  readonly clock = new ManualClock();
  readonly registry = new FakeLocks();
  readonly organizationId = `dedicated-${randomUUID()}`;
  readonly browser: Browser;
  private readonly pages: TestPage[] = [];

  constructor(readonly env: EmulatorEnv) {
    this.browser = new Browser(env.emulator.url, this.organizationId);
    env.cleanup.push(() => this.pages.forEach((page) => page.dispose()));
  }

  /** Opens a page; pages queue for the leader lock in the order they open. */
  open(name: string, jitter = 0): TestPage {
    const page = new TestPage(name, this, jitter);
    this.pages.push(page);
    return page;
  }

  /** The page holding the leader lock. */
  leader(): string | undefined {
    return this.registry.snapshot().held?.find((lock) => lock.name === leaderLockName(this.key))?.clientId;
  }

  openConnections(): number {
    return this.env.emulator.stats(this.organizationId).openConnections;
  }

  /** Moves the pages' clock on by `ms`, one watchdog period at a time, letting each tick's work finish. */
  async elapse(ms: number, step: number): Promise<void> {
    for (let passed = 0; passed < ms; passed += step) {
      this.clock.advance(Math.min(step, ms - passed));
      for (let turn = 0; turn < 5; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
