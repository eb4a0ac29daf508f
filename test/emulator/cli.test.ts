import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI under node + the tsx loader directly, so signals reach the emulator process itself. */
function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const first = stdout.split('\n')[0];
      if (stdout.includes('\n') && first !== undefined) resolve(first);
    });
    void exited.then(() => reject(new Error(`CLI exited early; stdout=${stdout} stderr=${stderr}`)));
  });
  // --help and bad-argument runs never print the line; their rejection is expected, not an error.
  line.catch(() => undefined);
  return { child, line, exited, output: () => ({ stdout, stderr }) };
}

describe('emulator/cli.ts', () => {
  it('prints the listening line, serves, and exits 0 on SIGTERM', async () => {
    const cli = runCli(['--port', '0']);
    const line = await cli.line;
    expect(line).toMatch(/^LiveChat emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.replace('LiveChat emulator listening on ', '');
    const health = await fetch(`${url}/__emulator/health`);
    expect(health.status).toBe(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('takes the port from EMULATOR_PORT and closes on SIGINT', async () => {
    const cli = runCli([], { EMULATOR_PORT: '0' });
    expect(await cli.line).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+$/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('prints usage for --help and fails on unknown arguments', async () => {
    const help = runCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output().stdout).toContain('Usage:');
    const bad = runCli(['--nope']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('Unknown argument: --nope');
  });
});
