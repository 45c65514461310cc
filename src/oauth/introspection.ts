// Token introspection (RFC 7662 §2.2) and who may ask (§2.1, §4): active:false for anything
// unknown, expired, revoked or rotated, and for a token the caller has no business seeing, without
// saying which. The caller is a client (RFC 6749 §2.3 authentication) or a registered resource
// (HTTP Basic with its identifier and introspection secret). The policy, in one place:
// - an access token: by the resource it is for (its `aud`, RFC 8707), or by the client it was issued to;
// - a refresh token: by the client it was issued to only;
// - `username` goes to those same callers (never to a pairwise client's, OIDC Core §8).
// `sub` is the subject the token's client knows the account by, as in its JWT access tokens.
import type { ResourceStore, Storage } from '../storage/ports.js';
import type { ClientRecord, ResourceRecord, TokenRecord } from '../storage/records.js';
import { digestsEqual } from '../lib/constant-time.js';
import { sha256Hex } from '../lib/digest.js';
import type { ClientResolver } from './client-resolver.js';
import { authenticateClient, InvalidClientError, type ClientAuthDeps } from './client-authentication.js';
import { clientSecretBasic } from './client-auth-methods/client-secret-basic.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';
import { refuseRepeatedParameters, type OAuthRequest } from './request.js';
import { resourceIdentifierProblem, normalizeResourceIdentifier } from './resource-indicator.js';
import { formatScope } from './scope.js';
import type { SubjectIdentifiers } from './subject-identifier.js';

export type IntrospectionResponse = { active: false } | {
  active: true;
  scope: string;
  client_id: string;
  username?: string;
  token_type: string;
  exp: number;
  iat: number;
  sub: string;
  aud: string;
  iss: string;
  /** RFC 9449 §6.2: the key a DPoP-bound token is bound to. */
  cnf?: { jkt: string };
  /** RFC 8693 §4.1 (§2.2 of RFC 7662 allows further claims): who acts for the subject of an exchanged token. */
  act?: Record<string, unknown>;
};

/** An authenticated introspection request: its caller is a client or a resource. */
export type IntrospectionRequest = { readonly params: Readonly<Record<string, string>> } & (
  { readonly client: ClientRecord; readonly resource?: undefined } | { readonly resource: ResourceRecord; readonly client?: undefined }
);

// Digest of a value no secret can have: an unknown resource costs the same comparison.
const impossibleDigest = sha256Hex('\u0000gatehouse-no-resource');

/**
 * RFC 7662 §2.1: the caller authenticates. HTTP Basic whose user is a registered resource
 * identifier is that resource's introspection secret; anything else is client authentication.
 */
export async function authenticateIntrospectionCaller(
  request: OAuthRequest, deps: { clientAuth: ClientAuthDeps; resources: ResourceStore },
): Promise<IntrospectionRequest> {
  const presented = clientSecretBasic.presented(request);
  const identifier = presented && resourceIdentifierProblem(presented.clientId) === null ? normalizeResourceIdentifier(presented.clientId) : null;
  const resource = identifier ? await deps.resources.find(identifier) : null;
  if (!resource) return authenticateClient(request, deps.clientAuth, { allowPublic: false });
  refuseRepeatedParameters(request);
  const matches = digestsEqual(sha256Hex(presented?.secret ?? ''), resource.introspectionSecretDigest ?? impossibleDigest);
  if (!matches || resource.introspectionSecretDigest === null) {
    throw new InvalidClientError('client authentication failed', true, { clientId: resource.identifier, method: 'resource_basic', reason: 'wrong resource secret' });
  }
  return { params: request.params, resource };
}

/** RFC 7662 §2.1, §4: may this caller learn about this token? */
export function mayIntrospect(request: IntrospectionRequest, record: TokenRecord): boolean {
  if (request.resource) return record.kind === 'access_token' && (record.resources ?? [])[0] === request.resource.identifier;
  return record.clientId === request.client.clientId;
}

export async function introspectToken(
  request: IntrospectionRequest,
  { storage, clients = storage.clients, issuer, now, subjects }: { storage: Storage; clients?: ClientResolver; issuer: string; now: number; subjects: SubjectIdentifiers },
): Promise<IntrospectionResponse> {
  const { params } = request;
  if (!params.token) throw new OAuthError('invalid_request', 'token is missing');
  const record = await storage.tokens.find(digestOf(params.token));
  if (!record || record.revokedAt !== null || record.rotatedAt !== null || record.expiresAt <= now) return { active: false };
  if (!mayIntrospect(request, record)) return { active: false };
  const account = record.accountId ? await storage.accounts.findById(record.accountId) : null;
  if (record.accountId && !account) return { active: false };
  const client = account ? await clients.find(record.clientId).catch(() => null) : null;
  if (account && !client) return { active: false };
  const pairwise = client?.metadata.subjectType === 'pairwise';
  return {
    active: true,
    scope: formatScope(record.scopes),
    client_id: record.clientId,
    ...(account && !pairwise ? { username: account.username } : {}),
    token_type: record.kind === 'access_token' ? (record.dpopJkt ? 'DPoP' : 'Bearer') : 'refresh_token',
    exp: record.expiresAt,
    iat: record.createdAt,
    sub: account && client ? subjects.subjectFor(client, account.accountId) : record.subject ?? record.clientId,
    aud: (record.resources ?? [])[0] ?? record.clientId,
    iss: issuer,
    ...(record.dpopJkt ? { cnf: { jkt: record.dpopJkt } } : {}),
    ...(record.act ? { act: record.act } : {}),
  };
}
