// The side-by-side runner: starts every target (production and cheap argon2id variants), then
// per round measures the ceilings and runs each scenario on every target, alternating the order
// (A B, then B A) so drift cancels; afterwards the memory soak and cold-start samples.
import { memoryUsage } from './measure/process-stats.js';
import { measureCeilings, type Ceilings } from './ceilings/measure-ceilings.js';
import { measureScenario, type LoadShape } from './measure-scenario.js';
import type { Measurement } from './load/measurement.js';
import type { Sample, TargetSummary } from './results.js';
import type { Scenario, ServerVariant } from './scenarios/scenario.js';
import type { RunningTarget, StartOptions, Target } from './targets/target.js';
import { defaultArgon2, type Argon2Parameters } from '../src/accounts/password.js';
import { soak } from './soak.js';

/** The cheapest argon2id Gatehouse's config accepts: stands in for "no hashing". */
export const cheapArgon2: Argon2Parameters = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
export const variantArgon2: Record<ServerVariant, Argon2Parameters> = { argon2: defaultArgon2, plain: cheapArgon2 };

export interface RunPlan {
  targets: Target[];
  scenarios: Scenario[];
  rounds: number;
  shape: LoadShape;
  pin: boolean;
  soakOps: number;
  coldStarts: number;
  ceilingMs: number;
  nodeArgs?: (target: Target, variant: ServerVariant) => string[];
  log: (line: string) => void;
}

type Instances = Map<string, RunningTarget>;
const key = (target: Target, variant: ServerVariant) => `${target.name}/${variant}`;

function failed(error: unknown): Measurement {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ops: 0, errors: 1, opsPerSec: 0, p50Ms: NaN, p99Ms: NaN, errorSamples: [message.slice(0, 300)], client: 'closed-loop',
    usage: { seconds: 0, serverCpu: NaN, generatorCpu: NaN, serverPeakRssMb: NaN, serverRssMb: NaN },
  };
}

export function summarize(m: Measurement): string {
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  return `${f(m.opsPerSec)} ops/s p50 ${f(m.p50Ms, 1)} ms p99 ${f(m.p99Ms, 1)} ms errors ${m.errors} server cpu ${f(m.usage.serverCpu * 100)}% `
    + `generator cpu ${f(m.usage.generatorCpu * 100)}%${m.errorSamples.length ? ` [${m.errorSamples.join(' | ')}]` : ''}`;
}

async function startAll(plan: RunPlan, summaries: Map<string, TargetSummary>, instances: Instances): Promise<void> {
  const variants = [...new Set(plan.scenarios.map((s) => s.variant))];
  for (const target of plan.targets) {
    for (const variant of variants) {
      const options: StartOptions = { argon2: variantArgon2[variant], pin: plan.pin, nodeArgs: plan.nodeArgs?.(target, variant) ?? [] };
      let running = await target.start(options);
      const summary = summaries.get(target.name)!;
      if (variant === variants[0]) {
        summary.coldStartMs.push(running.startupMs);
        for (let i = 1; i < plan.coldStarts; i++) {
          running = await running.restart();
          summary.coldStartMs.push(running.startupMs);
        }
        await new Promise((r) => setTimeout(r, 1000));
        summary.rssIdleMb = memoryUsage(running.pid).rssMb;
      }
      instances.set(key(target, variant), running);
      plan.log(`started ${target.label} (${variant}) pid ${running.pid} in ${running.startupMs.toFixed(0)} ms`);
    }
  }
}

export async function runPlan(plan: RunPlan): Promise<{ samples: Sample[]; ceilings: Ceilings[]; targets: TargetSummary[] }> {
  const summaries = new Map<string, TargetSummary>(plan.targets.map((t) => [t.name, {
    name: t.name, label: t.label, coldStartMs: [], rssIdleMb: NaN, opsBeforeSoak: 0, rssBeforeSoakMb: NaN,
    soakOps: 0, soakErrors: 0, rssAfterSoakMb: NaN, peakRssMb: NaN,
  }]));
  const samples: Sample[] = [];
  const ceilings: Ceilings[] = [];
  const instances: Instances = new Map();
  try {
    await startAll(plan, summaries, instances);
    for (let round = 1; round <= plan.rounds; round++) {
      const measured = await measureCeilings({ durationMs: plan.ceilingMs, connections: plan.shape.connections, pin: plan.pin });
      ceilings.push(measured);
      plan.log(`round ${round}: ceilings rs256 ${measured.rs256.toFixed(0)}/s (jose ${measured.rs256Jose.toFixed(0)}/s) es256 ${measured.es256.toFixed(0)}/s eddsa ${measured.eddsa.toFixed(0)}/s argon2id ${measured.argon2.toFixed(1)}/s hello ${measured.hello.toFixed(0)}/s`);
      for (const scenario of plan.scenarios) {
        const order = round % 2 === 1 ? plan.targets : [...plan.targets].reverse();
        for (const target of order) {
          const running = instances.get(key(target, scenario.variant))!;
          const measurement = await measureScenario(scenario, running, plan.shape).catch(failed);
          samples.push({ scenario: scenario.name, target: target.name, round, measurement });
          summaries.get(target.name)!.opsBeforeSoak += measurement.ops;
          plan.log(`round ${round} ${scenario.name} ${target.label}: ${summarize(measurement)}`);
        }
      }
    }
    for (const target of plan.targets) {
      const running = instances.get(key(target, 'argon2')) ?? instances.get(key(target, 'plain'))!;
      const summary = summaries.get(target.name)!;
      summary.rssBeforeSoakMb = memoryUsage(running.pid).rssMb;
      if (plan.soakOps > 0) {
        const result = await soak(running, { amount: plan.soakOps, connections: plan.shape.connections }).catch(failed);
        summary.soakOps = result.ops;
        summary.soakErrors = result.errors;
        plan.log(`soak ${target.label}: ${summarize(result)}`);
      }
      const memory = memoryUsage(running.pid);
      summary.rssAfterSoakMb = memory.rssMb;
      summary.peakRssMb = memory.peakRssMb;
    }
  } finally {
    for (const running of instances.values()) await running.stop();
  }
  return { samples, ceilings, targets: [...summaries.values()] };
}
