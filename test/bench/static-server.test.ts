import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRequest, serveDirectory, type StaticServer } from '../../bench/static-server';

describe('resolveRequest', () => {
  const root = '/srv/build';

  it('maps a path to a file under the root, decoded', () => {
    expect(resolveRequest(root, '/assets/app%20x.js?v=1')).toEqual({ file: '/srv/build/assets/app x.js', path: '/assets/app x.js' });
  });

  it('answers 400 for a malformed percent-escape or a NUL byte', () => {
    expect(resolveRequest(root, '/%E0%A4%A')).toEqual({ status: 400 });
    expect(resolveRequest(root, '/100%')).toEqual({ status: 400 });
    expect(resolveRequest(root, '/a%00.js')).toEqual({ status: 400 });
  });

  it('answers 403 for a path that leaves the root once decoded', () => {
    expect(resolveRequest(root, '/..%2f..%2fetc%2fpasswd')).toEqual({ status: 403 });
    expect(resolveRequest(`${root}/`, '/..%2fbuild-other/x.js')).toEqual({ status: 403 });
  });
});

describe('serveDirectory', () => {
  let dir: string;
  let server: StaticServer;

  /** A raw GET: node:http sends the path as written, where fetch would normalize it first. */
  const request = (path: string) =>
    new Promise<{ status: number; body: string; cacheControl: string | undefined }>((resolve, reject) => {
      get(`${server.url}${path}`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cacheControl: res.headers['cache-control'] }));
      }).on('error', reject);
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-static-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'ours.html'), '<!doctype html>');
    await writeFile(join(dir, 'assets/app.js'), 'export {}');
    server = await serveDirectory(dir);
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves files, with hashed assets cacheable and HTML not', async () => {
    expect(await request('/ours.html')).toEqual({ status: 200, body: '<!doctype html>', cacheControl: 'no-cache' });
    expect(await request('/assets/app.js')).toEqual({ status: 200, body: 'export {}', cacheControl: 'public, max-age=3600, immutable' });
  });

  it('answers bad paths with 4xx and keeps serving', async () => {
    expect((await request('/%E0%A4%A')).status).toBe(400);
    expect((await request('/assets/%zz.js')).status).toBe(400);
    expect((await request('/..%2f..%2fetc%2fpasswd')).status).toBe(403);
    expect((await request('/missing.js')).status).toBe(404);
    // A folder is not a file: 404, not a rejection that would end the process.
    expect((await request('/assets/')).status).toBe(404);
    expect((await request('/assets/app.js')).status).toBe(200);
  });
});
