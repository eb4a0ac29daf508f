/**
 * The runtime core in Node against a real emulator on a real port, with real WebSockets.
 * Assertions are what users and the server see: events per tab, sockets and logins counted by
 * the server, error codes.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { startEmulator } from '../../emulator/server';
import type { TabHello } from '../../src/shared/contract';
import { SdkError } from '../../src/shared/errors';
import type { Chat, ChatEvent, Customer, CustomerData } from '../../src/shared/types';
import { Runtime } from '../../src/worker/runtime';
import type { SocketLike } from '../../src/worker/connection';
import { agentSays, Browser, connected, createSocket, newRuntime, post, rejection, runtimeConfig, startChat, TestTab } from './harness';
import { useEmulator } from '../support/emulator';
import { ManualClock } from '../support/manual-clock';

const env = useEmulator();
const { cleanup } = env;

/** `count` tabs of one customer in a fresh organization, each attached with `hello` (and its own tabId). */
function setup(count: number, deps: Parameters<typeof newRuntime>[2] = {}, hello: Partial<TabHello> = {}) {
  const organizationId = `unit-${randomUUID()}`;
  const runtime = newRuntime(env.emulator.url, organizationId, deps);
  const browser = new Browser(env.emulator.url, organizationId);
  const tabs = Array.from({ length: count }, (_, index) => new TestTab(runtime, browser, { tabId: `tab-${index}`, ...hello }));
  cleanup.push(() => {
    for (const tab of tabs) tab.session.detach('destroyed');
  });
  return { organizationId, runtime, browser, tabs };
}

/** Moves the manual clock in steps, letting real socket traffic through between them. */
async function advance(clock: ManualClock, ms: number, step = 250): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    clock.advance(step);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('one connection for many tabs', () => {
  it('opens one socket and one login for three tabs, and tells each tab customer_id then connected', async () => {
    const { organizationId, tabs } = setup(3);
    for (const tab of tabs) await connected(tab);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
    for (const tab of tabs) expect(tab.names().slice(0, 2)).toEqual(['customer_id', 'connected']);
    const ids = tabs.map((tab) => tab.payloads('customer_id')[0]);
    expect(new Set(ids).size).toBe(1);
  });

  it('gives a late tab the connected state at once, without a new login or token request', async () => {
    const { organizationId, runtime, browser, tabs } = setup(1);
    await connected(tabs[0]!);
    const tokensBefore = browser.tokenRequests;
    const late = new TestTab(runtime, browser, { tabId: 'late' });
    cleanup.push(() => late.session.detach('destroyed'));
    // Synchronously on attach: no round trip to the server was needed.
    expect(late.names()).toEqual(['customer_id', 'connected']);
    expect(late.payloads('connected')[0]).toEqual(tabs[0]!.payloads('connected')[0]);
    expect(env.emulator.stats(organizationId).logins).toBe(1);
    expect(browser.tokenRequests).toBe(tokensBefore);
  });

  it('answers a request only to the tab that asked, and fans the resulting pushes out to the others', async () => {
    const { organizationId, tabs } = setup(3);
    const [a, b, c] = tabs as [TestTab, TestTab, TestTab];
    for (const tab of tabs) await connected(tab);

    const chat = await startChat(a);
    expect(chat.thread?.events).toMatchObject([{ type: 'message', text: 'hi' }]);
    await vi.waitFor(() => expect(b.count('incoming_chat') + c.count('incoming_chat')).toBe(2));
    expect(a.count('incoming_chat')).toBe(0);
    expect(b.payloads('incoming_chat')[0]).toEqual({ chat });
    // Every tab, the asker included, learns the chat's users.
    for (const tab of tabs) expect(tab.count('user_data')).toBe(chat.users.length);

    const event = (await b.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text: 'from b', customId: 'c-1' } })) as ChatEvent;
    expect(event).toMatchObject({ type: 'message', text: 'from b', customId: 'c-1', threadId: chat.thread?.id });
    await vi.waitFor(() => expect(a.payloads('incoming_event')).toEqual([{ chatId: chat.id, event }]));
    await vi.waitFor(() => expect(c.payloads('incoming_event')).toEqual([{ chatId: chat.id, event }]));
    expect(b.count('incoming_event')).toBe(0);

    await agentSays(env.emulator.url, organizationId, chat.id, 'agent');
    for (const tab of tabs) await vi.waitFor(() => expect(tab.texts()).toContain('agent'));
    const list = (await c.session.request('listChats', undefined)) as { chatsSummary: Array<{ id: string }> };
    expect(list.chatsSummary.map((summary) => summary.id)).toEqual([chat.id]);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });

  it('rejects bad arguments with VALIDATION naming the field, before touching the socket', async () => {
    const { organizationId, tabs } = setup(1);
    await connected(tabs[0]!);
    const requestsBefore = env.emulator.stats(organizationId).requests;
    const error = await rejection(tabs[0]!.session.request('sendEvent', { chatId: 7, event: { type: 'message', text: 'x' } }));
    expect(error).toBeInstanceOf(SdkError);
    expect(error).toMatchObject({ code: 'VALIDATION' });
    expect(error?.message).toContain('"chatId"');
    const unknown = await rejection(tabs[0]!.session.request('teleport' as never, {}));
    expect(unknown).toMatchObject({ code: 'VALIDATION' });
    expect(env.emulator.stats(organizationId).requests).toEqual(requestsBefore);
  });

  it('keeps serving the other tabs when one leaves, and closes the socket when the last one does', async () => {
    const { organizationId, tabs } = setup(2);
    const [a, b] = tabs as [TestTab, TestTab];
    await connected(a);
    await connected(b);
    a.session.detach('gone');
    await expect(b.session.request('getCustomer', undefined)).resolves.toMatchObject({ type: 'customer' });
    b.session.detach('destroyed');
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
  });
});

