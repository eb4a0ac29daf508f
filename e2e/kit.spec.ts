/**
 * The emulator package as a widget team gets it: both packages packed (`npm pack` builds each), then
 * installed with @playwright/test from the registry into a new project outside this repository,
 * whose files are the example of the README's "Testing your widget", taken from the README as it
 * stands. That project's own `npx playwright test` must pass: the kit's fixture starts the emulator,
 * three tabs of its page connect, the agent answers through the typed client, every tab gets it once.
 * Also: the CLI of the installed package starts with the documented flags.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { chromiumPath } from './env';

const repo = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
/** The @playwright/test this repository tests with: the project installs exactly this version. */
const playwrightVersion = (JSON.parse(readFileSync(join(repo, 'node_modules/@playwright/test/package.json'), 'utf8')) as { version: string }).version;

let project = '';
let tarballs: { sdk: string; emulator: string };
let emulatorFiles: string[] = [];

test.describe.configure({ mode: 'serial' });

/** `npm pack` in `dir` (its prepack builds), into `destination`; the tarball's path and file list. */
function pack(dir: string, destination: string): { path: string; files: string[] } {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // Lifecycle scripts may print before npm's JSON: it is the last top-level array on stdout.
  const [packed] = JSON.parse(output.slice(output.lastIndexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { path: join(destination, packed!.filename), files: packed!.files.map((file) => file.path).sort() };
}

/**
 * The code blocks of the README's "## Testing your widget" whose first line names a file
 * (`// path` or `<!-- path -->`): path → the block without that line.
 */
function readmeExampleFiles(): Map<string, string> {
  const start = readme.indexOf('\n## Testing your widget\n');
  expect(start, 'README has a "## Testing your widget" section').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const files = new Map<string, string>();
  for (const [, body] of section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
    const [first, ...rest] = body!.split('\n');
    const path = /^(?:\/\/ |<!-- )([\w./-]+\.(?:ts|mjs|js|html))(?: -->)?$/.exec(first ?? '')?.[1];
    if (path !== undefined) files.set(path, rest.join('\n'));
  }
  return files;
}

/** Environment for the project's own tools: none of this run's Playwright settings leak into its run. */
function projectEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PLAYWRIGHT_|PW_|TEST_)/.test(key)));
  return { ...env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', CHROMIUM_PATH: chromiumPath(), ...extra };
}

test.beforeAll(async () => {
  // Two builds (the SDK's library build, the emulator's), an install from the registry.
  test.setTimeout(300_000);
  project = mkdtempSync(join(tmpdir(), 'livechat-widget-'));
  const packs = join(project, '.packs');
  mkdirSync(packs);
  const sdk = pack(repo, packs);
  const emulator = pack(join(repo, 'packages/emulator'), packs);
  tarballs = { sdk: sdk.path, emulator: emulator.path };
  emulatorFiles = emulator.files;

  const example = readmeExampleFiles();
  expect([...example.keys()].sort()).toEqual(['playwright.config.ts', 'public/index.html', 'tests/site.mjs', 'tests/widget.spec.ts']);
  for (const [path, content] of example) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), content);
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'widget-under-test',
        private: true,
        type: 'module',
        dependencies: { 'livechat-multitab-sdk': `file:${tarballs.sdk}` },
        devDependencies: { 'livechat-multitab-emulator': `file:${tarballs.emulator}`, '@playwright/test': playwrightVersion },
      },
      null,
      2,
    ),
  );
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env: projectEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
});

test.afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

test('the emulator package ships its build only; the SDK package does not depend on ws or the emulator', () => {
  const stray = emulatorFiles.filter((path) => !path.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(path));
  expect(stray).toEqual([]);
  for (const path of ['dist/index.js', 'dist/client.js', 'dist/playwright.js', 'dist/cli.js', 'dist/types/index.d.ts', 'dist/types/client.d.ts', 'dist/types/playwright.d.ts']) {
    expect(emulatorFiles).toContain(path);
  }
  const installedSdk = JSON.parse(readFileSync(join(project, 'node_modules/livechat-multitab-sdk/package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };
  const installedEmulator = JSON.parse(readFileSync(join(project, 'node_modules/livechat-multitab-emulator/package.json'), 'utf8')) as { version: string };
  // Versioned with the SDK, as the README says.
  expect(installedEmulator.version).toBe(installedSdk.version);
  expect(Object.keys(installedSdk.dependencies ?? {})).not.toContain('ws');
  expect(Object.keys(installedSdk.dependencies ?? {})).not.toContain('livechat-multitab-emulator');
  // The project resolves the emulator's three entries from the installed package, not from this repository.
  const probe = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const [server, client, kit] = await Promise.all([import('livechat-multitab-emulator'), import('livechat-multitab-emulator/client'), import('livechat-multitab-emulator/playwright')]);
       const { createRequire } = await import('node:module');
       console.log(JSON.stringify({ server: Object.keys(server).sort(), client: Object.keys(client).sort(), kit: Object.keys(kit).sort(), from: createRequire(process.cwd() + '/').resolve('livechat-multitab-emulator/package.json') }));`,
    ],
    { cwd: project, env: projectEnv(), encoding: 'utf8' },
  );
  expect(JSON.parse(probe)).toEqual({
    server: ['startEmulator'],
    client: ['AGENT_METHODS', 'CONTROL_ENDPOINTS', 'EmulatorRequestError', 'createEmulatorClient'],
    kit: ['SDK_EVENT_NAMES', 'expect', 'expectEveryTabOnce', 'openTabs', 'recordSdkEvents', 'tabEvents', 'test', 'waitForConnected'],
    from: join(project, 'node_modules/livechat-multitab-emulator/package.json'),
  });
});

test('npx livechat-emulator --port N, from the installed package, answers on N', async () => {
  const port = await freePort();
  const cli = spawn('npx', ['--no-install', 'livechat-emulator', '--port', String(port), '--max-connections', '3', '--latency-ms', '0'], {
    cwd: project,
    env: projectEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => cli.on('exit', (code) => done(code)));
  try {
    await expect.poll(() => output, { timeout: 20_000 }).toContain(`LiveChat emulator listening on http://127.0.0.1:${port}`);
    const health = (await (await fetch(`http://127.0.0.1:${port}/__emulator/health`)).json()) as { ok: boolean; name: string };
    expect(health).toMatchObject({ ok: true, name: 'livechat-emulator' });
    const help = execFileSync('npx', ['--no-install', 'livechat-emulator', '--help'], { cwd: project, env: projectEnv(), encoding: 'utf8' });
    expect(help).toContain('Usage: livechat-emulator [options]');
    expect(help).toContain('--max-connections N');
  } finally {
    // npx runs the bin in a child: signal the whole group it leads.
    process.kill(-cli.pid!, 'SIGTERM');
    await exited;
  }
  // The emulator closed with it (the CLI exits on SIGTERM after closing the server).
  await expect.poll(() => fetch(`http://127.0.0.1:${port}/__emulator/health`).then(() => 'answering', () => 'closed')).toBe('closed');
});

test("the widget project's own Playwright test passes: 3 tabs, the agent says something through the client, every tab gets it once", async () => {
  test.setTimeout(180_000);
  const started = Date.now();
  let output = '';
  try {
    output = execFileSync('npx', ['--no-install', 'playwright', 'test', '--reporter=list'], { cwd: project, env: projectEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`The project's playwright test failed:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
  }
  expect(output).toMatch(/1 passed/);
  expect(output).toContain('an agent message reaches every tab once, over one connection');
  test.info().annotations.push({ type: 'project run', description: `${Date.now() - started} ms` });
});

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
