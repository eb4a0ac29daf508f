import { expect, test, type Page } from '@playwright/test';
import { agentSays, countEvents, emulatorPost, newOrganization, openTab, receivedTexts, serverOutage, serverTexts, startChat, stats } from './helpers';

/**
 * The IndexedDB chat cache as tabs see it (issue 6): instant second tabs, painting from the cache
 * after a reload, catching up after an outage, and the outbox.
 */

/** Messages on screen, in order, with where each came from (`cache` or `live`). */
const painted = (page: Page) =>
  page.locator('#messages li').evaluateAll((items) => items.map((item) => `${(item as HTMLElement).dataset.source}:${item.textContent}`));

const eventNames = (page: Page) => page.evaluate(() => window.sdkEvents.map((event) => event.name));

/** Texts of the messages the `cached_state` event carried (the first chat's thread). */
const cachedTexts = (page: Page) =>
  page.evaluate(() => {
    const cached = window.sdkEvents.find((event) => event.name === 'cached_state')?.payload as
      | { chats: Array<{ thread: { events: Array<{ text?: string }> } | null }> }
      | undefined;
    return cached?.chats[0]?.thread?.events.map((event) => event.text ?? '') ?? [];
  });

async function typeInWidget(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

/** The runtime writes its cache in batches after delivering; give the last batch time to land. */
const letTheCacheSettle = (page: Page) => page.waitForTimeout(600);

test('a second tab opened while the first is connected reaches connected with the chat list, without a new login or list request', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const first = await openTab(context, organizationId);
  const chatId = await startChat(first, 'hello');
  await agentSays(organizationId, chatId, 'welcome back');
  await expect.poll(() => receivedTexts(first)).toEqual(['welcome back']);
  const before = await stats(organizationId);

  const second = await openTab(context, organizationId);
  // The widget lists the chats and loads the conversation on `connected`: all from the runtime.
  await expect.poll(() => painted(second)).toEqual(['live:hello', 'live:welcome back']);
  const after = await stats(organizationId);
  expect(after).toMatchObject({ logins: 1, openConnections: 1 });
  expect(after.requests.list_chats ?? 0).toBe(before.requests.list_chats ?? 0);
  expect(after.requests.get_chat ?? 0).toBe(before.requests.get_chat ?? 0);
  expect(after.requests).toEqual(before.requests);
  await context.close();
});

test('a reload paints the cached messages before the slow service answers the login', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  // Without extendedLifetime the shared worker dies with its only page: the reload starts a new
  // runtime with empty memory, which only IndexedDB can help.
  const page = await openTab(context, organizationId, { extendedLifetime: '0' });
  const chatId = await startChat(page, 'my question');
  await agentSays(organizationId, chatId, 'the answer');
  await expect.poll(() => receivedTexts(page)).toEqual(['the answer']);
  await letTheCacheSettle(page);
  expect((await emulatorPost('/__emulator/latency', { latency_ms: 3_000 })).status).toBe(200);
  try {
    await page.reload();
    await expect.poll(() => painted(page)).toEqual(['cache:my question', 'cache:the answer']);
    // Painted before the login answered: `connected` has not come yet.
    expect(await countEvents(page, 'connected')).toBe(0);
    await expect.poll(() => countEvents(page, 'connected'), { timeout: 20_000 }).toBe(1);
    const names = await eventNames(page);
    expect(names.indexOf('cached_state')).toBeLessThan(names.indexOf('connected'));
    // A new runtime logged in: the first page's and this one's.
    expect(await stats(organizationId)).toMatchObject({ logins: 2, openConnections: 1 });
  } finally {
    await emulatorPost('/__emulator/latency', { latency_ms: 0 });
  }
  await context.close();
});

