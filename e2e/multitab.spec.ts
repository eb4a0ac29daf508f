import { expect, test } from '@playwright/test';
import { agentSays, countEvents, newOrganization, openTab, receivedTexts, stats } from './helpers';

test('three tabs of one browser share one socket and one login, and all see every message', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const a = await openTab(context, organizationId);
  const b = await openTab(context, organizationId);
  const c = await openTab(context, organizationId);

  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  for (const tab of [a, b, c]) {
    expect(await tab.evaluate(() => window.sdk.getRuntimeStatus())).toMatchObject({ mode: 'shared', tabs: 3, connection: 'connected' });
  }

  const chat = await a.evaluate(() =>
    window.sdk.startChat({ chat: { thread: { events: [{ type: 'message', text: 'hello from A' }] } } }).then((result) => result.chat),
  );
  expect(chat.thread?.events.map((event) => (event.type === 'message' ? event.text : ''))).toEqual(['hello from A']);
  // The other tabs learn of the chat as an event; the tab that started it got it as the result.
  await expect.poll(() => countEvents(b, 'incoming_chat')).toBe(1);
  await expect.poll(() => countEvents(c, 'incoming_chat')).toBe(1);
  expect(await countEvents(a, 'incoming_chat')).toBe(0);

  const sent = await a.evaluate(
    (chatId) => window.sdk.sendEvent({ chatId, event: { type: 'message', text: 'second from A' } }),
    chat.id,
  );
  expect(sent).toMatchObject({ type: 'message', text: 'second from A', threadId: chat.thread?.id });
  await expect.poll(() => receivedTexts(b)).toEqual(['second from A']);
  await expect.poll(() => receivedTexts(c)).toEqual(['second from A']);
  expect(await receivedTexts(a)).toEqual([]);

  await agentSays(organizationId, chat.id, 'agent to everyone');
  for (const tab of [a, b, c]) await expect.poll(() => receivedTexts(tab)).toContain('agent to everyone');

  await a.close();
  await expect.poll(async () => (await b.evaluate(() => window.sdk.getRuntimeStatus())).tabs).toBe(2);
  await b.evaluate((chatId) => window.sdk.sendEvent({ chatId, event: { type: 'message', text: 'from B after A closed' } }), chat.id);
  await expect.poll(() => receivedTexts(c)).toContain('from B after A closed');
  await agentSays(organizationId, chat.id, 'agent after A closed');
  for (const tab of [b, c]) await expect.poll(() => receivedTexts(tab)).toContain('agent after A closed');

  // Still the one socket and the one login from the start.
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  await context.close();
  await expect.poll(async () => (await stats(organizationId)).openConnections).toBe(0);
});

test('a second browser context gets its own worker, connection and customer', async ({ browser }) => {
  const organizationId = newOrganization();
  const first = await browser.newContext();
  const second = await browser.newContext();
  const one = await openTab(first, organizationId);
  const two = await openTab(second, organizationId);

  expect(await stats(organizationId)).toMatchObject({ openConnections: 2, logins: 2 });
  expect(await one.evaluate(() => window.sdk.getRuntimeStatus())).toMatchObject({ tabs: 1 });
  expect(await two.evaluate(() => window.sdk.getRuntimeStatus())).toMatchObject({ tabs: 1 });
  const customerOf = (page: typeof one) =>
    page.evaluate(() => window.sdkEvents.find((event) => event.name === 'customer_id')?.payload as string);
  expect(await customerOf(one)).not.toBe(await customerOf(two));

  // A message in one browser never reaches the other customer.
  const chatId = await one.evaluate(() => window.sdk.startChat().then((result) => result.chat.id));
  await one.evaluate((id) => window.sdk.sendEvent({ chatId: id, event: { type: 'message', text: 'private' } }), chatId);
  await two.waitForTimeout(300);
  expect(await countEvents(two, 'incoming_chat')).toBe(0);
  expect(await receivedTexts(two)).toEqual([]);
  await first.close();
  await second.close();
});
