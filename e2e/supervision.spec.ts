import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  bringToFront,
  closeTarget,
  crashSharedWorker,
  dedicatedWorkers,
  freezePage,
  hangPage,
  hangSharedWorker,
  hangTarget,
  launchPlainBrowser,
  leaderTab,
  sharedWorkers,
  terminateDedicatedWorker,
  theDedicatedWorker,
  theSharedWorker,
  visibility,
  type RuntimeTarget,
} from './cdp';
import { EMULATOR_URL } from './env';
import { agentSays, countEvents, getCustomerOutcome, newOrganization, openConnections, openTab, openTabs, receivedTexts, runtimeStatus, startChat, stats } from './helpers';

/**
 * Invariant 10: the runtime dies without saying goodbye too (a terminated or crashed worker, a
 * long task that never ends), and the tabs supervise it. A dead runtime is replaced at once (its
 * life lock is released), a hung one within a heartbeat deadline, under a new name; every tab is
 * told `disconnected` then `connected`, gets every message once, and a replaced runtime that
 * wakes up never writes to its old socket again. A frozen or hidden tab is no reason to replace
 * anything. The workers are reached over CDP (see cdp.ts).
 */

const DEDICATED = { mode: 'dedicated' };

/** A customer socket as the emulator logs it (`GET /__emulator/sockets`). */
interface SocketLog {
  id: number;
  open: boolean;
  customer_id: string | null;
  frames_in: number;
  last_frame_in_at: string | null;
  last_action_in: string | null;
}

async function sockets(organizationId: string): Promise<SocketLog[]> {
  const response = await fetch(`${EMULATOR_URL}/__emulator/sockets?organization_id=${encodeURIComponent(organizationId)}`);
  return ((await response.json()) as { sockets: SocketLog[] }).sockets;
}

async function socketById(organizationId: string, id: number): Promise<SocketLog> {
  const found = (await sockets(organizationId)).find((socket) => socket.id === id);
  if (!found) throw new Error(`no socket ${id} for ${organizationId}`);
  return found;
}

/** The organization's one open socket (polls until there is exactly one). */
async function theOpenSocket(organizationId: string): Promise<SocketLog> {
  await expect.poll(async () => (await sockets(organizationId)).filter((socket) => socket.open).length).toBe(1);
  return (await sockets(organizationId)).find((socket) => socket.open)!;
}

/** Every tab received exactly the texts in `sent`, each once (in whatever order). */
async function expectEachOnce(tabs: readonly Page[], sent: readonly string[]): Promise<void> {
  const expected = [...sent].sort();
  for (const [index, tab] of tabs.entries()) {
    await expect.poll(async () => (await receivedTexts(tab)).filter((text) => sent.includes(text)).length, { message: `tab ${index} has every message` }).toBeGreaterThanOrEqual(sent.length);
    expect([...(await receivedTexts(tab))].sort(), `tab ${index}: every message once, nothing else`).toEqual(expected);
  }
}

/** The agent's side of a conversation: what it said, in order. */
function agent(organizationId: string, chatId: string) {
  const sent: string[] = [];
  return {
    sent,
    async says(text: string) {
      sent.push(text);
      await agentSays(organizationId, chatId, text);
    },
  };
}

/** The tab's `connected` / `disconnected` events, with their reasons and times, for a failure's message. */
async function lifecycle(tab: Page): Promise<string> {
  return tab.evaluate(() =>
    window.sdkEvents
      .filter((event) => event.name === 'connected' || event.name === 'disconnected')
      .map((event) => `${event.name}${event.name === 'disconnected' ? `(${(event.payload as { reason?: string }).reason})` : ''}@${Math.round(event.at)}`)
      .join(' '),
  );
}

/** How many `connected` and `disconnected` events each tab has seen so far. */
async function lifecycleCounts(tabs: readonly Page[]): Promise<Array<{ connected: number; disconnected: number }>> {
  return Promise.all(tabs.map(async (tab) => ({ connected: await countEvents(tab, 'connected'), disconnected: await countEvents(tab, 'disconnected') })));
}

/**
 * Waits until each tab was told `disconnected` and then `connected` again since `before`, and
 * checks it was told so once: a loss costs the app one pair of events, no more.
 */
