// Token revocation (RFC 7009 §2.1): revoking a refresh token revokes its whole grant, access
// tokens included; an access token is revoked alone. Unknown tokens and tokens of other
// clients are answered like successes (§2.2), so the endpoint reveals nothing.
import type { Storage } from '../storage/ports.js';
import type { AuthenticatedRequest } from './request.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';

export async function revokeToken(
  { params, client: caller }: AuthenticatedRequest,
  { storage, now }: { storage: Storage; now: number },
): Promise<{ revoked: boolean }> {
  if (!params.token) throw new OAuthError('invalid_request', 'token is missing');
  // RFC 7009 §2.1: token_type_hint only speeds up the lookup; one digest lookup covers every type.
  const record = await storage.tokens.find(digestOf(params.token));
  if (!record || record.clientId !== caller.clientId) return { revoked: false };
  if (record.kind === 'refresh_token') await storage.grants.revoke(record.grantId, now);
  else await storage.tokens.revoke(record.tokenDigest, now);
  return { revoked: true };
}
