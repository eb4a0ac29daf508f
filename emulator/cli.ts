#!/usr/bin/env node
// Standalone emulator: `livechat-emulator [--port N] [--host H] [...]` from the livechat-multitab-emulator
// package (its bin), `npm run emulator -- …` in this repository (see --help).
import { startEmulator, type Emulator, type EmulatorOptions } from './server';

const USAGE = `Usage: livechat-emulator [options]      (in the SDK's repository: npm run emulator -- [options])

Local emulator of the LiveChat Customer Chat API (RTM 3.6 and 3.5, and the file upload), its customer token endpoint
and an agent control API (/__emulator/*).

  --port N                    listen port (env EMULATOR_PORT, default 8787; 0 = random free port)
  --host HOST                 listen address (env EMULATOR_HOST, default 127.0.0.1)
  --region NAME               region this emulator serves (default dal); logins for an organization
                              assigned elsewhere (POST /__emulator/organizations) get misdirected_connection
  --login-timeout MS          close sockets that do not log in within MS ms (default 30000)
  --max-connections N         logged-in sockets per customer; the next login gets too_many_connections
                              (default 5; 0 = no cap)
  --block-after N             too_many_connections refusals within --block-ms that block the customer
                              (customer_temporarily_blocked) (default 3; 0 = never block)
  --block-ms MS               refusal window and block length (default 60000)
  --max-unauthorized N        not-logged-in sockets per remote address; one more gets
                              too_many_unauthorized_connections (default 0 = no cap)
  --idle-timeout-ms MS        drop a logged-in socket silent for MS ms with connection_timeout
                              (default 0 = never, so clients that do not ping keep working)
  --inactivity-timeout-ms MS  disconnect a customer with no chat activity, page update or login
                              for MS ms with inactivity_timeout (default 1800000; 0 = never)
  --token-lifetime S          expires_in of issued access tokens, in seconds (default 28800);
                              sockets get access_token_expired when their token expires
  --max-pending N             unanswered requests per socket; one more gets
                              pending_requests_limit_reached (default 10; 0 = no cap)
  --users-limit N             customers logged in at once per organization; one more gets
                              users_limit_reached (default 0 = no limit)
  --latency-ms MS             delay every response, push and close by MS ms (default 0;
                              change at runtime with POST /__emulator/latency {"latency_ms": MS})
  --verbose                   print one JSON line per frame in and out (dir, organization_id,
                              customer_id, action, type, request_id, size) after the listening line
  --help                      show this help
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

type NumericOption = Exclude<
  {
    [K in keyof EmulatorOptions]-?: NonNullable<EmulatorOptions[K]> extends number ? K : never;
  }[keyof EmulatorOptions],
  'port'
>;

/** Numeric flags: option name, and whether 0 / fractions are accepted. */
const NUMERIC_FLAGS: Record<string, { option: NumericOption; min: 0 | 1; integer: boolean }> = {
  '--login-timeout': { option: 'loginTimeoutMs', min: 1, integer: true },
  '--max-connections': { option: 'maxConnectionsPerCustomer', min: 0, integer: true },
  '--block-after': { option: 'blockAfterRefusals', min: 0, integer: true },
  '--block-ms': { option: 'blockDurationMs', min: 1, integer: true },
  '--max-unauthorized': { option: 'maxUnauthorizedPerIp', min: 0, integer: true },
  '--idle-timeout-ms': { option: 'idleTimeoutMs', min: 0, integer: true },
  '--inactivity-timeout-ms': { option: 'inactivityTimeoutMs', min: 0, integer: true },
  '--token-lifetime': { option: 'accessTokenLifetimeSec', min: 1, integer: false },
  '--max-pending': { option: 'maxPendingRequests', min: 0, integer: true },
  '--users-limit': { option: 'usersLimit', min: 0, integer: true },
  '--latency-ms': { option: 'latencyMs', min: 0, integer: true },
};

function parseArgs(argv: string[]): EmulatorOptions & { port: number; host: string } {
  let port = process.env.EMULATOR_PORT ?? '8787';
  let host = process.env.EMULATOR_HOST ?? '127.0.0.1';
  const options: EmulatorOptions = {};
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
    const numeric = NUMERIC_FLAGS[name];
    if (name === '--port') port = value();
    else if (name === '--host') host = value();
    else if (name === '--region') options.region = value();
    else if (name === '--verbose' && inline === undefined) options.verbose = true;
    else if (numeric !== undefined) {
      const raw = value();
      const n = Number(raw);
      // A positive token lifetime may be fractional (0.5 = 500 ms) but not 0; the others are whole numbers.
      const ok = raw.trim() !== '' && Number.isFinite(n) && (numeric.integer ? Number.isInteger(n) : true) && (numeric.min === 1 ? n > 0 : n >= 0);
      if (!ok) fail(`Invalid value for ${name}: ${raw}`);
      options[numeric.option] = n;
    } else fail(`Unknown argument: ${arg}`);
  }
  const portNumber = Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) fail(`Invalid port: ${port}`);
  return { ...options, port: portNumber, host };
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