describe('per-tab connect and disconnect', () => {
  it('a disconnected tab gets NO_CONNECTION and no events; the socket lives while another tab wants it', async () => {
    const { organizationId, tabs } = setup(2);
    const [a, b] = tabs as [TestTab, TestTab];
    await connected(a);
    await connected(b);
    a.session.disconnect();
    expect(await rejection(a.session.request('getCustomer', undefined))).toMatchObject({ code: 'NO_CONNECTION' });
    const { chat } = (await b.session.request('startChat', undefined)) as { chat: Chat };
    await b.session.request('sendEvent', { chatId: chat.id, event: { type: 'message', text: 'quiet' } });
    expect(a.count('incoming_chat')).toBe(0);
    expect(env.emulator.stats(organizationId).openConnections).toBe(1);

    b.session.disconnect();
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));

    a.session.connect();
    await vi.waitFor(() => expect(a.count('connected')).toBe(2));
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 2 });
  });
});

describe('server reasons, each as every tab sees it (timers on a manual clock)', () => {
  const disconnect = (organizationId: string, reason: string, data?: unknown) =>
    post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason, ...(data ? { data } : {}) });

  const POLICY: Array<[string, 'reconnect' | 'pause' | 'destroy']> = [
    ['access_token_expired', 'reconnect'],
    ['internal_error', 'reconnect'],
    ['too_many_unauthorized_connections', 'reconnect'],
    ['misdirected_connection', 'reconnect'],
    ['inactivity_timeout', 'pause'],
    ['users_limit_reached', 'pause'],
    ['license_expired', 'pause'],
    ['customer_banned', 'destroy'],
    ['customer_temporarily_blocked', 'destroy'],
    ['license_not_found', 'destroy'],
    ['unsupported_version', 'destroy'],
    ['too_many_connections', 'destroy'],
  ];

  for (const [reason, outcome] of POLICY) {
    it(`${reason}: both tabs are told once, then the runtime will ${outcome}`, async () => {
      const clock = new ManualClock();
      const { organizationId, runtime, browser, tabs } = setup(2, { clock });
      for (const tab of tabs) await connected(tab);
      const tokensBefore = browser.tokenRequests;
      await disconnect(organizationId, reason, reason === 'misdirected_connection' ? { region: 'dal' } : undefined);
      for (const tab of tabs) await vi.waitFor(() => expect(tab.payloads('disconnected')).toEqual([expect.objectContaining({ reason })]));
      // Two minutes of clock after a terminal or pausing reason: no reconnect may have happened.
      await advance(clock, outcome === 'reconnect' ? 2_000 : 120_000, outcome === 'reconnect' ? 250 : 10_000);
      if (outcome === 'reconnect') {
        for (const tab of tabs) await vi.waitFor(() => expect(tab.count('connected')).toBe(2));
        expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 2 });
        // An expired token is replaced before the next login; other reasons reuse it.
        expect(browser.tokenRequests - tokensBefore).toBe(reason === 'access_token_expired' ? 1 : 0);
      } else if (outcome === 'pause') {
        expect(runtime.state).toBe('paused');
        expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 0, logins: 1 });
        tabs[1]!.session.connect();
        for (const tab of tabs) await vi.waitFor(() => expect(tab.count('connected')).toBe(2));
      } else {
        expect(runtime.state).toBe('destroyed');
        for (const tab of tabs) expect(tab.names().slice(-2)).toEqual(['disconnected', `destroyed:${reason}`]);
        expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 0, logins: 1 });
        expect(await rejection(tabs[0]!.session.request('getCustomer', undefined))).toMatchObject({ code: 'SDK_DESTROYED' });
      }
      for (const tab of tabs) expect(tab.count('disconnected')).toBe(1);
    });
  }

  it('connection_lost: requests in flight fail with CONNECTION_LOST, and the reconnect backs off while the service is down', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const countingSocket = (url: string) => {
      attempts += 1;
      return createSocket(url);
    };
    const { organizationId, tabs } = setup(1, { clock, random: () => 0.999, createSocket: countingSocket });
    const tab = tabs[0]!;
    await connected(tab);
    const inFlight = rejection(tab.session.request('getCustomer', undefined));
    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 60_000 });
    const outcome = await inFlight;
    if (outcome) expect(outcome).toMatchObject({ code: 'CONNECTION_LOST' }); // unless the answer beat the cut
    await vi.waitFor(() => expect(tab.payloads('disconnected')).toEqual([{ reason: 'connection_lost' }]));
    // Full jitter with random≈1: attempts after ~0.5 s, ~1 s, ~2 s, ~4 s… each refused during the outage.
    const before = attempts;
    await advance(clock, 600);
    await vi.waitFor(() => expect(attempts).toBe(before + 1));
    await advance(clock, 1_000);
    await vi.waitFor(() => expect(attempts).toBe(before + 2));
    await advance(clock, 1_000);
    expect(attempts).toBe(before + 2); // the third waits ~2 s, not 1
    await advance(clock, 1_100);
    await vi.waitFor(() => expect(attempts).toBe(before + 3));
  });
});

