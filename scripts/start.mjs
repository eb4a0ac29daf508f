#!/usr/bin/env node
/** `npm start`: the emulator and the demo site together; Ctrl+C stops both. */
import { spawn } from 'node:child_process';

const emulatorPort = process.env.EMULATOR_PORT ?? '8787';
const children = [
  spawn('node', ['--import', 'tsx', 'emulator/cli.ts', '--port', emulatorPort], { stdio: 'inherit' }),
  spawn('node', ['node_modules/vite/bin/vite.js', '--logLevel', 'warn'], { stdio: 'inherit' }),
];

setTimeout(() => {
  const server = `http://127.0.0.1:${emulatorPort}`;
  console.log(`
  Demo shop (open it in several tabs): http://127.0.0.1:5173/index.html?server=${server}
  Agent console:                        http://127.0.0.1:5173/agent.html?server=${server}
  Emulator stats:                       ${server}/__emulator/stats
  Press Ctrl+C to stop.
`);
}, 1500);

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 300);
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
