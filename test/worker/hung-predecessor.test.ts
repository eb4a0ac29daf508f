/**
 * A runtime that replaced a hung one logs in while the hung one's socket still counts at the
 * server (it is dropped only for silence). With one connection allowed per customer, the refusal
 * (`too_many_connections`) must not end the session of every tab: the new runtime waits for the
 * server to drop the old socket and logs in then. Without a hung predecessor the refusal ends the
 * session, as the documentation says. The real emulator on a real port; the new runtime's timers on
 * a manual clock, so the wait costs no test time.
 */
import { describe, expect, it, vi } from 'vitest';
import { PREDECESSOR_WAIT_MS } from '../../src/worker/connection';
import { useEmulator } from '../support/emulator';
import { ManualClock } from '../support/manual-clock';
import { Browser, connected, newRuntime, TestTab } from './harness';

const env = useEmulator({ maxConnectionsPerCustomer: 1 });

function twoRuntimes(predecessorHung: boolean) {
  const organizationId = `hung-${predecessorHung}-${Math.random().toString(36).slice(2)}`;
  const browser = new Browser(env.emulator.url, organizationId);
  const hung = newRuntime(env.emulator.url, organizationId);
  const clock = new ManualClock();
  const replacement = newRuntime(env.emulator.url, organizationId, { clock, predecessorHung: () => Promise.resolve(predecessorHung) });
  return { organizationId, browser, hung, replacement, clock };
}

describe('a login refused for too many connections while a hung predecessor holds one', () => {
  it('waits for the server to drop the old socket, then logs in: no tab is destroyed', async () => {
    const { organizationId, browser, hung, replacement, clock } = twoRuntimes(true);
    const old = new TestTab(hung, browser, { tabId: 'old' });
    await connected(old);
    const tab = new TestTab(replacement, browser, { tabId: 'tab' });
    env.cleanup.push(() => old.session.detach(), () => tab.session.detach());
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).refusedConnections).toBeGreaterThanOrEqual(1));
    await vi.waitFor(() => expect(replacement.state).toBe('reconnecting'));
    expect(tab.names()).not.toContain('destroyed:too_many_connections');
    expect(tab.count('disconnected')).toBe(0);

    // The server drops the hung runtime's socket (here: it goes away); the wait ends, the login passes.
    old.session.detach('destroyed');
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    clock.advance(PREDECESSOR_WAIT_MS);
    await connected(tab);
    expect(env.emulator.stats(organizationId).openConnections).toBe(1);
  });

  it('ends the session as documented when no predecessor is hung', async () => {
    const { browser, hung, replacement } = twoRuntimes(false);
    const other = new TestTab(hung, browser, { tabId: 'other-device' });
    await connected(other);
    const tab = new TestTab(replacement, browser, { tabId: 'tab' });
    env.cleanup.push(() => other.session.detach(), () => tab.session.detach());
    await vi.waitFor(() => expect(tab.names()).toContain('destroyed:too_many_connections'));
    expect(replacement.state).toBe('destroyed');
  });
});
