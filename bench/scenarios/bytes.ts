/**
 * Bytes of JavaScript: what a tab of each SDK downloads on its first visit (network responses of the
 * page, raw = what the engine parses, gzip = what a compressing server would send), the SharedWorker
 * script separately, and what the smallest app must load before it can call `init()` (its eager chunks
 * in the build manifest, Vite's code-splitting runtime included). The bench pages add a 1 KB harness
 * to both. And the package build's tab set, rebuilt for the run and weighed as `npm run build:lib`
 * weighs it: the SDK's own code a tab loads first, which the size budget is about.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Response } from '@playwright/test';
import { BUDGETS } from '../budgets';
import { withInspector, type BrowserInspector } from '../cdp';
import { eachSdk, openConnectedTab, withTabs, type Bench, type ManifestChunk, type SdkKind } from '../harness';
import type { Row, Scenario } from '../results';
import { staticClosure, sumWeights as total, weigh as weighBytes, weighPackageTab, type Weight } from '../weigh.mjs';

interface FileWeight extends Weight {
  file: string;
}

const root = resolve(import.meta.dirname, '../..');
const weigh = (file: string, body: Buffer): FileWeight => ({ file, ...weighBytes(body) });
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

/** Opens its one tab itself (none by `withTabs`), so that it hears every response of the first visit. */
function tabDownloads(bench: Bench, kind: SdkKind, inspector: BrowserInspector) {
  return withTabs(bench, 'bytes', kind, 0, async ({ context, url }) => {
    const responses: Response[] = [];
    context.on('response', (response) => responses.push(response));
    const page = await openConnectedTab(context, url);
    const files: Array<FileWeight & { type: string }> = [];
    for (const response of responses) {
      const type = response.request().resourceType();
      if (!response.url().startsWith(bench.web) || response.status() !== 200) continue;
      files.push({ ...weigh(new URL(response.url()).pathname, await response.body()), type });
    }
    const worker = await inspector.sharedWorker(page);
    const workerFiles = worker === undefined ? [] : weighClosure(bench.buildDir, new URL(worker.url).pathname.slice(1));
    return { files, workerFiles };
  });
}

/**
 * A script of the bench build and the chunks it imports statically, recursively, weighed; `path` is
 * relative to `dir`. Dynamic `import()` is not followed; the build bundles its dependencies, so
 * every import is relative.
 */
function weighClosure(dir: string, path: string): FileWeight[] {
  const files = staticClosure(join(dir, path), (specifier, from) => resolve(dirname(from), specifier));
  return [...files].map(({ path: file, code }) => weigh(relative(dir, file), Buffer.from(code)));
}

/**
 * Builds dist/lib by running what `npm run build:lib` runs, so the weighing never reads a build older
 * than the sources; its output is shown only when it fails.
 */
async function buildLibrary(): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [join(root, 'scripts/build-lib.mjs')], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm run build:lib failed: ${message}\n${stdout}${stderr}`);
  }
}

export const bytes: Scenario = {
  name: 'bytes',
  title: 'JavaScript per tab and for the worker',
  async run(bench) {
    bench.log('building dist/lib (npm run build:lib)');
    await buildLibrary();
    const library = weighPackageTab(root);
    const downloads = await withInspector(bench.browser, (inspector) => eachSdk((kind) => tabDownloads(bench, kind, inspector)));
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

    const rows: Row[] = [
      { metric: 'tab: JavaScript downloaded, gzip', unit: 'KB', digits: 1, official: kb(scripts('official').gzip), ours: kb(scripts('ours').gzip) },
      { metric: 'tab: JavaScript parsed (raw)', unit: 'KB', digits: 1, official: kb(scripts('official').raw), ours: kb(scripts('ours').raw) },
      { metric: 'tab: everything downloaded (HTML + JS), gzip', unit: 'KB', digits: 1, official: kb(everything('official').gzip), ours: kb(everything('ours').gzip) },
      { metric: 'SharedWorker script, gzip (once per browser)', unit: 'KB', digits: 1, ours: kb(worker.gzip) },
      { metric: 'SharedWorker script, raw', unit: 'KB', digits: 1, ours: kb(worker.raw) },
      { metric: "smallest Vite app, eager chunks (the SDK + Vite's code-splitting runtime), gzip", unit: 'KB', digits: 1, ours: kb(minimal.gzip) },
      { metric: "smallest Vite app, eager chunks (the SDK + Vite's code-splitting runtime), raw", unit: 'KB', digits: 1, ours: kb(minimal.raw) },
    ];
    if (auth !== undefined) rows.push({ metric: '@livechat/customer-auth, gzip (loaded on first token without `server`)', unit: 'KB', digits: 1, ours: kb(auth.gzip) });
    rows.push({ metric: 'dist/lib tab set (ESM entry, its static chunks, Comlink), minified, gzip', unit: 'KB', digits: 1, ours: kb(library.gzip) });
    const notes = [
      'gzip = zlib level 6 over each file. The official SDK has no worker; its tabs each load the whole SDK.',
      `dist/lib, built for this run by \`npm run build:lib\`, which prints the same figure: its tab set, minified as an app's bundler would and joined into one chunk, is ${library.gzip.toLocaleString('en-US')} B gzip (${library.raw.toLocaleString('en-US')} B raw): ${library.files.join(' + ')}.`,
    ];
    return {
      rows,
      raw: { downloads, minimal: { files: sdkFiles, total: minimal }, worker, customerAuth: auth, library },
      notes,
      budgets: [
        {
          budget: `tab-side bundle < ${(BUDGETS.tabBundleGzipBytes / 1024).toFixed(0)} KB gzip`,
          limit: `< ${(BUDGETS.tabBundleGzipBytes / 1024).toFixed(0)} KB (${BUDGETS.tabBundleGzipBytes} B) gzip`,
          measured: `${kb(library.gzip).toFixed(2)} KB (${library.gzip} B) gzip, the package's tab set: ${library.files.join(' + ')} (the smallest Vite app's eager chunks, with Vite's code-splitting runtime: ${minimal.gzip} B)`,
          pass: library.gzip < BUDGETS.tabBundleGzipBytes,
        },
      ],
    };
  },
};
