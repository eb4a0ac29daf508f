import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { compareVersions } from '../../src/protocol/semver';
import { watchGenerations, type Generation } from '../../src/worker/generations';
import { useEmulator } from '../support/emulator';
import { Browser, newRuntime, TestTab } from './harness';

describe('compareVersions', () => {
  it('orders by major, minor, patch, and puts a prerelease before its release', () => {
    expect(compareVersions('0.1.0', '0.1.0')).toBe(0);
    expect(compareVersions('0.1.0', '0.1.1')).toBe(-1);
    expect(compareVersions('0.2.0', '0.1.9')).toBe(1);
    expect(compareVersions('1.0.0', '0.99.99')).toBe(1);
    expect(compareVersions('0.10.0', '0.9.0')).toBe(1);
    expect(compareVersions('1.0.0-beta', '1.0.0')).toBe(-1);
    expect(compareVersions('1.0.0-alpha', '1.0.0-beta')).toBe(-1);
  });
});

describe('watchGenerations', () => {
  const generation = (version: string): Generation => ({ version, protocol: 1, url: `https://shop.test/w-${version}.js`, name: `w@${version}` });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('retires the older generation whichever starts first, and never the newer', async () => {
    for (const order of [['0.1.0', '0.2.0'], ['0.2.0', '0.1.0']] as const) {
      const channel = `test-generations-${randomUUID()}`;
      const retiredTo: Record<string, Generation[]> = { '0.1.0': [], '0.2.0': [] };
      const stops = order.map((version) => watchGenerations(channel, generation(version), (newer) => retiredTo[version]!.push(newer)));
      await settle();
      expect(retiredTo['0.1.0']).toEqual([generation('0.2.0')]);
      expect(retiredTo['0.2.0']).toEqual([]);
      stops.forEach((stop) => stop());
    }
  });

  it('tells the older generation how the newer worker was started, and ignores an unknown type', async () => {
    const channel = `test-generations-${randomUUID()}`;
    const retired: Generation[] = [];
    const stop = watchGenerations(channel, generation('0.1.0'), (newer) => retired.push(newer));
    const noise = new BroadcastChannel(channel);
    noise.postMessage({ ...generation('0.3.0'), type: 'shared' });
    await settle();
    expect(retired).toEqual([]);
    const classic = watchGenerations(channel, { ...generation('0.2.0'), type: 'classic' }, () => undefined);
    await settle();
    expect(retired).toEqual([{ ...generation('0.2.0'), type: 'classic' }]);
    [stop, classic].forEach((done) => done());
    noise.close();
  });

  it('ignores workers of the same version and malformed messages', async () => {
    const channel = `test-generations-${randomUUID()}`;
    const retired: Generation[] = [];
    const stop = watchGenerations(channel, generation('0.1.0'), (newer) => retired.push(newer));
    const other = watchGenerations(channel, generation('0.1.0'), (newer) => retired.push(newer));
    const noise = new BroadcastChannel(channel);
    noise.postMessage({ version: 7 });
    noise.postMessage('garbage');
    await settle();
    expect(retired).toEqual([]);
    [stop, other].forEach((done) => done());
    noise.close();
  });
});

describe('a retiring runtime', () => {
  // Only this block needs a server: the ones above test BroadcastChannel messages alone.
  const env = useEmulator();

  it('sends every tab, present and future, to the newer worker and closes its socket', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const tabs = [new TestTab(runtime, browser, { tabId: 'a' }), new TestTab(runtime, browser, { tabId: 'b' })];
    await vi.waitFor(() => expect(tabs.every((tab) => tab.count('connected') === 1)).toBe(true));
    const successor = { url: 'https://shop.test/w-0.2.0.js', name: 'w@0.2.0', protocol: 1, version: '0.2.0' };
    runtime.retire(successor);
    for (const tab of tabs) {
      expect(tab.messages).toContainEqual({ kind: 'moved', ...successor });
      // The move is not a disconnection the app should react to: no event follows it.
      const after = tab.messages.slice(tab.messages.findIndex((message) => message.kind === 'moved') + 1);
      expect(after.filter((message) => message.kind === 'event')).toEqual([]);
    }
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    const late = new TestTab(runtime, browser, { tabId: 'late' });
    expect(late.messages).toEqual([{ kind: 'moved', ...successor }]);
    // No tab made it reconnect.
    tabs[0]!.session.connect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 0, logins: 1 });
    [...tabs, late].forEach((tab) => tab.session.detach('destroyed'));
  });
});