test('messages the agent sends while the network is down all arrive after it comes back, in order, once, across a reload', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const page = await openTab(context, organizationId, { extendedLifetime: '0' });
  const chatId = await startChat(page, 'hi');
  await agentSays(organizationId, chatId, 'before');
  await expect.poll(() => receivedTexts(page)).toEqual(['before']);
  await letTheCacheSettle(page);

  // The service drops the customer's socket and refuses new ones for a while; the agent keeps typing.
  await serverOutage(organizationId, 5_000);
  for (const text of ['down 1', 'down 2', 'down 3']) await agentSays(organizationId, chatId, text);
  await expect.poll(() => countEvents(page, 'disconnected')).toBe(1);
  // The customer reloads while offline: the new runtime starts from IndexedDB alone.
  await page.reload();
  await expect.poll(() => painted(page)).toEqual(['cache:hi', 'cache:before']);
  await expect.poll(() => countEvents(page, 'connected'), { timeout: 30_000 }).toBe(1);
  await agentSays(organizationId, chatId, 'after');

  const server = await serverTexts(organizationId);
  expect(server).toEqual(['hi', 'before', 'down 1', 'down 2', 'down 3', 'after']);
  // What the page was given, cached then live: the server's list exactly, nothing twice.
  await expect.poll(async () => [...(await cachedTexts(page)), ...(await receivedTexts(page))]).toEqual(server);
  await expect.poll(() => painted(page)).toEqual(['cache:hi', 'cache:before', 'live:down 1', 'live:down 2', 'live:down 3', 'live:after']);
  await context.close();
});

test('an outbox message typed offline is delivered once after reconnect, even though the tab was reloaded before that', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const page = await openTab(context, organizationId, { extendedLifetime: '0', outbox: '1' });
  // Started from the widget, so that the widget knows its chat.
  await typeInWidget(page, 'hi');
  await expect.poll(() => painted(page)).toEqual(['live:hi']);
  const chatId = await page.evaluate(() => window.sdk.listChats().then((list) => list.chatsSummary[0]!.id));
  await agentSays(organizationId, chatId, 'how can I help?');
  await expect.poll(() => receivedTexts(page)).toEqual(['how can I help?']);
  await letTheCacheSettle(page);

  await serverOutage(organizationId, 5_000);
  await expect.poll(() => countEvents(page, 'disconnected')).toBe(1);
  // Typed in the widget while offline: queued, the call still waiting for the connection.
  await typeInWidget(page, 'typed offline');
  await letTheCacheSettle(page);
  await expect(page.locator('#error')).toHaveText('');
  await page.reload();
  await expect.poll(() => countEvents(page, 'connected'), { timeout: 30_000 }).toBe(1);

  await expect.poll(() => receivedTexts(page), { timeout: 15_000 }).toEqual(['typed offline']);
  expect(await serverTexts(organizationId)).toEqual(['hi', 'how can I help?', 'typed offline']);
  await expect.poll(() => painted(page)).toEqual(['cache:hi', 'cache:how can I help?', 'live:typed offline']);
  // Once: a later look changes nothing (no second send after a delay).
  await page.waitForTimeout(1_000);
  expect(await serverTexts(organizationId)).toEqual(['hi', 'how can I help?', 'typed offline']);
  await context.close();
});

test('a sendEvent queued offline resolves in its tab with the sent event; only the other tab gets it as incoming_event', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const a = await openTab(context, organizationId, { outbox: '1' });
  const b = await openTab(context, organizationId);
  const chatId = await startChat(a, 'hi');
  await expect.poll(() => countEvents(b, 'incoming_chat')).toBe(1);

  await serverOutage(organizationId, 3_000);
  await expect.poll(() => countEvents(a, 'disconnected')).toBe(1);
  // The call waits in the outbox through the outage, then resolves with what the server stored.
  const sent = await a.evaluate(
    (id) => window.sdk.sendEvent({ chatId: id, event: { type: 'message', text: 'queued' } }).then((event) => ({ text: event.type === 'message' ? event.text : undefined, customId: event.customId })),
    chatId,
  );
  expect(sent).toEqual({ text: 'queued', customId: expect.stringMatching(/^outbox-/) });
  await expect.poll(() => receivedTexts(b)).toEqual(['queued']);
  expect(await receivedTexts(a)).toEqual([]);
  expect(await serverTexts(organizationId)).toEqual(['hi', 'queued']);
  await context.close();
});
