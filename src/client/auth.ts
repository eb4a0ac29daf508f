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
  if (server) return lazySource(() => import('./cookie-grant').then(({ cookieGrant }) => cookieGrant(config, server)));
  return lazySource(() =>
    import('@livechat/customer-auth').then(
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

/**
 * `warmUp()`'s token source, handed to the first `init()` that attaches through its worker: its code
 * is loaded and the source made now (`@livechat/customer-auth` reads its stored token; no request),
 * so that a first tab's token request leaves within `init()`. None for an app's `identityProvider`.
 */
export function warmTokenSource(config: AuthConfig): CustomerAuth | undefined {
  if (config.identityProvider) return;
  const auth = createTokenSource(config);
  void auth.hasToken().catch(() => undefined);
  return auth;
}

/**
 * A token source whose code is loaded on its first use (every byte here is paid in every tab).
 * Once loaded, a call reaches the source at once, not a task later: a token asked for within
 * `init()` is requested within it. The sources here answer with promises and do not throw.
 */
function lazySource(load: () => Promise<CustomerAuth>): CustomerAuth {
  let loaded: CustomerAuth | undefined;
  let loading: Promise<CustomerAuth> | undefined;
  const use = <T>(act: (auth: CustomerAuth) => Promise<T>): Promise<T> =>
    loaded ? act(loaded) : (loading ??= load().then((auth) => (loaded = auth))).then(act);
  return {
    getToken: () => use((auth) => auth.getToken()),
    getFreshToken: () => use((auth) => auth.getFreshToken()),
    hasToken: () => use((auth) => auth.hasToken()),
    invalidate: () => use((auth) => auth.invalidate()),
  };
}
