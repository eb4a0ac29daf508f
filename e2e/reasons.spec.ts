import { expect, test, type Page } from '@playwright/test';
import {
  agentSays,
  countEvents,
  customerIdOf,
  emulatorPost,
  eventPayloads,
  getCustomerOutcome,
  newOrganization,
  openConnections,
  openTabs,
  receivedTexts,
  runtimeStatus,
  serverDisconnects,
  serverOutage,
  serverTexts,
  startChat,
  stats,
} from './helpers';

/** What every tab must see after the server disconnects the customer for a reason. */
const REASONS: Record<string, 'reconnect' | 'pause' | 'destroy'> = {
  access_token_expired: 'reconnect',
  internal_error: 'reconnect',
  too_many_unauthorized_connections: 'reconnect',
  misdirected_connection: 'reconnect',
  inactivity_timeout: 'pause',
  users_limit_reached: 'pause',
  license_expired: 'pause',
  customer_banned: 'destroy',
  customer_temporarily_blocked: 'destroy',
  license_not_found: 'destroy',
  unsupported_version: 'destroy',
  too_many_connections: 'destroy',
};

const disconnections = (page: Page) => eventPayloads(page, 'disconnected');

for (const [reason, outcome] of Object.entries(REASONS)) {
  test(`${reason}: every tab is told once, then the runtime will ${outcome}`, async ({ browser }) => {
    const organizationId = newOrganization();
    const context = await browser.newContext();
    const tabs = await openTabs(context, organizationId, 3);
    await serverDisconnects(organizationId, reason, reason === 'misdirected_connection' ? { region: 'dal' } : undefined);
    for (const tab of tabs) await expect.poll(() => disconnections(tab)).toEqual([expect.objectContaining({ reason })]);

    if (outcome === 'reconnect') {
      for (const tab of tabs) await expect.poll(() => countEvents(tab, 'connected')).toBe(2);
      expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 2 });
    } else if (outcome === 'pause') {
      await expect.poll(() => runtimeStatus(tabs[0]).then((status) => status.connection)).toBe('paused');
      // The tab learns of the pause when the frame arrives; the emulator counts the socket closed a
      // moment later, when the close handshake ends: wait for that, the values do not change.
      await expect.poll(() => stats(organizationId)).toMatchObject({ openConnections: 0, logins: 1 });
      await tabs[1].evaluate(() => window.sdk.connect());
      for (const tab of tabs) await expect.poll(() => countEvents(tab, 'connected')).toBe(2);
      expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 2 });
    } else {
      for (const tab of tabs) {
        await expect.poll(() => getCustomerOutcome(tab)).toBe('SDK_DESTROYED');
      }
      await tabs[0].waitForTimeout(500);
      expect(await stats(organizationId)).toMatchObject({ openConnections: 0, logins: 1 });
    }
    // Exactly one `disconnected` per tab, whatever followed.
    for (const tab of tabs) expect(await disconnections(tab)).toHaveLength(1);
    await context.close();
  });
}

test("the service dies and comes back mid-conversation: every tab ends with the server's messages, none missing, none twice", async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const tabs = await openTabs(context, organizationId, 3);
  const chatId = await startChat(tabs[0]);
  await agentSays(organizationId, chatId, 'before the outage');
  // Every socket is cut (as when the service is killed) and refused for a while; the data stays.
  await serverOutage(organizationId, 1500);
  for (const text of ['while down 1', 'while down 2', 'while down 3']) await agentSays(organizationId, chatId, text);
  for (const tab of tabs) await expect.poll(() => disconnections(tab)).toEqual([{ reason: 'connection_lost' }]);
  for (const tab of tabs) await expect.poll(() => countEvents(tab, 'connected'), { timeout: 20_000 }).toBe(2);
  await agentSays(organizationId, chatId, 'after the outage');

  const server = await serverTexts(organizationId);
  expect(server).toEqual(['before the outage', 'while down 1', 'while down 2', 'while down 3', 'after the outage']);
  for (const tab of tabs) await expect.poll(() => receivedTexts(tab)).toEqual(server);
  expect(await openConnections(organizationId)).toBe(1);
  await context.close();
});

test('50 requests fired from 3 tabs at once all settle, each resolved or rejected with a documented code', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const tabs = await openTabs(context, organizationId, 3);
  const chatId = await startChat(tabs[0]);
  const outcomes = (
    await Promise.all(
      tabs.map((tab, index) =>
        tab.evaluate(
          ({ id, count, from }) =>
            Promise.all(
              Array.from({ length: count }, (_, n) =>
                (n % 2 === 0
                  ? window.sdk.sendEvent({ chatId: id, event: { type: 'message', text: `${from}-${n}` } })
                  : window.sdk.getCustomer()
                ).then(
                  () => 'ok',
                  (error: { code?: string }) => error.code ?? 'NO_CODE',
                ),
              ),
            ),
          { id: chatId, count: index === 0 ? 18 : 16, from: index },
        ),
      ),
    )
  ).flat();
  expect(outcomes).toHaveLength(50);
  const codes = new Set(outcomes);
  for (const code of codes) expect(['ok', 'PENDING_REQUESTS_LIMIT_REACHED']).toContain(code);
  expect(outcomes.filter((code) => code === 'ok').length).toBeGreaterThanOrEqual(10);
  await context.close();
});

test('identity_mismatch: the accounts cookie is lost, every tab is told once and carries on as the new customer', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const tabs = await openTabs(context, organizationId, 2);
  const previousId = await customerIdOf(tabs[0]);
  // The next token request of this browser gets a new customer; then the token expires.
  expect((await emulatorPost('/__emulator/identity', { organization_id: organizationId, from_customer_id: previousId })).status).toBe(200);
  await serverDisconnects(organizationId, 'access_token_expired');
  for (const tab of tabs) {
    await expect.poll(() => countEvents(tab, 'connected')).toBe(2);
    const changes = await eventPayloads(tab, 'identity_changed');
    expect(changes).toHaveLength(1);
    const { newId } = changes[0] as { previousId: string; newId: string };
    expect(changes[0]).toEqual({ previousId, newId });
    expect(newId).not.toBe(previousId);
    expect(await disconnections(tab)).toEqual([{ reason: 'access_token_expired' }, { reason: 'identity_mismatch' }]);
    expect(await tab.evaluate(() => window.sdk.getCustomer().then((customer) => customer.id))).toBe(newId);
  }
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 2 });
  await context.close();
});
