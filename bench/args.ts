/** Command line of `npm run bench`. Pure, so that a typo fails before a browser starts. */
export const USAGE = `Usage: npm run bench -- [--quick] [--only a,b] [--rtt 0,50,150] [--no-fail]

  --quick        fewer tabs, messages and cycles: a smoke run of a couple of minutes
  --only LIST    run only these scenarios (comma-separated): SCENARIOS
  --rtt LIST     round trips in ms the latency scenario adds (default 0,50,150; the budgets at
                 150 ms are checked only when 150 is among them, 0 is the budgets' loopback)
  --no-fail      exit 0 even when a budget fails
  --help         show this help

A full run of every scenario writes bench/results.json and bench/RESULTS.md; a quick or partial run
writes them to bench/.tmp/ instead, so it never replaces the committed results.`;

export const DEFAULT_RTTS: readonly number[] = [0, 50, 150];

export interface BenchArgs {
  quick: boolean;
  only: string[] | undefined;
  rtts: readonly number[];
  failOnBudget: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[], scenarioNames: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: undefined, rtts: DEFAULT_RTTS, failOnBudget: true, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--no-fail':
        args.failOnBudget = false;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--only': {
        const value = inline ?? argv[++i];
        if (value === undefined || value === '') throw new Error('--only needs a comma-separated list of scenarios');
        const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
        const unknown = names.filter((name) => !scenarioNames.includes(name));
        if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarioNames.join(', ')}`);
        args.only = names;
        break;
      }
      case '--rtt': {
        const value = inline ?? argv[++i];
        if (value === undefined || value === '') throw new Error('--rtt needs a comma-separated list of round trips in ms');
        const rtts = value.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
        if (rtts.length === 0 || rtts.some((rtt) => !Number.isInteger(rtt) || rtt < 0 || rtt > 2000)) throw new Error(`--rtt: whole milliseconds from 0 to 2000, got ${value}`);
        args.rtts = [...new Set(rtts)].sort((a, b) => a - b);
        break;
      }
      default:
        throw new Error(`unknown argument: ${arg}`);
    }
  }
  return args;
}
