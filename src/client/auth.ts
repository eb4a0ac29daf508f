/**
 * Where customer tokens come from. Auth needs a page (cookies, `window`, `localStorage`), so it
 * runs in the tab; the runtime asks a live tab for tokens when it needs one.
 */
import { SdkError } from '../shared/errors';
import type { CustomerAuth, InitConfig, Token } from '../shared/types';

export interface AuthConfig {
  organizationId: string;
  clientId: string;
  groupId: number;
  uniqueGroups: boolean;
  env: string;
  server?: string;
  identityProvider?: () => CustomerAuth;
}

export function authConfig(config: InitConfig & { groupId: number; env: string }): AuthConfig {
  const auth: AuthConfig = {
    organizationId: config.organizationId,
    clientId: config.clientId,
    groupId: config.groupId,
    uniqueGroups: config.uniqueGroups === true,
    env: config.env,
  };
  if (config.server) auth.server = config.server;
  if (config.identityProvider) auth.identityProvider = config.identityProvider;
  return auth;
}

/**
 * Picks the token source: the app's `identityProvider`; else, against a custom `server`, the
 * cookie grant spoken to that server; else `@livechat/customer-auth` against LiveChat's accounts
 * service. customer-auth is loaded on first use so that tabs that never need it do not pay for it.
 */
export function createTokenSource(config: AuthConfig): CustomerAuth {
  if (config.identityProvider) return config.identityProvider();
  if (config.server) return cookieGrant(config, config.server);
  let loaded: Promise<CustomerAuth> | undefined;
  const auth = () =>
    (loaded ??= import('@livechat/customer-auth').then(({ default: createAuth }) =>
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
    ));
  return {
    getToken: () => auth().then((source) => source.getToken()),
    getFreshToken: () => auth().then((source) => source.getFreshToken()),
    hasToken: () => auth().then((source) => source.hasToken()),
    invalidate: () => auth().then((source) => source.invalidate()),
  };
}

const isExpired = (token: Token) => Date.now() >= token.creationDate + token.expiresIn;

/**
 * The cookie grant of the customer accounts service (`POST /v2/customer/token`), the same request
 * `@livechat/customer-auth` makes, sent to a server of the app's choosing (the emulator).
 */
function cookieGrant(config: AuthConfig, server: string): CustomerAuth {
  const base = server.replace(/\/+$/, '');
  const path = config.uniqueGroups
    ? `/v2/customer/${encodeURIComponent(config.organizationId)}/${config.groupId}/token`
    : '/v2/customer/token';
  let cached: Token | undefined;
  let pending: Promise<Token> | undefined;

  const fetchToken = async (): Promise<Token> => {
    const response = await fetch(base + path, {
      method: 'POST',
      credentials: 'include',
      // text/plain keeps the request "simple" (no CORS preflight), as customer-auth's XHR does.
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({
        response_type: 'token',
        grant_type: 'cookie',
        client_id: config.clientId,
        organization_id: config.organizationId,
        redirect_uri: location.origin + location.pathname,
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (typeof body.identity_exception === 'string') throw new SdkError('SSO_IDENTITY_EXCEPTION', body.identity_exception);
    if (typeof body.oauth_exception === 'string') throw new SdkError('SSO_OAUTH_EXCEPTION', body.oauth_exception);
    if (typeof body.access_token !== 'string' || typeof body.entity_id !== 'string') {
      throw new SdkError('TOKEN_UNAVAILABLE', `The token endpoint answered HTTP ${response.status} without a token.`);
    }
    return {
      accessToken: body.access_token,
      entityId: body.entity_id,
      expiresIn: Number(body.expires_in) * 1000,
      tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
      creationDate: Date.now(),
      organizationId: config.organizationId,
    };
  };

  const getFreshToken = () =>
    (pending ??= fetchToken().then(
      (token) => {
        pending = undefined;
        cached = token;
        return token;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    ));

  return {
    getFreshToken,
    getToken: () => pending ?? (cached && !isExpired(cached) ? Promise.resolve(cached) : getFreshToken()),
    hasToken: () => Promise.resolve(cached !== undefined),
    invalidate: () => {
      cached = undefined;
      return Promise.resolve();
    },
  };
}
