// Token introspection (RFC 7662 §2.2): active:false for anything unknown, expired, revoked or
// rotated, without saying which. `sub` is the subject the token's client knows the account by
// (OIDC Core §8: pairwise for a pairwise client, which is then never told the username either).
import type { Storage } from '../storage/ports.js';
import type { AuthenticatedRequest } from './request.js';
import type { ClientResolver } from './client-resolver.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';
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
};

export async function introspectToken(
  { params }: AuthenticatedRequest,
  { storage, clients = storage.clients, issuer, now, subjects }: { storage: Storage; clients?: ClientResolver; issuer: string; now: number; subjects: SubjectIdentifiers },
): Promise<IntrospectionResponse> {
  // Any authenticated confidential client may introspect (a resource server is one); the
  // caller's identity is logged by the endpoint.
  if (!params.token) throw new OAuthError('invalid_request', 'token is missing');
  const record = await storage.tokens.find(digestOf(params.token));
  if (!record || record.revokedAt !== null || record.rotatedAt !== null || record.expiresAt <= now) return { active: false };
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
    token_type: record.kind === 'access_token' ? 'Bearer' : 'refresh_token',
    exp: record.expiresAt,
    iat: record.createdAt,
    sub: account && client ? subjects.subjectFor(client, account.accountId) : record.clientId,
    aud: record.clientId,
    iss: issuer,
  };
}
