import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import { useEmulator } from '../support/emulator';
import { MAX_STORED_FILE_BYTES, State } from '../../emulator/state';
import { randomOrg, requestToken } from './helpers';

const env = useEmulator();

const MiB = 1024 * 1024;

async function tokenFor(org: string): Promise<string> {
  const t = await requestToken(env.emulator.url, org);
  return t.body.access_token as string;
}

function fileForm(bytes: Uint8Array<ArrayBuffer>, name = 'hello.txt', type = 'text/plain'): FormData {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return form;
}

async function upload(
  org: string,
  body: BodyInit,
  options: { token?: string; version?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { origin: 'http://127.0.0.1:5173', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${env.emulator.url}/v${options.version ?? '3.6'}/customer/action/upload_file?organization_id=${encodeURIComponent(org)}`, {
    method: 'POST',
    headers,
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe('POST /v3.6/customer/action/upload_file', () => {
  it('stores the file and serves its bytes back at the returned URL, with its content type', async () => {
    const org = randomOrg();
    const bytes = new TextEncoder().encode('hello, upload ✓') as Uint8Array<ArrayBuffer>;
    const res = await upload(org, fileForm(bytes, 'hello world.txt'), { token: await tokenFor(org) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: expect.stringMatching(new RegExp(`^${env.emulator.url}/__emulator/files/[^/]+/hello%20world\\.txt$`)) });
    const back = await fetch(res.body.url as string, { headers: { origin: 'http://127.0.0.1:5173' } });
    expect(back.status).toBe(200);
    expect(back.headers.get('content-type')).toBe('text/plain');
    expect(back.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(bytes);
    expect(env.emulator.stats(org).uploads).toBe(1);
  });

  it('answers on /v3.5 too and counts every request per organization', async () => {
    const org = randomOrg();
    const token = await tokenFor(org);
    expect((await upload(org, fileForm(new Uint8Array([1, 2, 3])), { token, version: '3.5' })).status).toBe(200);
    expect((await upload(org, fileForm(new Uint8Array([1])))).status).toBe(401);
    expect(env.emulator.stats(org).uploads).toBe(2);
    expect(env.emulator.stats(randomOrg()).uploads).toBe(0);
  });

  it('allows the Authorization header in the CORS preflight', async () => {
    const res = await fetch(`${env.emulator.url}/v3.6/customer/action/upload_file?organization_id=x`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  });

  it('answers 401 authentication without a token, with an unknown token, or a token of another organization', async () => {
    const org = randomOrg();
    const form = () => fileForm(new Uint8Array([1, 2, 3]));
    const unauthorized = { error: { type: 'authentication', message: expect.any(String) } };
    expect(await upload(org, form())).toEqual({ status: 401, body: unauthorized });
    expect(await upload(org, form(), { token: 'dal:forged' })).toEqual({ status: 401, body: unauthorized });
    expect(await upload(org, form(), { token: await tokenFor(randomOrg()) })).toEqual({ status: 401, body: unauthorized });
    expect(await upload(org, form(), { headers: { authorization: 'Basic abc' } })).toEqual({ status: 401, body: unauthorized });
  });

  it('answers 413 entity_too_large for a file over 10 MiB', async () => {
    const org = randomOrg();
    const res = await upload(org, fileForm(new Uint8Array(10 * MiB + 1)), { token: await tokenFor(org) });
    expect(res).toEqual({ status: 413, body: { error: { type: 'entity_too_large', message: expect.any(String) } } });
  });

  it('accepts a file of exactly 10 MiB', async () => {
    const org = randomOrg();
    const res = await upload(org, fileForm(new Uint8Array(10 * MiB), 'big.bin', 'application/octet-stream'), { token: await tokenFor(org) });
    expect(res.status).toBe(200);
  });

  it('answers 413 for a body far over the cap and stays up', async () => {
    const org = randomOrg();
    const res = await upload(org, new Uint8Array(12 * MiB), {
      token: await tokenFor(org),
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(res.status).toBe(413);
    expect((await fetch(`${env.emulator.url}/__emulator/health`)).status).toBe(200);
  });

  it('answers 400 validation when the file field is missing or not a file', async () => {
    const org = randomOrg();
    const token = await tokenFor(org);
    const other = new FormData();
    other.append('attachment', new Blob(['x']), 'x.txt');
    expect(await upload(org, other, { token })).toEqual({ status: 400, body: { error: { type: 'validation', message: expect.stringContaining('file') } } });
    const text = new FormData();
    text.append('file', 'just a string');
    expect((await upload(org, text, { token })).status).toBe(400);
  });

  it('answers 400 validation for a garbage body, or a body that is not multipart', async () => {
    const org = randomOrg();
    const token = await tokenFor(org);
    const garbage = await upload(org, 'not a multipart body at all', { token, headers: { 'content-type': 'multipart/form-data; boundary=zzz' } });
    expect(garbage).toEqual({ status: 400, body: { error: { type: 'validation', message: expect.any(String) } } });
    expect((await upload(org, JSON.stringify({ file: 'x' }), { token, headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  it('answers 404 for an unknown file and 405 for GET on the upload endpoint', async () => {
    expect((await fetch(`${env.emulator.url}/__emulator/files/nope/x.txt`)).status).toBe(404);
    expect((await fetch(`${env.emulator.url}/v3.6/customer/action/upload_file?organization_id=x`)).status).toBe(405);
  });

  it('forgets uploaded files on reset', async () => {
    const own = await startEmulator({ port: 0 });
    try {
      const org = randomOrg();
      const token = (await requestToken(own.url, org)).body.access_token as string;
      const res = await fetch(`${own.url}/v3.6/customer/action/upload_file?organization_id=${org}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: fileForm(new Uint8Array([7])),
      });
      const { url } = (await res.json()) as { url: string };
      expect((await fetch(url)).status).toBe(200);
      await fetch(`${own.url}/__emulator/reset`, { method: 'POST', body: '{}' });
      expect((await fetch(url)).status).toBe(404);
    } finally {
      await own.close();
    }
  });
});

describe('State.storeFile', () => {
  it('drops the oldest files once all of them exceed 100 MB, keeping the newest', () => {
    const state = new State();
    const chunk = Buffer.alloc(40 * MiB);
    const [a, b, c] = [1, 2, 3].map((i) => state.storeFile(`org-${i}`, `f${i}`, 'application/octet-stream', chunk));
    expect([...state.files.keys()]).toEqual([b!.id, c!.id]);
    expect(state.files.has(a!.id)).toBe(false);
    const huge = state.storeFile('org', 'huge', 'application/octet-stream', Buffer.alloc(MAX_STORED_FILE_BYTES + 1));
    expect([...state.files.keys()]).toEqual([huge.id]);
  });
});
