/**
 * Where customer tokens come from. Auth needs a page (cookies, `window`, `localStorage`), so it
 * runs in the tab; the runtime asks a live tab for tokens when it needs one.
 */
import type { CustomerAuth, InitConfig } from '../shared/types';

/** What the token sources need of the `init()` config (resolved: defaults filled in). */
export type AuthConfig = Pick<InitConfig, 'organizationId' | 'clientId' | 'server' | 'identityProvider'> & {
  groupId: number;
  uniqueGroups: boolean;
  env: string;
};

/**
 * Picks the token source: the app's `identityProvider`; else, against a custom `server`, the
 * cookie grant spoken to that server; else `@livechat/customer-auth` against LiveChat's accounts
 * service. Both are loaded on first use, so that tabs that never need a token do not pay for them.
 */
export function createTokenSource(config: AuthConfig): CustomerAuth {
  if (config.identityProvider) return config.identityProvider();
  const { server } = config;
  if (server) return lazySource(() => loadCookieGrant().then(({ cookieGrant }) => cookieGrant(config, server)));
  return lazySource(() =>
    loadCustomerAuth().then(
      ({ default: createAuth }) =>
        createAuth(
          {
            organizationId: config.organizationId,
            clientId: config.clientId,
            uniqueGroups: config.uniqueGroups,
            groupId: config.groupId,
          },
          undefined,
          config.env as 'production',
        ) as CustomerAuth,
    ),
  );
}

// One import per module and page, so that a source created after `preloadTokenCode` finds it loaded.
let cookieGrantModule: Promise<typeof import('./cookie-grant')> | undefined;
let customerAuthModule: Promise<typeof import('@livechat/customer-auth')> | undefined;
const loadCookieGrant = () => (cookieGrantModule ??= import('./cookie-grant'));
const loadCustomerAuth = () => (customerAuthModule ??= import('@livechat/customer-auth'));

/**
 * Fetches the code `createTokenSource` would load on the first token, and asks for no token: a
 * first tab's token request then starts at once instead of one round trip later (`warmUp()`).
 */
export function preloadTokenCode(config: AuthConfig): void {
  if (config.identityProvider) return;
  void (config.server ? loadCookieGrant() : loadCustomerAuth()).catch(() => undefined);
}

/** A token source whose code is loaded on its first use (every byte here is paid in every tab). */
function lazySource(load: () => Promise<CustomerAuth>): CustomerAuth {
  let loaded: Promise<CustomerAuth> | undefined;
  const source = () => (loaded ??= load());
  return {
    getToken: () => source().then((auth) => auth.getToken()),
    getFreshToken: () => source().then((auth) => auth.getFreshToken()),
    hasToken: () => source().then((auth) => auth.hasToken()),
    invalidate: () => source().then((auth) => auth.invalidate()),
  };
}
