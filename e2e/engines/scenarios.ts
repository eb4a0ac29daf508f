/**
 * The cross-engine scenario set (issue 15), written once against the Engine interface and run in
 * each engine by its own file (chromium.test.ts, firefox.test.ts, webkit.test.ts). Each scenario
 * gets a fresh browser (a fresh profile: its own SharedWorker, IndexedDB and cookies) and a fresh
 * organization on the suite's emulator. The tabs are the demo shop (demo/index.html), driven
 * through its test hooks (`window.sdk`, `window.sdkEvents`, e2e/window.d.ts).
 */
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import type { Engine, EngineName, Tab } from './engine';
import { EmulatorClient, newOrganization } from './emulator';
import './env';

/** Generous: WebKit over WebDriver classic runs one command at a time, for every tab. */
const POLL = { timeout: 20_000, interval: 150 };
/** A dedicated-mode takeover after the leader tab closes: well under a second; the rest is margin for a loaded machine. */
const TAKEOVER = { timeout: 10_000, interval: 150 };

// Page side: self-contained functions (they run in the tab, sent as source text).
const countEvents = (tab: Tab, name: string) => tab.evaluate((n) => window.sdkEvents.filter((event) => event.name === n).length, name);
const eventNames = (tab: Tab) => tab.evaluate(() => window.sdkEvents.map((event) => event.name));
const receivedTexts = (tab: Tab) =>
  tab.evaluate(() =>
    window.sdkEvents.filter((event) => event.name === 'incoming_event').map((event) => (event.payload as { event: { text?: string } }).event.text ?? ''),
  );
const disconnections = (tab: Tab) => tab.evaluate(() => window.sdkEvents.filter((event) => event.name === 'disconnected').map((event) => event.payload));
const runtimeStatus = (tab: Tab) => tab.evaluate(() => window.sdk.getRuntimeStatus());
/** Starts a chat (with a first message when given) and resolves its id. */
const startChat = (tab: Tab, text?: string) =>
  tab.evaluate(
    (message) =>
      (message === null ? window.sdk.startChat() : window.sdk.startChat({ chat: { thread: { events: [{ type: 'message', text: message }] } } })).then(({ chat }) => ({ id: chat.id })),
    text ?? null,
  );
const sendText = (tab: Tab, chatId: string, text: string) =>
  tab.evaluate(([id, message]) => window.sdk.sendEvent({ chatId: id, event: { type: 'message', text: message } }).then((event) => event.type), [chatId, text] as const);
/** Messages on the widget's screen, in order, with where each came from (`cache` or `live`). */
const painted = (tab: Tab) =>
  tab.evaluate(() => [...document.querySelectorAll<HTMLElement>('#messages li')].map((item) => `${item.dataset.source}:${item.textContent}`));

/** Each tab got exactly the texts of `said` that it should, each once (in whatever order). */
async function expectEachOnce(tabs: readonly Tab[], said: readonly string[]): Promise<void> {
  for (const [index, tab] of tabs.entries()) {
    await expect.poll(async () => (await receivedTexts(tab)).filter((text) => said.includes(text)).length, { ...POLL, message: `tab ${index} got every message` }).toBeGreaterThanOrEqual(said.length);
    expect([...(await receivedTexts(tab))].filter((text) => said.includes(text)).sort(), `tab ${index}: every message once`).toEqual([...said].sort());
  }
}

/**
 * Whether the tab still runs the page it ran when `mark` was set: `alive`, `reloaded` (a new
 * document: a crashed page the browser loaded again), or `dead` (no answer in 5 s).
 */
async function pageState(tab: Tab): Promise<'alive' | 'reloaded' | 'dead'> {
  const answer = tab.evaluate(() => (window as unknown as { engineMark?: number }).engineMark === 1).then(
    (marked): 'alive' | 'reloaded' => (marked ? 'alive' : 'reloaded'),
    (): 'dead' => 'dead',
  );
  return Promise.race([answer, new Promise<'dead'>((resolve) => setTimeout(() => resolve('dead'), 5_000))]);
}

export interface EngineSuite {
  name: EngineName;
  launch(): Promise<Engine>;
  /** Why a scenario cannot run in this engine (the engine lacks the lever it needs); it is skipped with this note. */
  cannot?: { hang?: string };
}

