import { expect, test } from '@playwright/test';
import { WEB_URL } from './env';
import { demoUrl, newOrganization, openTab, receivedTexts, sendText, startChat } from './helpers';

/** demo/agent.html polls the emulator every second; what the agent is typing must survive the polls. */
test('the agent console keeps a reply being typed, caret and all, while the chat redraws around it', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const customer = await openTab(context, organizationId);
  const chatId = await startChat(customer, 'hello');

  const agentPage = await context.newPage();
  await agentPage.goto(demoUrl(organizationId, {}, `${WEB_URL}/agent.html`));
  const chat = agentPage.locator('article.chat', { hasText: chatId });
  await expect(chat.locator('.messages li')).toHaveText(['hello']);
  const reply = chat.locator('.composer input');
  await reply.click();
  await agentPage.keyboard.type('hello');
  for (let i = 0; i < 3; i++) await agentPage.keyboard.press('ArrowLeft');

  // The customer writes: the next poll draws the new message while the agent is mid-word.
  await sendText(customer, chatId, 'are you there?');
  await expect(chat.locator('.messages li')).toHaveText(['hello', 'are you there?']);
  await agentPage.keyboard.type('X');
  await expect(reply).toBeFocused();
  await expect(reply).toHaveValue('heXllo');

  await agentPage.keyboard.press('Enter');
  await expect.poll(() => receivedTexts(customer)).toEqual(['heXllo']);
  await expect(reply).toHaveValue('');
  await context.close();
});
