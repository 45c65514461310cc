// A benchmark scenario: one operation counted end to end, the server variant it needs, the
// ceiling it is compared with, and how to build its load from a running target.
import type { RelyingParty } from '../client/oidc-client.js';
import type { LoopWorkload } from '../load/closed-loop.js';
import type { FixedRequestWorkload } from '../load/open-connections.js';
import type { RunningTarget } from '../targets/target.js';

/** `argon2`: the production argon2id parameters; `plain`: the cheapest allowed, to isolate protocol cost. */
export type ServerVariant = 'argon2' | 'plain';

/**
 * rs256: node:crypto RS256 signatures/s (how Gatehouse signs); rs256Jose: the same through jose,
 * reported only; es256, eddsa: node:crypto ES256 (P-256) and EdDSA (Ed25519) signatures/s;
 * argon2: argon2id verifications/s; hello: bare Fastify req/s.
 */
export type CeilingName = 'rs256' | 'rs256Jose' | 'es256' | 'eddsa' | 'argon2' | 'hello';

export interface ScenarioContext {
  target: RunningTarget;
  rp: RelyingParty;
}

export type Workload =
  | { kind: 'loop'; loop: LoopWorkload<unknown> }
  | { kind: 'fixed'; fixed: FixedRequestWorkload };

export interface Scenario {
  name: string;
  /** One line for the report: what one operation is. */
  operation: string;
  variant: ServerVariant;
  ceiling: CeilingName;
  /** Whether an operation writes to storage: the report holds these to p99 within 3× of p50 (issue 9). */
  writes: boolean;
  prepare(context: ScenarioContext): Promise<Workload>;
}

export function loop<State>(workload: LoopWorkload<State>): Workload {
  return { kind: 'loop', loop: workload as LoopWorkload<unknown> };
}

/** Splits an absolute endpoint URL into the origin autocannon connects to and the request path. */
export function endpoint(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}
