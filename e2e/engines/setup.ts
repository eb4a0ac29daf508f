/**
 * Global setup of the engines suite (vitest.engines.config.ts): its own emulator and its own
 * build of the demo, as playwright.config.ts makes them for the Chromium suite: this build at `/`,
 * and the same code stamped as a newer SDK version at `/next/` (a deploy). Both are stopped at
 * the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { NEXT_SDK_VERSION } from '../env';
import { ENGINES_DEMO_OUT_DIR, ENGINES_EMULATOR_PORT, ENGINES_WEB_PORT } from './env';

const VITE = 'node_modules/vite/bin/vite.js';

function build(env: Record<string, string>, args: string[]): void {
  const result = spawnSync('node', [VITE, 'build', '--logLevel', 'warn', ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`vite build ${args.join(' ')} failed (${result.status})`);
}

/** Starts a server and resolves once `url` answers; rejects (with its output) if it exits first. */
async function serve(name: string, command: string[], url: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn('node', command, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before ${url} answered (port taken? set ENGINES_EMULATOR_PORT / ENGINES_WEB_PORT):\n${output}`);
    try {
      if ((await fetch(url)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer at ${url} within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulatorUrl = `http://127.0.0.1:${ENGINES_EMULATOR_PORT}`;
  const webUrl = `http://127.0.0.1:${ENGINES_WEB_PORT}`;
  const started: ChildProcess[] = [];
  try {
    started.push(await serve('emulator', ['--import', 'tsx', 'emulator/cli.ts', '--port', String(ENGINES_EMULATOR_PORT)], `${emulatorUrl}/__emulator/stats`));
    build({ DEMO_OUT_DIR: ENGINES_DEMO_OUT_DIR }, []);
    build({ SDK_VERSION: NEXT_SDK_VERSION }, ['--base', '/next/', '--outDir', `${ENGINES_DEMO_OUT_DIR}/next`]);
    started.push(
      await serve('vite preview', [VITE, 'preview', '--port', String(ENGINES_WEB_PORT), '--strictPort'], `${webUrl}/index.html`, { DEMO_OUT_DIR: ENGINES_DEMO_OUT_DIR }),
    );
  } catch (error) {
    await Promise.all(started.map(stop));
    throw error;
  }
  project.provide('emulatorUrl', emulatorUrl);
  project.provide('webUrl', webUrl);
  return async () => {
    await Promise.all(started.map(stop));
  };
}
