// What private_key_jwt and client_secret_jwt share (RFC 7523 §2.2 and §3, RFC 7521 §4.2, OIDC
// Core §9): reading `client_assertion` and `client_assertion_type`, and the claim rules once the
// signature verifies — iss = sub = client_id, aud naming this server, a bounded exp, iat/nbf
// within a small skew, and a jti used once (the replay cache). Failures are invalid_client with a
// description that says what was wrong, never a key or a secret.
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { sha256Hex } from '../../lib/digest.js';
import type { Clock } from '../../lib/clock.js';
import type { ReplayCacheStore } from '../../storage/ports.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../../storage/records.js';
import { InvalidClientError } from '../errors.js';
import type { OAuthRequest } from '../request.js';
import { ClientKeysError, type ClientKeySource } from '../client-keys.js';
import type { PresentedCredentials } from './method.js';

/** RFC 7523 §2.2. */
export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric only: never `none`, never an HMAC (RFC 7518 §3.1). */
export const privateKeyJwtAlgorithms: readonly string[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
export const clientSecretJwtAlgorithms: readonly string[] = ['HS256', 'HS384', 'HS512'];

/** What the JWT methods need beyond the client store; wired once per server (app.ts). */
export interface ClientAssertionDeps {
  issuer: string;
  clock: Clock;
  replayCache: ReplayCacheStore;
  clientKeys: ClientKeySource;
  /** Seconds an assertion's exp may lie ahead of now. */
  maxLifetime: number;
  /** Seconds of clock difference tolerated on exp, nbf and iat. */
  clockSkew: number;
  /** The client_secret_jwt client's secret, opened from its sealed copy; null when none is stored. */
  clientSecret(client: ClientRecord): string | null;
}

function refused(description: string, method: TokenEndpointAuthMethod, clientId: string | undefined, reason = description): InvalidClientError {
  return new InvalidClientError(description, false, { ...(clientId !== undefined ? { clientId } : {}), method, reason });
}

/**
 * The credentials of a request carrying a client assertion, when its JWS alg belongs to
 * `family` (HS* to client_secret_jwt, anything else to private_key_jwt, so one assertion is
 * presented to exactly one method); undefined when the request carries none. The client id is
 * the body's client_id or, without one, the assertion's sub (RFC 7521 §4.2).
 */
export function presentedAssertion(request: OAuthRequest, method: TokenEndpointAuthMethod, family: 'hmac' | 'asymmetric'): PresentedCredentials | undefined {
  const type = request.params.client_assertion_type;
  const assertion = request.params.client_assertion;
  if (type === undefined && assertion === undefined) return undefined;
  const bodyClientId = request.params.client_id;
  // RFC 7521 §4.2.1: an unusable assertion parameter is invalid_client.
  if (type !== jwtBearerAssertionType) throw refused(`client_assertion_type must be ${jwtBearerAssertionType}`, method, bodyClientId);
  if (!assertion) throw refused('client_assertion is missing', method, bodyClientId);
  let alg: unknown;
  let sub: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    sub = decodeJwt(assertion).sub;
  } catch {
    throw refused('client_assertion is not a JWT in compact serialization', method, bodyClientId);
  }
  const hmac = typeof alg === 'string' && alg.startsWith('HS');
  if (hmac !== (family === 'hmac')) return undefined;
  const clientId = bodyClientId ?? (typeof sub === 'string' ? sub : '');
  if (bodyClientId !== undefined && sub !== bodyClientId) {
    throw refused('client_id does not match the client_assertion sub (RFC 7521 §4.2)', method, bodyClientId);
  }
  return { clientId, assertion };
}

/** The algorithms a client may use: the method's, narrowed to its registered one when set. */
export function allowedAlgorithms(client: ClientRecord, methodAlgorithms: readonly string[]): readonly string[] {
  const registered = client.metadata.tokenEndpointAuthSigningAlg;
  return registered ? methodAlgorithms.filter((alg) => alg === registered) : methodAlgorithms;
}

