import { expect, test } from '@playwright/test';
import { newOrganization, openTabs, serverChats, startChat, stats } from './helpers';

/**
 * `setSneakPeek` as the v5 docs describe it, in real tabs: it returns nothing, reaches the server
 * only for an active chat (from whichever tab started it), and never leaves an unhandled
 * rejection behind, not even when called after `destroy()`.
 */
test('setSneakPeek returns nothing, sends only for an active chat, and never rejects unhandled', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const [a, b] = await openTabs(context, organizationId, 2);
  const unhandled = async () => {
    const reasons = await Promise.all([a, b].map((tab) => tab.evaluate(() => (window as unknown as { unhandled: string[] }).unhandled)));
    return reasons.flat();
  };
  for (const tab of [a, b]) {
    await tab.evaluate(() => {
      const log: string[] = ((window as unknown as { unhandled: string[] }).unhandled = []);
      addEventListener('unhandledrejection', (event) => log.push(String((event.reason as { code?: string })?.code ?? event.reason)));
    });
  }
  const sent = async () => (await stats(organizationId)).requests.send_sneak_peek ?? 0;

  // Not a promise; a chat nobody started is not active, so nothing goes out.
  expect(await a.evaluate(() => typeof window.sdk.setSneakPeek({ chatId: 'NOSUCHCHAT', sneakPeekText: 'x' }))).toBe('undefined');
  // Bad arguments throw at once, with the documented code.
  expect(
    await a.evaluate(() => {
      try {
        window.sdk.setSneakPeek({ chatId: '' } as never);
        return 'no error';
      } catch (error) {
        return (error as { code: string }).code;
      }
    }),
  ).toBe('VALIDATION');

  const chatId = await startChat(a);
  await b.evaluate((id) => window.sdk.setSneakPeek({ chatId: id, sneakPeekText: 'what is the price' }), chatId);
  await expect.poll(sent).toBe(1);
  expect((await serverChats(organizationId))[0]).toMatchObject({ sneak_peek: { text: 'what is the price' } });

  await a.evaluate(() => window.sdk.destroy());
  expect(await a.evaluate((id) => typeof window.sdk.setSneakPeek({ chatId: id, sneakPeekText: 'after destroy' }), chatId)).toBe('undefined');
  // Long enough for the rejection a promise-returning method would leave to be reported.
  await a.waitForTimeout(500);
  expect(await unhandled()).toEqual([]);
  expect(await sent()).toBe(1);
  await context.close();
});
