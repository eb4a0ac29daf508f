/**
 * The worker's half of supervision (src/worker/supervision.ts): the life lock whose release tells
 * tabs the runtime died, the lock queries a runtime makes about other incarnations, and the stall
 * guard that keeps a runtime which hung (and was replaced meanwhile) silent when it wakes up.
 *
 * Time is driven by hand: a stall is time that passes while no timer can fire (the worker's thread
 * is stuck in a long task), which ManualClock cannot express, so the guard runs on WorkerClock below.
 * Web Locks are test/support/fake-locks.ts, installed as `navigator.locks` (Node has neither).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lifeLockName } from '../../src/shared/supervision';
import type { Clock } from '../../src/worker/clock';
import { compareGenerations, watchGenerations, type Generation } from '../../src/worker/generations';
import { holdLifeLock, newerIncarnation, predecessorHung, STALL_MS, StallGuard } from '../../src/worker/supervision';
import { FakeLocks } from '../support/fake-locks';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Lets the fake lock registry and the guard's promise callbacks run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Installs `registry` as the worker's `navigator.locks`, seen by the context `clientId`. */
function installLocks(registry: FakeLocks, clientId = 'this-worker'): void {
  vi.stubGlobal('navigator', { locks: registry.client(clientId) });
}

/** A runtime of the worker named `name` alive in another worker: it holds its life lock. */
function aliveElsewhere(registry: FakeLocks, name: string, epoch = 'e'): string {
  const clientId = `worker:${name}:${epoch}`;
  void registry.client(clientId).request(lifeLockName(name, epoch), () => new Promise(() => undefined));
  return clientId;
}

/**
 * The worker's clock. ManualClock fires every timer exactly when due, so it cannot show a stall;
 * this one can. `advance` is time in which the worker runs normally (timers fire when due); `stall`
 * is time in which its thread is stuck in a long task (nothing fires), after which every overdue
 * timer fires at once, late, as the event loop gets to it.
 */
class WorkerClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { due: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (let next = this.due(target); next; next = this.due(target)) {
      this.timers.delete(next[0]);
      this.time = next[1].due;
      next[1].callback();
    }
    this.time = target;
  }

  /** `atEnd` is what the stuck task itself does as it ends (before any overdue timer runs). */
  stall(ms: number, atEnd?: () => void): void {
    this.time += ms;
    atEnd?.();
    // Overdue timers run now, in the order they were due; the ones they set are due later.
    const overdue = [...this.timers].filter(([, timer]) => timer.due <= this.time).sort((a, b) => a[1].due - b[1].due);
    for (const [id, timer] of overdue) {
      this.timers.delete(id);
      timer.callback();
    }
  }

  private due(target: number): [number, { due: number; callback: () => void }] | undefined {
    let next: [number, { due: number; callback: () => void }] | undefined;
    for (const entry of this.timers) if (entry[1].due <= target && (!next || entry[1].due < next[1].due)) next = entry;
    return next;
  }
}

function workerClock() {
  const clock = new WorkerClock();
  return { clock, advance: (ms: number) => clock.advance(ms), stall: (ms: number, atEnd?: () => void) => clock.stall(ms, atEnd) };
}

/** A guard whose "was I replaced?" question the test answers by hand. */
function guarded() {
  const time = workerClock();
  const questions: Array<{ answer: (successor: string | undefined) => void; fail: (error: unknown) => void }> = [];
  const replacedBy: string[] = [];
  const guard = new StallGuard(
    time.clock,
    () =>
      new Promise<string | undefined>((resolve, reject) => {
        questions.push({ answer: resolve, fail: reject });
      }),
    (successor) => replacedBy.push(successor),
  );
  const sent: string[] = [];
  const send = (frame: string) => guard.send(() => sent.push(frame));
  return { ...time, guard, questions, replacedBy, sent, send };
}