describe('tokens', () => {
  it('asks another tab when the asked tab never answers', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const runtime: Runtime = newRuntime(env.emulator.url, organizationId, { tokenTimeoutMs: 200 });
    const browser = new Browser(env.emulator.url, organizationId);
    const healthy = new TestTab(runtime, browser, { tabId: 'healthy', wantsConnection: false });
    const frozen = new TestTab(runtime, browser, { tabId: 'frozen', wantsConnection: false });
    cleanup.push(() => [healthy, frozen].forEach((tab) => tab.session.detach('destroyed')));
    let frozenAsked = 0;
    frozen.tokenProvider = () => {
      frozenAsked += 1;
      return new Promise(() => undefined);
    };
    frozen.session.connect(); // the newest tab is asked first
    await vi.waitFor(() => expect(frozen.count('connected')).toBe(1));
    expect(frozenAsked).toBe(1);
    expect(env.emulator.stats(organizationId).logins).toBe(1);
  });

  // The default 10 s token timeout on purpose: these tabs' old links never answer, and the login
  // must not wait for the timeout (a dedicated-mode takeover left every tab without a connection
  // for 10 s that way: a follower attached twice, and its first link's proxy was released).
  it('asks the same tab again at once when it attaches again on a new link while asked for a token', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    let oldLinkAsked = 0;
    const first = new TestTab(runtime, browser, { tabId: 'follower', wantsConnection: false });
    first.tokenProvider = () => {
      oldLinkAsked += 1;
      return new Promise(() => undefined);
    };
    first.session.connect();
    await vi.waitFor(() => expect(oldLinkAsked).toBe(1));
    const again = new TestTab(runtime, browser, { tabId: 'follower' });
    cleanup.push(() => again.session.detach('destroyed'));
    await connected(again, 1, 3_000);
    expect(oldLinkAsked).toBe(1);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });

  it('asks another tab at once when the asked tab leaves before it answers', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const staying = new TestTab(runtime, browser, { tabId: 'staying', wantsConnection: false });
    const leaving = new TestTab(runtime, browser, { tabId: 'leaving', wantsConnection: false });
    cleanup.push(() => staying.session.detach('destroyed'));
    let leavingAsked = 0;
    leaving.tokenProvider = () => {
      leavingAsked += 1;
      return new Promise(() => undefined);
    };
    leaving.session.connect(); // the newest tab is asked first
    staying.session.connect();
    await vi.waitFor(() => expect(leavingAsked).toBe(1));
    leaving.session.detach('gone');
    await connected(staying, 1, 3_000);
    expect(env.emulator.stats(organizationId).logins).toBe(1);
  });

  it('does not ask a second tab when the token service refused, however often it retries', async () => {
    const clock = new ManualClock();
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId, { clock, tokenTimeoutMs: 200 });
    const browser = new Browser(env.emulator.url, organizationId);
    const other = new TestTab(runtime, browser, { tabId: 'other', wantsConnection: false });
    const refusing = new TestTab(runtime, browser, { tabId: 'refusing', wantsConnection: false });
    cleanup.push(() => [other, refusing].forEach((tab) => tab.session.detach('destroyed')));
    let asked = 0;
    other.tokenProvider = () => {
      asked += 1;
      return browser.token();
    };
    let refused = 0;
    refusing.tokenProvider = () => {
      refused += 1;
      return Promise.reject(new SdkError('SSO_OAUTH_EXCEPTION', 'access_denied'));
    };
    refusing.session.connect();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await vi.waitFor(() => expect(refused).toBeGreaterThanOrEqual(attempt));
      await vi.waitFor(() => expect(runtime.state).toBe('reconnecting'));
      // 3 s of clock: past each of the first backoff delays (≤ 0.5, 1, 2 s), in steps so the tab's answers arrive between them.
      await advance(clock, 3_000, 100);
    }
    expect(asked).toBe(0);
  });
});

