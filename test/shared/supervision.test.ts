/**
 * The names both sides of supervision agree on (src/shared/supervision.ts): a runtime's life lock,
 * the incarnations of a SharedWorker name, and which incarnation is alive according to the locks
 * the browser reports held. The lock registry is test/support/fake-locks.ts (Node has no Web Locks).
 */
import { describe, expect, it } from 'vitest';
import { workerName } from '../../src/shared/contract';
import {
  heldIncarnations,
  incarnationName,
  lifeLockName,
  liveIncarnation,
  parseIncarnation,
  queryIncarnations,
  queryLiveIncarnation,
} from '../../src/shared/supervision';
import { FakeLocks } from '../support/fake-locks';

/** A real worker name as tabs compute it: it contains '|' (and may end in '|short-lived'). */
const BASE = `${workerName({ organizationId: 'org-1', clientId: 'client-1', groupId: 0, uniqueGroups: false, region: 'dal', server: 'http://127.0.0.1:1', env: 'production' })}|short-lived`;

describe('incarnation names', () => {
  it('the first incarnation is the base name itself; later ones carry #n', () => {
    expect(incarnationName('w', 0)).toBe('w');
    expect(incarnationName('w', 1)).toBe('w#1');
    expect(incarnationName('w', 12)).toBe('w#12');
  });

  it('parseIncarnation inverts incarnationName, for real worker names and awkward bases', () => {
    const bases = [BASE, 'w', 'a|b|c', 'a#b', 'x#y#z', '#', 'w#', 'w#1x', ''];
    for (const base of bases) {
      for (const n of [0, 1, 2, 9, 10, 123, Number.MAX_SAFE_INTEGER]) {
        expect(parseIncarnation(incarnationName(base, n)), `${JSON.stringify(base)} #${n}`).toEqual({ base, n });
      }
    }
  });

  it('reads names with no incarnation suffix as incarnation 0 of themselves', () => {
    expect(parseIncarnation('w')).toEqual({ base: 'w', n: 0 });
    expect(parseIncarnation('w#')).toEqual({ base: 'w#', n: 0 });
    expect(parseIncarnation('w#x')).toEqual({ base: 'w#x', n: 0 });
    expect(parseIncarnation('w#-1')).toEqual({ base: 'w#-1', n: 0 });
    expect(parseIncarnation('w#1.5')).toEqual({ base: 'w#1.5', n: 0 });
    expect(parseIncarnation('w#1 ')).toEqual({ base: 'w#1 ', n: 0 });
    expect(parseIncarnation('')).toEqual({ base: '', n: 0 });
  });

  it('only the last #n counts: a base with # in it keeps it', () => {
    expect(parseIncarnation('a#1#2')).toEqual({ base: 'a#1', n: 2 });
    expect(parseIncarnation('a#b#3')).toEqual({ base: 'a#b', n: 3 });
    expect(parseIncarnation('a|b#4')).toEqual({ base: 'a|b', n: 4 });
    // Leading zeros are still a number (no incarnation is named this way, but nothing breaks).
    expect(parseIncarnation('w#007')).toEqual({ base: 'w', n: 7 });
  });

  it('a real worker name never looks like an incarnation of something else', () => {
    expect(parseIncarnation(BASE)).toEqual({ base: BASE, n: 0 });
    expect(parseIncarnation(BASE.replace(/\|short-lived$/, ''))).toEqual({ base: BASE.replace(/\|short-lived$/, ''), n: 0 });
  });
});

describe('life lock names', () => {
  it('name the worker and the epoch under a fixed prefix', () => {
    expect(lifeLockName('w#2', 'e1')).toBe('livechat-multitab:runtime|w#2|e1');
    expect(lifeLockName(BASE, 'abc')).toBe(`livechat-multitab:runtime|${BASE}|abc`);
  });

  it('keep two runtimes of one worker name apart by their epoch', () => {
    expect(lifeLockName('w', 'e1')).not.toBe(lifeLockName('w', 'e2'));
    expect(lifeLockName('w', 'e1')).not.toBe(lifeLockName('w#1', 'e1'));
  });
});

