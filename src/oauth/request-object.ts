// Request objects (RFC 9101, OIDC Core §6): the authorization request's parameters in a JWT, by
// value (`request`) or by reference (`request_uri`, fetched through lib/outbound-fetch: https
// only, size limit, timeout, public addresses only). Signed objects are verified with the
// client's registered keys (RS256, PS256, ES256, EdDSA; its requestObjectSigningAlg when set);
// unsigned ones (`alg: none`) only when the policy allows. Runs before the client and redirect
// URI are trusted: its errors redirect only once the query's own redirect_uri is verified
// (endpoints/authorize.ts). What the object yields is plain wire parameters, so every later
// step (and a resumed interaction) reads them as if they had been sent in the query.
//
// Precedence: an OAuth request (no `openid` scope) uses the object's parameters only, the query
// being ignored but for client_id (RFC 9101 §5); an OpenID request merges, the object's values
// superseding the query's (OIDC Core §6.3.3), whose response_type and client_id must match the
// object's when both are sent (OIDC Core §6.1).
import { decodeProtectedHeader, errors as joseErrors, UnsecuredJWT, type JWTPayload } from 'jose';
import type { Clock } from '../lib/clock.js';
import { OutboundFetchError, type OutboundFetch } from '../lib/outbound-fetch/index.js';
import type { ClientStore } from '../storage/ports.js';
import type { ClientRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';
import { ClientKeysError, verifyWithClientKeys, type ClientKeySource } from './client-keys.js';

/** Signed request objects: asymmetric algs only (RFC 9101 §10.2; no shared-secret MACs). */
export const requestObjectAlgorithms: readonly string[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export interface RequestObjectPolicy {
  issuer: string;
  requestParameter: boolean;
  requestUriParameter: boolean;
  requireRequestUriRegistration: boolean;
  allowUnsignedRequestObjects: boolean;
  jwtClockSkew: number;
}

export interface RequestObjectDeps {
  clients: ClientStore;
  clientKeys: ClientKeySource;
  /** Outbound fetch with the request_uri size limit. */
  fetch: OutboundFetch;
  clock: Clock;
  policy: RequestObjectPolicy;
}

export interface ResolvedParameters {
  params: Record<string, string>;
  duplicated: readonly string[];
}

// Claims of the JWT itself, not authorization request parameters.
const jwtClaims = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub']);
const maxRequestUriLength = 512; // RFC 9101 §5.2: SHOULD NOT exceed 512 ASCII characters.

const invalidObject = (description: string, cause?: unknown) => new OAuthError('invalid_request_object', description, { cause });
const invalidUri = (description: string, cause?: unknown) => new OAuthError('invalid_request_uri', description, { cause });

/** True when the request carries a request object, by value or by reference. */
export function hasRequestObject(params: Record<string, string>): boolean {
  return params.request !== undefined || params.request_uri !== undefined;
}

const withoutFragment = (uri: string) => uri.split('#')[0]!;

async function fetchRequestUri(uri: string, client: ClientRecord, deps: RequestObjectDeps): Promise<string> {
  if (uri.length > maxRequestUriLength) throw invalidUri(`request_uri must not exceed ${maxRequestUriLength} characters (RFC 9101 §5.2)`);
  if (!URL.canParse(uri) || new URL(uri).protocol !== 'https:') throw invalidUri('request_uri must be an absolute https URL (OIDC Core §6.2)');
  const registered = client.metadata.requestUris ?? [];
  if ((deps.policy.requireRequestUriRegistration || registered.length > 0)
    && !registered.some((r) => withoutFragment(r) === withoutFragment(uri))) {
    throw invalidUri('request_uri is not registered for this client (OIDC Core §6.2)');
  }
  let response;
  try {
    response = await deps.fetch({ url: uri, method: 'GET', headers: { accept: 'application/oauth-authz-req+jwt, application/jwt' } });
  } catch (error) {
    const reason = error instanceof OutboundFetchError ? error.reason : 'network';
    const why = reason === 'too_large' ? 'the request object there is too large'
      : reason === 'forbidden_address' ? 'it points to a non-public address'
        : reason === 'timeout' ? 'it did not answer in time'
          : reason === 'redirect' ? 'it answered with a redirect, which is not followed'
            : 'it could not be reached';
    throw invalidUri(`request_uri could not be fetched: ${why}`, error);
  }
  if (response.status !== 200) throw invalidUri(`request_uri answered ${response.status}, not 200`);
  return response.body.toString('utf8').trim();
}

function describeVerifyError(error: unknown): string {
  if (error instanceof ClientKeysError) return error.message;
  if (error instanceof joseErrors.JWTExpired) return 'the request object has expired (exp)';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the request object's ${error.claim} claim is invalid`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key registered for the client matches the request object (unknown kid or key type)';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the request object signature does not verify';
  return 'the request object cannot be verified';
}

/** The object's claims, verified (or, when allowed, unsigned). */
async function verifiedClaims(jwt: string, client: ClientRecord, deps: RequestObjectDeps): Promise<JWTPayload> {
  const parts = jwt.split('.');
  if (parts.length === 5) throw invalidObject('encrypted request objects are not supported');
  if (parts.length !== 3) throw invalidObject('the request object is not a JWT in compact serialization');
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(jwt).alg;
  } catch (error) {
    throw invalidObject('the request object has no readable JOSE header', error);
  }
  const now = deps.clock();
  const timing = { currentDate: new Date(now * 1000), clockTolerance: deps.policy.jwtClockSkew };
  const registered = client.metadata.requestObjectSigningAlg;
  if (alg === 'none') {
    if (!deps.policy.allowUnsignedRequestObjects || (registered !== undefined && registered !== 'none')) {
      throw invalidObject(`unsigned request objects (alg none) are not accepted: sign it with ${registered ?? requestObjectAlgorithms.join(', ')}`);
    }
    try {
      return UnsecuredJWT.decode(jwt, timing).payload;
    } catch (error) {
      throw invalidObject(describeVerifyError(error), error);
    }
  }
  const allowed = registered ? requestObjectAlgorithms.filter((a) => a === registered) : requestObjectAlgorithms;
  if (typeof alg !== 'string' || !allowed.includes(alg)) {
    throw invalidObject(`request object alg ${String(alg ?? 'missing')} is not allowed (use ${allowed.join(', ') || 'none'})`);
  }
  try {
    return (await verifyWithClientKeys(jwt, client, deps.clientKeys, { algorithms: [alg], ...timing })).payload;
  } catch (error) {
    throw invalidObject(describeVerifyError(error), error);
  }
}

/** A claim as the single-valued wire parameter the later steps read. */
function wireValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function objectParameters(claims: JWTPayload, client: ClientRecord, issuer: string): Record<string, string> {
  if (claims.iss !== undefined && claims.iss !== client.clientId) throw invalidObject('the request object iss must be the client_id (RFC 9101 §4)');
  if (claims.aud !== undefined) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(issuer)) throw invalidObject(`the request object aud must be the issuer ${issuer} (RFC 9101 §4)`);
  }
  if (claims.client_id !== undefined && claims.client_id !== client.clientId) {
    throw invalidObject('client_id in the request object does not match the client_id parameter (RFC 9101 §5)');
  }
  if (claims.request !== undefined || claims.request_uri !== undefined) {
    throw invalidObject('a request object must not contain request or request_uri (RFC 9101 §4)');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (jwtClaims.has(name) || value === null || value === undefined) continue;
    // RFC 8707 §2.1: several resources are an array of strings; joined as the form parser joins repeats.
    const text = name === 'resource' && Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(' ') : wireValue(value);
    if (text !== '') params[name] = text;
  }
  return params;
}