describe('StallGuard', () => {
  it('sends at once while the worker runs normally, without asking anything', () => {
    const { advance, questions, sent, send } = guarded();
    send('a');
    advance(60_000);
    send('b');
    expect(sent).toEqual(['a', 'b']);
    expect(questions).toHaveLength(0);
  });

  it('a stall shorter than STALL_MS changes nothing, whether a frame or the late tick comes first', async () => {
    const { advance, stall, questions, sent, send } = guarded();
    advance(1_000); // a tick just ran
    stall(STALL_MS - 1, () => send('as the stall ends'));
    advance(1_000);
    stall(STALL_MS - 1); // the late tick runs first this time
    send('after the late tick');
    advance(10_000);
    await flush();
    expect(sent).toEqual(['as the stall ends', 'after the late tick']);
    expect(questions).toHaveLength(0);
  });

  it('after a longer stall, holds frames until it knows it was not replaced, then sends them in order', async () => {
    const { advance, stall, questions, replacedBy, sent, send } = guarded();
    advance(1_000);
    stall(STALL_MS + 1, () => {
      send('one');
      send('two');
    });
    expect(sent).toEqual([]);
    expect(questions).toHaveLength(1); // one question for the stall: not one per frame, not again on the late tick
    advance(3_000); // ticks while the question is open do not ask again
    send('three');
    expect(questions).toHaveLength(1);
    expect(sent).toEqual([]);

    questions[0]!.answer(undefined);
    await flush();
    expect(sent).toEqual(['one', 'two', 'three']);
    expect(replacedBy).toEqual([]);
    send('four'); // running normally again: straight out
    expect(sent).toEqual(['one', 'two', 'three', 'four']);
    advance(30_000);
    expect(questions).toHaveLength(1);
  });

  it('after a longer stall, drops every frame and retires once when a newer incarnation is alive', async () => {
    const { advance, stall, questions, replacedBy, sent, send } = guarded();
    advance(1_000);
    stall(30_000, () => send('held')); // hung long enough for the tabs to replace it
    expect(questions).toHaveLength(1);
    questions[0]!.answer('w#1');
    await flush();
    expect(replacedBy).toEqual(['w#1']);
    send('after retiring');
    advance(60_000);
    stall(30_000, () => send('after another stall'));
    advance(1_000);
    await flush();
    expect(sent).toEqual([]);
    expect(replacedBy).toEqual(['w#1']);
    expect(questions).toHaveLength(1);
  });

  it('notices a stall on its own late tick, before anything is sent, and asks', async () => {
    const { advance, stall, questions, replacedBy, sent, send } = guarded();
    advance(1_000);
    stall(STALL_MS + 500); // only the overdue tick runs
    expect(questions).toHaveLength(1);
    send('while asking');
    expect(sent).toEqual([]);
    questions[0]!.answer('w#2');
    await flush();
    expect(replacedBy).toEqual(['w#2']);
    expect(sent).toEqual([]);
  });

  it('sends the held frames when the question fails (no answer is no proof of a replacement)', async () => {
    const { advance, stall, questions, replacedBy, sent, send } = guarded();
    advance(1_000);
    stall(STALL_MS + 1, () => send('held'));
    questions[0]!.fail(new Error('locks unavailable'));
    await flush();
    expect(sent).toEqual(['held']);
    expect(replacedBy).toEqual([]);
  });

  it('asks again after a second stall, once the first one was answered', async () => {
    const { advance, stall, questions, sent, send } = guarded();
    advance(1_000);
    stall(STALL_MS + 1, () => send('first'));
    questions[0]!.answer(undefined);
    await flush();
    advance(5_000);
    stall(STALL_MS + 1, () => send('second'));
    expect(questions).toHaveLength(2);
    expect(sent).toEqual(['first']);
    questions[1]!.answer(undefined);
    await flush();
    expect(sent).toEqual(['first', 'second']);
  });

  it('asks the real question against the browser locks: a live newer incarnation retires it, none lets it send', async () => {
    const registry = new FakeLocks();
    installLocks(registry);
    const { clock, advance, stall } = workerClock();
    const replacedBy: string[] = [];
    const sent: string[] = [];
    const guard = new StallGuard(clock, () => newerIncarnation('w#1'), (successor) => replacedBy.push(successor));
    aliveElsewhere(registry, 'w'); // the hung predecessor this runtime replaced: older, so no reason to retire
    await flush();

    advance(1_000);
    stall(STALL_MS + 1, () => guard.send(() => sent.push('not replaced')));
    expect(sent).toEqual([]);
    await flush();
    expect(sent).toEqual(['not replaced']);
    expect(replacedBy).toEqual([]);

    aliveElsewhere(registry, 'w#2'); // the tabs replaced this one while it hung
    await flush();
    advance(1_000);
    stall(STALL_MS + 1, () => guard.send(() => sent.push('replaced')));
    await flush();
    expect(sent).toEqual(['not replaced']);
    expect(replacedBy).toEqual(['w#2']);
  });
});