describe('tabs coming and going', () => {
  it('keeps the socket for the next page after the last tab navigates away, then closes it', async () => {
    const clock = new ManualClock();
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId, { clock });
    const browser = new Browser(env.emulator.url, organizationId);
    const first = new TestTab(runtime, browser, { tabId: 'page-1' });
    await connected(first);
    first.session.detach('gone');
    const second = new TestTab(runtime, browser, { tabId: 'page-2' });
    expect(second.names()).toEqual(['customer_id', 'connected']);
    second.session.detach('gone');
    clock.advance(9_000); // within the default 10 s linger: the socket stays
    expect(runtime.state).toBe('connected');
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
    clock.advance(1_000);
    expect(runtime.state).toBe('idle');
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
  });

  it('names exactly one tab to notify: the focused one, else the most recently focused', async () => {
    const { runtime, browser, tabs } = setup(0);
    void tabs;
    const a = new TestTab(runtime, browser, { tabId: 'a' });
    const b = new TestTab(runtime, browser, { tabId: 'b', focused: true });
    const c = new TestTab(runtime, browser, { tabId: 'c' });
    cleanup.push(() => [a, b, c].forEach((tab) => tab.session.detach('destroyed')));
    for (const tab of [a, b, c]) expect(tab.notifier()).toBe('b');
    b.session.setFocus(false);
    for (const tab of [a, b, c]) expect(tab.notifier()).toBe('b'); // still the most recently focused
    c.session.setFocus(true);
    for (const tab of [a, b, c]) expect(tab.notifier()).toBe('c');
    c.session.detach('gone');
    for (const tab of [a, b]) expect(tab.notifier()).toBe('b');
    expect(runtime.status()).toMatchObject({ tabs: 2, notifierTabId: 'b' });
  });

  it('a tab that claims another id after a provisional attach goes by it: the notifier follows, a page left under that id is gone', async () => {
    const { runtime, browser } = setup(0);
    const before = new TestTab(runtime, browser, { tabId: 'stored', wantsConnection: false });
    const other = new TestTab(runtime, browser, { tabId: 'other' });
    const reloaded = new TestTab(runtime, browser, { tabId: 'fresh', focused: true, provisional: true });
    cleanup.push(() => [other, reloaded].forEach((tab) => tab.session.detach('destroyed')));
    expect(other.notifier()).toBe('fresh');
    reloaded.session.claim('stored');
    expect(reloaded.session.tabId).toBe('stored');
    for (const tab of [other, reloaded]) expect(tab.notifier()).toBe('stored');
    expect(runtime.status()).toMatchObject({ tabs: 2, notifierTabId: 'stored' });
    expect(() => before.session.heartbeat()).toThrow(expect.objectContaining({ code: 'NOT_ATTACHED' }));
    // Unchanged by claiming the id it has; a tab the runtime let go of cannot claim.
    reloaded.session.claim('stored');
    expect(runtime.status()).toMatchObject({ tabs: 2 });
    expect(() => before.session.claim('again')).toThrow(expect.objectContaining({ code: 'NOT_ATTACHED' }));
  });

  it('sends one tab_id per login, the focused tab\'s: one connection serves every tab, so one login names one tab', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const logins: unknown[] = [];
    // What the server receives: the login frames on the socket.
    const recording = (url: string): SocketLike => {
      const socket = createSocket(url);
      const send = socket.send.bind(socket);
      socket.send = (data: string) => {
        const frame = JSON.parse(data) as { action: string; payload: { tab_id?: unknown } };
        if (frame.action === 'login') logins.push(frame.payload.tab_id);
        send(data);
      };
      return socket;
    };
    const runtime = newRuntime(env.emulator.url, organizationId, { createSocket: recording });
    const browser = new Browser(env.emulator.url, organizationId);
    const tabs = ['a', 'b', 'c'].map((tabId) => new TestTab(runtime, browser, { tabId, focused: tabId === 'b' }));
    cleanup.push(() => tabs.forEach((tab) => tab.session.detach('destroyed')));
    for (const tab of tabs) await connected(tab);
    expect(logins).toEqual(['b']);
    // The focus moves; the next login (here after the token expired) names the tab focused then.
    tabs[2]!.session.setFocus(true);
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'access_token_expired' });
    for (const tab of tabs) await connected(tab, 2);
    expect(logins).toEqual(['b', 'c']);
  });

  it('tells the server the focused tab\'s page when the focus moves', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const home = new TestTab(runtime, browser, { tabId: 'home', focused: true, page: { url: 'https://shop.test/', title: 'Home' } });
    const cart = new TestTab(runtime, browser, { tabId: 'cart', page: { url: 'https://shop.test/cart', title: 'Cart' } });
    cleanup.push(() => [home, cart].forEach((tab) => tab.session.detach('destroyed')));
    await connected(home);
    expect(env.emulator.stats(organizationId).requests.update_customer_page ?? 0).toBe(0); // the login carried it
    cart.session.setFocus(true);
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).requests.update_customer_page).toBe(1));
    cart.session.setFocus(true); // unchanged: nothing sent
    home.session.setFocus(true);
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).requests.update_customer_page).toBe(2));
  });

  it('streams status changes to every tab, and log lines only to tabs that asked for them', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId);
    const browser = new Browser(env.emulator.url, organizationId);
    const quiet = new TestTab(runtime, browser, { tabId: 'quiet' });
    const debug = new TestTab(runtime, browser, { tabId: 'debug', debug: true });
    cleanup.push(() => [quiet, debug].forEach((tab) => tab.session.detach('destroyed')));
    await connected(quiet);
    const statuses = quiet.messages.flatMap((message) => (message.kind === 'status' ? [message.status] : []));
    expect(statuses.at(-1)).toMatchObject({ tabs: 2, connection: 'connected', epoch: runtime.epoch });
    expect(statuses.map((status) => status.connection)).toContain('logging_in');
    expect(quiet.messages.some((message) => message.kind === 'log')).toBe(false);
    expect(debug.messages.some((message) => message.kind === 'log' && message.message === 'connection: connected')).toBe(true);
  });
});

