// Standalone emulator: `npx tsx emulator/cli.ts [--port N] [--host H]`.
import { startEmulator, type Emulator } from './server';

const USAGE = `Usage: tsx emulator/cli.ts [--port N] [--host HOST] [--login-timeout MS]

Local emulator of the LiveChat Customer Chat API (RTM 3.6), its customer token endpoint
and an agent control API (/__emulator/*).

  --port N            listen port (env EMULATOR_PORT, default 8787; 0 = random free port)
  --host HOST         listen address (env EMULATOR_HOST, default 127.0.0.1)
  --login-timeout MS  close sockets that do not log in within MS ms (default 30000)
  --help              show this help
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): { port: number; host: string; loginTimeoutMs: number } {
  let port = process.env.EMULATOR_PORT ?? '8787';
  let host = process.env.EMULATOR_HOST ?? '127.0.0.1';
  let loginTimeout = '30000';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    // Accept both `--port 1234` and `--port=1234`.
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') fail(`Missing value for ${name}`);
      return v;
    };
    if (name === '--port') port = value();
    else if (name === '--host') host = value();
    else if (name === '--login-timeout') loginTimeout = value();
    else fail(`Unknown argument: ${arg}`);
  }
  const portNumber = Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) fail(`Invalid port: ${port}`);
  const timeout = Number(loginTimeout);
  if (!Number.isInteger(timeout) || timeout <= 0) fail(`Invalid login timeout: ${loginTimeout}`);
  return { port: portNumber, host, loginTimeoutMs: timeout };
}

const args = parseArgs(process.argv.slice(2));

// Handlers go in before the "listening" line: whoever reads that line may signal us right away.
let emulator: Emulator | undefined;
let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  if (emulator === undefined) process.exit(0);
  emulator.close().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`Error while closing on ${signal}: ${String(e)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

emulator = await startEmulator(args).catch((e: unknown) => {
  process.stderr.write(`Could not start the emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
process.stdout.write(`LiveChat emulator listening on ${emulator.url}\n`);