describe('newerIncarnation', () => {
  it('names the highest live incarnation above this one', async () => {
    const registry = new FakeLocks();
    installLocks(registry);
    aliveElsewhere(registry, 'w');
    aliveElsewhere(registry, 'w#1');
    aliveElsewhere(registry, 'w#3');
    await flush();
    expect(await newerIncarnation('w')).toBe('w#3');
    expect(await newerIncarnation('w#1')).toBe('w#3');
    expect(await newerIncarnation('w#2')).toBe('w#3');
    expect(await newerIncarnation('w#3')).toBeUndefined();
    expect(await newerIncarnation('w#4')).toBeUndefined();
  });

  it('ignores other worker names and tabs merely waiting on a life lock', async () => {
    const registry = new FakeLocks();
    installLocks(registry);
    aliveElsewhere(registry, 'w');
    aliveElsewhere(registry, 'w2#5');
    aliveElsewhere(registry, 'other|w#6');
    await flush();
    // A tab waiting on w's life lock (pending, not held).
    void registry.client('tab').request(lifeLockName('w', 'e'), () => undefined);
    await flush();
    expect(await newerIncarnation('w')).toBeUndefined();
  });

  it('finds a successor only while it lives', async () => {
    const registry = new FakeLocks();
    installLocks(registry);
    const successor = aliveElsewhere(registry, 'w#1');
    await flush();
    expect(await newerIncarnation('w')).toBe('w#1');
    registry.crash(successor);
    expect(await newerIncarnation('w')).toBeUndefined();
  });

  it('is undefined without Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    expect(await newerIncarnation('w')).toBeUndefined();
  });
});

describe('predecessorHung', () => {
  it('is true when an earlier incarnation still holds its life lock', async () => {
    const registry = new FakeLocks();
    installLocks(registry);
    aliveElsewhere(registry, 'w');
    await flush();
    expect(await predecessorHung('w#1')).toBe(true);
    expect(await predecessorHung('w#4')).toBe(true);
  });

  it('is false for the first incarnation, when only later or other incarnations are alive, and once the old one died', async () => {
    const registry = new FakeLocks();
    installLocks(registry);
    const hung = aliveElsewhere(registry, 'w#1');
    aliveElsewhere(registry, 'w#3');
    aliveElsewhere(registry, 'other');
    await flush();
    expect(await predecessorHung('w')).toBe(false);
    expect(await predecessorHung('w#1')).toBe(false);
    expect(await predecessorHung('w#2')).toBe(true);
    registry.crash(hung);
    expect(await predecessorHung('w#2')).toBe(false);
  });

  it('is false without Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    expect(await predecessorHung('w#1')).toBe(false);
  });
});

