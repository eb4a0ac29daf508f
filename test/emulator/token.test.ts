import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator';
import { randomOrg, requestToken } from './helpers';

const env = useEmulator();

const validBody = (org: string) => ({ response_type: 'token', grant_type: 'cookie', client_id: 'c1', organization_id: org, redirect_uri: 'http://127.0.0.1:5173/' });

describe('POST /v2/customer/token (cookie grant)', () => {
  it('mints a customer, sets both identity cookies and returns the token body customer-auth parses', async () => {
    const org = randomOrg();
    const t = await requestToken(env.emulator.url, org);
    expect(t.status).toBe(200);
    expect(t.body).toEqual({
      access_token: expect.stringMatching(/^dal:.+/),
      entity_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      expires_in: 28800,
      token_type: 'Bearer',
      organization_id: org,
    });
    const cid = t.setCookies.find((c) => c.startsWith('__lc_cid='));
    const cst = t.setCookies.find((c) => c.startsWith('__lc_cst='));
    expect(cid).toBe(`__lc_cid=${t.body.entity_id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=63072000`);
    expect(cst).toMatch(/^__lc_cst=[^;]{16,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=63072000$/);
  });

  it('recognises the same browser by its cookies and issues a fresh token for the same customer', async () => {
    const org = randomOrg();
    const first = await requestToken(env.emulator.url, org);
    const second = await requestToken(env.emulator.url, org, { cookie: first.cookie });
    expect(second.status).toBe(200);
    expect(second.body.entity_id).toBe(first.body.entity_id);
    expect(second.body.access_token).not.toBe(first.body.access_token);
  });

  it('treats a request without cookies, or with a forged secret, as a new customer', async () => {
    const org = randomOrg();
    const first = await requestToken(env.emulator.url, org);
    const anonymous = await requestToken(env.emulator.url, org);
    expect(anonymous.body.entity_id).not.toBe(first.body.entity_id);
    const forged = await requestToken(env.emulator.url, org, { cookie: `__lc_cid=${first.body.entity_id}; __lc_cst=guessed` });
    expect(forged.body.entity_id).not.toBe(first.body.entity_id);
  });

  it('accepts an application/json body as well as text/plain', async () => {
    const org = randomOrg();
    const t = await requestToken(env.emulator.url, org, { contentType: 'application/json' });
    expect(t.status).toBe(200);
    expect(t.body.organization_id).toBe(org);
  });

  it.each([
    ['no organization_id', { response_type: 'token', grant_type: 'cookie', client_id: 'c1' }],
    ['empty organization_id', { ...validBody(''), organization_id: '' }],
    ['numeric organization_id', { ...validBody('x'), organization_id: 42 }],
    ['no client_id', { response_type: 'token', grant_type: 'cookie', organization_id: 'o' }],
    ['another grant_type', { ...validBody('o'), grant_type: 'password' }],
    ['not JSON', 'response_type=token'],
    ['a JSON array', '[1,2]'],
  ])('answers 400 {oauth_exception:"invalid_request"} for %s', async (_name, body) => {
    const t = await requestToken(env.emulator.url, 'unused', { body });
    expect(t.status).toBe(400);
    expect(t.body).toEqual({ oauth_exception: 'invalid_request' });
    expect(t.setCookies).toEqual([]);
  });

  it('keeps a separate identity per group on /v2/customer/{org}/{group}/token', async () => {
    const org = randomOrg();
    const plain = await requestToken(env.emulator.url, org);
    const path = `/v2/customer/${org}/2/token`;
    const g2 = await requestToken(env.emulator.url, org, { path, cookie: plain.cookie });
    expect(g2.status).toBe(200);
    expect(g2.body.organization_id).toBe(org);
    expect(g2.body.entity_id).not.toBe(plain.body.entity_id);
    expect(g2.setCookies.map((c) => c.split('=')[0])).toEqual(['__lc_cid_g2', '__lc_cst_g2']);
    const again = await requestToken(env.emulator.url, org, { path, cookie: g2.cookie });
    expect(again.body.entity_id).toBe(g2.body.entity_id);
    // The plain identity is untouched by the group one.
    const plainAgain = await requestToken(env.emulator.url, org, { cookie: g2.cookie });
    expect(plainAgain.body.entity_id).toBe(plain.body.entity_id);
  });

  it('rejects a grouped path whose body names another organization or whose group is not a number', async () => {
    const org = randomOrg();
    const mismatch = await requestToken(env.emulator.url, org, { path: `/v2/customer/${org}/0/token`, body: validBody('someone-else') });
    expect(mismatch.body).toEqual({ oauth_exception: 'invalid_request' });
    const badGroup = await requestToken(env.emulator.url, org, { path: `/v2/customer/${org}/abc/token` });
    expect(badGroup.body).toEqual({ oauth_exception: 'invalid_request' });
  });
});

describe('HTTP plumbing', () => {
  it('answers CORS preflights and reflects the Origin for credentialed calls', async () => {
    const res = await fetch(`${env.emulator.url}/v2/customer/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('vary')).toBe('Origin');

    const stats = await fetch(`${env.emulator.url}/__emulator/stats`, { headers: { origin: 'http://localhost:4173' } });
    expect(stats.headers.get('access-control-allow-origin')).toBe('http://localhost:4173');
  });

  it('answers unknown routes with a JSON 404 and wrong methods with 405', async () => {
    const missing = await fetch(`${env.emulator.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: 'not_found' } });
    const wrongMethod = await fetch(`${env.emulator.url}/v2/customer/token`);
    expect(wrongMethod.status).toBe(405);
  });

  it('refuses bodies over 1 MB with 413 and keeps serving', async () => {
    const res = await fetch(`${env.emulator.url}/__emulator/agent/send_event`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { type: 'entity_too_large' } });
    const ok = await requestToken(env.emulator.url, randomOrg());
    expect(ok.status).toBe(200);
  });
});