describe('liveness', () => {
  it('drops a tab that stops answering pings (frozen), keeps the live ones, and lets it attach again', async () => {
    const clock = new ManualClock();
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId, { clock, tabTtlMs: 30_000 });
    const browser = new Browser(env.emulator.url, organizationId);
    const live = new TestTab(runtime, browser, { tabId: 'live' });
    const frozen = new TestTab(runtime, browser, { tabId: 'frozen' });
    cleanup.push(() => [live, frozen].forEach((tab) => tab.session.detach('destroyed')));
    await connected(live);
    frozen.frozen = true;
    // Small steps with a real pause between them, so answers over the real socket (pongs) and
    // from the live tab (heartbeats) arrive before the next deadline on the manual clock.
    for (let step = 0; step < 8; step += 1) {
      clock.advance(5_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(runtime.status().tabs).toBe(1);
    expect(frozen.messages.at(-1)).toEqual({ kind: 'evicted' });
    expect(await rejection(frozen.session.request('getCustomer', undefined))).toMatchObject({ code: 'NOT_ATTACHED' });
    expect(() => frozen.session.heartbeat()).toThrow(expect.objectContaining({ code: 'NOT_ATTACHED' }));
    await expect(live.session.request('getCustomer', undefined)).resolves.toMatchObject({ type: 'customer' });
    // Waking up, the tab attaches again and gets the state at once.
    const woken = new TestTab(runtime, browser, { tabId: 'frozen' });
    cleanup.push(() => woken.session.detach('destroyed'));
    expect(woken.names()).toEqual(['customer_id', 'connected']);
    expect(runtime.status().tabs).toBe(2);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  });
});

describe('identity', () => {
  it('identity_mismatch: a token for another customer switches identity, tells every tab once, and keeps running', async () => {
    const { organizationId, tabs } = setup(2);
    for (const tab of tabs) await connected(tab);
    const previousId = tabs[0]!.payloads('customer_id')[0] as string;
    // The accounts cookie was lost (privacy features): the next token names a new customer.
    const otherBrowser = new Browser(env.emulator.url, organizationId);
    for (const tab of tabs) tab.tokenProvider = () => otherBrowser.token();
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'access_token_expired' });
    for (const tab of tabs) await vi.waitFor(() => expect(tab.count('connected')).toBe(2));
    const newId = (tabs[0]!.payloads('customer_id')[1] as string) ?? '';
    expect(newId).not.toBe(previousId);
    for (const tab of tabs) {
      expect(tab.names().slice(2)).toEqual(['disconnected', 'disconnected', 'identity_changed', 'customer_id', 'connected']);
      expect(tab.payloads('disconnected')).toEqual([{ reason: 'access_token_expired' }, { reason: 'identity_mismatch' }]);
      expect(tab.payloads('identity_changed')).toEqual([{ previousId, newId }]);
      expect((tab.payloads('connected')[1] as { customer: { id: string } }).customer.id).toBe(newId);
    }
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 2 });
  });
});

