import { expect, test, type Page } from '@playwright/test';
import { sharedWorkers } from './cdp';
import { EMULATOR_URL } from './env';
import { agentSays, countEvents, demoUrl, newOrganization, openConnections, openTab, openTabs, receivedTexts, rendererPids, runtimeStatus, sendText, startChat, stats } from './helpers';

test('ten tabs opened and closed in random order keep one socket, and every surviving tab gets every message', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const first = await openTab(context, organizationId);
  const chatId = await startChat(first);
  const open: Page[] = [first];
  const sent: string[] = [];
  // A fixed shuffle: reproducible, and it closes the first tab (the one that logged in) midway.
  const plan = ['open', 'open', 'say', 'open', 'close:0', 'open', 'say', 'open', 'close:2', 'open', 'open', 'say', 'close:1', 'open', 'open', 'say'];
  for (const step of plan) {
    if (step === 'open') {
      const page = await openTab(context, organizationId);
      open.push(page);
      // A late tab learns the state before any live event.
      expect((await page.evaluate(() => window.sdkEvents.map((event) => event.name))).slice(0, 2)).toEqual(['customer_id', 'connected']);
    } else if (step === 'say') {
      const text = `agent message ${sent.length + 1}`;
      sent.push(text);
      await agentSays(organizationId, chatId, text);
    } else {
      const [page] = open.splice(Number(step.split(':')[1]), 1);
      await page!.close();
    }
    expect(await openConnections(organizationId)).toBe(1);
  }
  expect(open).toHaveLength(7);
  await expect.poll(() => runtimeStatus(open[0]!).then((status) => status.tabs)).toBe(7);
  const last = sent.at(-1)!;
  for (const page of open) {
    await expect.poll(() => receivedTexts(page)).toContain(last);
    const texts = await receivedTexts(page);
    // Each message at most once, in order, and everything said since the tab opened.
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts).toEqual(sent.slice(sent.indexOf(texts[0]!)));
  }
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  await context.close();
});

test('a crashed tab is dropped by the worker within 10 s, without its help', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const survivor = await openTab(context, organizationId);
  const before = rendererPids();
  const doomed = await openTab(context, organizationId);
  await expect.poll(() => runtimeStatus(survivor).then((status) => status.tabs)).toBe(2);
  // The renderer that appeared with the doomed tab is its own (the worker already ran before it,
  // and the launch flags turn off Chromium's spare renderer).
  const fresh = [...rendererPids()].filter((pid) => !before.has(pid));
  expect(fresh, 'the doomed tab should have a renderer process of its own').toHaveLength(1);
  // Kill it: no pagehide, no unload, nothing from the tab itself.
  process.kill(fresh[0]!, 'SIGKILL');
  await expect.poll(() => doomed.evaluate(() => 1).catch(() => 'crashed')).toBe('crashed');
  expect(await survivor.evaluate(() => 1)).toBe(1);
  await expect.poll(() => runtimeStatus(survivor).then((status) => status.tabs), { timeout: 10_000 }).toBe(1);
  const chatId = await startChat(survivor);
  await agentSays(organizationId, chatId, 'still served');
  await expect.poll(() => receivedTexts(survivor)).toContain('still served');
  expect(await openConnections(organizationId)).toBe(1);
  await context.close();
});

test('exactly one tab is told to notify for each incoming message: the focused one', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const tabs = await openTabs(context, organizationId, 3);
  const chatId = await startChat(tabs[0]);
  await tabs[1].bringToFront();
  await tabs[1].evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect.poll(() => runtimeStatus(tabs[0]).then((status) => status.notifierTabId)).toBe(await tabs[1].evaluate(() => window.sdk.getTabId()));
  for (const text of ['one', 'two', 'three']) await agentSays(organizationId, chatId, text);
  for (const tab of tabs) await expect.poll(() => receivedTexts(tab)).toContain('three');
  const notified = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.sdkNotifications.length)));
  expect(notified).toEqual([0, 3, 0]);
  await context.close();
});

test('a five-page walk in one tab costs one login with extendedLifetime, and one per page without', async ({ browser }) => {
  const walk = async (extra: Record<string, string>) => {
    const organizationId = newOrganization();
    const context = await browser.newContext();
    const page = await openTab(context, organizationId, extra);
    for (let step = 2; step <= 5; step += 1) {
      await page.goto(demoUrl(organizationId, { ...extra, step: String(step) }));
      await expect.poll(() => countEvents(page, 'connected')).toBe(1);
    }
    const { logins } = await stats(organizationId);
    await context.close();
    return logins;
  };
  const withLifetime = await walk({});
  const without = await walk({ extendedLifetime: '0' });
  console.log(`5-page walk: ${withLifetime} login(s) with extendedLifetime, ${without} without`);
  expect(withLifetime).toBe(1);
  expect(without).toBeGreaterThan(1);
});

test('inline mode runs the same core in the page: a basic conversation works, one socket per tab', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const [a, b] = await openTabs(context, organizationId, 2, { mode: 'inline' });
  expect(await runtimeStatus(a)).toMatchObject({ mode: 'inline', tabs: 1, connection: 'connected' });
  const chatId = await startChat(a);
  await agentSays(organizationId, chatId, 'hello inline');
  for (const tab of [a, b]) await expect.poll(() => receivedTexts(tab)).toContain('hello inline');
  const sent = await sendText(b, chatId, 'from b');
  expect(sent).toMatchObject({ text: 'from b' });
  await expect.poll(() => receivedTexts(a)).toContain('from b');
  expect(await stats(organizationId)).toMatchObject({ openConnections: 2, logins: 2 });
  await context.close();
});

