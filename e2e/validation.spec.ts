import { expect, test } from '@playwright/test';
import { newOrganization, openTab } from './helpers';

test('bad input to every method rejects with VALIDATION naming the field', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await openTab(context, newOrganization());
  const outcomes = await page.evaluate(async () => {
    const sdk = window.sdk as unknown as Record<string, (params?: unknown) => Promise<unknown>>;
    const attempt = async (call: () => Promise<unknown>) => {
      try {
        await call();
        return { code: 'RESOLVED', message: '' };
      } catch (error) {
        const { code, message, name } = error as { code: string; message: string; name: string };
        return { code, message, name };
      }
    };
    return {
      sendEventChatId: await attempt(() => sdk.sendEvent!({ chatId: 42, event: { type: 'message', text: 'x' } })),
      sendEventType: await attempt(() => sdk.sendEvent!({ chatId: 'ABC', event: { type: 'teleport' } })),
      sendEventText: await attempt(() => sdk.sendEvent!({ chatId: 'ABC', event: { type: 'message' } })),
      sendEventMissing: await attempt(() => sdk.sendEvent!()),
      sendEventFunction: await attempt(() => sdk.sendEvent!({ chatId: 'ABC', event: { type: 'message', text: 'x' }, extra: () => 1 })),
      startChatEvents: await attempt(() => sdk.startChat!({ chat: { thread: { events: 'hello' } } })),
      startChatActive: await attempt(() => sdk.startChat!({ active: 'yes' })),
      startChatGroups: await attempt(() => sdk.startChat!({ chat: { access: { groupIds: ['one'] } } })),
      listChatsLimit: await attempt(() => sdk.listChats!({ limit: 100 })),
      listChatsPageId: await attempt(() => sdk.listChats!({ pageId: 7 })),
      listChatsBoth: await attempt(() => sdk.listChats!({ pageId: 'x', limit: 5 })),
    };
  });
  const expectField = (outcome: { code: string; message: string }, field: string) => {
    expect(outcome.code).toBe('VALIDATION');
    expect(outcome.message).toContain(`"${field}"`);
  };
  expectField(outcomes.sendEventChatId, 'chatId');
  expectField(outcomes.sendEventType, 'event.type');
  expectField(outcomes.sendEventText, 'event.text');
  expectField(outcomes.sendEventMissing, 'params');
  expectField(outcomes.sendEventFunction, 'params');
  expectField(outcomes.startChatEvents, 'chat.thread.events');
  expectField(outcomes.startChatActive, 'active');
  expectField(outcomes.startChatGroups, 'chat.access.groupIds[0]');
  expectField(outcomes.listChatsLimit, 'limit');
  expectField(outcomes.listChatsPageId, 'pageId');
  expectField(outcomes.listChatsBoth, 'limit');
  expect(outcomes.sendEventChatId).toMatchObject({ name: 'SdkError' });
  await context.close();
});

test('init rejects a bad config and an unavailable runtime mode with a coded SdkError', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await openTab(context, newOrganization());
  const outcomes = await page.evaluate(() => {
    const attempt = (config: unknown) => {
      try {
        window.CustomerSDK.init(config as Parameters<typeof window.CustomerSDK.init>[0]).destroy();
        return { code: 'CREATED', message: '' };
      } catch (error) {
        const { code, message } = error as { code: string; message: string };
        return { code, message };
      }
    };
    return {
      organizationId: attempt({ organizationId: 5, clientId: 'c' }),
      clientId: attempt({ organizationId: 'o' }),
      groupId: attempt({ organizationId: 'o', clientId: 'c', groupId: -1 }),
      region: attempt({ organizationId: 'o', clientId: 'c', region: 'mars' }),
      server: attempt({ organizationId: 'o', clientId: 'c', server: 'ftp://x' }),
      dedicated: attempt({ organizationId: 'o', clientId: 'c', mode: 'dedicated', autoConnect: false }),
      // A browser without SharedWorker, asked for mode "shared".
      sharedMissing: (() => {
        const saved = window.SharedWorker;
        Reflect.deleteProperty(window, 'SharedWorker');
        try {
          return attempt({ organizationId: 'o', clientId: 'c', mode: 'shared' });
        } finally {
          window.SharedWorker = saved;
        }
      })(),
      inline: attempt({ organizationId: 'o', clientId: 'c', mode: 'inline', autoConnect: false }),
      debug: attempt({ organizationId: 'o', clientId: 'c', debug: 'yes' }),
    };
  });
  for (const field of ['organizationId', 'clientId', 'groupId', 'region', 'server', 'debug'] as const) {
    expect(outcomes[field].code).toBe('VALIDATION');
    expect(outcomes[field].message).toContain(`"${field}"`);
  }
  expect(outcomes.sharedMissing.code).toBe('UNSUPPORTED_MODE');
  expect(outcomes.dedicated.code).toBe('CREATED');
  expect(outcomes.inline.code).toBe('CREATED');
  await context.close();
});
