// Load from autocannon for stateless requests (discovery, jwks, client_credentials, introspect,
// userinfo), where a Node http client would saturate its own core before the server's.
import autocannon, { type AutocannonRequest } from 'autocannon';
import { startWindow } from '../measure/process-stats.js';
import type { LoadOptions, Measurement } from './measurement.js';

export interface FixedRequestWorkload {
  origin: string;
  requests: AutocannonRequest[];
  /** Checks each response body, so a 200 that says `active: false` still counts as an error. */
  verifyBody?: (body: string) => boolean;
  pipelining?: number;
}

export async function runFixedRequests(workload: FixedRequestWorkload, options: LoadOptions & { amount?: number }): Promise<Measurement> {
  const base = {
    url: workload.origin,
    connections: options.concurrency,
    pipelining: workload.pipelining ?? 1,
    requests: workload.requests,
    timeout: 30,
    ...(workload.verifyBody ? { verifyBody: workload.verifyBody } : {}),
  };
  if (options.warmupMs > 0) await autocannon({ ...base, duration: options.warmupMs / 1000 });
  const endWindow = startWindow(options.serverPid);
  const result = await autocannon(options.amount ? { ...base, amount: options.amount } : { ...base, duration: options.durationMs / 1000 });
  const usage = endWindow();
  const errors = result.errors + result.non2xx + result.mismatches;
  const errorSamples = Object.entries(result.statusCodeStats)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, { count }]) => `HTTP ${status} x${count}`);
  if (result.mismatches) errorSamples.push(`${result.mismatches} bodies failed the check`);
  if (result.errors) errorSamples.push(`${result.errors} connection errors or timeouts`);
  const ops = result.requests.total - result.non2xx - result.mismatches;
  return {
    ops,
    errors,
    opsPerSec: ops / usage.seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errorSamples,
    usage,
    client: 'autocannon',
  };
}
