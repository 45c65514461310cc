// The memory soak: a fixed number of mixed operations (client_credentials, introspect, userinfo)
// through autocannon, to compare the server's RSS before and after.
import { createHttpClient } from './client/http-client.js';
import { createRelyingParty } from './client/oidc-client.js';
import { runFixedRequests, type FixedRequestWorkload } from './load/open-connections.js';
import type { Measurement } from './load/measurement.js';
import { clientCredentials, introspect, userinfo } from './scenarios/fixed-requests.js';
import type { RunningTarget } from './targets/target.js';

export async function soak(target: RunningTarget, { amount, connections }: { amount: number; connections: number }): Promise<Measurement> {
  const http = createHttpClient();
  try {
    const rp = await createRelyingParty(http, target.issuer, target.user);
    const parts: FixedRequestWorkload[] = [];
    for (const scenario of [clientCredentials, introspect, userinfo]) {
      const workload = await scenario.prepare({ target, rp });
      if (workload.kind !== 'fixed') throw new Error(`${scenario.name} is not a fixed-request scenario`);
      parts.push(workload.fixed);
    }
    const [first] = parts;
    if (!first) throw new Error('nothing to soak with');
    return await runFixedRequests(
      {
        origin: first.origin,
        requests: parts.flatMap((p) => p.requests),
        verifyBody: (body) => parts.some((p) => p.verifyBody?.(body) ?? true),
      },
      { concurrency: connections, warmupMs: 0, durationMs: 0, serverPid: target.pid, amount },
    );
  } finally {
    http.close();
  }
}
