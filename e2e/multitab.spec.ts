import { expect, test } from '@playwright/test';
import { agentSays, countEvents, customerIdOf, newOrganization, openConnections, openTab, openTabs, receivedTexts, runtimeStatus, sendText, startChat, startChatResult, stats } from './helpers';

test('three tabs of one browser share one socket and one login, and all see every message', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const [a, b, c] = await openTabs(context, organizationId, 3);

  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  for (const tab of [a, b, c]) {
    expect(await runtimeStatus(tab)).toMatchObject({ mode: 'shared', tabs: 3, connection: 'connected' });
  }

  const chat = await startChatResult(a, 'hello from A');
  expect(chat.thread?.events.map((event) => (event.type === 'message' ? event.text : ''))).toEqual(['hello from A']);
  // The other tabs learn of the chat as an event; the tab that started it got it as the result.
  await expect.poll(() => countEvents(b, 'incoming_chat')).toBe(1);
  await expect.poll(() => countEvents(c, 'incoming_chat')).toBe(1);
  expect(await countEvents(a, 'incoming_chat')).toBe(0);

  const sent = await sendText(a, chat.id, 'second from A');
  expect(sent).toMatchObject({ type: 'message', text: 'second from A', threadId: chat.thread?.id });
  await expect.poll(() => receivedTexts(b)).toEqual(['second from A']);
  await expect.poll(() => receivedTexts(c)).toEqual(['second from A']);
  expect(await receivedTexts(a)).toEqual([]);

  await agentSays(organizationId, chat.id, 'agent to everyone');
  for (const tab of [a, b, c]) await expect.poll(() => receivedTexts(tab)).toContain('agent to everyone');

  await a.close();
  await expect.poll(async () => (await runtimeStatus(b)).tabs).toBe(2);
  await sendText(b, chat.id, 'from B after A closed');
  await expect.poll(() => receivedTexts(c)).toContain('from B after A closed');
  await agentSays(organizationId, chat.id, 'agent after A closed');
  for (const tab of [b, c]) await expect.poll(() => receivedTexts(tab)).toContain('agent after A closed');

  // Still the one socket and the one login from the start.
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  await context.close();
  await expect.poll(() => openConnections(organizationId)).toBe(0);
});

test('a second browser context gets its own worker, connection and customer', async ({ browser }) => {
  const organizationId = newOrganization();
  const first = await browser.newContext();
  const second = await browser.newContext();
  const one = await openTab(first, organizationId);
  const two = await openTab(second, organizationId);

  expect(await stats(organizationId)).toMatchObject({ openConnections: 2, logins: 2 });
  expect(await runtimeStatus(one)).toMatchObject({ tabs: 1 });
  expect(await runtimeStatus(two)).toMatchObject({ tabs: 1 });
  expect(await customerIdOf(one)).not.toBe(await customerIdOf(two));

  // A message in one browser never reaches the other customer.
  const chatId = await startChat(one);
  await sendText(one, chatId, 'private');
  await two.waitForTimeout(300);
  expect(await countEvents(two, 'incoming_chat')).toBe(0);
  expect(await receivedTexts(two)).toEqual([]);
  await first.close();
  await second.close();
});