describe('heldIncarnations / liveIncarnation over held lock names', () => {
  const lock = (name: string, epoch = 'epoch') => lifeLockName(name, epoch);

  it('finds every incarnation of the base whose life lock is held, and only those', () => {
    const names = [lock(BASE), lock(incarnationName(BASE, 2)), lock(incarnationName(BASE, 5), 'other-epoch')];
    expect(heldIncarnations(names, BASE).sort((a, b) => a - b)).toEqual([0, 2, 5]);
    expect(liveIncarnation(names, BASE)).toBe(5);
  });

  it('ignores other bases, including ones the base is a prefix or a suffix of', () => {
    const names = [lock('w-other#7'), lock('prefix|w#3'), lock('ww#4'), lock('w|x#6'), lock('w#1')];
    expect(heldIncarnations(names, 'w')).toEqual([1]);
    expect(liveIncarnation(names, 'w')).toBe(1);
    expect(liveIncarnation(names, 'w|x')).toBe(6);
  });

  it('ignores locks that are not life locks, garbage names and missing names', () => {
    const names = [
      undefined,
      '',
      'w#3',
      'livechat-multitab:respawn|w',
      'livechat-multitab:tab|w#4',
      'livechat-multitab:runtime|',
      'livechat-multitab:runtime|w',
      'LIVECHAT-MULTITAB:RUNTIME|w#5|e',
      ` ${lock('w#6')}`,
    ];
    expect(heldIncarnations(names, 'w')).toEqual([]);
    expect(liveIncarnation(names, 'w')).toBe(-1);
  });

  it('is -1 when nothing is held', () => {
    expect(liveIncarnation([], 'w')).toBe(-1);
    expect(heldIncarnations([], 'w')).toEqual([]);
  });

  it('reads a real worker name (with | in it) back out of its life lock, with any epoch the runtime uses', () => {
    const epoch = Math.random().toString(36).slice(2, 12); // what src/worker/host.ts uses
    expect(liveIncarnation([lock(incarnationName(BASE, 3), epoch)], BASE)).toBe(3);
    expect(liveIncarnation([lock(incarnationName(BASE, 0), epoch)], BASE)).toBe(0);
    expect(liveIncarnation([lock(incarnationName(BASE, 3), epoch)], BASE.replace(/\|short-lived$/, ''))).toBe(-1);
  });

  it('handles large incarnation numbers', () => {
    expect(liveIncarnation([lock('w#1'), lock(`w#${Number.MAX_SAFE_INTEGER}`)], 'w')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('queryIncarnations / queryLiveIncarnation against the browser lock registry', () => {
  /** Incarnation `n` of `base` running in its own worker, holding its life lock for its life. */
  function runtime(locks: FakeLocks, base: string, n: number, epoch = `e${n}`): string {
    const clientId = `worker-${base}-${n}-${epoch}`;
    void locks.client(clientId).request(lifeLockName(incarnationName(base, n), epoch), () => new Promise(() => undefined));
    return clientId;
  }
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('reports the incarnations whose runtimes hold their locks, and the highest as live', async () => {
    const registry = new FakeLocks();
    runtime(registry, BASE, 0);
    runtime(registry, BASE, 1);
    runtime(registry, 'someone-else', 9);
    await tick();
    const tab = registry.client('tab');
    expect((await queryIncarnations(tab, BASE)).sort()).toEqual([0, 1]);
    expect(await queryLiveIncarnation(tab, BASE)).toBe(1);
  });

  it('is -1 when no runtime of the base is alive', async () => {
    const registry = new FakeLocks();
    runtime(registry, 'someone-else', 0);
    await tick();
    expect(await queryIncarnations(registry.client('tab'), BASE)).toEqual([]);
    expect(await queryLiveIncarnation(registry.client('tab'), BASE)).toBe(-1);
  });

  it('drops a runtime whose worker died (the browser released its lock)', async () => {
    const registry = new FakeLocks();
    runtime(registry, BASE, 0);
    const second = runtime(registry, BASE, 1);
    await tick();
    registry.crash(second);
    expect(await queryLiveIncarnation(registry.client('tab'), BASE)).toBe(0);
  });

  it('does not count the tabs waiting on a life lock: a pending request is not a live runtime', async () => {
    const registry = new FakeLocks();
    const first = runtime(registry, BASE, 0);
    await tick();
    // Every tab keeps a request for the life lock pending (that is how it learns of the death).
    for (const tab of ['tab-1', 'tab-2']) {
      void registry.client(tab).request(lifeLockName(BASE, 'e0'), () => undefined);
    }
    await tick();
    expect((await registry.client('tab').query()).pending).toHaveLength(2);
    expect(await queryIncarnations(registry.client('tab'), BASE)).toEqual([0]);

    // The runtime dies: a waiting tab is granted its lock, and that is no runtime either once it lets go.
    registry.crash(first);
    await tick();
    expect(await queryLiveIncarnation(registry.client('tab'), BASE)).toBe(-1);
  });

  it('copes with a registry that reports nothing held', async () => {
    const empty = { query: () => Promise.resolve({}), request: () => Promise.reject(new Error('unused')) } as unknown as LockManager;
    expect(await queryIncarnations(empty, BASE)).toEqual([]);
    expect(await queryLiveIncarnation(empty, BASE)).toBe(-1);
  });
});
