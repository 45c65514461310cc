// Command-line options of `npm run bench` (flags win over BENCH_* environment variables).
import { parseArgs } from 'node:util';

export interface BenchOptions {
  rounds: number;
  durationMs: number;
  warmupMs: number;
  users: number;
  connections: number;
  scenarios?: string[];
  targets?: string[];
  pin: boolean;
  soakOps: number;
  coldStarts: number;
  ceilingMs: number;
  /** Markdown report path; the chart goes to img/bench-ops.svg beside it. */
  out: string;
  /** Directory for --cpu-prof profiles of the servers, when profiling. */
  profileDir?: string;
  /** postgres://… to add a Gatehouse-on-PostgreSQL target. */
  postgresUrl?: string;
  quick: boolean;
}

export const usage = `npm run bench -- [--quick] [--rounds N] [--duration S] [--warmup S] [--users N] [--connections N]
  [--scenarios flow-sso,refresh,...] [--targets gatehouse,reference] [--no-pin] [--soak N] [--cold-starts N]
  [--out docs/benchmarks.md] [--profile DIR] [--postgres postgres://...]
Environment: BENCH_QUICK=1, BENCH_ROUNDS, BENCH_DURATION, BENCH_POSTGRES_URL.`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, outputs: { full: string; quick: string }): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      users: { type: 'string' },
      connections: { type: 'string' },
      scenarios: { type: 'string' },
      targets: { type: 'string' },
      'no-pin': { type: 'boolean' },
      soak: { type: 'string' },
      'cold-starts': { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      postgres: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const quick = values.quick ?? (env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true');
  const number = (flag: string | undefined, envValue: string | undefined, full: number, short: number) => {
    const value = Number(flag ?? envValue ?? (quick ? short : full));
    if (!Number.isFinite(value) || value < 0) throw new Error(`invalid number ${flag ?? envValue}`);
    return value;
  };
  const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean);
  const rounds = number(values.rounds, env.BENCH_ROUNDS, 5, 1);
  if (!quick && rounds < 3) throw new Error('a full run needs at least 3 rounds (use --quick for a short look)');
  const postgresUrl = values.postgres ?? env.BENCH_POSTGRES_URL;
  const scenarios = list(values.scenarios);
  const targets = list(values.targets);
  return {
    rounds,
    durationMs: number(values.duration, env.BENCH_DURATION, 10, 2) * 1000,
    warmupMs: number(values.warmup, undefined, 2, 0.5) * 1000,
    users: number(values.users, undefined, 16, 8),
    connections: number(values.connections, undefined, 32, 16),
    pin: !values['no-pin'],
    soakOps: number(values.soak, undefined, 100_000, 5_000),
    coldStarts: Math.max(1, number(values['cold-starts'], undefined, 5, 1)),
    ceilingMs: quick ? 1000 : 3000,
    // A quick look never overwrites the published report unless asked to.
    out: values.out ?? (quick ? outputs.quick : outputs.full),
    quick,
    ...(scenarios ? { scenarios } : {}),
    ...(targets ? { targets } : {}),
    ...(values.profile ? { profileDir: values.profile } : {}),
    ...(postgresUrl ? { postgresUrl } : {}),
  };
}
