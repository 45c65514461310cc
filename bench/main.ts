// `npm run bench`: runs the side-by-side benchmark and writes docs/benchmarks.md, the chart
// docs/img/bench-ops.svg and the raw results as JSON under bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseOptions } from './options.js';
import { canPin, pinSelfToGeneratorCore } from './measure/pinning.js';
import { findScenarios } from './scenarios/index.js';
import { runPlan } from './runner.js';
import { referenceTarget } from './targets/reference.js';
import { gatehouseBuilt, gatehouseTarget } from './targets/gatehouse.js';
import { gatehousePostgresTarget } from './targets/gatehouse-postgres.js';
import type { Target } from './targets/target.js';
import type { MachineInfo, RunResult } from './results.js';
import { writeReport } from './report/write-report.js';
import { repositoryRoot } from './repository-root.js';

function packageVersion(root: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function machineInfo(root: string): MachineInfo {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch { /* not a checkout */ }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    kernel: release(),
    node: process.versions.node,
    versions: Object.fromEntries(['oidc-provider', 'fastify', 'jose', '@node-rs/argon2', 'better-sqlite3', 'autocannon'].map((p) => [p, packageVersion(root, p)])),
    commit,
  };
}

const root = repositoryRoot();
const options = parseOptions(process.argv.slice(2), process.env, {
  full: join(root, 'docs', 'benchmarks.md'),
  quick: join(root, 'bench', 'results', 'quick', 'benchmarks.md'),
});
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const pin = options.pin && canPin();
if (options.pin && !pin) log('taskset or a second core is missing: running unpinned');
if (pin) pinSelfToGeneratorCore();

const available: Target[] = [referenceTarget];
if (gatehouseBuilt()) available.unshift(gatehouseTarget());
else log('Gatehouse is not built (no src/cli/main.js beside the bench): running the reference alone');
if (options.postgresUrl) available.splice(1, 0, gatehousePostgresTarget(options.postgresUrl));
const targets = options.targets ? available.filter((t) => options.targets!.includes(t.name)) : available;
if (targets.length === 0) throw new Error(`no target matches ${options.targets?.join(',')}`);
const scenarios = findScenarios(options.scenarios);

const perRound = scenarios.length * targets.length * ((options.warmupMs + options.durationMs) / 1000 + 1) + 3 * (options.ceilingMs / 1000 + 1);
log(`${targets.map((t) => t.label).join(' vs ')}: ${scenarios.length} scenarios, ${options.rounds} rounds, about ${Math.ceil((perRound * options.rounds) / 60)} min plus setup and soak`);

const startedAt = new Date().toISOString();
const profileDir = options.profileDir;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const outcome = await runPlan({
  targets,
  scenarios,
  rounds: options.rounds,
  shape: { users: options.users, connections: options.connections, warmupMs: options.warmupMs, durationMs: options.durationMs },
  pin,
  soakOps: options.soakOps,
  coldStarts: options.coldStarts,
  ceilingMs: options.ceilingMs,
  ...(profileDir ? { nodeArgs: (t: Target, variant: string) => ['--cpu-prof', '--cpu-prof-dir', join(profileDir, `${t.name}-${variant}`)] } : {}),
  log,
});

const result: RunResult = {
  startedAt,
  finishedAt: new Date().toISOString(),
  machine: machineInfo(root),
  settings: { rounds: options.rounds, durationMs: options.durationMs, warmupMs: options.warmupMs, users: options.users, connections: options.connections, pinned: pin, soakOps: options.soakOps },
  scenarios: scenarios.map((s) => ({ name: s.name, operation: s.operation, ceiling: s.ceiling, variant: s.variant, writes: s.writes })),
  ...outcome,
};

const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `${startedAt.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));

const chartFile = writeReport(result, options.out);
log(`wrote ${relative(root, options.out)} and ${relative(root, chartFile)}`);

const failures = result.samples.filter((s) => s.measurement.errors > 0);
if (failures.length) {
  log(`${failures.length} measurements had errors; see the report`);
  process.exitCode = 1;
}
