/**
 * The tab's token sources (src/client/auth.ts) against the real emulator's cookie grant: when the
 * token request leaves. Node has no page: `location` is stubbed for the grant's `redirect_uri`,
 * and with no XMLHttpRequest (a page's way, which e2e runs) the grant uses `fetch`, Node's own,
 * watched by a spy that lets it through.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenSource, warmTokenSource, type AuthConfig } from '../../src/client/auth';
import type { CustomerAuth } from '../../src/shared/types';
import { useEmulator } from '../support/emulator';

const env = useEmulator();

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function config(overrides: Partial<AuthConfig> = {}): AuthConfig {
  return {
    organizationId: `auth-${randomUUID()}`,
    clientId: 'auth-test',
    server: env.emulator.url,
    groupId: 0,
    uniqueGroups: false,
    env: 'production',
    ...overrides,
  };
}

/** Token requests made from now on, counted when `fetch` is called. */
function watchRequests() {
  vi.stubGlobal('location', { origin: 'http://site.test', pathname: '/page' });
  return vi.spyOn(globalThis, 'fetch');
}

describe('token sources', () => {
  it("warmUp()'s source: once its code is loaded, a token asked for is requested at once, within the caller's task", async () => {
    const auth = warmTokenSource(config())!;
    expect(auth).toBeDefined();
    await auth.hasToken(); // the code has loaded, and no token was asked for
    const requests = watchRequests();
    const token = auth.getToken();
    expect(requests).toHaveBeenCalledTimes(1);
    expect((await token).accessToken).toEqual(expect.any(String));
    // Cached now: no second request.
    await auth.getToken();
    expect(requests).toHaveBeenCalledTimes(1);
  });

  it('a source made at init(): the first token waits for its code, then is requested; later ones are at once', async () => {
    const auth = createTokenSource(config());
    const requests = watchRequests();
    const first = auth.getToken();
    expect(requests).not.toHaveBeenCalled();
    await first;
    expect(requests).toHaveBeenCalledTimes(1);
    const fresh = auth.getFreshToken();
    expect(requests).toHaveBeenCalledTimes(2);
    await fresh;
  });

  it("warmUp() makes no source for an app's identityProvider, and init() uses the app's", async () => {
    const provided: CustomerAuth = {
      getToken: () => Promise.reject(new Error('not this test')),
      getFreshToken: () => Promise.reject(new Error('not this test')),
      hasToken: () => Promise.resolve(false),
      invalidate: () => Promise.resolve(),
    };
    expect(warmTokenSource(config({ identityProvider: () => provided }))).toBeUndefined();
    expect(createTokenSource(config({ identityProvider: () => provided }))).toBe(provided);
  });
});
