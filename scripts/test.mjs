#!/usr/bin/env node
/**
 * `npm test`: typecheck, unit tests (Vitest), e2e tests (Playwright in Chromium) and the
 * cross-engine scenarios (Vitest driving Chromium, Firefox ESR and WebKitGTK), then one closing
 * line `N passed, N failed` that totals every suite. Installs Debian's browsers first when they are
 * missing and this machine can (root with apt-get); says what to do where it cannot.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = 'test-results';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const totals = { passed: 0, failed: 0, skipped: 0 };
const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
let aptUpdated = false;

function run(command, args, env = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Installs Debian packages with apt-get (one `apt-get update` per run); true when it worked. */
function aptInstall(packages) {
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    if (run('apt-get', ['update', '-qq'], env) !== 0) return false;
    aptUpdated = true;
  }
  return run('apt-get', ['install', '-y', '-qq', ...packages], env) === 0;
}

function ensureChromium() {
  if (existsSync(chromium)) return true;
  if (canApt && !process.env.CHROMIUM_PATH) {
    console.log(`Chromium is missing at ${chromium}; installing Debian's chromium package (about a minute).`);
    if (aptInstall(['chromium']) && existsSync(chromium)) return true;
  }
  console.error(
    `\nChromium was not found at ${chromium} and could not be installed here.\n` +
      `Install it (Debian/Ubuntu: "sudo apt-get install -y chromium"), or point CHROMIUM_PATH at a\n` +
      `Chromium or Chrome binary, then run "npm test" again. Playwright's own browser download is not used.\n`,
  );
  return false;
}

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

// 1. Typecheck: one check per tsconfig (page, worker, node).
for (const project of ['tsconfig.json', 'tsconfig.worker.json', 'tsconfig.node.json']) {
  const status = run('node', ['node_modules/typescript/bin/tsc', '-p', project]);
  totals[status === 0 ? 'passed' : 'failed'] += 1;
}

// 2. Unit tests.
const vitestJson = `${results}/vitest.json`;
const vitestStatus = run('node', [
  'node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`,
]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests + (vitest.numRuntimeErrorTestSuites ?? 0);
  totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  if (vitestStatus !== 0 && vitest.numFailedTests === 0) totals.failed += 1; // e.g. an error outside any test
} else {
  totals.failed += 1;
}

// 3. E2E tests in real Chromium tabs.
if (ensureChromium()) {
  const playwrightJson = `${results}/playwright.json`;
  const status = run('node', ['node_modules/@playwright/test/cli.js', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
    CHROMIUM_PATH: chromium,
  });
  const stats = readJson(playwrightJson)?.stats;
  if (stats) {
    totals.passed += stats.expected;
    totals.failed += stats.unexpected + stats.flaky;
    totals.skipped += stats.skipped;
    if (status !== 0 && stats.unexpected === 0 && stats.flaky === 0) totals.failed += 1;
  } else {
    totals.failed += 1;
  }
} else {
  totals.failed += 1;
}

// 4. The same scenarios in three engines (e2e/engines, vitest.engines.config.ts). An engine that is
// missing and cannot be installed here still runs: its scenarios fail, each saying what to install.
const engines = [
  { name: 'Firefox ESR', pkg: 'firefox-esr', paths: [process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'], env: 'FIREFOX_PATH' },
  {
    name: 'WebKitGTK (WebKitWebDriver, MiniBrowser)',
    pkg: 'webkit2gtk-driver',
    paths: [process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver', process.env.WEBKIT_MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'],
    env: 'WEBKIT_DRIVER_PATH, WEBKIT_MINIBROWSER_PATH',
  },
  { name: 'a virtual display for WebKit (Xvfb)', pkg: 'xvfb', paths: ['/usr/bin/Xvfb'] },
];
const missing = () => engines.filter((engine) => !engine.paths.every((path) => existsSync(path)));
if (missing().length && canApt) {
  const packages = missing().map((engine) => engine.pkg);
  console.log(`\nMissing for the engines suite: ${packages.join(', ')}; installing Debian's packages (about a minute).`);
  aptInstall(packages);
}
for (const engine of missing()) {
  console.error(
    `\n${engine.name} was not found (${engine.paths.join(', ')}) and could not be installed here: its scenarios will fail.\n` +
      `Install it (Debian: "sudo apt-get install -y ${engine.pkg}")${engine.env ? `, or point ${engine.env} at your own build` : ''}, then run "npm test" again.`,
  );
}
const enginesJson = `${results}/engines.json`;
const enginesStarted = Date.now();
const enginesStatus = run('node', [
  'node_modules/vitest/vitest.mjs', 'run', '-c', 'vitest.engines.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${enginesJson}`,
], { CHROMIUM_PATH: chromium });
const enginesReport = readJson(enginesJson);
if (enginesReport) {
  totals.passed += enginesReport.numPassedTests;
  totals.failed += enginesReport.numFailedTests + (enginesReport.numRuntimeErrorTestSuites ?? 0);
  totals.skipped += (enginesReport.numPendingTests ?? 0) + (enginesReport.numTodoTests ?? 0);
  if (enginesStatus !== 0 && enginesReport.numFailedTests === 0) totals.failed += 1;
} else {
  totals.failed += 1;
}
console.log(`\nEngines suite (Chromium, Firefox, WebKit): ${Math.round((Date.now() - enginesStarted) / 1000)} s`);

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 ? 0 : 1);