async function expectReconnected(tabs: readonly Page[], before: Array<{ connected: number; disconnected: number }>, timeout: number): Promise<void> {
  for (const [index, tab] of tabs.entries()) {
    const { connected, disconnected } = before[index]!;
    await expect.poll(() => countEvents(tab, 'disconnected'), { timeout, message: `tab ${index} told it was disconnected` }).toBeGreaterThan(disconnected);
    await expect.poll(() => countEvents(tab, 'connected'), { timeout, message: `tab ${index} connected again` }).toBeGreaterThan(connected);
    const events = await lifecycle(tab);
    // Soft: the test goes on past an extra event, to show what else goes wrong (or right) after it.
    expect.soft(await countEvents(tab, 'disconnected'), `tab ${index}: one disconnected per loss: ${events}`).toBe(disconnected + 1);
    expect.soft(await countEvents(tab, 'connected'), `tab ${index}: one connected per loss: ${events}`).toBe(connected + 1);
  }
}

/** `base#n` → n (0 without a suffix). */
const incarnationOf = (name: string) => Number(/#(\d+)$/.exec(name)?.[1] ?? 0);
const baseOf = (name: string) => name.replace(/#\d+$/, '');

/** Waits until the organization's only SharedWorker is a newer incarnation than `gone`, and returns it. */
async function replacementOf(browser: Browser, organizationId: string, gone: RuntimeTarget): Promise<RuntimeTarget> {
  await expect
    .poll(async () => (await sharedWorkers(browser, organizationId)).map((target) => target.name), { message: `one SharedWorker replaces ${gone.name}` })
    .toEqual([expect.stringMatching(/#\d+$/)]);
  const [next] = await sharedWorkers(browser, organizationId);
  expect(baseOf(next!.name)).toBe(baseOf(gone.name));
  expect(next!.incarnation).toBeGreaterThan(gone.incarnation);
  return next!;
}

test('a SharedWorker terminated 20 times under 10 tabs while the agent writes: every tab comes back each time, every message reaches every tab once, one socket', async ({ browser }) => {
  test.setTimeout(300_000);
  const CRASHES = 20;
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const tabs = await openTabs(context, organizationId, 10);
  // Uncaught errors in the pages (the demo's own handlers included), reported with the test.
  const pageErrors: string[] = [];
  for (const [index, tab] of tabs.entries()) tab.on('pageerror', (error) => pageErrors.push(`tab ${index}: ${error.message}`));
  await expect.poll(() => runtimeStatus(tabs[0]!).then((status) => status.tabs)).toBe(10);
  const chatId = await startChat(tabs[0]!);
  const { sent, says } = agent(organizationId, chatId);
  let worker = await theSharedWorker(browser, organizationId);
  expect(worker.incarnation).toBe(0);

  for (let crash = 1; crash <= CRASHES; crash++) {
    const socket = await theOpenSocket(organizationId);
    await says(`message ${2 * crash - 1}, just before crash ${crash}`);
    const before = await lifecycleCounts(tabs);
    const gone = await crashSharedWorker(browser, organizationId);
    await says(`message ${2 * crash}, while the runtime is replaced after crash ${crash}`);
    await expectReconnected(tabs, before, 30_000);
    worker = await replacementOf(browser, organizationId, gone);
    // The terminated worker's socket went with it; the replacement's is another one.
    await expect.poll(async () => (await socketById(organizationId, socket.id)).open, { message: `crash ${crash} closed the socket` }).toBe(false);
    expect((await theOpenSocket(organizationId)).id).toBeGreaterThan(socket.id);
  }
  await says('the last message');

  await expectEachOnce(tabs, sent);
  const inOrder = await Promise.all(tabs.map(async (tab) => JSON.stringify(await receivedTexts(tab)) === JSON.stringify(sent)));
  test.info().annotations.push({ type: 'order', description: `tabs that got the messages in the order said: ${inOrder.filter(Boolean).length} of ${tabs.length}` });
  await expect.poll(() => openConnections(organizationId)).toBe(1);
  for (const tab of tabs) {
    expect(await runtimeStatus(tab)).toMatchObject({ mode: 'shared', tabs: 10, connection: 'connected', restarts: { count: CRASHES, lastCause: 'crashed' } });
  }
  const recoveries = await Promise.all(tabs.map((tab) => runtimeStatus(tab).then((status) => status.restarts.lastRecoveryMs)));
  test.info().annotations.push({ type: 'last recovery (ms)', description: recoveries.join(', ') });
  expect(worker.incarnation).toBeGreaterThanOrEqual(CRASHES);
  test.info().annotations.push({ type: 'page errors', description: `${pageErrors.length}${pageErrors.length ? `: ${[...new Set(pageErrors.map((e) => e.replace(/^tab \d+: /, '')))].join(' | ')}` : ''}` });
  await context.close();
  await expect.poll(() => openConnections(organizationId)).toBe(0);
});

test('a hung SharedWorker is replaced within 20 s, and once it wakes it never writes to its old socket again', async ({ browser }) => {
  test.setTimeout(150_000);
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const tabs = await openTabs(context, organizationId, 3);
  await expect.poll(() => runtimeStatus(tabs[0]).then((status) => status.tabs)).toBe(3);
  const chatId = await startChat(tabs[0]);
  const { sent, says } = agent(organizationId, chatId);
  await says('before the hang');
  await expectEachOnce(tabs, sent);
  const { epoch } = await runtimeStatus(tabs[0]);
  const oldSocket = await theOpenSocket(organizationId);
  const before = await lifecycleCounts(tabs);

  const hang = await hangSharedWorker(browser, organizationId);
  try {
    await says('said while the runtime hangs');
    // Within 20 s of the hang, every tab works again: a call resolves, on a new runtime.
    for (const [index, tab] of tabs.entries()) {
      const timeout = Math.max(1, hang.since + 20_000 - Date.now());
      await expect.poll(() => getCustomerOutcome(tab), { timeout, intervals: [250, 500, 1_000], message: `tab ${index} works again within 20 s of the hang` }).toBe('resolved');
    }
    await expectReconnected(tabs, before, 10_000);
    const next = await replacementOfHung(browser, organizationId, hang.target);
    for (const tab of tabs) {
      const status = await runtimeStatus(tab);
      expect(status).toMatchObject({ connection: 'connected', tabs: 3, restarts: { count: 1, lastCause: 'hung' } });
      expect(status.epoch).not.toBe(epoch);
    }
    await says('after the takeover');
    await expectEachOnce(tabs, sent);
    expect((await sockets(organizationId)).filter((socket) => socket.open).map((socket) => socket.id)).toContain(oldSocket.id);

    // What the hung runtime wrote before it hung is all it will ever write there.
    const framesBefore = (await socketById(organizationId, oldSocket.id)).frames_in;
    expect(await hang.release(), 'the hung SharedWorker still runs, and wakes up').toBe('woke');
    // It wakes up (its timers are overdue: a ping, the reconnect clock) and must stay silent.
    // Watch the old socket for 20 s (more than one 15 s ping period); the new runtime's socket pings on.
    const watchUntil = Date.now() + 20_000;
    let closedBySelf = false;
    while (Date.now() < watchUntil) {
      const old = await socketById(organizationId, oldSocket.id);
      expect(old.frames_in, `the old runtime wrote to its old socket (last: ${old.last_action_in} at ${old.last_frame_in_at})`).toBe(framesBefore);
      closedBySelf = !old.open;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    test.info().annotations.push({ type: 'old socket', description: closedBySelf ? 'closed by the woken runtime' : 'still open 20 s after the wake-up; closed with the target' });
    await says('after the old runtime woke up');
    await expectEachOnce(tabs, sent);
    // Still the same replacement, and nobody went back to the old runtime.
    expect((await sharedWorkers(browser, organizationId)).map((target) => target.name)).toContain(next.name);
    for (const tab of tabs) expect(await runtimeStatus(tab)).toMatchObject({ restarts: { count: 1, lastCause: 'hung' } });

    if (!closedBySelf) await closeTarget(browser, hang.target.targetId).catch(() => undefined);
    await expect.poll(async () => (await socketById(organizationId, oldSocket.id)).open).toBe(false);
    expect((await socketById(organizationId, oldSocket.id)).frames_in).toBe(framesBefore);
    await expect.poll(() => openConnections(organizationId)).toBe(1);
  } finally {
    await hang.close();
  }
  await context.close();
});

/** After a hang the hung worker may still be listed; its replacement is the newer incarnation of the same base. */
async function replacementOfHung(browser: Browser, organizationId: string, hung: RuntimeTarget): Promise<RuntimeTarget> {
  await expect
    .poll(async () => (await sharedWorkers(browser, organizationId)).some((target) => target.incarnation > hung.incarnation))
    .toBe(true);
  const next = (await sharedWorkers(browser, organizationId)).at(-1)!;
  expect(baseOf(next.name)).toBe(baseOf(hung.name));
  expect(incarnationOf(next.name)).toBeGreaterThan(hung.incarnation);
  return next;
}

test('dedicated mode: the leader\'s Worker terminated, then hung, then the leader tab hung: every tab recovers each time, nothing lost, one socket', async ({ browser }) => {
  test.setTimeout(240_000);
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const tabs = await openTabs(context, organizationId, 3, DEDICATED);
  for (const tab of tabs) await expect.poll(() => runtimeStatus(tab)).toMatchObject({ mode: 'dedicated', tabs: 3, connection: 'connected' });
  const chatId = await startChat(tabs[1]);
  const { sent, says } = agent(organizationId, chatId);
  await says('before anything goes wrong');
  await expectEachOnce(tabs, sent);
  const recovered = async (what: string, timeout: number) => {
    for (const [index, tab] of tabs.entries()) {
      await expect.poll(() => getCustomerOutcome(tab).catch(() => 'unanswered'), { timeout, intervals: [500, 1_000], message: `tab ${index} works again after ${what}` }).toBe('resolved');
      await expect.poll(() => runtimeStatus(tab).catch(() => undefined), { timeout, message: `tab ${index} connected after ${what}` }).toMatchObject({ tabs: 3, connection: 'connected' });
    }
  };

  // 1. The leader's Worker ends without a word.
  const first = await theDedicatedWorker(browser, organizationId);
  const leader = await leaderTab(tabs, first);
  const beforeTermination = await lifecycleCounts(tabs);
  await terminateDedicatedWorker(browser, first);
  await says("said while the leader's Worker is gone");
  await recovered("the leader's Worker was terminated", 30_000);
  await expectReconnected(tabs, beforeTermination, 10_000);
  const second = await theDedicatedWorker(browser, organizationId);
  expect(second.targetId).not.toBe(first.targetId);
  expect(await leaderTab(tabs, second), 'the leader restarts its own Worker').toBe(leader);
  await expect.poll(() => openConnections(organizationId)).toBe(1);
  await says('after the restart');
  await expectEachOnce(tabs, sent);

  // 2. The leader's (new) Worker hangs; the old socket must stay silent once it wakes.
  const oldSocket = await theOpenSocket(organizationId);
  const beforeHang = await lifecycleCounts(tabs);
  const hang = await hangTarget(browser, second);
  try {
    await says("said while the leader's Worker hangs");
    await recovered("the leader's Worker hung", 30_000);
    await expectReconnected(tabs, beforeHang, 10_000);
    await expect.poll(async () => (await dedicatedWorkers(browser, organizationId)).some((target) => target.targetId !== second.targetId)).toBe(true);
    await says('after the hang');
    await expectEachOnce(tabs, sent);
    const framesBefore = (await socketById(organizationId, oldSocket.id)).frames_in;
    // The leader may have ended its hung Worker already ('gone'); if not, it wakes up now.
    const woke = await hang.release();
    test.info().annotations.push({ type: "hung dedicated Worker at release", description: woke });
    const watchUntil = Date.now() + 20_000;
    while (Date.now() < watchUntil) {
      const old = await socketById(organizationId, oldSocket.id);
      expect(old.frames_in, `the woken Worker wrote to its old socket (last: ${old.last_action_in})`).toBe(framesBefore);
      if (!old.open) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await expect.poll(async () => (await socketById(organizationId, oldSocket.id)).open, { message: 'the woken Worker closed its old socket' }).toBe(false);
    expect((await socketById(organizationId, oldSocket.id)).frames_in).toBe(framesBefore);
    await expect.poll(() => openConnections(organizationId)).toBe(1);
  } finally {
    await hang.close();
  }
  await says("after the hung Worker's wake-up");
  await expectEachOnce(tabs, sent);

  // 3. The leader tab itself hangs (its Worker runs on, but the tab relays nothing): a follower takes over.
  const current = (await dedicatedWorkers(browser, organizationId)).filter((target) => target.targetId !== second.targetId);
  expect(current).toHaveLength(1);
  const hungLeader = await leaderTab(tabs, current[0]!);
  const followers = tabs.filter((tab) => tab !== hungLeader);
  const pageHang = await hangPage(hungLeader);
  try {
    await says('said while the leader tab hangs');
    for (const [index, tab] of followers.entries()) {
      await expect.poll(() => receivedTexts(tab), { timeout: 60_000, intervals: [1_000], message: `follower ${index} hears what was said during the hang` }).toContain('said while the leader tab hangs');
      await expect.poll(() => getCustomerOutcome(tab).catch(() => 'unanswered'), { timeout: 30_000, intervals: [500, 1_000] }).toBe('resolved');
    }
    await says('after the takeover');
    for (const tab of followers) await expect.poll(() => receivedTexts(tab)).toContain('after the takeover');
  } finally {
    await pageHang.release();
  }
  // Back to life, the old leader follows the new one and its Worker's socket closes.
  await expect.poll(() => openConnections(organizationId), { timeout: 30_000 }).toBe(1);
  await expect.poll(() => runtimeStatus(hungLeader).catch(() => undefined), { timeout: 30_000 }).toMatchObject({ tabs: 3, connection: 'connected' });
  await says('everyone again');
  await expectEachOnce(tabs, sent);
  await expect.poll(() => openConnections(organizationId)).toBe(1);
  await context.close();
});

test('a tab frozen for 60 s and a hidden tab replace nothing: same runtime, same epoch, no restart, and messages still reach every tab', async () => {
  test.setTimeout(180_000);
  // Playwright's own browser shows every tab and cannot freeze one (focus emulation): this test
  // runs its tabs in a plain Chromium, where only the front tab of a window is visible.
  const plain = await launchPlainBrowser();
  try {
    const organizationId = newOrganization();
    const front = await openTab(plain.context, organizationId);
    const hidden = await openTab(plain.context, organizationId);
    const frozen = await openTab(plain.context, organizationId);
    const tabs = [front, hidden, frozen];
    await bringToFront(front);
    expect(await Promise.all(tabs.map(visibility))).toEqual(['visible', 'hidden', 'hidden']);
    await expect.poll(() => runtimeStatus(front).then((status) => status.tabs)).toBe(3);
    const chatId = await startChat(front);
    const { sent, says } = agent(organizationId, chatId);
    await says('before the freeze');
    await expectEachOnce(tabs, sent);
    const { epoch } = await runtimeStatus(front);
    const worker = await theSharedWorker(plain.browser, organizationId);

    const freezing = freezePage(frozen, 60_000);
    // While the tab is frozen (and the other one hidden), the conversation goes on.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await says('during the freeze');
    for (const tab of [front, hidden]) await expect.poll(() => receivedTexts(tab)).toContain('during the freeze');
    const { longestTimerGapMs } = await freezing;
    expect(longestTimerGapMs, 'the tab really was frozen').toBeGreaterThanOrEqual(55_000);
    expect(await visibility(hidden)).toBe('hidden');

    await says('after the freeze');
    await expectEachOnce(tabs, sent);
    expect(await theSharedWorker(plain.browser, organizationId), 'the same SharedWorker throughout').toEqual(worker);
    for (const [index, tab] of tabs.entries()) {
      const status = await runtimeStatus(tab);
      expect(status, `tab ${index}`).toMatchObject({ epoch, tabs: 3, connection: 'connected', restarts: { count: 0, lastCause: null } });
    }
    for (const tab of [front, hidden]) expect(await countEvents(tab, 'disconnected')).toBe(0);
    const frozenEvents = await frozen.evaluate(() => window.sdkEvents.map((event) => event.name).filter((name) => name !== 'incoming_event'));
    test.info().annotations.push({ type: 'frozen tab events', description: frozenEvents.join(', ') });
    expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  } finally {
    await plain.close();
  }
});
