import { expect, test } from '@playwright/test';
import { agentAction, countEvents, eventPayloads, newOrganization, openTabs, startChat } from './helpers';

/** What the agent does reaches every tab once; what a tab asks is answered to that tab only. */
test('an agent greeting, typing indicator and transfer reach both tabs; acceptGreeting answers the caller only', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const [a, b] = await openTabs(context, organizationId, 2);
  const customerId = await a.evaluate(() => window.sdk.getCustomer().then((customer) => customer.id));

  const sent = await agentAction(organizationId, 'greeting', { customer_id: customerId, id: 7, text: 'Need a hand?' });
  for (const tab of [a, b]) {
    await expect
      .poll(() => eventPayloads(tab, 'incoming_greeting'))
      .toEqual([
        expect.objectContaining({
          id: 7,
          text: 'Need a hand?',
          uniqueId: sent.unique_id,
          accepted: false,
          event: expect.objectContaining({ type: 'message', text: 'Need a hand?' }),
          agent: expect.objectContaining({ name: 'Emma Emulator', isBot: false }),
        }),
      ]);
  }

  // The caller gets { success: true }; greeting_accepted is an event for both tabs, once each.
  const accepted = await b.evaluate((uniqueId) => window.sdk.acceptGreeting({ greetingId: 7, uniqueId }), String(sent.unique_id));
  expect(accepted).toEqual({ success: true });
  for (const tab of [a, b]) await expect.poll(() => eventPayloads(tab, 'greeting_accepted')).toEqual([{ uniqueId: sent.unique_id }]);
  const notFound = await a.evaluate(
    (uniqueId) => window.sdk.acceptGreeting({ greetingId: 7, uniqueId }).then(() => null, (error: { code: string }) => error.code),
    String(sent.unique_id),
  );
  expect(notFound).toBe('GREETING_NOT_FOUND');

  const chatId = await startChat(a);
  await agentAction(organizationId, 'typing', { chat_id: chatId });
  for (const tab of [a, b]) {
    await expect.poll(() => eventPayloads(tab, 'incoming_typing_indicator')).toEqual([{ chatId, typingIndicator: { authorId: 'emulator-agent@livechat.local', isTyping: true } }]);
  }

  await agentAction(organizationId, 'transfer', { chat_id: chatId, group_id: 1, queue: { position: 1, wait_time: 30 } });
  for (const tab of [a, b]) {
    await expect
      .poll(() => eventPayloads(tab, 'chat_transferred'))
      .toEqual([expect.objectContaining({ chatId, reason: 'manual', transferredTo: { groupIds: [1] }, queue: expect.objectContaining({ position: 1, waitTime: 30 }) })]);
  }
  // Nothing arrived twice.
  for (const tab of [a, b]) expect(await countEvents(tab, 'incoming_greeting')).toBe(1);
  await context.close();
});
