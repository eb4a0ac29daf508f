/**
 * The page's life as a tab's runtime hears of it (src/client/sdk.ts): focus and visibility,
 * leaving for good versus the back/forward cache, and `destroy()`. Asserted from both ends: what
 * the runtime is told, and what the app's calls and listeners see.
 *
 * FAKES (Node has none of these): SharedWorker, `document`, the window's events and Web Locks; see
 * test/support/fake-page.ts and tab-env.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { errorOf, firstName, flush, listen, useTabEnv } from '../support/tab-env';

const { env, open } = useTabEnv();

/** The arguments of every `setFocus` the runtime got. */
const focusCalls = () => env.workers.runtime(firstName).calls.filter((call) => call.method === 'setFocus').map((call) => call.args[0]);

describe('focus and visibility', () => {
  it('the runtime learns the focus at attach and each change after it', async () => {
    env.page.focused = false;
    const sdk = open();
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    expect(runtime.hellos[0]).toMatchObject({ focused: false });
    env.page.focus(true);
    await vi.waitFor(() => expect(focusCalls()).toEqual([true]));
    env.page.focus(false);
    await vi.waitFor(() => expect(focusCalls()).toEqual([true, false]));
  });

  it('a hidden page has no focus; shown again, it sends a heartbeat (a frozen tab learns there that it was dropped)', async () => {
    const sdk = open();
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    env.page.show(false);
    await vi.waitFor(() => expect(focusCalls()).toEqual([false]));
    expect(runtime.count('heartbeat')).toBe(0);
    runtime.forget();
    env.page.show(true);
    // The heartbeat met NOT_ATTACHED: the tab attached again, and its focus update, refused the
    // same way, went again after it.
    await vi.waitFor(() => expect(runtime.count('attach')).toBe(2));
    await vi.waitFor(() => expect(focusCalls()).toEqual([false, true, true]));
    expect(runtime.hellos[1]).toMatchObject({ focused: true });
    expect(runtime.count('heartbeat')).toBeGreaterThan(0);
  });
});

describe('leaving the page', () => {
  it('pagehide for good: the runtime is told to let the tab go (leave, not destroy) and the instance ends', async () => {
    const sdk = open();
    const heard = listen(sdk, 'customer_id');
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    env.page.transition('pagehide', false);
    await vi.waitFor(() => expect(runtime.count('leave')).toBe(1));
    expect(runtime.count('destroy')).toBe(0);
    expect(await errorOf(sdk.getCustomer())).toMatchObject({ code: 'SDK_DESTROYED', message: 'SDK destroyed.' });
    // Nothing reaches the app any more, and the page's events no longer reach the runtime.
    runtime.post({ kind: 'event', name: 'customer_id', payload: 'late' });
    env.page.focus(false);
    await flush();
    expect(heard).toEqual([]);
    expect(focusCalls()).toEqual([]);
    expect(env.page.listeners).toBe(0);
  });

  it('a call in flight when the page leaves rejects with SDK_DESTROYED saying so', async () => {
    const sdk = open();
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    runtime.holdRequests = true;
    const call = errorOf(sdk.getCustomer());
    await vi.waitFor(() => expect(runtime.count('request')).toBe(1));
    env.page.transition('pagehide', false);
    expect(await call).toMatchObject({ code: 'SDK_DESTROYED', message: 'The page was unloaded.' });
  });

  it('pagehide into the back/forward cache keeps the tab attached; back again (pageshow), it checks in and attaches again if dropped', async () => {
    const sdk = open();
    const heard = listen(sdk, 'connected', 'customer_id');
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    env.page.transition('pagehide', true);
    await flush();
    expect(runtime.count('leave')).toBe(0);
    // Evicted while in the cache: the runtime forgot the tab.
    runtime.forget();
    runtime.replay = [{ kind: 'event', name: 'customer_id', payload: 'replayed' }];
    env.page.transition('pageshow', true);
    await vi.waitFor(() => expect(runtime.count('attach')).toBe(2));
    await vi.waitFor(() => expect(heard.map((event) => event.payload)).toContain('replayed'));
    expect(await sdk.getCustomer()).toEqual({ method: 'getCustomer', echoed: undefined });
  });

  it('a pageshow that is not from the back/forward cache sends nothing', async () => {
    const sdk = open();
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    env.page.transition('pageshow', false);
    await flush();
    expect(runtime.count('heartbeat')).toBe(0);
  });

  it('destroy() tells the runtime to drop the tab now, with its options, and stops listening to the page', async () => {
    const sdk = open();
    await sdk.getTabId();
    const runtime = env.workers.runtime(firstName);
    sdk.destroy({ clearCache: true });
    await vi.waitFor(() => expect(runtime.count('destroy')).toBe(1));
    expect(runtime.calls.find((call) => call.method === 'destroy')!.args).toEqual([{ clearCache: true }]);
    expect(runtime.count('leave')).toBe(0);
    env.page.focus(false);
    env.page.transition('pagehide', false);
    await flush();
    expect(focusCalls()).toEqual([]);
    expect(runtime.count('leave')).toBe(0);
    expect(env.page.listeners).toBe(0);
  });
});
