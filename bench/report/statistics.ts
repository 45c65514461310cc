// Medians across rounds, per scenario and target: the numbers the report prints.
import type { RunResult, Sample } from '../results.js';
import type { CeilingName } from '../scenarios/scenario.js';

export function median(values: number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

export interface ScenarioFigures {
  rounds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  ops: number;
  serverCpu: number;
  generatorCpuMax: number;
  peakRssMb: number;
  client: string;
  errorSamples: string[];
}

export function figures(samples: Sample[]): ScenarioFigures {
  const m = samples.map((s) => s.measurement);
  return {
    rounds: m.length,
    opsPerSec: median(m.map((x) => x.opsPerSec)),
    p50Ms: median(m.map((x) => x.p50Ms)),
    p99Ms: median(m.map((x) => x.p99Ms)),
    errors: m.reduce((sum, x) => sum + x.errors, 0),
    ops: m.reduce((sum, x) => sum + x.ops, 0),
    serverCpu: median(m.map((x) => x.usage.serverCpu)),
    generatorCpuMax: Math.max(...m.map((x) => x.usage.generatorCpu).filter(Number.isFinite), 0),
    peakRssMb: Math.max(...m.map((x) => x.usage.serverPeakRssMb).filter(Number.isFinite), 0),
    client: m[0]?.client ?? '-',
    errorSamples: [...new Set(m.flatMap((x) => x.errorSamples))].slice(0, 5),
  };
}

export function figuresFor(result: RunResult, scenario: string, target: string): ScenarioFigures {
  return figures(result.samples.filter((s) => s.scenario === scenario && s.target === target));
}

export function medianCeiling(result: RunResult, name: CeilingName): number {
  return median(result.ceilings.map((c) => c[name]));
}
