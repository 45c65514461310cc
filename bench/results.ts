// The data a bench run produces, kept as JSON beside the report and rendered by report/.
import type { Measurement } from './load/measurement.js';
import type { Ceilings } from './ceilings/measure-ceilings.js';

export interface Sample {
  scenario: string;
  target: string;
  round: number;
  measurement: Measurement;
}

export interface TargetSummary {
  name: string;
  label: string;
  coldStartMs: number[];
  rssIdleMb: number;
  /** Operations served before the soak (the rounds). */
  opsBeforeSoak: number;
  rssBeforeSoakMb: number;
  soakOps: number;
  soakErrors: number;
  rssAfterSoakMb: number;
  peakRssMb: number;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  versions: Record<string, string>;
  commit: string;
}

export interface RunResult {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  settings: { rounds: number; durationMs: number; warmupMs: number; users: number; connections: number; pinned: boolean; soakOps: number };
  /** `writes` is absent in runs saved before it was recorded. */
  scenarios: Array<{ name: string; operation: string; ceiling: string; variant: string; writes?: boolean }>;
  targets: TargetSummary[];
  ceilings: Ceilings[];
  samples: Sample[];
}