describe('identity: identity_mismatch pushed by the server', () => {
  it('a fresh token naming another customer: every tab gets one disconnected, identity_changed, the new customer_id, connected', async () => {
    const { organizationId, browser, tabs } = setup(2);
    for (const tab of tabs) await connected(tab);
    const previousId = tabs[0]!.payloads('customer_id')[0] as string;
    // The accounts service no longer knows this browser (cookies lost): its next token is a new customer's.
    await post(env.emulator.url, '/__emulator/identity', { organization_id: organizationId, from_customer_id: previousId });
    const tokensBefore = browser.tokenRequests;
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'identity_mismatch' });
    for (const tab of tabs) await vi.waitFor(() => expect(tab.count('connected')).toBe(2));
    const newId = tabs[0]!.payloads('customer_id')[1] as string;
    expect(newId).toEqual(expect.any(String));
    expect(newId).not.toBe(previousId);
    for (const tab of tabs) {
      expect(tab.names().slice(2)).toEqual(['disconnected', 'identity_changed', 'customer_id', 'connected']);
      expect(tab.payloads('disconnected')).toEqual([{ reason: 'identity_mismatch' }]);
      expect(tab.payloads('identity_changed')).toEqual([{ previousId, newId }]);
      expect((tab.payloads('connected')[1] as { customer: { id: string } }).customer.id).toBe(newId);
    }
    // A fresh token, not the cached one: that is how the runtime learns who the customer is now.
    expect(browser.tokenRequests).toBe(tokensBefore + 1);
    expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 2 });
  });

  it('a fresh token naming the same customer: disconnected once, then connected again as that customer', async () => {
    const { organizationId, browser, tabs } = setup(1);
    const tab = tabs[0]!;
    await connected(tab);
    const tokensBefore = browser.tokenRequests;
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'identity_mismatch' });
    await vi.waitFor(() => expect(tab.count('connected')).toBe(2));
    expect(tab.names()).toEqual(['customer_id', 'connected', 'disconnected', 'connected']);
    expect(browser.tokenRequests).toBe(tokensBefore + 1);
    // A later mismatch found locally is still reported in full: the server's was settled by this login.
    const otherBrowser = new Browser(env.emulator.url, organizationId);
    tab.tokenProvider = () => otherBrowser.token();
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'access_token_expired' });
    await vi.waitFor(() => expect(tab.count('connected')).toBe(3));
    expect(tab.payloads('disconnected')).toEqual([{ reason: 'identity_mismatch' }, { reason: 'access_token_expired' }, { reason: 'identity_mismatch' }]);
    expect(tab.count('identity_changed')).toBe(1);
  });
});

