// Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3,
// OIDC Core §9): client_secret_basic, client_secret_post, or none for public clients.
import type { ClientStore } from '../storage/ports.js';
import type { ClientRecord } from '../storage/records.js';
import { digestsEqual } from '../lib/constant-time.js';
import { sha256Hex } from '../lib/digest.js';
import { OAuthError } from './errors.js';

/** What the HTTP layer extracted; the core decides what it means. */
export interface ClientCredentials {
  /** From `Authorization: Basic`, already form-decoded (RFC 6749 §2.3.1). */
  basic?: { clientId: string; clientSecret: string } | undefined;
  /** Set when an Authorization header was present but not a well-formed Basic credential. */
  malformedAuthorization?: boolean;
  bodyClientId?: string | undefined;
  bodyClientSecret?: string | undefined;
}

export interface AuthenticatedClient {
  client: ClientRecord;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** invalid_client that tells the renderer to add `WWW-Authenticate: Basic` (RFC 6749 §5.2). */
export class InvalidClientError extends OAuthError {
  constructor(description: string, readonly usedBasic: boolean) {
    super('invalid_client', description);
  }
}

// Digest of a value no secret can have, so unknown clients cost the same comparison.
const impossibleDigest = sha256Hex('\u0000gatehouse-no-client');

export async function authenticateClient(
  credentials: ClientCredentials,
  { clients }: { clients: ClientStore },
  { allowPublic }: { allowPublic: boolean },
): Promise<AuthenticatedClient> {
  const { basic, bodyClientId, bodyClientSecret } = credentials;
  if (credentials.malformedAuthorization) throw new InvalidClientError('malformed Authorization header', true);
  if (basic && (bodyClientId !== undefined && bodyClientId !== basic.clientId)) {
    throw new OAuthError('invalid_request', 'client_id in the body does not match the Authorization header');
  }
  if (basic && bodyClientSecret !== undefined) {
    throw new OAuthError('invalid_request', 'only one client authentication method may be used');
  }

  const clientId = basic?.clientId ?? bodyClientId;
  const secret = basic?.clientSecret ?? bodyClientSecret;
  const usedBasic = basic !== undefined;
  if (clientId === undefined || clientId === '') throw new InvalidClientError('client authentication is required', usedBasic);

  const client = await clients.find(clientId);
  if (secret === undefined) {
    if (client && client.secretDigest === null && allowPublic) return { client, method: 'none' };
    throw new InvalidClientError(client?.secretDigest === null ? 'public clients may not use this endpoint' : 'client authentication failed', usedBasic);
  }
  const matches = digestsEqual(sha256Hex(secret), client?.secretDigest ?? impossibleDigest);
  if (!client || client.secretDigest === null || !matches) {
    throw new InvalidClientError('client authentication failed', usedBasic);
  }
  return { client, method: usedBasic ? 'client_secret_basic' : 'client_secret_post' };
}