/**
 * The authorization request's parameters with its request object applied; the same ones when it
 * carries none, or when its client is unknown (the next step reports that as a page). Throws
 * OAuthError: invalid_request_object, invalid_request_uri, request_not_supported,
 * request_uri_not_supported, invalid_request.
 */
export async function resolveRequestObject(
  params: Record<string, string>, duplicated: readonly string[], deps: RequestObjectDeps,
): Promise<ResolvedParameters> {
  if (!hasRequestObject(params)) return { params, duplicated };
  const clientId = params.client_id;
  const client = clientId && !duplicated.includes('client_id') ? await deps.clients.find(clientId) : null;
  if (!client) return { params, duplicated };
  if (duplicated.includes('request') || duplicated.includes('request_uri')) throw new OAuthError('invalid_request', 'request and request_uri must not be repeated');
  if (params.request !== undefined && params.request_uri !== undefined) {
    throw new OAuthError('invalid_request', 'send request or request_uri, not both (RFC 9101 §5)');
  }
  if (params.request !== undefined && !deps.policy.requestParameter) throw new OAuthError('request_not_supported', 'request objects by value are not supported');
  if (params.request_uri !== undefined && !deps.policy.requestUriParameter) throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');

  const jwt = params.request ?? await fetchRequestUri(params.request_uri!, client, deps);
  const object = objectParameters(await verifiedClaims(jwt, client, deps), client, deps.policy.issuer);
  const { request: _request, request_uri: _requestUri, ...query } = params;
  const openid = (object.scope ?? query.scope ?? '').split(' ').includes('openid');
  if (!openid) {
    // RFC 9101 §5: only the object's parameters count; client_id is the query's (matched above).
    return { params: { ...object, client_id: client.clientId }, duplicated: duplicated.filter((name) => name === 'client_id') };
  }
  // OIDC Core §6.1: response_type and client_id in the query must match the object's.
  if (query.response_type !== undefined && object.response_type !== undefined && query.response_type !== object.response_type) {
    throw invalidObject('response_type in the request object does not match the response_type parameter (OIDC Core §6.1)');
  }
  // OIDC Core §6.3.3: the object's values supersede the query's.
  return { params: { ...query, ...object }, duplicated: duplicated.filter((name) => !(name in object)) };
}