export function engineScenarios({ name, launch, cannot = {} }: EngineSuite): void {
  const emulator = new EmulatorClient(inject('emulatorUrl'));
  const webUrl = inject('webUrl');
  let engine: Engine | undefined;
  let versionShown = false;

  const demoUrl = (organizationId: string, extra: Record<string, string> = {}, page = 'index.html') =>
    `${webUrl}/${page}?${new URLSearchParams({ server: emulator.url, organizationId, ...extra })}`;

  /** Opens a demo tab and waits until its SDK emitted `connected`. */
  async function openTab(organizationId: string, extra: Record<string, string> = {}, page?: string): Promise<Tab> {
    const tab = await engine!.newTab(demoUrl(organizationId, extra, page));
    await tab.waitFor(() => window.sdkEvents?.some((event) => event.name === 'connected') ?? false, undefined, 20_000);
    return tab;
  }

  async function openTabs(organizationId: string, count: number, extra: Record<string, string> = {}): Promise<Tab[]> {
    const tabs: Tab[] = [];
    for (let i = 0; i < count; i++) tabs.push(await openTab(organizationId, extra));
    return tabs;
  }

  describe(name, () => {
    beforeEach(async () => {
      engine = await launch();
      if (!versionShown) {
        versionShown = true;
        console.log(`[engines] ${name}: ${await engine.version()}`);
      }
    });

    afterEach(async () => {
      await engine?.close();
      engine = undefined;
    });

    test('1. three tabs: one socket and one login at the server; a message from one tab reaches the others, an agent message reaches all', async () => {
      const org = newOrganization(name);
      const [a, b, c] = (await openTabs(org, 3)) as [Tab, Tab, Tab];
      expect(await emulator.stats(org)).toMatchObject({ openConnections: 1, logins: 1 });
      for (const tab of [a, b, c]) await expect.poll(() => runtimeStatus(tab), POLL).toMatchObject({ mode: 'shared', tabs: 3, connection: 'connected' });

      const chat = await startChat(a, 'hello from A');
      for (const tab of [b, c]) await expect.poll(() => countEvents(tab, 'incoming_chat'), POLL).toBe(1);
      expect(await countEvents(a, 'incoming_chat')).toBe(0);
      expect(await sendText(a, chat.id, 'second from A')).toBe('message');
      for (const tab of [b, c]) await expect.poll(() => receivedTexts(tab), POLL).toEqual(['second from A']);
      expect(await receivedTexts(a)).toEqual([]);

      await emulator.agentSays(org, chat.id, 'agent to everyone');
      for (const tab of [a, b, c]) await expect.poll(() => receivedTexts(tab), POLL).toContain('agent to everyone');
      expect(await emulator.stats(org)).toMatchObject({ openConnections: 1, logins: 1 });
    });

    test('2. a closed tab is dropped, and the rest keep working on the same socket', async () => {
      const org = newOrganization(name);
      const [a, b, c] = (await openTabs(org, 3)) as [Tab, Tab, Tab];
      const chat = await startChat(b, 'hello');
      await a.close();
      await expect.poll(async () => (await runtimeStatus(b)).tabs, POLL).toBe(2);
      await sendText(b, chat.id, 'from B after A closed');
      await expect.poll(() => receivedTexts(c), POLL).toContain('from B after A closed');
      await emulator.agentSays(org, chat.id, 'agent after A closed');
      for (const tab of [b, c]) await expect.poll(() => receivedTexts(tab), POLL).toContain('agent after A closed');
      expect(await runtimeStatus(c)).toMatchObject({ tabs: 2, connection: 'connected' });
      expect(await emulator.stats(org)).toMatchObject({ openConnections: 1, logins: 1 });
    });

    test('3. forced dedicated mode: one socket for 3 tabs; the leader tab closes, nothing is lost', async () => {
      const org = newOrganization(name);
      const DEDICATED = { mode: 'dedicated' };
      const [leader, b, c] = (await openTabs(org, 3, DEDICATED)) as [Tab, Tab, Tab];
      for (const tab of [leader, b, c]) await expect.poll(() => runtimeStatus(tab), POLL).toMatchObject({ mode: 'dedicated', tabs: 3, connection: 'connected' });
      expect(await emulator.stats(org)).toMatchObject({ openConnections: 1, logins: 1 });
      const { epoch } = await runtimeStatus(b);

      const chat = await startChat(c, 'hello from a follower');
      const said: string[] = [];
      const agentSays = async (text: string) => {
        said.push(text);
        await emulator.agentSays(org, chat.id, text);
      };
      await agentSays('agent before the handover');
      await expectEachOnce([leader, b, c], said);

      await leader.close();
      await agentSays('agent during the handover');
      for (const tab of [b, c]) {
        await expect.poll(() => runtimeStatus(tab).catch(() => undefined), TAKEOVER).toMatchObject({ mode: 'dedicated', tabs: 2, connection: 'connected' });
        expect((await runtimeStatus(tab)).epoch).not.toBe(epoch);
      }
      await expect.poll(() => emulator.openConnections(org), POLL).toBe(1);
      await agentSays('agent after the handover');
      await expectEachOnce([b, c], said);
      expect(await sendText(b, chat.id, 'from b after the handover')).toBe('message');
      await expect.poll(() => receivedTexts(c), POLL).toContain('from b after the handover');
      expect(await emulator.openConnections(org)).toBe(1);
    });

    test("4. a service outage mid-conversation: every tab ends with the server's messages, none missing, none twice", async () => {
      const org = newOrganization(name);
      const tabs = await openTabs(org, 3);
      const chat = await startChat(tabs[0]!);
      await emulator.agentSays(org, chat.id, 'before the outage');
      await emulator.outage(org, 1_500);
      for (const text of ['while down 1', 'while down 2', 'while down 3']) await emulator.agentSays(org, chat.id, text);
      for (const tab of tabs) await expect.poll(() => disconnections(tab), POLL).toEqual([{ reason: 'connection_lost' }]);
      for (const tab of tabs) await expect.poll(() => countEvents(tab, 'connected'), POLL).toBe(2);
      await emulator.agentSays(org, chat.id, 'after the outage');

      const server = await emulator.serverTexts(org);
      expect(server).toEqual(['before the outage', 'while down 1', 'while down 2', 'while down 3', 'after the outage']);
      for (const tab of tabs) await expect.poll(() => receivedTexts(tab), POLL).toEqual(server);
      expect(await emulator.openConnections(org)).toBe(1);
    });

    test('5a. the cache: a second tab is instant (connected from the runtime, no new login or request)', async () => {
      const org = newOrganization(name);
      const first = await openTab(org);
      const chat = await startChat(first, 'hello');
      await emulator.agentSays(org, chat.id, 'welcome back');
      await expect.poll(() => receivedTexts(first), POLL).toEqual(['welcome back']);
      const before = await emulator.stats(org);

      const second = await openTab(org);
      await expect.poll(() => painted(second), POLL).toEqual(['live:hello', 'live:welcome back']);
      const after = await emulator.stats(org);
      expect(after).toMatchObject({ logins: 1, openConnections: 1 });
      expect(after.requests).toEqual(before.requests);
    });

    test('5b. the cache: a reload paints cached_state before the slow service answers the login', async () => {
      const org = newOrganization(name);
      // Without extendedLifetime the SharedWorker ends with its only page (in every engine): the
      // reload starts a runtime with empty memory, which only IndexedDB can help.
      const page = await openTab(org, { extendedLifetime: '0' });
      const chat = await startChat(page, 'my question');
      await emulator.agentSays(org, chat.id, 'the answer');
      await expect.poll(() => receivedTexts(page), POLL).toEqual(['the answer']);
      // The runtime writes its cache in batches after delivering.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await emulator.latency(3_000);
      try {
        await page.reload();
        await expect.poll(() => painted(page), POLL).toEqual(['cache:my question', 'cache:the answer']);
        expect(await countEvents(page, 'connected')).toBe(0);
        await expect.poll(() => countEvents(page, 'connected'), POLL).toBe(1);
        const names = await eventNames(page);
        expect(names.indexOf('cached_state')).toBeGreaterThanOrEqual(0);
        expect(names.indexOf('cached_state')).toBeLessThan(names.indexOf('connected'));
        expect(await emulator.stats(org)).toMatchObject({ logins: 2, openConnections: 1 });
      } finally {
        await emulator.latency(0);
      }
    });

    test('6. two SDK versions of one site (a deploy) end with one socket', async () => {
      const org = newOrganization(name);
      const old = await openTab(org);
      const chat = await startChat(old, 'hello');
      expect(await runtimeStatus(old)).toMatchObject({ sdkVersion: '0.1.0', tabs: 1 });

      const next = await openTab(org, {}, 'next/index.html');
      await expect.poll(() => runtimeStatus(old), POLL).toMatchObject({ sdkVersion: '99.0.0', tabs: 2, connection: 'connected' });
      await expect.poll(() => emulator.openConnections(org), POLL).toBe(1);
      await emulator.agentSays(org, chat.id, 'after the deploy');
      for (const tab of [old, next]) await expect.poll(() => receivedTexts(tab), POLL).toContain('after the deploy');
      await sendText(old, chat.id, 'old tab still sends');
      await expect.poll(() => receivedTexts(next), POLL).toContain('old tab still sends');
      expect(await countEvents(old, 'disconnected')).toBe(0);
    });

    test('7. the runtime is killed mid-conversation: the tabs replace it, nothing lost or repeated, one socket', async () => {
      const org = newOrganization(name);
      // The first tab starts the SharedWorker, which Firefox and WebKit run in that tab's content
      // process; once the tab is closed the process runs the worker alone (it serves the others), so
      // killing it ends the runtime and no tab. (WebKitWebDriver ends the whole session when a page
      // of it crashes.)
      const starter = await openTab(org);
      const tabs = await openTabs(org, 3);
      await starter.close();
      await expect.poll(async () => (await runtimeStatus(tabs[0]!)).tabs, POLL).toBe(3);
      const chat = await startChat(tabs[1]!, 'hello');
      const said: string[] = [];
      const agentSays = async (text: string) => {
        said.push(text);
        await emulator.agentSays(org, chat.id, text);
      };
      await agentSays('before the crash');
      await expectEachOnce(tabs, said);
      for (const tab of tabs) await tab.evaluate(() => void ((window as unknown as { engineMark: number }).engineMark = 1));
      const socketsBefore = await emulator.sockets(org);
      const lifecycle = await Promise.all(tabs.map(async (tab) => ({ connected: await countEvents(tab, 'connected'), disconnected: await countEvents(tab, 'disconnected') })));

      const crash = await engine!.crashRuntime!(org);
      console.log(`[engines] ${name}: ${crash.detail}`);
      await agentSays('while the runtime is replaced');
      const states = await Promise.all(tabs.map(pageState));
      expect(states, 'every tab outlived the runtime').toEqual(['alive', 'alive', 'alive']);

      for (const [index, tab] of tabs.entries()) {
        // One `disconnected` and one `connected` for the loss, no more.
        await expect.poll(() => countEvents(tab, 'connected'), POLL).toBe(lifecycle[index]!.connected + 1);
        expect(await countEvents(tab, 'disconnected')).toBe(lifecycle[index]!.disconnected + 1);
        await expect.poll(() => runtimeStatus(tab), POLL).toMatchObject({ mode: 'shared', tabs: 3, connection: 'connected', restarts: { count: 1, lastCause: 'crashed' } });
      }
      await expect.poll(() => emulator.openConnections(org), POLL).toBe(1);
      // The killed runtime's socket closed with it; the one open now is the replacement's.
      const open = (await emulator.sockets(org)).filter((socket) => socket.open);
      expect(Math.min(...open.map((socket) => socket.id))).toBeGreaterThan(Math.max(...socketsBefore.map((socket) => socket.id)));

      await agentSays('after the replacement');
      await expectEachOnce(tabs, said);
      await sendText(tabs[0]!, chat.id, 'a tab still sends');
      for (const tab of tabs.slice(1)) await expect.poll(() => receivedTexts(tab), POLL).toContain('a tab still sends');
      expect(await emulator.openConnections(org)).toBe(1);
    });

    test('8. the runtime hangs mid-conversation: the tabs replace it within 25 s; woken, it never writes to its old socket', async (context) => {
      if (!engine!.hangRuntime) return context.skip(cannot.hang ?? 'no way to hang a worker in this engine');
      const org = newOrganization(name);
      const tabs = await openTabs(org, 3);
      await expect.poll(async () => (await runtimeStatus(tabs[0]!)).tabs, POLL).toBe(3);
      const chat = await startChat(tabs[0]!, 'hello');
      const said: string[] = [];
      const agentSays = async (text: string) => {
        said.push(text);
        await emulator.agentSays(org, chat.id, text);
      };
      await agentSays('before the hang');
      await expectEachOnce(tabs, said);
      const openSockets = (await emulator.sockets(org)).filter((socket) => socket.open);
      expect(openSockets).toHaveLength(1);
      const oldSocket = openSockets[0]!;
      const connectedBefore = await Promise.all(tabs.map((tab) => countEvents(tab, 'connected')));

      const hang = await engine!.hangRuntime(org);
      const since = Date.now();
      console.log(`[engines] ${name}: ${hang.detail}`);
      try {
        await agentSays('said while the runtime hangs');
        for (const [index, tab] of tabs.entries()) {
          await expect.poll(() => countEvents(tab, 'connected'), { ...POLL, timeout: Math.max(1, since + 25_000 - Date.now()) }).toBe(connectedBefore[index]! + 1);
        }
        console.log(`[engines] ${name}: every tab connected again ${Date.now() - since} ms after the hang`);
        for (const tab of tabs) {
          expect(await tab.evaluate(() => window.sdk.getCustomer().then(() => 'resolved', (error: { code: string }) => error.code))).toBe('resolved');
          expect(await runtimeStatus(tab)).toMatchObject({ connection: 'connected', tabs: 3, restarts: { count: 1, lastCause: 'hung' } });
        }
        await agentSays('after the takeover');
        await expectEachOnce(tabs, said);

        // The hung runtime's socket is still open at the server; whatever it wrote before it hung
        // is all it ever writes there.
        const framesBefore = (await emulator.sockets(org)).find((socket) => socket.id === oldSocket.id)!.frames_in;
        expect(await hang.release(), 'the hung worker runs again').toBe(true);
        for (const until = Date.now() + 8_000; Date.now() < until; ) {
          const old = (await emulator.sockets(org)).find((socket) => socket.id === oldSocket.id)!;
          expect(old.frames_in, 'the woken runtime wrote to its old socket').toBe(framesBefore);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        await agentSays('after the old runtime woke up');
        await expectEachOnce(tabs, said);
        for (const tab of tabs) expect(await runtimeStatus(tab)).toMatchObject({ restarts: { count: 1, lastCause: 'hung' } });
      } finally {
        await hang.end();
      }
      await expect.poll(() => emulator.openConnections(org), POLL).toBe(1);
    });

    test('9. one tab walks 4 pages of the site: connected on each, one login with extendedLifetime where the engine has it, one per page where not', async () => {
      const org = newOrganization(name);
      const tab = await openTab(org);
      // Whether the browser knows the member: a dictionary member it knows is read when the worker is constructed.
      const knowsExtendedLifetime = await tab.evaluate(() => {
        let read = false;
        const options = { name: `probe-${Math.random()}`, get extendedLifetime() {
          read = true;
          return false;
        } };
        new SharedWorker('data:text/javascript,', options).port.close();
        return read;
      });
      const chat = await startChat(tab, 'hello');
      const timings: number[] = [];
      for (let step = 2; step <= 4; step++) {
        const started = Date.now();
        await tab.goto(demoUrl(org, { step: String(step) }));
        await tab.waitFor(() => window.sdkEvents?.some((event) => event.name === 'connected') ?? false, undefined, 20_000);
        timings.push(Date.now() - started);
        // The conversation is on every page: from the cache (`cached_state`, when the page's
        // runtime read it before its login answered: an engine without extendedLifetime starts a
        // worker per page) or from the server, whichever came first (the demo paints it once).
        await expect.poll(async () => (await painted(tab)).filter((item) => item.endsWith(':hello')), POLL).toHaveLength(1);
      }
      await emulator.agentSays(org, chat.id, 'to the last page');
      await expect.poll(() => receivedTexts(tab), POLL).toEqual(['to the last page']);
      await expect.poll(() => emulator.openConnections(org), POLL).toBe(1);
      const { logins } = await emulator.stats(org);
      console.log(`[engines] ${name}: extendedLifetime ${knowsExtendedLifetime ? 'known' : 'unknown'}; 4-page walk: ${logins} login(s); navigation → connected ${timings.join(', ')} ms`);
      if (knowsExtendedLifetime) expect(logins).toBe(1);
      else expect(logins).toBeLessThanOrEqual(4);
    });
  });
}
