import { expect, test } from '@playwright/test';
import { newOrganization, openTab, stats } from './helpers';

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string; name: string };

test('uploadFile sends a Blob from the tab, reports progress to 1 and the URL serves the same bytes', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const page = await openTab(context, organizationId);

  const result = await page.evaluate(async () => {
    const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 251);
    const progress: number[] = [];
    const { promise } = window.sdk.uploadFile({ file: new Blob([bytes], { type: 'image/png' }), onProgress: (p) => progress.push(p) });
    const response = await promise;
    const fetched = new Uint8Array(await (await fetch(response.url)).arrayBuffer());
    const same = fetched.length === bytes.length && fetched.every((byte, i) => byte === bytes[i]);
    return { response, progress, same };
  });
  expect(result.response).toEqual({ url: expect.stringMatching(/\/__emulator\/files\/[^/]+\/blob$/) });
  expect(result.progress.length).toBeGreaterThan(0);
  expect(result.progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= result.progress[i - 1]!))).toBe(true);
  expect(result.progress.at(-1)).toBe(1);
  expect(result.same).toBe(true);
  expect((await stats(organizationId)).uploads).toBe(1);
  await context.close();
});

test('uploadFile rejects a bad file, a file over 10 MiB and a canceled upload, sending nothing', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const page = await openTab(context, organizationId);

  const outcomes = await page.evaluate(async () => {
    const settle = (promise: Promise<unknown>): Promise<Outcome> =>
      promise.then(
        (value) => ({ ok: true, value }),
        (error: { code: string; message: string; name: string }) => ({ ok: false, code: error.code, message: error.message, name: error.name }),
      );
    const sdk = window.sdk as unknown as { uploadFile(params: unknown): { promise: Promise<unknown>; cancel(): void } };
    const tooBig = sdk.uploadFile({ file: new Blob([new Uint8Array(10 * 1024 * 1024 + 1)]) });
    const notBlob = sdk.uploadFile({ file: 'hello.txt' });
    const badProgress = sdk.uploadFile({ file: new Blob(['x']), onProgress: 'yes' });
    const canceled = sdk.uploadFile({ file: new Blob([new Uint8Array(5 * 1024 * 1024)]) });
    canceled.cancel();
    return {
      tooBig: await settle(tooBig.promise),
      notBlob: await settle(notBlob.promise),
      badProgress: await settle(badProgress.promise),
      canceled: await settle(canceled.promise),
    };
  });
  expect(outcomes.tooBig).toEqual({ ok: false, code: 'TOO_BIG_FILE', message: 'The file is too big (max size is 10.00 MB).', name: 'SdkError' });
  expect(outcomes.notBlob).toMatchObject({ ok: false, code: 'VALIDATION', message: expect.stringContaining('"file"') });
  expect(outcomes.badProgress).toMatchObject({ ok: false, code: 'VALIDATION', message: expect.stringContaining('"onProgress"') });
  expect(outcomes.canceled).toMatchObject({ ok: false, code: 'UPLOAD_CANCELED' });
  expect((await stats(organizationId)).uploads).toBe(0);
  await context.close();
});

test('cancel() during a 5 MB upload aborts it; destroy() ends uploads in flight and later calls with SDK_DESTROYED', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const page = await openTab(context, organizationId);
  // Slow the uplink (2 MB/s) so that the uploads are still on their way when cancel() and destroy() come.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });

  const outcomes = await page.evaluate(async () => {
    const settle = (promise: Promise<unknown>) =>
      promise.then(
        () => 'RESOLVED',
        (error: { code: string }) => error.code,
      );
    const big = () => new Blob([new Uint8Array(5 * 1024 * 1024)]);
    const progressOf = () => {
      let sending!: () => void;
      const started = new Promise<void>((resolve) => (sending = resolve));
      return { started, onProgress: () => sending() };
    };
    // The first progress report (0) comes as the request is sent.
    const a = progressOf();
    const b = progressOf();
    const first = window.sdk.uploadFile({ file: big(), onProgress: a.onProgress });
    const second = window.sdk.uploadFile({ file: big(), onProgress: b.onProgress });
    await Promise.all([a.started, b.started]);
    first.cancel();
    const canceled = await settle(first.promise);
    window.sdk.destroy();
    const destroyedInFlight = await settle(second.promise);
    const afterDestroy = await settle(window.sdk.uploadFile({ file: new Blob(['x']) }).promise);
    return { canceled, destroyedInFlight, afterDestroy };
  });
  expect(outcomes).toEqual({ canceled: 'UPLOAD_CANCELED', destroyedInFlight: 'SDK_DESTROYED', afterDestroy: 'SDK_DESTROYED' });
  await context.close();
});
