import { expect, test } from '@playwright/test';
import { NEXT_SDK_VERSION, WEB_URL } from './env';
import { agentSays, countEvents, demoUrl, newOrganization, openConnections, openTab, receivedTexts, runtimeStatus, sendText, startChat } from './helpers';

test('a deploy: a tab of the new SDK version takes over, the old tab moves to it, one socket remains', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const old = await openTab(context, organizationId);
  const chatId = await startChat(old);
  expect(await runtimeStatus(old)).toMatchObject({ sdkVersion: '0.1.0', tabs: 1 });

  const next = await context.newPage();
  await next.goto(demoUrl(organizationId, {}, `${WEB_URL}/next/index.html`));
  await expect.poll(() => countEvents(next, 'connected')).toBe(1);

  // The old tab now talks to the newer worker, and the old worker closed its socket.
  await expect.poll(() => runtimeStatus(old)).toMatchObject({ sdkVersion: NEXT_SDK_VERSION, tabs: 2, connection: 'connected' });
  await expect.poll(() => openConnections(organizationId)).toBe(1);
  await agentSays(organizationId, chatId, 'after the deploy');
  for (const page of [old, next]) await expect.poll(() => receivedTexts(page)).toContain('after the deploy');
  await sendText(old, chatId, 'old tab still sends');
  await expect.poll(() => receivedTexts(next)).toContain('old tab still sends');
  expect(await countEvents(old, 'disconnected')).toBe(0);
  await context.close();
});
