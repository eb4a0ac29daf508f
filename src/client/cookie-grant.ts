/**
 * The cookie grant of the customer accounts service (`POST /v2/customer/token`), the same request
 * `@livechat/customer-auth` makes, sent to a server of the app's choosing (the emulator). Its own
 * module, loaded on the first token: a tab that joins a connected runtime never needs it.
 */
import { SdkError } from '../shared/errors';
import type { CustomerAuth, Token } from '../shared/types';
import type { AuthConfig } from './auth';

const isExpired = (token: Token) => Date.now() >= token.creationDate + token.expiresIn;

export function cookieGrant(config: AuthConfig, server: string): CustomerAuth {
  const base = server.replace(/\/+$/, '');
  const path = config.uniqueGroups
    ? `/v2/customer/${encodeURIComponent(config.organizationId)}/${config.groupId}/token`
    : '/v2/customer/token';
  let cached: Token | undefined;
  let pending: Promise<Token> | undefined;

  const fetchToken = async (): Promise<Token> => {
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: token request sent');
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
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: token response read');
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
