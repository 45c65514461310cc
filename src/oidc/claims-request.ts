// The `claims` request parameter (OIDC Core §5.5): individual claims asked for the ID token and
// for UserInfo, each null or { essential, value, values } (§5.5.1). Validated at /authorize;
// the normalised JSON travels with the code and the tokens (records.ts `claims`).
import { OAuthError } from '../oauth/errors.js';

/** One requested claim (OIDC Core §5.5.1); null in the request means "asked for, default manner". */
export interface ClaimRequest {
  essential?: boolean;
  value?: unknown;
  values?: unknown[];
}

export type ClaimsTarget = 'userinfo' | 'id_token';

export type ClaimsRequest = Partial<Record<ClaimsTarget, Record<string, ClaimRequest | null>>>;

const targets: readonly ClaimsTarget[] = ['userinfo', 'id_token'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(description: string): never {
  throw new OAuthError('invalid_request', `claims: ${description}`);
}

/**
 * Parses and checks the parameter; null when absent. Members other than userinfo and id_token
 * are ignored, as are unknown members of a claim's object (§5.5: "MUST be ignored").
 */
export function parseClaimsRequest(value: string | undefined): ClaimsRequest | null {
  if (value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    invalid('must be a JSON object (OIDC Core §5.5)');
  }
  if (!isObject(parsed)) invalid('must be a JSON object (OIDC Core §5.5)');
  const request: ClaimsRequest = {};
  for (const target of targets) {
    const member = parsed[target];
    if (member === undefined) continue;
    if (!isObject(member)) invalid(`${target} must be a JSON object`);
    const claims: Record<string, ClaimRequest | null> = {};
    for (const [name, spec] of Object.entries(member)) {
      if (spec === null) {
        claims[name] = null;
        continue;
      }
      if (!isObject(spec)) invalid(`${target}.${name} must be null or a JSON object`);
      const claim: ClaimRequest = {};
      if (spec.essential !== undefined) {
        if (typeof spec.essential !== 'boolean') invalid(`${target}.${name}.essential must be true or false`);
        claim.essential = spec.essential;
      }
      if (spec.value !== undefined) claim.value = spec.value;
      if (spec.values !== undefined) {
        if (!Array.isArray(spec.values)) invalid(`${target}.${name}.values must be an array`);
        claim.values = spec.values;
      }
      claims[name] = claim;
    }
    request[target] = claims;
  }
  return request;
}

/** The normalised form stored with codes and tokens; null when nothing was asked. */
export function serializeClaimsRequest(request: ClaimsRequest | null): string | null {
  if (request === null || (request.userinfo === undefined && request.id_token === undefined)) return null;
  return JSON.stringify(request);
}

/** Reads what serializeClaimsRequest stored (already validated). */
export function storedClaimsRequest(json: string | null | undefined): ClaimsRequest | null {
  return json ? JSON.parse(json) as ClaimsRequest : null;
}

/** Every claim name the request asks for, in either member. */
export function requestedClaimNames(request: ClaimsRequest | null): string[] {
  if (request === null) return [];
  return [...new Set([...Object.keys(request.userinfo ?? {}), ...Object.keys(request.id_token ?? {})])];
}

/** §5.5.1: a claim asked for with `value` or `values` is released only when it has one of them. */
export function matchesRequestedValue(spec: ClaimRequest | null, actual: unknown): boolean {
  if (spec === null) return true;
  if (spec.value !== undefined && spec.value !== actual) return false;
  if (spec.values !== undefined && !spec.values.includes(actual)) return false;
  return true;
}
