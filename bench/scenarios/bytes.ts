/**
 * Bytes of JavaScript: what a tab of each SDK downloads on its first visit (network responses of the
 * page, raw = what the engine parses, gzip = what a compressing server would send), the SharedWorker
 * script separately, and what the smallest app must load before it can call `init()` (its eager chunks
 * in the build manifest), which the size budget is about. The bench pages add a 1 KB harness to both.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Response } from '@playwright/test';
import { BUDGETS } from '../budgets';
import { BrowserInspector } from '../cdp';
import { newOrganization, openConnectedTab, pageUrl, SDKS, type Bench, type ManifestChunk, type SdkKind } from '../harness';
import type { Row, Scenario } from '../results';

interface Weight {
  raw: number;
  gzip: number;
}

interface FileWeight extends Weight {
  file: string;
}

const weigh = (file: string, body: Buffer): FileWeight => ({ file, raw: body.length, gzip: gzipSync(body).length });
const total = (files: readonly Weight[]): Weight => ({ raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) });
const kb = (bytes: number) => bytes / 1024;

/**
 * An entry's chunks that load with it: the entry and its static imports, recursively, but not what it
 * imports dynamically or starts as a worker. Vite's modulepreload polyfill is left out: it belongs to the
 * app's bundler, not to the SDK.
 */
export function eagerChunks(manifest: Record<string, ManifestChunk>, entry: string): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (chunk === undefined) throw new Error(`manifest has no ${key}`);
    if (files.has(chunk.file) || chunk.file.includes('modulepreload-polyfill')) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  return [...files];
}

async function tabDownloads(bench: Bench, kind: SdkKind, inspector: BrowserInspector) {
  const context = await bench.browser.newContext();
  try {
    const responses: Response[] = [];
    context.on('response', (response) => responses.push(response));
    const page = await openConnectedTab(context, pageUrl(bench, kind, newOrganization('bytes', kind)));
    const files: Array<FileWeight & { type: string }> = [];
    for (const response of responses) {
      const type = response.request().resourceType();
      if (!response.url().startsWith(bench.web) || response.status() !== 200) continue;
      files.push({ ...weigh(new URL(response.url()).pathname, await response.body()), type });
    }
    const workers = await inspector.sharedWorkers(context, page);
    const workerFiles: FileWeight[] = [];
    for (const worker of workers) workerFiles.push(...(await staticClosure(bench.buildDir, new URL(worker.url).pathname)));
    return { files, workerFiles };
  } finally {
    await context.close();
  }
}

/**
 * A script and the chunks it imports statically (`import{…}from"./x.js"`, `import"./x.js"`, `export…from`),
 * recursively, read from `root`; `path` is relative to it. Dynamic `import()` is not followed.
 */
async function staticClosure(root: string, path: string): Promise<FileWeight[]> {
  const out: FileWeight[] = [];
  const queue = [`/${path.replace(/^\//, '')}`];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const body = await readFile(join(root, file));
    out.push(weigh(file.slice(1), body));
    for (const match of body.toString('utf8').matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:\*\s*(?:as\s+\w+\s*)?from\s*|\{[^}]*\}\s*from\s*|[\w$]+\s*(?:,\s*\{[^}]*\}\s*)?from\s*)?["'](\.{1,2}\/[^"']+\.m?js)["']/g)) {
      queue.push(new URL(match[1]!, `http://x${file}`).pathname);
    }
  }
  return out;
}

/** The packaging work's ESM build, if there is one: its entry and what that imports statically. */
async function libraryBuild(root: string): Promise<FileWeight[]> {
  const dir = join(root, 'dist/lib');
  for (const entry of ['index.js', 'index.mjs']) {
    if (existsSync(join(dir, entry))) return staticClosure(dir, entry);
  }
  return [];
}