test('a duplicated tab (its id inherited through sessionStorage) takes an id of its own, without disturbing the tab it copies', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const original = await openTab(context, organizationId);
  const chatId = await startChat(original);
  const tabId = await original.evaluate(() => window.sdk.getTabId());
  // "Duplicate tab" copies sessionStorage: the copy attaches under a fresh id, then reads the
  // original's id, finds its lock taken and claims one of its own.
  const copy = await context.newPage();
  await copy.addInitScript((id) => sessionStorage.setItem('livechat-multitab:tabId', id), tabId);
  await copy.goto(demoUrl(organizationId));
  await expect.poll(() => countEvents(copy, 'connected')).toBe(1);
  expect(await copy.evaluate(() => window.sdk.getTabId())).not.toBe(tabId);
  await expect.poll(() => runtimeStatus(original).then((status) => status.tabs)).toBe(2);
  await agentSays(organizationId, chatId, 'to both');
  for (const page of [original, copy]) await expect.poll(() => receivedTexts(page)).toEqual(['to both']);
  expect(await countEvents(original, 'connected')).toBe(1);
  expect(await countEvents(original, 'disconnected')).toBe(0);
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  await context.close();
});

test('a reloaded tab keeps its id: it attaches under a fresh one, then claims its stored one, and the runtime knows one tab', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const [other, page] = await openTabs(context, organizationId, 2);
  const tabId = await page.evaluate(() => window.sdk.getTabId());
  await page.reload();
  await expect.poll(() => countEvents(page, 'connected')).toBe(1);
  expect(await page.evaluate(() => window.sdk.getTabId())).toBe(tabId);
  await expect.poll(() => runtimeStatus(other).then((status) => status.tabs)).toBe(2);
  // The runtime goes by the claimed id: the tab it names to notify is one of the two, not the fresh id.
  const ids = [tabId, await other.evaluate(() => window.sdk.getTabId())];
  await expect.poll(() => runtimeStatus(other).then((status) => ids.includes(status.notifierTabId ?? ''))).toBe(true);
  const chatId = await startChat(page);
  await agentSays(organizationId, chatId, 'after the reload');
  await expect.poll(() => receivedTexts(page)).toEqual(['after the reload']);
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  await context.close();
});

test('warmUp() starts the shared worker with no token, socket or login; init() later on the page attaches to that worker', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  // A demo page of another organization hosts the calls: its own SDK instance has a worker of its own.
  const page = await context.newPage();
  await page.goto(demoUrl(newOrganization()));
  const config = { organizationId, clientId: 'demo-client', server: EMULATOR_URL };
  const tokenRequests = (tab: Page) => {
    const urls: string[] = [];
    // This organization's only: the demo page hosting the calls has an SDK instance of its own.
    tab.on('request', (request) => {
      if (request.url().startsWith(`${EMULATOR_URL}/v2/customer/`) && request.postData()?.includes(organizationId)) urls.push(request.url());
    });
    return urls;
  };
  const firstTokens = tokenRequests(page);
  await page.evaluate((warm) => window.CustomerSDK.warmUp(warm), config);
  await expect.poll(async () => (await sharedWorkers(browser, organizationId)).length).toBe(1);
  const [warmed] = await sharedWorkers(browser, organizationId);
  await page.waitForTimeout(500); // room for anything it should not do
  expect(await stats(organizationId)).toMatchObject({ totalConnections: 0, logins: 0 });

  await page.evaluate((later) => {
    const sdk = window.CustomerSDK.init(later);
    return new Promise<void>((resolve) => sdk.on('connected', () => resolve()));
  }, config);
  expect((await sharedWorkers(browser, organizationId)).map((target) => target.targetId)).toEqual([warmed!.targetId]);
  // The socket the tab's preconnect had opened before its attach is the one it logged in on.
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, totalConnections: 1, logins: 1 });
  // The first tab asked for its token at init() (the worker was unused), once.
  expect(firstTokens).toHaveLength(1);

  // A later page that warms up the same worker finds it in use: no token request, no new login.
  const second = await context.newPage();
  const secondTokens = tokenRequests(second);
  await second.goto(demoUrl(newOrganization()));
  await second.evaluate((warm) => window.CustomerSDK.warmUp(warm), config);
  await second.waitForTimeout(300);
  await second.evaluate((later) => {
    const sdk = window.CustomerSDK.init(later);
    return new Promise<void>((resolve) => sdk.on('connected', () => resolve()));
  }, config);
  expect(secondTokens).toEqual([]);
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });

  // A bad config throws as init() does; where no SharedWorker would be used, nothing starts.
  expect(await page.evaluate(() => {
    try {
      window.CustomerSDK.warmUp({ organizationId: '', clientId: 'x' });
      return 'no error';
    } catch (error) {
      return (error as { code?: string }).code;
    }
  })).toBe('VALIDATION');
  const other = newOrganization();
  await page.evaluate((dedicated) => window.CustomerSDK.warmUp(dedicated), { ...config, organizationId: other, mode: 'dedicated' as const });
  await page.waitForTimeout(300);
  expect(await sharedWorkers(browser, other)).toEqual([]);
  await context.close();
});
