// Every scenario, in report order.
import { flow, flowNoHash, flowSso, flowSsoDpop, flowSsoEdDsa, flowSsoEs256, flowSsoParDpop, flowSsoPrivateKeyJwt } from './code-flow.js';
import { refresh } from './refresh.js';
import { endSession } from './end-session.js';
import { clientCredentials, discovery, introspect, jwks, tokenExchange, userinfo, userinfoDpop } from './fixed-requests.js';
import type { Scenario } from './scenario.js';

export const scenarios: Scenario[] = [
  flowSso, flowSsoEs256, flowSsoEdDsa, flowSsoPrivateKeyJwt, flowSsoDpop, flowSsoParDpop, refresh, endSession, flowNoHash, flow,
  clientCredentials, tokenExchange, introspect, userinfo, userinfoDpop, discovery, jwks,
];

export function findScenarios(names: string[] | undefined): Scenario[] {
  if (!names || names.length === 0) return scenarios;
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  return scenarios.filter((s) => names.includes(s.name));
}