export const bytes: Scenario = {
  name: 'bytes',
  title: 'JavaScript per tab and for the worker',
  async run(bench) {
    const inspector = await BrowserInspector.open(bench.browser);
    const downloads = {} as Record<SdkKind, Awaited<ReturnType<typeof tabDownloads>>>;
    try {
      for (const kind of SDKS) downloads[kind] = await tabDownloads(bench, kind, inspector);
    } finally {
      await inspector.close();
    }
    const scripts = (kind: SdkKind) => total(downloads[kind].files.filter((f) => f.type === 'script'));
    const everything = (kind: SdkKind) => total(downloads[kind].files);
    const worker = total(downloads.ours.workerFiles);

    const minimalFiles = await Promise.all(eagerChunks(bench.manifest, 'minimal.html').map(async (file) => weigh(file, await readFile(join(bench.buildDir, file)))));
    // The app's own entry (one line) is not the SDK's.
    const sdkFiles = minimalFiles.filter((f) => !f.file.includes('/minimal-'));
    const minimal = total(sdkFiles);
    const lazy = Object.values(bench.manifest)
      .filter((chunk) => chunk.file.includes('customer-auth'))
      .map((chunk) => chunk.file);
    const auth = lazy.length === 0 ? undefined : total(await Promise.all(lazy.map(async (file) => weigh(file, await readFile(join(bench.buildDir, file))))));
    const library = await libraryBuild(join(bench.buildDir, '../../..'));

    const rows: Row[] = [
      { metric: 'tab: JavaScript downloaded, gzip', unit: 'KB', digits: 1, official: kb(scripts('official').gzip), ours: kb(scripts('ours').gzip) },
      { metric: 'tab: JavaScript parsed (raw)', unit: 'KB', digits: 1, official: kb(scripts('official').raw), ours: kb(scripts('ours').raw) },
      { metric: 'tab: everything downloaded (HTML + JS), gzip', unit: 'KB', digits: 1, official: kb(everything('official').gzip), ours: kb(everything('ours').gzip) },
      { metric: 'SharedWorker script, gzip (once per browser)', unit: 'KB', digits: 1, ours: kb(worker.gzip) },
      { metric: 'SharedWorker script, raw', unit: 'KB', digits: 1, ours: kb(worker.raw) },
      { metric: 'smallest app, eager SDK chunks, gzip', unit: 'KB', digits: 1, ours: kb(minimal.gzip) },
      { metric: 'smallest app, eager SDK chunks, raw', unit: 'KB', digits: 1, ours: kb(minimal.raw) },
    ];
    if (auth !== undefined) rows.push({ metric: '@livechat/customer-auth, gzip (loaded on first token without `server`)', unit: 'KB', digits: 1, ours: kb(auth.gzip) });
    const notes = ['gzip = zlib level 6 over each file. The official SDK has no worker; its tabs each load the whole SDK.'];
    if (library.length > 0) {
      rows.push({ metric: 'dist/lib ESM entry + its static imports, gzip', unit: 'KB', digits: 1, ours: kb(total(library).gzip) });
      notes.push(`dist/lib (the package build): ${library.map((f) => `${f.file} ${f.gzip} B gzip`).join(', ')}.`);
    } else notes.push('dist/lib (the package build) was not there at the time of the run: not weighed.');
    return {
      rows,
      raw: { downloads, minimal: { files: sdkFiles, total: minimal }, worker, customerAuth: auth, library },
      notes,
      budgets: [
        {
          budget: 'tab-side bundle < 8 KB gzip',
          limit: `< ${(BUDGETS.tabBundleGzipBytes / 1024).toFixed(0)} KB (${BUDGETS.tabBundleGzipBytes} B) gzip`,
          measured: `${kb(minimal.gzip).toFixed(2)} KB (${minimal.gzip} B) gzip, eager chunks of the smallest app: ${sdkFiles.map((f) => `${f.file.replace(/^assets\//, '')} ${f.gzip} B`).join(', ')}`,
          pass: minimal.gzip < BUDGETS.tabBundleGzipBytes,
        },
      ],
    };
  },
};
