import { expect, test } from '@playwright/test';
import { countEvents, eventPayloads, newOrganization, openTabs, startChat } from './helpers';

/** The v5 methods whose routing matters across tabs: the answer to the caller, the pushes to every other tab. */
test('methods answer only the calling tab and their pushes reach the other tab once', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const [a, b] = await openTabs(context, organizationId, 2);
  const chatId = await startChat(a);

  // updateCustomer: the caller gets { success: true }, every tab gets customer_updated.
  expect(await a.evaluate(() => window.sdk.updateCustomer({ name: 'Ada', sessionFields: { plan: 'pro' } }))).toEqual({ success: true });
  for (const tab of [a, b]) await expect.poll(() => eventPayloads(tab, 'customer_updated')).toEqual([expect.objectContaining({ name: 'Ada' })]);

  // getChat: only the caller gets the chat, and user_data for its users.
  const usersBefore = await countEvents(a, 'user_data');
  const chat = await b.evaluate((id) => window.sdk.getChat({ chatId: id }), chatId);
  expect(chat).toMatchObject({ id: chatId });
  expect(await countEvents(a, 'user_data')).toBe(usersBefore);

  // deactivateChat: { success: true } to the caller; chat_deactivated to both tabs, once.
  expect(await b.evaluate((id) => window.sdk.deactivateChat({ id }), chatId)).toEqual({ success: true });
  for (const tab of [a, b]) await expect.poll(() => eventPayloads(tab, 'chat_deactivated')).toEqual([{ chatId }]);

  // resumeChat: the caller gets { chat } as the result; the other tab gets incoming_chat.
  const incomingBefore = await countEvents(a, 'incoming_chat');
  const callerBefore = await countEvents(b, 'incoming_chat'); // b learned of the chat when a started it
  const resumed = await b.evaluate((id) => window.sdk.resumeChat({ chat: { id } }).then((result) => result.chat), chatId);
  expect(resumed).toMatchObject({ id: chatId, thread: { active: true } });
  await expect.poll(() => countEvents(a, 'incoming_chat')).toBe(incomingBefore + 1);
  expect(await countEvents(b, 'incoming_chat')).toBe(callerBefore);

  // Errors keep their server code across the worker boundary.
  const error = await a.evaluate(() =>
    window.sdk.startChat().then(
      () => null,
      (failure: { code: string; name: string }) => ({ code: failure.code, name: failure.name, isError: failure instanceof Error }),
    ),
  );
  expect(error).toEqual({ code: 'CHAT_LIMIT_REACHED', name: 'SdkError', isError: true });
  await context.close();
});