describe('sneak peeks', () => {
  it('sends the first at once and then the latest text once per second per chat, whichever tab types', async () => {
    const clock = new ManualClock();
    const organizationId = `unit-${randomUUID()}`;
    const runtime = newRuntime(env.emulator.url, organizationId, { clock });
    const browser = new Browser(env.emulator.url, organizationId);
    const [a, b] = [new TestTab(runtime, browser, { tabId: 'a' }), new TestTab(runtime, browser, { tabId: 'b' })];
    cleanup.push(() => [a, b].forEach((tab) => tab.session.detach('destroyed')));
    await connected(a);
    const { chat } = (await a.session.request('startChat', undefined)) as { chat: Chat };
    const sent = () => env.emulator.stats(organizationId).requests.send_sneak_peek ?? 0;
    await expect(a.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: 'h' })).resolves.toBeUndefined();
    expect(sent()).toBe(1);
    for (const text of ['he', 'hel', 'hell']) await a.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: text });
    await b.session.request('setSneakPeek', { chatId: chat.id, sneakPeekText: 'hello' });
    expect(sent()).toBe(1);
    clock.advance(1_000); // the latest text of the interval goes out
    await vi.waitFor(() => expect(sent()).toBe(2));
    clock.advance(1_000); // nothing new typed: nothing sent
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent()).toBe(2);
    expect(await rejection(a.session.request('setSneakPeek', { chatId: chat.id }))).toMatchObject({ code: 'VALIDATION' });
  });
});

describe('customerDataProvider', () => {
  // Attached without connecting, so the provider is in place before the first login.
  const WITH_PROVIDER = { hasCustomerDataProvider: true, wantsConnection: false };

  it('is run in the tab before every login, so the server gets the data of that moment', async () => {
    const { organizationId, tabs } = setup(1, {}, WITH_PROVIDER);
    const tab = tabs[0]!;
    let name = 'Grace';
    tab.customerDataProvider = () => ({ name, sessionFields: { plan: 'gold' } });
    tab.session.connect();
    await connected(tab);
    expect((tab.payloads('connected')[0] as { customer: Customer }).customer).toMatchObject({ name: 'Grace', sessionFields: { plan: 'gold' } });
    name = 'Grace Hopper';
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'internal_error' });
    await vi.waitFor(() => expect(tab.count('connected')).toBe(2));
    expect((tab.payloads('connected')[1] as { customer: Customer }).customer).toMatchObject({ name: 'Grace Hopper' });
  });

  it('a provider that throws costs the customer data of that login, not the login', async () => {
    const { organizationId, tabs } = setup(1, {}, WITH_PROVIDER);
    const tab = tabs[0]!;
    tab.customerDataProvider = () => {
      throw new Error('app bug');
    };
    tab.session.connect();
    await connected(tab);
    expect(env.emulator.stats(organizationId).logins).toBe(1);
  });

  it('checks what the provider returned in the runtime: malformed data costs that data, not the login', async () => {
    const { organizationId, tabs } = setup(1, {}, WITH_PROVIDER);
    const tab = tabs[0]!;
    let data: unknown = { name: 42 };
    tab.customerDataProvider = () => data as CustomerData;
    tab.session.connect();
    await connected(tab);
    expect(env.emulator.stats(organizationId).logins).toBe(1);
    expect((tab.payloads('connected')[0] as { customer: Customer }).customer.name).toBeUndefined();
    // Session field values are sent as strings, whatever the app gave.
    data = { email: 'ada@example.com', sessionFields: { visits: 3 } };
    await post(env.emulator.url, '/__emulator/disconnect', { organization_id: organizationId, reason: 'internal_error' });
    await vi.waitFor(() => expect(tab.count('connected')).toBe(2));
    expect((tab.payloads('connected')[1] as { customer: Customer }).customer).toMatchObject({ email: 'ada@example.com', sessionFields: { visits: '3' } });
  });
});

