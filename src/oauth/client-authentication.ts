// Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3,
// §3.2.1; OIDC Core §9): a table of methods keyed by `token_endpoint_auth_method`, one file each
// under client-auth-methods/. A request uses exactly one method, and it must be the one the
// client registered.
import type { ClientRecord, TokenEndpointAuthMethod } from '../storage/records.js';
import { InvalidClientError, OAuthError } from './errors.js';
import { refuseRepeatedParameters, type AuthenticatedRequest, type OAuthRequest } from './request.js';
import type { ClientAuthDeps, ClientAuthMethod, PresentedCredentials } from './client-auth-methods/method.js';
import { clientSecretBasic } from './client-auth-methods/client-secret-basic.js';
import { clientSecretPost } from './client-auth-methods/client-secret-post.js';
import { clientSecretJwt } from './client-auth-methods/client-secret-jwt.js';
import { privateKeyJwt } from './client-auth-methods/private-key-jwt.js';
import { none } from './client-auth-methods/none.js';
import { clientSecretJwtAlgorithms, privateKeyJwtAlgorithms } from './client-auth-methods/jwt-assertion.js';

export { InvalidClientError };
export type { ClientAuthDeps };

const methods = new Map<TokenEndpointAuthMethod, ClientAuthMethod>(
  [clientSecretBasic, clientSecretPost, clientSecretJwt, privateKeyJwt, none].map((method) => [method.name, method]),
);

/** Advertised as token_endpoint_auth_methods_supported (RFC 8414 §2). */
export const supportedClientAuthMethods: readonly TokenEndpointAuthMethod[] = [...methods.keys()];

/** Advertised as token_endpoint_auth_signing_alg_values_supported (RFC 8414 §2): the JWT methods' algs. */
export const supportedClientAssertionAlgorithms: readonly string[] = [...privateKeyJwtAlgorithms, ...clientSecretJwtAlgorithms];

// The methods a request uses by presenting a credential; `none` is what one presenting none uses.
const credentialMethods = [...methods.values()].filter((method) => method !== none);

function failureReason(client: ClientRecord | null, verified: boolean, method: TokenEndpointAuthMethod): string {
  if (!client) return 'unknown client';
  if (client.tokenEndpointAuthMethod !== method) return `registered for ${client.tokenEndpointAuthMethod}`;
  return verified ? 'refused' : 'wrong secret';
}

export async function authenticateClient(
  request: OAuthRequest,
  deps: ClientAuthDeps,
  { allowPublic }: { allowPublic: boolean },
): Promise<AuthenticatedRequest> {
  refuseRepeatedParameters(request);
  let method = none;
  let credentials: PresentedCredentials | undefined;
  for (const candidate of credentialMethods) {
    const presented = candidate.presented(request);
    if (presented === undefined) continue;
    // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
    if (credentials !== undefined) throw new OAuthError('invalid_request', 'only one client authentication method may be used');
    method = candidate;
    credentials = presented;
  }
  credentials ??= none.presented(request);
  if (credentials === undefined || credentials.clientId === '') {
    throw new InvalidClientError('client authentication is required', method.challengesBasic,
      { method: method.name, reason: 'no client credentials presented' });
  }

  const client = await deps.clients.find(credentials.clientId);
  // Verified before anything else is decided, so an unknown client or a method other than the
  // registered one costs the same as a wrong secret, and all three read alike.
  const verified = await method.verify(credentials, client, deps, request);
  if (!client || !verified || client.tokenEndpointAuthMethod !== method.name) {
    throw new InvalidClientError('client authentication failed', method.challengesBasic, {
      clientId: credentials.clientId, method: method.name, reason: failureReason(client, verified, method.name),
    });
  }
  if (method === none && !allowPublic) {
    throw new InvalidClientError('public clients may not use this endpoint', false,
      { clientId: client.clientId, method: method.name, reason: 'public client at an endpoint for confidential clients' });
  }
  return {
    method: request.method, url: request.url, headers: request.headers, params: request.params, repeated: request.repeated,
    client, clientAuthMethod: method.name,
  };
}
