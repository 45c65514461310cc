// Asks the authorization server about an opaque token (RFC 7662 §2), authenticating as the
// resource server's registered resource (or a client), and turns the answer into a VerifiedAccessToken or a refusal.
import { BearerError, VerifierUnavailableError } from './errors.js';
import type { FetchLike } from './server-metadata.js';
import { parseScope, type VerifiedAccessToken } from './verified-access-token.js';

export interface IntrospectionCredentials {
  clientId: string;
  clientSecret: string;
  /** How to present them to the introspection endpoint (RFC 6749 §2.3.1). */
  authMethod: 'client_secret_basic' | 'client_secret_post';
}

export interface IntrospectionPolicy {
  issuer: string;
  audience: readonly string[];
  clockToleranceSeconds: number;
  now: () => number;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export async function introspect(
  token: string,
  endpoint: string,
  credentials: IntrospectionCredentials,
  { fetchImpl, timeoutMs }: { fetchImpl: FetchLike; timeoutMs: number },
): Promise<Record<string, unknown>> {
  const body = new URLSearchParams({ token, token_type_hint: 'access_token' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (credentials.authMethod === 'client_secret_basic') {
    headers.authorization = basicCredentials(credentials.clientId, credentials.clientSecret);
  } else {
    body.set('client_id', credentials.clientId);
    body.set('client_secret', credentials.clientSecret);
  }
  let response: Response;
  try {
    response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new VerifierUnavailableError('the introspection endpoint is unreachable', { cause });
  }
  // A 401 here is about our own credentials, not the caller's token.
  if (!response.ok) throw new VerifierUnavailableError(`the introspection endpoint answered ${response.status}`);
  const answer: unknown = await response.json().catch(() => null);
  if (answer === null || typeof answer !== 'object' || typeof (answer as { active?: unknown }).active !== 'boolean') {
    throw new VerifierUnavailableError('the introspection endpoint answered with something other than RFC 7662 JSON');
  }
  return answer as Record<string, unknown>;
}

/** RFC 7662 §4: the resource server still checks what the answer says, beyond `active`. */
export function acceptIntrospection(answer: Record<string, unknown>, policy: IntrospectionPolicy): VerifiedAccessToken {
  const invalid = (why: string) => new BearerError('invalid_token', why);
  if (answer.active !== true) throw invalid('the access token is not active');
  const now = policy.now();
  const { exp, nbf, iss, aud, token_type: tokenType, sub, client_id: clientId } = answer;
  if (typeof exp === 'number' && exp + policy.clockToleranceSeconds <= now) throw invalid('the access token has expired');
  if (typeof nbf === 'number' && nbf - policy.clockToleranceSeconds > now) throw invalid('the access token is not yet valid');
  if (iss !== undefined && iss !== policy.issuer) throw invalid('the access token is from another issuer');
  // A refresh token is "active" too; only an access token may be presented as a bearer credential.
  // DPoP-bound access tokens introspect as token_type DPoP (RFC 9449 §6.2); the binding is checked by the verifier.
  if (typeof tokenType === 'string' && !['bearer', 'dpop'].includes(tokenType.toLowerCase())) throw invalid('this is not an access token');
  if (aud !== undefined) {
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.some((a) => policy.audience.includes(a as string))) throw invalid('the access token is meant for another audience');
  }
  if (typeof clientId !== 'string') throw invalid('the access token is invalid');
  return {
    format: 'opaque',
    subject: typeof sub === 'string' ? sub : clientId,
    clientId,
    scopes: parseScope(answer.scope),
    // Without exp the cache bound alone limits how long the answer is trusted.
    expiresAt: typeof exp === 'number' ? exp : Number.MAX_SAFE_INTEGER,
    claims: answer,
  };
}