describe('catching up after a reconnect', () => {
  it('delivers what the agent said while the socket was down to every tab, once, in order', async () => {
    const { organizationId, tabs } = setup(2);
    const [a, b] = tabs as [TestTab, TestTab];
    for (const tab of tabs) await connected(tab);
    const chat = await startChat(a);
    await agentSays(env.emulator.url, organizationId, chat.id, 'before');
    await vi.waitFor(() => expect(b.count('incoming_event')).toBe(1));
    // The service goes away for a moment; the agent keeps typing.
    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 300 });
    for (const text of ['during 1', 'during 2']) await agentSays(env.emulator.url, organizationId, chat.id, text);
    for (const tab of tabs) await vi.waitFor(() => expect(tab.count('connected')).toBe(2), { timeout: 10_000 });
    await agentSays(env.emulator.url, organizationId, chat.id, 'after');
    for (const tab of tabs) await vi.waitFor(() => expect(tab.texts()).toEqual(['before', 'during 1', 'during 2', 'after']));
  });

  it('a message said just after the reconnect waits for the catch-up, and never overtakes what was said while the socket was down', async () => {
    // The catch-up's get_chat is held on the real socket until the agent's next message has arrived
    // as a live push: the order in which that race goes wrong, made certain.
    let holdCatchUp = false;
    const held: Array<() => void> = [];
    const frames: string[] = [];
    const holdingSocket = (url: string): SocketLike => {
      const socket = createSocket(url);
      const send = socket.send.bind(socket);
      socket.send = (data: string) => {
        if (holdCatchUp && (JSON.parse(data) as { action?: string }).action === 'get_chat') held.push(() => send(data));
        else send(data);
      };
      (socket as unknown as EventTarget).addEventListener('message', (message) => frames.push(String((message as MessageEvent).data)));
      return socket;
    };
    const { organizationId, tabs } = setup(2, { createSocket: holdingSocket });
    const [a, b] = tabs as [TestTab, TestTab];
    for (const tab of tabs) await connected(tab);
    const chat = await startChat(a);
    await agentSays(env.emulator.url, organizationId, chat.id, 'before');
    await vi.waitFor(() => expect(b.count('incoming_event')).toBe(1));
    holdCatchUp = true;
    await post(env.emulator.url, '/__emulator/outage', { organization_id: organizationId, duration_ms: 300 });
    for (const text of ['during 1', 'during 2']) await agentSays(env.emulator.url, organizationId, chat.id, text);
    for (const tab of tabs) await vi.waitFor(() => expect(tab.count('connected')).toBe(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(held).toHaveLength(1));
    await agentSays(env.emulator.url, organizationId, chat.id, 'after');
    await vi.waitFor(() => expect(frames.some((frame) => frame.includes('"incoming_event"') && frame.includes('"after"'))).toBe(true));
    holdCatchUp = false;
    for (const release of held.splice(0)) release();
    for (const tab of tabs) await vi.waitFor(() => expect(tab.texts()).toEqual(['before', 'during 1', 'during 2', 'after']));
  });
});

describe('catching up in a runtime that starts afresh', () => {
  it('a tab hands over what it saw, and the new runtime delivers only what came after', async () => {
    const organizationId = `unit-${randomUUID()}`;
    const browser = new Browser(env.emulator.url, organizationId);
    const first = newRuntime(env.emulator.url, organizationId);
    const a = new TestTab(first, browser, { tabId: 'a' });
    await connected(a);
    const chat = await startChat(a);
    await agentSays(env.emulator.url, organizationId, chat.id, 'one');
    await vi.waitFor(() => expect(a.count('incoming_event')).toBe(1));
    const seenByA = [{ chatId: chat.id, threadId: chat.thread!.id, eventIds: [chat.thread!.events[0]!.id, (a.payloads('incoming_event')[0] as { event: ChatEvent }).event.id] }];
    a.session.detach('destroyed'); // the old runtime goes away with its memory (a leader tab closing)
    await vi.waitFor(() => expect(env.emulator.stats(organizationId).openConnections).toBe(0));
    await agentSays(env.emulator.url, organizationId, chat.id, 'two');

    const second = newRuntime(env.emulator.url, organizationId);
    const b = new TestTab(second, browser, { tabId: 'a', seen: seenByA });
    cleanup.push(() => b.session.detach('destroyed'));
    await vi.waitFor(() => expect(b.texts()).toEqual(['two']));
  });
});

describe('regions', () => {
  it('misdirected_connection: every tab is told, and the runtime reconnects to the region the server names', async () => {
    const fra = await startEmulator({ port: 0, region: 'fra', shareStateWith: env.emulator });
    try {
      const organizationId = `unit-${randomUUID()}`;
      await post(env.emulator.url, '/__emulator/organizations', { organization_id: organizationId, region: 'fra' });
      const config = { ...runtimeConfig(env.emulator.url, organizationId), regionServers: { dal: env.emulator.url, fra: fra.url } };
      const runtime = new Runtime(config, { createSocket });
      const browser = new Browser(env.emulator.url, organizationId);
      const tabs = [new TestTab(runtime, browser, { tabId: 'a' }), new TestTab(runtime, browser, { tabId: 'b' })];
      cleanup.push(() => tabs.forEach((tab) => tab.session.detach('destroyed')));
      for (const tab of tabs) await connected(tab);
      for (const tab of tabs) {
        expect(tab.payloads('disconnected')).toEqual([{ reason: 'misdirected_connection', region: 'fra' }]);
      }
      // One login, on the right region's server (the two share their counters).
      expect(env.emulator.stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
      expect(runtime.state).toBe('connected');
    } finally {
      await fra.close();
    }
  });
});
