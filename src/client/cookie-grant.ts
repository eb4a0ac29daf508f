/**
 * The cookie grant of the customer accounts service (`POST /v2/customer/token`), the same request
 * `@livechat/customer-auth` makes, sent to a server of the app's choosing (the emulator). Its own
 * module, loaded on the first token: a tab that joins a connected runtime never needs it.
 */
import { SdkError } from '../shared/errors';
import type { CustomerAuth, Token } from '../shared/types';
import type { AuthConfig } from './auth';

const isExpired = (token: Token) => Date.now() >= token.creationDate + token.expiresIn;

type Answer = { status: number; body: Record<string, unknown> };

/**
 * The token request, with the cookies of the accounts service: "simple" (text/plain, so no CORS
 * preflight). XMLHttpRequest where there is one (pages), as customer-auth does: its `load` hands
 * over the whole answer at once, where fetch() resolves on the headers and reads the body in a
 * further step, on the way to the login (0.35–0.65 ms later at p50, `bench/primitives.ts`). fetch()
 * where there is no XMLHttpRequest (Node).
 */
function postForJson(url: string, body: string): Promise<Answer> {
  const contentType = 'text/plain;charset=UTF-8';
  if (typeof XMLHttpRequest !== 'function') {
    return fetch(url, { method: 'POST', credentials: 'include', headers: { 'Content-Type': contentType }, body }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    }));
  }
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.withCredentials = true;
    request.setRequestHeader('Content-Type', contentType);
    request.onload = () => {
      try {
        resolve({ status: request.status, body: JSON.parse(request.responseText) as Record<string, unknown> });
      } catch (error) {
        reject(error);
      }
    };
    request.onerror = () => reject(new TypeError(`The token request to ${url} failed`));
    request.send(body);
  });
}

export function cookieGrant(config: AuthConfig, server: string): CustomerAuth {
  const base = server.replace(/\/+$/, '');
  const path = config.uniqueGroups
    ? `/v2/customer/${encodeURIComponent(config.organizationId)}/${config.groupId}/token`
    : '/v2/customer/token';
  let cached: Token | undefined;
  let pending: Promise<Token> | undefined;

  const fetchToken = async (): Promise<Token> => {
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: token request sent');
    const { status, body } = await postForJson(
      base + path,
      JSON.stringify({
        response_type: 'token',
        grant_type: 'cookie',
        client_id: config.clientId,
        organization_id: config.organizationId,
        redirect_uri: location.origin + location.pathname,
      }),
    );
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: token response read');
    if (typeof body.identity_exception === 'string') throw new SdkError('SSO_IDENTITY_EXCEPTION', body.identity_exception);
    if (typeof body.oauth_exception === 'string') throw new SdkError('SSO_OAUTH_EXCEPTION', body.oauth_exception);
    if (typeof body.access_token !== 'string' || typeof body.entity_id !== 'string') {
      throw new SdkError('TOKEN_UNAVAILABLE', `The token endpoint answered HTTP ${status} without a token.`);
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
