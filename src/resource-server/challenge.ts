// Renders a refusal as the HTTP answer RFC 6750 §3 prescribes: status, WWW-Authenticate, JSON body.
import { dpopAlgorithmsSupported } from '../oauth/dpop.js';
import { BearerError, VerifierUnavailableError } from './errors.js';

export interface RefusalResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** RFC 6750 §3 auth-param values are quoted-strings; §3 also restricts which characters they use. */
function quote(value: string): string {
  return `"${value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '')}"`;
}

/**
 * `Bearer realm="api", error="invalid_token", error_description="…"` (RFC 6750 §3), with
 * `resource_metadata="…"` when the API publishes protected resource metadata (RFC 9728 §5.1).
 */
export function bearerChallenge(realm: string, error?: BearerError, resourceMetadata?: string): string {
  const params = [`realm=${quote(realm)}`];
  // RFC 9449 §7.1: the DPoP scheme's challenge names the algorithms a proof may use.
  if (error?.scheme === 'DPoP') params.push(`algs=${quote(dpopAlgorithmsSupported.join(' '))}`);
  if (resourceMetadata !== undefined) params.push(`resource_metadata=${quote(resourceMetadata)}`);
  if (error?.code) {
    params.push(`error=${quote(error.code)}`, `error_description=${quote(error.message)}`);
    if (error.scope?.length) params.push(`scope=${quote(error.scope.join(' '))}`);
  }
  return `${error?.scheme ?? 'Bearer'} ${params.join(', ')}`;
}

/** The complete answer for a refused request; anything not a BearerError becomes a 503. */
export function refusalResponse(realm: string, error: unknown, resourceMetadata?: string): RefusalResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (error instanceof BearerError) {
    headers['www-authenticate'] = bearerChallenge(realm, error, resourceMetadata);
    const body = error.code ? { error: error.code, error_description: error.message } : { error_description: error.message };
    return { status: error.status, headers, body: JSON.stringify(body) };
  }
  const description = error instanceof VerifierUnavailableError
    ? 'the access token cannot be checked right now'
    : 'the access token could not be checked';
  headers['retry-after'] = '5';
  return { status: 503, headers, body: JSON.stringify({ error: 'temporarily_unavailable', error_description: description }) };
}
