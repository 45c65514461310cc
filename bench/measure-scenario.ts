// Runs one scenario against one running server: builds the relying party from discovery,
// prepares the workload (logins and tokens, untimed), then drives it with the right client.
import { createHttpClient } from './client/http-client.js';
import { createRelyingParty } from './client/oidc-client.js';
import { runClosedLoop } from './load/closed-loop.js';
import { runFixedRequests } from './load/open-connections.js';
import type { Measurement } from './load/measurement.js';
import type { Scenario } from './scenarios/scenario.js';
import type { RunningTarget } from './targets/target.js';

export interface LoadShape {
  /** Virtual users for stateful scenarios (flows, refresh). */
  users: number;
  /** Connections for autocannon scenarios. */
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export async function measureScenario(scenario: Scenario, target: RunningTarget, shape: LoadShape): Promise<Measurement> {
  const http = createHttpClient({ maxSockets: shape.users * 2 });
  try {
    const rp = await createRelyingParty(http, target.issuer, target.user);
    const workload = await scenario.prepare({ target, rp });
    const timing = { warmupMs: shape.warmupMs, durationMs: shape.durationMs, serverPid: target.pid };
    return workload.kind === 'loop'
      ? await runClosedLoop(workload.loop, { ...timing, concurrency: shape.users })
      : await runFixedRequests(workload.fixed, { ...timing, concurrency: shape.connections });
  } finally {
    http.close();
  }
}
