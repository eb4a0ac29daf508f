/**
 * The unchanged official `@livechat/customer-sdk@4.0.2` (API 3.5) in real tabs against the emulator
 * (demo/official.html, production hosts routed by e2e/official-route.ts), and the connection-limit
 * comparison with this project's SDK (demo/index.html: one socket per browser, however many tabs).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { EMULATOR_URL } from './env';
import { agentSays, countEvents, newOrganization, openConnections, openTabs, serverChats, stats, type Stats } from './helpers';
import { chatHistoryPages, officialUrl } from './official';
import { routeOfficialSdk } from './official-route';

type LimitStats = Stats & { refusedConnections: number };
const limitStats = async (organizationId: string): Promise<LimitStats> => (await stats(organizationId)) as LimitStats;

function officialEvents(page: Page, name: string): Promise<any[]> {
  return page.evaluate((eventName) => window.officialEvents.filter((e) => e.name === eventName).map((e) => e.payload), name);
}

/** Opens official.html and waits until its SDK either connected or was disconnected; returns which. */
async function openOfficialTab(context: BrowserContext, organizationId: string): Promise<{ page: Page; outcome: 'connected' | 'disconnected' }> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[official page error] ${error.message}`));
  await page.goto(officialUrl(organizationId));
  await expect
    .poll(() => page.evaluate(() => window.officialEvents.some((e) => e.name === 'connected' || e.name === 'disconnected')), { timeout: 20_000 })
    .toBe(true);
  const outcome = await page.evaluate(() => window.officialEvents.find((e) => e.name === 'connected' || e.name === 'disconnected')!.name);
  return { page, outcome: outcome as 'connected' | 'disconnected' };
}

test('the official SDK 4.0.2 holds a whole conversation with the emulator over API 3.5', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const routing = await routeOfficialSdk(context, EMULATOR_URL);
  const { page, outcome } = await openOfficialTab(context, organizationId);
  expect(outcome).toBe('connected');
  expect(routing.sockets).toEqual([`${EMULATOR_URL.replace('http', 'ws')}/v3.5/customer/rtm/ws?organization_id=${organizationId}`]);

  // Connect: customer_id (from the token) first, then connected with the parsed login response.
  const [customerId] = await officialEvents(page, 'customer_id');
  expect(customerId).toEqual(expect.any(String));
  const [connected] = await officialEvents(page, 'connected');
  expect(connected).toMatchObject({
    availability: 'online',
    customer: { id: customerId, type: 'customer', statistics: { chatsCount: 0, threadsCount: 0, visitsCount: 1 } },
  });

  // 3.5-only: the predicted agent, and customer_page_updated after updateCustomerPage.
  const predicted = await page.evaluate(() => window.officialSdk.getPredictedAgent());
  expect(predicted).toEqual({
    agent: { id: 'emulator-agent@livechat.local', type: 'agent', name: 'Emma Emulator', avatar: expect.any(String), jobTitle: 'Support Agent', isBot: false },
    queue: false,
  });
  await page.evaluate(() => window.officialSdk.updateCustomerPage({ url: 'https://shop.example/checkout', title: 'Checkout' }));
  await expect.poll(() => officialEvents(page, 'customer_page_updated')).toEqual([
    { url: 'https://shop.example/checkout', title: 'Checkout', openedAt: expect.any(String) },
  ]);

  // Start a chat: resolved from the incoming_chat push carrying the request_id.
  const { chat } = await page.evaluate(() =>
    window.officialSdk.startChat({ chat: { thread: { events: [{ type: 'message', text: 'Hello from 4.0.2' }] } } }),
  );
  const chatId: string = chat.id;
  const threadId: string = chat.thread.id;
  expect(chat.users.map((u: { type: string }) => u.type)).toEqual(['customer', 'agent']);
  expect(chat.thread).toMatchObject({ chatId, active: true, events: [{ type: 'message', text: 'Hello from 4.0.2', authorId: customerId, threadId }] });
  // The requester's own incoming_chat answered the call; it is not emitted again.
  expect(await officialEvents(page, 'incoming_chat')).toEqual([]);

  // Exchange messages.
  await agentSays(organizationId, chatId, 'Hi, Emma here. How can I help?');
  await expect.poll(() => officialEvents(page, 'incoming_event').then((all) => all.map((e) => e.event.text))).toEqual(['Hi, Emma here. How can I help?']);
  const [agentMessage] = await officialEvents(page, 'incoming_event');
  expect(agentMessage).toMatchObject({ chatId, event: { type: 'message', authorId: 'emulator-agent@livechat.local', threadId } });
  const sent = await page.evaluate((id) => window.officialSdk.sendEvent({ chatId: id, event: { type: 'message', text: 'My order is late' } }), chatId);
  expect(sent).toMatchObject({ id: `${threadId}_3`, type: 'message', text: 'My order is late', authorId: customerId, threadId });
  await agentSays(organizationId, chatId, 'Let me check that for you.');
  await expect.poll(() => officialEvents(page, 'incoming_event').then((all) => all.length)).toBe(2);

  // History: getChatHistory pages through list_threads ({chat_id, min_events_count: 25}); one thread, one page.
  const history = await chatHistoryPages(page, 'officialSdk', chatId);
  expect(history).toHaveLength(1);
  expect(history[0]!.done).toBe(true);
  const [thread] = (history[0]!.value as { threads: any[] }).threads;
  expect(thread).toMatchObject({ id: threadId, chatId, active: true, previousThreadId: null, nextThreadId: null });
  expect(thread.events.map((e: { authorId: string; text: string }) => [e.authorId === customerId ? 'customer' : 'agent', e.text])).toEqual([
    ['customer', 'Hello from 4.0.2'],
    ['agent', 'Hi, Emma here. How can I help?'],
    ['customer', 'My order is late'],
    ['agent', 'Let me check that for you.'],
  ]);

  // Chat properties.
  expect(await page.evaluate((id) => window.officialSdk.updateChatProperties({ id, properties: { shop: { order: 'A-1001' } } }), chatId)).toEqual({ success: true });
  await expect.poll(() => officialEvents(page, 'chat_properties_updated')).toEqual([{ chatId, properties: { shop: { order: 'A-1001' } } }]);
  expect((await page.evaluate((id) => window.officialSdk.getChat({ chatId: id }), chatId)).properties).toEqual({ shop: { order: 'A-1001' } });

  // Rating: list_threads {chat_id} for the newest thread, then update_thread_properties.
  expect(await page.evaluate((id) => window.officialSdk.rateChat({ chatId: id, rating: { score: 1, comment: 'Quick and kind' } }), chatId)).toEqual({ success: true });
  await expect.poll(() => officialEvents(page, 'thread_properties_updated')).toEqual([
    { chatId, threadId, properties: { rating: { score: 1, comment: 'Quick and kind' } } },
  ]);

  // Deactivate: 4.0.2 resolves undefined, then chat_deactivated and the system message arrive as events.
  expect(await page.evaluate((id) => window.officialSdk.deactivateChat({ id }).then((r) => r ?? 'undefined'), chatId)).toBe('undefined');
  await expect.poll(() => officialEvents(page, 'chat_deactivated')).toEqual([{ chatId }]);
  await expect.poll(() => officialEvents(page, 'incoming_event').then((all) => all.at(-1)?.event)).toMatchObject({ type: 'system_message', authorId: 'system' });
  await expect(page.evaluate((id) => window.officialSdk.sendEvent({ chatId: id, event: { type: 'message', text: 'late' } }), chatId)).rejects.toThrow(/inactive/i);

  // The emulator saw one 3.5 login and each request; the rating and properties are stored.
  const counters = await limitStats(organizationId);
  expect(counters).toMatchObject({ openConnections: 1, logins: 1, refusedConnections: 0 });
  expect(counters.requests).toMatchObject({ login: 1, get_predicted_agent: 1, update_customer_page: 1, start_chat: 1, send_event: 2, list_threads: 2, update_chat_properties: 1, update_thread_properties: 1, deactivate_chat: 1 });
  const chats = await serverChats(organizationId);
  expect(chats[0]).toMatchObject({ id: chatId, active: false, properties: { shop: { order: 'A-1001' } } });
  expect(chats[0]!.threads[0]!.properties).toEqual({ rating: { score: 1, comment: 'Quick and kind' } });
  console.log(`official SDK conversation: requests ${JSON.stringify(counters.requests)}`);
  await context.close();
});

test('tabs of one browser context share the official SDK identity through the routed accounts cookie', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const routing = await routeOfficialSdk(context, EMULATOR_URL);
  const first = await openOfficialTab(context, organizationId);
  expect(first.outcome).toBe('connected');
  // Drop the token cache 4.0.2 shares through localStorage, so the next tab must ask the accounts endpoint again.
  await first.page.evaluate(() => localStorage.clear());
  const second = await openOfficialTab(context, organizationId);
  expect(second.outcome).toBe('connected');
  const ids = [...(await officialEvents(first.page, 'customer_id')), ...(await officialEvents(second.page, 'customer_id'))];
  console.log(`official SDK token requests: ${JSON.stringify(routing.tokens)}`);
  expect(routing.tokens.map((t) => t.cookie)).toEqual(['none', 'browser']);
  expect(routing.tokens.every((t) => t.status === 200)).toBe(true);
  expect(new Set(ids).size).toBe(1);
  expect(routing.tokens[1]!.entityId).toBe(ids[0]);
  expect(await context.cookies('https://accounts.livechatinc.com')).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: '__lc_cid', value: ids[0], sameSite: 'None', secure: true })]),
  );
  await context.close();
});

test('closing an official tab closes its socket on the emulator', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const routing = await routeOfficialSdk(context, EMULATOR_URL);
  const a = await openOfficialTab(context, organizationId);
  const b = await openOfficialTab(context, organizationId);
  expect([a.outcome, b.outcome]).toEqual(['connected', 'connected']);
  expect((await limitStats(organizationId)).openConnections).toBe(2);
  await b.page.close();
  await expect.poll(() => openConnections(organizationId)).toBe(1);
  expect(routing.openRelays()).toBe(1);
  await context.close();
  await expect.poll(() => openConnections(organizationId)).toBe(0);
});

test.describe('connection limit (emulator default: 5 logged-in sockets per customer)', () => {
  test('the official SDK in 6 tabs of one browser: the 6th is refused with too_many_connections', async ({ browser }) => {
    const organizationId = newOrganization();
    const context = await browser.newContext();
    const routing = await routeOfficialSdk(context, EMULATOR_URL);
    const tabs: Array<{ page: Page; outcome: string }> = [];
    for (let i = 0; i < 6; i++) tabs.push(await openOfficialTab(context, organizationId));

    const outcomes = tabs.map((t) => t.outcome);
    const customerIds = new Set((await Promise.all(tabs.map((t) => officialEvents(t.page, 'customer_id')))).flat());
    const reasons = (await Promise.all(tabs.map((t) => officialEvents(t.page, 'disconnected')))).flat().map((d) => d.reason as string);
    const counters = await limitStats(organizationId);
    console.log(
      `official SDK 4.0.2, 6 tabs: tabs ${outcomes.join(',')}; disconnected reasons [${reasons.join(',')}]; ` +
        `emulator openConnections=${counters.openConnections} logins=${counters.logins} totalConnections=${counters.totalConnections} refusedConnections=${counters.refusedConnections}`,
    );
    // One browser, one customer: every tab got the same identity (cookie grant / shared token cache).
    expect(customerIds.size).toBe(1);
    expect(counters.refusedConnections).toBeGreaterThanOrEqual(1);
    expect(reasons).toContain('too_many_connections');
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(5);
    expect(counters.openConnections).toBe(5);
    expect(routing.sockets).toHaveLength(6);
    await context.close();
  });

  for (const count of [6, 20]) {
    test(`this SDK in ${count} tabs of one browser: one socket, every tab connected, nothing refused`, async ({ browser }) => {
      test.setTimeout(60_000 + count * 5_000);
      const organizationId = newOrganization();
      const context = await browser.newContext();
      const tabs = await openTabs(context, organizationId, count);

      const connected = await Promise.all(tabs.map((tab) => countEvents(tab, 'connected')));
      const disconnected = await Promise.all(tabs.map((tab) => countEvents(tab, 'disconnected')));
      const counters = await limitStats(organizationId);
      console.log(
        `this SDK, ${count} tabs: ${connected.filter((n) => n >= 1).length}/${count} tabs connected, ${disconnected.reduce((a, b) => a + b, 0)} disconnected events; ` +
          `emulator openConnections=${counters.openConnections} logins=${counters.logins} totalConnections=${counters.totalConnections} refusedConnections=${counters.refusedConnections}`,
      );
      expect(connected.every((n) => n >= 1)).toBe(true);
      expect(disconnected.every((n) => n === 0)).toBe(true);
      expect(counters.openConnections).toBe(1);
      expect(counters.refusedConnections).toBe(0);
      await context.close();
    });
  }
});
