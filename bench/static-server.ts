/**
 * Serves the built bench pages on a random port. Hashed assets are cacheable (as on a real site, so
 * a second tab of a context loads the SDK from the HTTP cache); HTML is not. No request can take the
 * server down: a bad path is a 4xx answer, a failing read a dropped response.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Where a request path leads under `root`, or the status that refuses it. Pure. */
export function resolveRequest(rootDir: string, requestUrl: string): { file: string; path: string } | { status: 400 | 403 } {
  const root = resolve(rootDir);
  let path: string;
  try {
    path = decodeURIComponent(new URL(requestUrl, 'http://bench.local').pathname);
  } catch {
    // A malformed percent-escape (`/%E0%A4%A`) names no file.
    return { status: 400 };
  }
  // A NUL byte would make the file system calls throw rather than answer.
  if (path.includes('\0')) return { status: 400 };
  const file = normalize(join(root, path));
  // Nothing outside the build folder, whatever the path says.
  if (file !== root && !file.startsWith(root + sep)) return { status: 403 };
  return { file, path };
}

export async function serveDirectory(root: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const target = resolveRequest(root, req.url ?? '/');
    if ('status' in target) {
      res.writeHead(target.status).end();
      return;
    }
    const { file, path } = target;
    stat(file)
      .then((info) => {
        if (!info.isFile()) throw new Error('not a file');
        const stream = createReadStream(file);
        // The headers may be out already: the only honest answer left is a cut-off response.
        stream.on('error', () => res.destroy());
        res.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Length': info.size,
          'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=3600, immutable' : 'no-cache',
        });
        stream.pipe(res);
      })
      // Missing, a folder, or unreadable: 404 (a rejection left unhandled here would end the process).
      .catch(() => {
        if (!res.headersSent) res.writeHead(404).end();
      });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