/** The assertion's alg if `client` may use it, else invalid_client naming the allowed ones. */
export function checkedAlgorithm(assertion: string, client: ClientRecord, method: TokenEndpointAuthMethod, methodAlgorithms: readonly string[]): string {
  const alg = decodeProtectedHeader(assertion).alg;
  const allowed = allowedAlgorithms(client, methodAlgorithms);
  if (typeof alg !== 'string' || !allowed.includes(alg)) {
    throw refused(`client_assertion alg ${String(alg ?? 'missing')} is not allowed for this client, registered for ${client.tokenEndpointAuthMethod} (use ${allowed.join(', ') || 'none available'})`,
      method, client.clientId);
  }
  return alg;
}

/** jose's verdict in words the client can act on. */
function describeJoseError(error: unknown): string {
  if (error instanceof ClientKeysError) return error.message;
  if (error instanceof joseErrors.JWTExpired) return 'client_assertion has expired (exp)';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'client_assertion is not yet valid (nbf)';
    if (error.reason === 'missing') return `client_assertion must carry the ${error.claim} claim (RFC 7523 §3)`;
    return `client_assertion claim ${error.claim} is invalid`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key registered for the client matches the client_assertion (unknown kid or key type)';
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return 'several registered keys match the client_assertion: name one with kid';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'client_assertion signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'client_assertion alg is not allowed';
  if (error instanceof joseErrors.JOSEError) return 'client_assertion cannot be verified';
  throw error;
}

function audienceAccepted(aud: JWTPayload['aud'], accepted: readonly string[]): boolean {
  // RFC 7523 §3 item 3 allows an array; draft-ietf-oauth-rfc7523bis asks for the issuer as a single
  // string. Every value must name this server, so an audience shared with another party fails.
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  return values.length > 0 && values.every((value) => accepted.includes(value));
}

/**
 * Verifies the assertion with `verify` (the method's key), then the claims, then spends its jti.
 * The replay cache is written only for an assertion whose signature and claims hold, so nobody
 * can burn another client's jti values.
 */
export async function verifyClientAssertion(
  assertion: string,
  client: ClientRecord,
  request: OAuthRequest,
  method: TokenEndpointAuthMethod,
  alg: string,
  verify: (jwt: string, options: JWTVerifyOptions) => Promise<JWTPayload>,
  deps: ClientAssertionDeps,
): Promise<true> {
  const fail = (description: string) => refused(description, method, client.clientId);
  const now = deps.clock();
  let payload: JWTPayload;
  try {
    payload = await verify(assertion, {
      algorithms: [alg], currentDate: new Date(now * 1000), clockTolerance: deps.clockSkew,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
    });
  } catch (error) {
    throw fail(describeJoseError(error));
  }
  if (payload.iss !== client.clientId || payload.sub !== client.clientId) {
    throw fail('client_assertion iss and sub must both be the client_id (RFC 7523 §3)');
  }
  if (!audienceAccepted(payload.aud, [deps.issuer, request.url])) {
    throw fail(`client_assertion aud must be the issuer ${deps.issuer} or this endpoint's URL ${request.url} (RFC 7523 §3)`);
  }
  const exp = payload.exp!;
  if (exp > now + deps.maxLifetime + deps.clockSkew) {
    throw fail(`client_assertion exp is more than ${deps.maxLifetime} seconds ahead`);
  }
  if (payload.iat !== undefined && payload.iat > now + deps.clockSkew) throw fail('client_assertion iat is in the future');
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 512) {
    throw fail('client_assertion jti must be a non-empty string');
  }
  const key = sha256Hex(`client_assertion\n${client.clientId}\n${payload.jti}`);
  if (!(await deps.replayCache.use(key, exp + deps.clockSkew, now))) {
    throw fail('client_assertion was already used: its jti has been seen before (RFC 7523 §3)');
  }
  return true;
}
