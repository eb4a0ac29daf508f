/**
 * The package as users get it: `npm pack` (which builds it), the tarball installed into a consumer
 * app outside src/, that app bundled by Vite and by webpack 5, and a plain site loading the
 * script-tag build with a worker file it hosts itself. Each serves real tabs against the emulator.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'vite';
import webpack, { type Configuration } from 'webpack';
import { countEvents, demoUrl, eventPayloads, newOrganization, openConnections, openTab, receivedTexts, runtimeStatus, sendText, startChat, stats } from './helpers';

const repo = resolve(import.meta.dirname, '..');
const fixture = join(repo, 'e2e/consumer');
// Under the repo, so that the package's own dependencies (comlink, …) resolve from the repo's
// node_modules without a registry; per process, so that parallel runs do not share it.
const work = join(repo, 'dist', `consumer-${process.pid}`);
const installed = join(work, 'node_modules/livechat-multitab-sdk');
const site = join(work, 'site');

let packedFiles: string[] = [];
let server: Server;
let siteUrl = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // Packing runs `prepack`, the whole library build; the consumer's Vite and webpack builds come on top.
  test.setTimeout(120_000);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // Lifecycle scripts may print before npm's JSON: it is the last top-level array on stdout.
  const [packed] = JSON.parse(output.slice(output.lastIndexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = packed!.files.map((file) => file.path).sort();
  execFileSync('tar', ['-xzf', join(work, packed!.filename), '-C', installed, '--strip-components=1']);

  // The Vite app, with Vite's defaults: whatever the package needs must work without app config.
  // It has its own package.json, as apps do; without one, the repo's (its `sideEffects`) would apply.
  for (const file of ['package.json', 'index.html', 'main.js', 'expose.js', 'usage.mts', 'usage.cts', 'tsconfig.json']) cpSync(join(fixture, file), join(work, file));
  await build({ root: work, configFile: false, logLevel: 'warn', base: '/vite/', build: { outDir: join(site, 'vite'), emptyOutDir: true } });

  // The same app bundled by webpack 5 with an app's plain config: no loader, plugin or option for
  // the SDK. Webpack's output is a classic script `main.js`, which a page of its own loads. Without
  // `output.module` webpack also drops the workers' `type: 'module'`: they run as classic scripts,
  // which the tests below cover, a deploy's handover included.
  await bundleWithWebpack({ mode: 'production', context: work, entry: './main.js', output: { path: join(site, 'webpack') } });
  cpSync(join(fixture, 'webpack.html'), join(site, 'webpack/index.html'));

  // The script-tag site hosts the two files it needs from the package next to its page.
  mkdirSync(join(site, 'script'), { recursive: true });
  cpSync(join(fixture, 'script-tag.html'), join(site, 'script/index.html'));
  cpSync(join(fixture, 'expose.js'), join(site, 'script/expose.js'));
  for (const file of ['livechat-multitab-sdk.iife.js', 'livechat-multitab-sdk.worker.js']) cpSync(join(installed, 'dist/lib', file), join(site, 'script', file));

  server = await serveStatic(site);
  siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  rmSync(work, { recursive: true, force: true });
});

test('npm pack ships the build, README, LICENSE and package.json only, usable from Node and TypeScript', async () => {
  const stray = packedFiles.filter((path) => !path.startsWith('dist/lib/') && !['package.json', 'README.md', 'LICENSE'].includes(path));
  expect(stray).toEqual([]);
  for (const path of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'livechat-multitab-sdk.worker.js', 'livechat-multitab-sdk.iife.js']) {
    expect(packedFiles).toContain(`dist/lib/${path}`);
  }
  expect(packedFiles).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));

  // Node resolves both conditions of the exports map to a working module; importing touches no browser API.
  writeFileSync(
    join(work, 'probe.mjs'),
    `import * as esm from 'livechat-multitab-sdk';
     import { createRequire } from 'node:module';
     const cjs = createRequire(import.meta.url)('livechat-multitab-sdk');
     const refusal = (sdk) => { try { sdk.init({ clientId: 'c' }); return 'accepted'; } catch (e) { return [e instanceof sdk.SdkError, e.code, e.data?.field]; } };
     console.log(JSON.stringify({ esm: Object.keys(esm).sort(), cjs: Object.keys(cjs).sort(), esmRefusal: refusal(esm), cjsRefusal: refusal(cjs) }));`,
  );
  const probe = JSON.parse(execFileSync(process.execPath, [join(work, 'probe.mjs')], { cwd: work, encoding: 'utf8' })) as unknown;
  const refusal = [true, 'VALIDATION', 'organizationId'];
  expect(probe).toEqual({ esm: ['SDK_VERSION', 'SdkError', 'init', 'warmUp'], cjs: ['SDK_VERSION', 'SdkError', 'init', 'warmUp'], esmRefusal: refusal, cjsRefusal: refusal });

  // The declarations type an app's code, for `import` and for `require`, under Node's resolution.
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], { cwd: work, encoding: 'utf8' });
});

// The same app and assertions for each bundler: the worker it emitted must start in both modes.
for (const [bundler, app] of [['Vite', 'vite'], ['webpack', 'webpack']] as const) {
  for (const mode of ['shared', 'dedicated'] as const) {
    test(`a ${bundler} app built from the tarball: two tabs share one ${mode} worker, one socket and one login`, async ({ browser }) => {
      const organizationId = newOrganization();
      const context = await browser.newContext();
      const query: Record<string, string> = mode === 'shared' ? {} : { mode };
      const a = await openSiteTab(context, `${app}/index.html`, organizationId, query);
      const b = await openSiteTab(context, `${app}/index.html`, organizationId, query);
      await expectOneConnection([a, b], organizationId, mode);
      await context.close();
    });
  }
}

test('a deploy of the webpack app (plain config, classic worker): a tab of the old build moves to the newer worker', async ({ browser }) => {
  // A second webpack build on top of the tabs.
  test.setTimeout(120_000);
  // The premise: without `output.module` webpack starts the SharedWorker with no type, as a classic
  // script, which a tab moving to it as a module would be refused (terser's output of the call).
  expect(readFileSync(join(site, 'webpack/main.js'), 'utf8')).toMatch(/new SharedWorker\(new URL\([^()]*\([^()]*\)[^()]*\),\{type:void 0[,}]/);

  // The release after this one: the same app, built the same way from a copy of the package that
  // carries a newer SDK version, deployed next to the old build on the same origin.
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
  const [major, minor, patch] = version.split('.').map(Number);
  const nextVersion = `${major}.${minor}.${patch! + 1}`;
  const app = join(work, 'next-release');
  const nextPackage = join(app, 'node_modules/livechat-multitab-sdk');
  cpSync(installed, nextPackage, { recursive: true });
  stampVersion(join(nextPackage, 'dist/lib'), version, nextVersion);
  for (const file of ['package.json', 'main.js', 'expose.js']) cpSync(join(fixture, file), join(app, file));
  await bundleWithWebpack({ mode: 'production', context: app, entry: './main.js', output: { path: join(site, 'webpack-next') } });
  cpSync(join(fixture, 'webpack.html'), join(site, 'webpack-next/index.html'));

  const organizationId = newOrganization();
  const context = await browser.newContext();
  const old = await openSiteTab(context, 'webpack/index.html', organizationId);
  expect(await runtimeStatus(old)).toMatchObject({ mode: 'shared', sdkVersion: version, tabs: 1 });
  const chatId = await startChat(old);
  const next = await openSiteTab(context, 'webpack-next/index.html', organizationId);

  // Both tabs on the newer worker, the old worker's socket closed. A failed move would show in the
  // old tab as `disconnected` (`sdk_updated`) and a destroyed SDK: polled together, so it says so.
  const onNewer = { mode: 'shared', sdkVersion: nextVersion, tabs: 2, connection: 'connected' };
  await expect
    .poll(async () => ({ disconnected: await eventPayloads(old, 'disconnected'), status: await runtimeStatus(old).catch((error: Error) => error.message) }))
    .toMatchObject({ disconnected: [], status: onNewer });
  await expect.poll(() => runtimeStatus(next)).toMatchObject(onNewer);
  expect((await runtimeStatus(old)).epoch).toBe((await runtimeStatus(next)).epoch);
  await expect.poll(() => openConnections(organizationId)).toBe(1);
  await sendText(old, chatId, 'from the old build');
  await expect.poll(() => receivedTexts(next)).toEqual(['from the old build']);
  await sendText(next, chatId, 'from the new build');
  await expect.poll(() => receivedTexts(old)).toEqual(['from the new build']);
  expect(await eventPayloads(old, 'disconnected')).toEqual([]);
  expect(await openConnections(organizationId)).toBe(1);
  await context.close();
});

for (const mode of ['shared', 'dedicated'] as const) {
  test(`a script-tag site with workerUrl: two tabs share one ${mode} worker, one socket and one login`, async ({ browser }) => {
    const organizationId = newOrganization();
    const context = await browser.newContext();
    const query: Record<string, string> = mode === 'shared' ? {} : { mode };
    const a = await openSiteTab(context, 'script/index.html', organizationId, query);
    const b = await openSiteTab(context, 'script/index.html', organizationId, query);
    expect(await a.evaluate(() => typeof window.CustomerSDK.init)).toBe('function');
    await expectOneConnection([a, b], organizationId, mode);
    await context.close();
  });
}

test('the script-tag build without workerUrl runs inline with a warning; forced modes and bad workerUrls are refused', async ({ browser }) => {
  const organizationId = newOrganization();
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await page.goto(demoUrl(organizationId, { noWorkerUrl: '1' }, `${siteUrl}/script/index.html`));
  await expect.poll(() => countEvents(page, 'connected')).toBe(1);
  expect((await runtimeStatus(page)).mode).toBe('inline');
  expect(warnings.filter((text) => text.includes('"workerUrl"'))).toHaveLength(1);

  const outcomes = await page.evaluate(() => {
    const attempt = (extra: Record<string, unknown>) => {
      try {
        window.CustomerSDK.init({ organizationId: 'o', clientId: 'c', autoConnect: false, ...extra }).destroy();
        return 'accepted';
      } catch (error) {
        const { code, data } = error as { code: string; data?: { field?: string } };
        return `${code}${data?.field ? ` ${data.field}` : ''}`;
      }
    };
    return {
      shared: attempt({ mode: 'shared' }),
      dedicated: attempt({ mode: 'dedicated' }),
      number: attempt({ workerUrl: 42 }),
      empty: attempt({ workerUrl: '' }),
      otherOrigin: attempt({ workerUrl: 'https://cdn.example.com/livechat-multitab-sdk.worker.js' }),
      dataUrl: attempt({ workerUrl: 'data:text/javascript,' }),
      urlObject: attempt({ workerUrl: new URL('./livechat-multitab-sdk.worker.js', location.href) }),
    };
  });
  expect(outcomes).toEqual({
    shared: 'UNSUPPORTED_MODE',
    dedicated: 'UNSUPPORTED_MODE',
    number: 'VALIDATION workerUrl',
    empty: 'VALIDATION workerUrl',
    otherOrigin: 'VALIDATION workerUrl',
    dataUrl: 'VALIDATION workerUrl',
    urlObject: 'accepted',
  });
  await context.close();
});

/** Opens a page of the consumer site as a tab; it must have emitted `connected` exactly once. */
async function openSiteTab(context: BrowserContext, path: string, organizationId: string, extra: Record<string, string> = {}): Promise<Page> {
  const page = await openTab(context, organizationId, extra, `${siteUrl}/${path}`);
  expect(await countEvents(page, 'connected')).toBe(1);
  return page;
}

