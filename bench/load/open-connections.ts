// Load from autocannon for stateless requests (discovery, jwks, client_credentials, introspect,
// userinfo), where a Node http client would saturate its own core before the server's.
// Latency percentiles come from each response's own time (fractional ms, as autocannon measures
// it), not from autocannon's histogram, which keeps whole milliseconds: at a p50 of 2 ms its
// rounding alone could move p99 ÷ p50 by half.
import { createHistogram } from 'node:perf_hooks';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { startWindow } from '../measure/process-stats.js';
import type { LoadOptions, Measurement } from './measurement.js';

export interface FixedRequestWorkload {
  origin: string;
  requests: AutocannonRequest[];
  /** Checks each response body, so a 200 that says `active: false` still counts as an error. */
  verifyBody?: (body: string) => boolean;
  pipelining?: number;
  /** Called once the load is over (stops whatever the workload keeps running, such as a proof signer). */
  finish?: () => void;
}

export async function runFixedRequests(workload: FixedRequestWorkload, options: LoadOptions & { amount?: number }): Promise<Measurement> {
  try {
    return await drive(workload, options);
  } finally {
    workload.finish?.();
  }
}

async function drive(workload: FixedRequestWorkload, options: LoadOptions & { amount?: number }): Promise<Measurement> {
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
  const instance = autocannon(options.amount ? { ...base, amount: options.amount } : { ...base, duration: options.durationMs / 1000 });
  // Like autocannon's own histogram: successful (2xx) responses only.
  const latency = createHistogram();
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    if (statusCode >= 200 && statusCode < 300) latency.record(Math.max(1, Math.round(ms * 1e6)));
  });
  const result = await instance;
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
    p50Ms: latency.count ? latency.percentile(50) / 1e6 : NaN,
    p99Ms: latency.count ? latency.percentile(99) / 1e6 : NaN,
    errorSamples,
    usage,
    client: 'autocannon',
  };
}
