// The outcome of one timed run of one scenario against one server.
import type { WindowUsage } from '../measure/process-stats.js';

export interface Measurement {
  ops: number;
  errors: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Up to five distinct error messages, for the log (never tokens). */
  errorSamples: string[];
  usage: WindowUsage;
  /** Which client produced the load. */
  client: 'closed-loop' | 'autocannon';
}

export interface LoadOptions {
  /** Virtual users (closed loop) or connections (autocannon). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  serverPid: number;
}

export function sampleError(samples: string[], error: unknown): void {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 200);
  if (samples.length < 5 && !samples.includes(message)) samples.push(message);
}