/** What the package promises: every tab on one runtime, one socket, one login, and messages between tabs. */
async function expectOneConnection([a, b]: Page[], organizationId: string, mode: 'shared' | 'dedicated'): Promise<void> {
  for (const tab of [a!, b!]) {
    await expect.poll(() => runtimeStatus(tab).then(({ mode, tabs }) => ({ mode, tabs }))).toEqual({ mode, tabs: 2 });
  }
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
  const chatId = await startChat(a!);
  await sendText(a!, chatId, 'from the first tab');
  await expect.poll(() => receivedTexts(b!)).toEqual(['from the first tab']);
  expect(await stats(organizationId)).toMatchObject({ openConnections: 1, logins: 1 });
}

/** webpack's Node API, as the app's `webpack` command would run it; any error or warning fails the build. */
function bundleWithWebpack(config: Configuration): Promise<void> {
  return new Promise((done, fail) => {
    webpack(config, (error, result) => {
      if (error || !result) fail(error ?? new Error('webpack gave no result'));
      else if (result.hasErrors() || result.hasWarnings()) fail(new Error(`webpack: ${result.toString('errors-warnings')}`));
      else done();
    });
  });
}

/**
 * Stamps `to` over the SDK version `from` that the package's build bakes in (the fallback of
 * `typeof __SDK_VERSION__ == "string" ? __SDK_VERSION__ : "0.1.0"`), in every file that has it, the
 * worker included: both the tab's worker name and the worker's own version must change, as in a
 * real release. Throws unless each such file had the version exactly once.
 */
