import { describe, expect, it } from 'vitest';
import { DEFAULT_RTTS, parseArgs } from '../../bench/args';
import { heapBreakdown } from '../../bench/cdp';
import { renderMarkdown, type Report } from '../../bench/report';
import { eagerChunks } from '../../bench/scenarios/bytes';
import { crashOutcome } from '../../bench/scenarios/recovery';

const SCENARIOS = ['bytes', 'send', 'memory'];

describe('parseArgs', () => {
  it('defaults to a full run that fails on a budget', () => {
    expect(parseArgs([], SCENARIOS)).toEqual({ quick: false, only: undefined, rtts: DEFAULT_RTTS, failOnBudget: true, help: false });
  });

  it('reads --quick, --no-fail and --only in both spellings', () => {
    expect(parseArgs(['--quick', '--no-fail', '--only', 'send,memory'], SCENARIOS)).toEqual({ quick: true, only: ['send', 'memory'], rtts: DEFAULT_RTTS, failOnBudget: false, help: false });
    expect(parseArgs(['--only=bytes'], SCENARIOS).only).toEqual(['bytes']);
  });

  it('refuses unknown scenarios, unknown flags and an empty --only', () => {
    expect(() => parseArgs(['--only', 'send,fast'], SCENARIOS)).toThrow(/unknown scenario\(s\): fast/);
    expect(() => parseArgs(['--fast'], SCENARIOS)).toThrow(/unknown argument: --fast/);
    expect(() => parseArgs(['--only'], SCENARIOS)).toThrow(/--only needs/);
    expect(() => parseArgs(['--only='], SCENARIOS)).toThrow(/--only needs/);
  });

  it('reads --rtt as whole milliseconds, sorted and without repeats', () => {
    expect(parseArgs(['--rtt', '150,0,50,0'], SCENARIOS).rtts).toEqual([0, 50, 150]);
    expect(parseArgs(['--rtt=100'], SCENARIOS).rtts).toEqual([100]);
    expect(() => parseArgs(['--rtt', '50,fast'], SCENARIOS)).toThrow(/--rtt: whole milliseconds/);
    expect(() => parseArgs(['--rtt', '-5'], SCENARIOS)).toThrow(/--rtt: whole milliseconds/);
    expect(() => parseArgs(['--rtt'], SCENARIOS)).toThrow(/--rtt needs/);
  });
});

describe('heapBreakdown', () => {
  it('splits self sizes into code and everything else', () => {
    const snapshot = {
      snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size'], node_types: [['hidden', 'object', 'code', 'string'] as string[]] as [string[]] } },
      // type, name, id, self_size per node
      nodes: [1, 0, 1, 100, 2, 0, 2, 40, 3, 0, 3, 8, 2, 0, 4, 2],
    };
    expect(heapBreakdown(snapshot)).toEqual({ codeBytes: 42, objectBytes: 108 });
  });

  it('refuses a snapshot without the fields it needs', () => {
    expect(() => heapBreakdown({ snapshot: { meta: { node_fields: ['name'], node_types: [[]] } }, nodes: [] })).toThrow(/type or self_size/);
  });
});

describe('eagerChunks', () => {
  const manifest = {
    'app.html': { file: 'assets/app.js', isEntry: true, imports: ['_polyfill.js', '_client.js'] },
    '_polyfill.js': { file: 'assets/modulepreload-polyfill.js' },
    '_client.js': { file: 'assets/client.js', imports: ['_comlink.js'], dynamicImports: ['_auth.js'], assets: ['assets/shared.js'] },
    '_comlink.js': { file: 'assets/comlink.js', imports: ['_client.js'] },
    '_auth.js': { file: 'assets/auth.js' },
  };

  it('follows static imports (cycles included) but not dynamic imports, workers or the preload polyfill', () => {
    expect(eagerChunks(manifest, 'app.html')).toEqual(['assets/app.js', 'assets/client.js', 'assets/comlink.js']);
  });

  it('throws for an entry the manifest lacks', () => {
    expect(() => eagerChunks(manifest, 'missing.html')).toThrow(/manifest has no missing.html/);
  });
});

describe('renderMarkdown', () => {
  const machine = { cpuModel: 'CPU', cores: 2, memoryGiB: 4, os: 'Linux', node: 'v20', chromium: '156', loadAverageAtStart: 0.5, date: '2026-11-25T10:00:00.000Z' };
  const header = (options: Report['options']) => renderMarkdown({ machine, options, durationS: 12, scenarios: [] }).split('\n')[2];

  it('says which kind of run made the tables', () => {
    expect(header({ quick: false, only: undefined })).toContain('· full run in 12 s.');
    expect(header({ quick: true, only: undefined })).toContain('· `--quick` run in 12 s.');
    expect(header({ quick: false, only: ['bytes'] })).toContain('· `--only bytes` run in 12 s.');
    expect(header({ quick: true, only: ['send', 'memory'] })).toContain('· `--quick` `--only send,memory` run in 12 s.');
  });
});

describe('crashOutcome', () => {
  const down = (at: number, reason = 'connection_lost') => ({ event: 'disconnected' as const, at, reason });
  const up = (at: number) => ({ event: 'connected' as const, at });

  it("times every tab and the first tab from the crash, from each tab's first event of a kind", () => {
    const outcome = crashOutcome(1000, [
      [down(1005), up(1300), down(1400), up(1500)],
      [down(1010), up(1250)],
      [down(1020, 'crashed'), up(1420)],
    ]);
    expect(outcome).toEqual({
      tabs: 3,
      connectedTabs: 3,
      disconnectedTabs: 3,
      allConnectedMs: 420,
      firstConnectedMs: 250,
      allDisconnectedMs: 20,
      disconnectReasons: ['connection_lost', 'crashed'],
    });
  });

  it('leaves "every tab" undefined while a tab has not got there, and reports how many did', () => {
    const outcome = crashOutcome(1000, [[down(1005), up(1300)], [down(1010)], []]);
    expect(outcome).toEqual({ tabs: 3, connectedTabs: 1, disconnectedTabs: 2, firstConnectedMs: 300, disconnectReasons: ['connection_lost'] });
    expect(crashOutcome(1000, [[], []])).toEqual({ tabs: 2, connectedTabs: 0, disconnectedTabs: 0, disconnectReasons: [] });
  });

  it('measures nothing for no tabs', () => {
    expect(crashOutcome(1000, [])).toEqual({ tabs: 0, connectedTabs: 0, disconnectedTabs: 0, disconnectReasons: [] });
  });
});