describe('holdLifeLock', () => {
  it('resolves the lock name once held, and holds it for as long as the worker lives', async () => {
    const registry = new FakeLocks();
    installLocks(registry, 'worker-1');
    const name = await holdLifeLock('w#1', 'epoch-1');
    expect(name).toBe(lifeLockName('w#1', 'epoch-1'));
    expect(registry.heldNames('worker-1')).toEqual([name]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(registry.heldNames('worker-1')).toEqual([name]);
  });

  it('a tab waiting on it is granted it when the worker dies, and not before', async () => {
    const registry = new FakeLocks();
    installLocks(registry, 'worker-1');
    const name = (await holdLifeLock('w', 'e'))!;
    const granted = vi.fn();
    void registry.client('tab').request(name, granted);
    await flush();
    expect(granted).not.toHaveBeenCalled();
    registry.crash('worker-1');
    await flush();
    expect(granted).toHaveBeenCalledTimes(1);
    expect(granted.mock.calls[0]![0]).toMatchObject({ name });
  });

  it('resolves only once it holds the lock (a tab that asked first would be granted it)', async () => {
    const registry = new FakeLocks();
    const early = registry.client('early-tab');
    const name = lifeLockName('w', 'e');
    let releaseTab!: () => void;
    void early.request(name, () => new Promise<void>((resolve) => (releaseTab = resolve)));
    await flush();
    installLocks(registry, 'worker-1');
    let held: string | undefined;
    void holdLifeLock('w', 'e').then((value) => (held = value));
    await flush();
    expect(held).toBeUndefined();
    releaseTab();
    await flush();
    expect(held).toBe(name);
    expect(registry.heldNames()).toEqual([name]);
  });

  it('is undefined without Web Locks, or when the lock request fails', async () => {
    vi.stubGlobal('navigator', {});
    expect(await holdLifeLock('w', 'e')).toBeUndefined();
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new Error('SecurityError')), query: () => Promise.resolve({}) } });
    expect(await holdLifeLock('w', 'e')).toBeUndefined();
  });
});

describe('compareGenerations with incarnations', () => {
  const generation = (name: string, version = '1.0.0'): Generation => ({ version, protocol: 1, url: 'https://shop.test/worker.js', name });

  it('puts a later incarnation of the same name after an earlier one', () => {
    expect(compareGenerations(generation('w#1'), generation('w'))).toBeGreaterThan(0);
    expect(compareGenerations(generation('w'), generation('w#1'))).toBeLessThan(0);
    expect(compareGenerations(generation('w#10'), generation('w#9'))).toBeGreaterThan(0);
    expect(compareGenerations(generation('w#2'), generation('w#2'))).toBe(0);
    expect(compareGenerations(generation('a|b#2'), generation('a|b#1'))).toBeGreaterThan(0);
  });

  it('orders by version first: a newer version wins over any incarnation of an older one', () => {
    expect(compareGenerations(generation('w', '1.1.0'), generation('w#9', '1.0.0'))).toBeGreaterThan(0);
    expect(compareGenerations(generation('w#9', '1.0.0'), generation('w', '1.1.0'))).toBeLessThan(0);
  });

  it('does not order incarnations of different names', () => {
    expect(compareGenerations(generation('x#5'), generation('w#1'))).toBe(0);
    expect(compareGenerations(generation('w|short-lived#1'), generation('w'))).toBe(0);
  });

  it('a runtime that wakes up hears a later incarnation announced and retires in its favour; the later one never does', async () => {
    const channel = `test-incarnations-${Math.random().toString(36).slice(2)}`;
    const retired: Record<string, Generation[]> = { w: [], 'w#1': [] };
    const stops = [
      watchGenerations(channel, generation('w'), (newer) => retired.w!.push(newer)),
      watchGenerations(channel, generation('w#1'), (newer) => retired['w#1']!.push(newer)),
    ];
    await vi.waitFor(() => expect(retired.w).toEqual([generation('w#1')]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(retired['w#1']).toEqual([]);
    stops.forEach((stop) => stop());
  });
});
