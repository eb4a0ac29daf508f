#!/usr/bin/env node
/**
 * `npm test`: typecheck, unit tests (Vitest) and e2e tests (Playwright in Chromium), then one
 * closing line `N passed, N failed` that totals every suite. Installs Debian's Chromium first
 * when it is missing and this machine can (root with apt-get); says what to do where it cannot.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = 'test-results';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const totals = { passed: 0, failed: 0, skipped: 0 };

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

function ensureChromium() {
  if (existsSync(chromium)) return true;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get') && !process.env.CHROMIUM_PATH;
  if (canInstall) {
    console.log(`Chromium is missing at ${chromium}; installing Debian's chromium package (about a minute).`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], env) === 0 && run('apt-get', ['install', '-y', '-qq', 'chromium'], env) === 0) {
      if (existsSync(chromium)) return true;
    }
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

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 ? 0 : 1);