function stampVersion(lib: string, from: string, to: string): void {
  const baked = new RegExp(`(__SDK_VERSION__\\s*:\\s*)(["'\`])${from.replaceAll('.', '\\.')}\\2`, 'g');
  const stamped: string[] = [];
  for (const file of readdirSync(lib).filter((name) => /\.c?js$/.test(name))) {
    const text = readFileSync(join(lib, file), 'utf8');
    if (!text.includes('__SDK_VERSION__')) continue;
    const found = text.match(baked)?.length ?? 0;
    if (found !== 1) throw new Error(`${file}: expected the SDK version ${from} once after __SDK_VERSION__, found it ${found} times`);
    writeFileSync(join(lib, file), text.replace(baked, (_, head: string, quote: string) => `${head}${quote}${to}${quote}`));
    stamped.push(file);
  }
  if (!stamped.includes('livechat-multitab-sdk.worker.js') || !stamped.some((file) => file.endsWith('.js') && !file.startsWith('livechat-multitab-sdk.'))) {
    throw new Error(`the SDK version was not stamped into the worker and the ESM chunks: ${stamped.join(', ') || 'no file'}`);
  }
}

/** The consumer site: its built files as a static host serves them. */
function serveStatic(root: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((request, response) => {
    const path = resolve(root, `.${decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname)}`);
    try {
      if (!path.startsWith(root + sep)) throw new Error('outside the site');
      const body = readFileSync(path);
      response.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready(server)));
}
