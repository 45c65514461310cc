// The authorization request (RFC 6749 §4.1.1, §3.1; OAuth 2.1 §4.1.1), validated in a fixed order:
// 1. client known and 2. redirect_uri exactly registered — failures here render an HTML page,
// never a redirect (RFC 6749 §4.1.2.1); then 3. response_type, response_mode, 4. scope, 5. PKCE —
// failures from here on redirect to the client with error, state and iss.
import type { ClientRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';
import type { ClientResolver } from './client-resolver.js';
import { matchRedirectUri } from './redirect-uri.js';
import { defaultScope, parseScope, requireAllowedScopes } from './scope.js';
import { validateCodeChallenge } from './pkce.js';
import { requestedCodeKey } from './dpop-binding.js';

export type ResponseType = 'code' | 'id_token' | 'id_token token';
export type ResponseMode = 'query' | 'fragment' | 'form_post';

/** The part of a request that has been verified enough to redirect errors to. */
export interface TrustedRedirect {
  client: ClientRecord;
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | undefined;
}

export interface AuthorizationRequest extends TrustedRedirect {
  responseType: ResponseType;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  /** The registered resources (RFC 8707 §2.1) it is for, normalised; set once they are looked up (oidc/authentication-request.ts). */
  resources?: string[];
  /** RFC 9449 §10: the key the code will be bound to (`dpop_jkt`), or null. */
  dpopJkt?: string | null;
  /** The single-valued wire parameters, kept to resume the request after login/consent. */
  params: Record<string, string>;
}

/** Errors that must be shown to the user instead of redirected (unknown client, bad redirect_uri). */
export class AuthorizationPageError extends OAuthError {}

export interface AuthorizationPolicy {
  implicitFlow: boolean;
  implicitScopes: readonly string[];
}

const responseModes: readonly ResponseMode[] = ['query', 'fragment', 'form_post'];

/** Implicit responses default to the fragment (OAuth 2.0 Multiple Response Types §2.1); all else to the query. */
function defaultResponseMode(responseType: string | undefined, implicitFlow: boolean): ResponseMode {
  return implicitFlow && (responseType === 'id_token' || responseType === 'id_token token') ? 'fragment' : 'query';
}

/** Steps 1-2: find the client and the exact redirect URI. Throws AuthorizationPageError. */
export async function resolveTrustedRedirect(
  params: Record<string, string>,
  duplicated: readonly string[],
  { clients }: { clients: ClientResolver },
  { implicitFlow }: { implicitFlow: boolean },
): Promise<TrustedRedirect> {
  if (duplicated.includes('client_id') || duplicated.includes('redirect_uri')) {
    throw new AuthorizationPageError('invalid_request', 'client_id and redirect_uri must not be repeated');
  }
  const clientId = params.client_id;
  if (!clientId) throw new AuthorizationPageError('invalid_request', 'client_id is missing');
  const client = await findClient(clients, clientId);
  if (!client) throw new AuthorizationPageError('invalid_client', 'unknown client');
  const redirectUri = matchRedirectUri(client, params.redirect_uri);
  if (redirectUri === null) {
    throw new AuthorizationPageError('invalid_request', params.redirect_uri === undefined
      ? 'redirect_uri is missing'
      : 'redirect_uri is not registered for this client');
  }
  const requestedMode = params.response_mode as ResponseMode | undefined;
  const responseMode = requestedMode && responseModes.includes(requestedMode)
    ? requestedMode
    : defaultResponseMode(params.response_type, implicitFlow);
  return { client, redirectUri, responseMode, state: params.state };
}

/** A client whose metadata document cannot be used is a page too: its redirect URIs are unknown. */
async function findClient(clients: ClientResolver, clientId: string): Promise<ClientRecord | null> {
  try {
    return await clients.find(clientId);
  } catch (error) {
    if (error instanceof OAuthError && !(error instanceof AuthorizationPageError) && error.status < 500) {
      throw new AuthorizationPageError(error.code, error.description, { cause: error });
    }
    throw error;
  }
}

/** Steps 3-5. Throws OAuthError, which the caller redirects to the trusted redirect URI. */
export function validateAuthorizationRequest(
  params: Record<string, string>,
  duplicated: readonly string[],
  trusted: TrustedRedirect,
  policy: AuthorizationPolicy,
): AuthorizationRequest {
  const { client } = trusted;
  if (duplicated.length > 0) {
    throw new OAuthError('invalid_request', `parameters must not be repeated: ${duplicated.join(', ')}`);
  }
  if (params.request !== undefined) throw new OAuthError('request_not_supported', 'request objects are not supported');
  if (params.request_uri !== undefined) throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');
  if (params.registration !== undefined) throw new OAuthError('registration_not_supported', 'registration is not supported');

  const responseType = params.response_type;
  if (!responseType) throw new OAuthError('invalid_request', 'response_type is missing');
  if (!isSupportedResponseType(responseType, policy)) {
    // Say what to use instead: RPs such as express-openid-connect default to response_type=id_token.
    throw new OAuthError('unsupported_response_type', policy.implicitFlow
      ? 'response_type must be code, id_token or id_token token'
      : 'response_type must be code (the implicit flow is not enabled)');
  }
  if (!client.responseTypes.includes(responseType)) {
    throw new OAuthError('unauthorized_client', 'the client may not use this response_type');
  }
  if (params.response_mode !== undefined && !responseModes.includes(params.response_mode as ResponseMode)) {
    throw new OAuthError('invalid_request', 'response_mode is not supported');
  }
  // RFC 9700 §2.1.2: tokens must not travel in the query string.
  if (responseType !== 'code' && trusted.responseMode === 'query') {
    throw new OAuthError('invalid_request', 'response_mode=query is not allowed for this response_type');
  }

  const requested = parseScope(params.scope);
  // RFC 6749 §3.3: an omitted scope means the client's default scope, if it has one.
  let scopes = requested.length > 0 ? requireAllowedScopes(requested, client.scopes) : defaultScope(client);
  if (scopes.length === 0) throw new OAuthError('invalid_scope', 'scope is required (the client has no default scope)');
  if (responseType === 'code' && !client.grantTypes.includes('authorization_code')) {
    throw new OAuthError('unauthorized_client', 'the client may not use the authorization code grant');
  }
  if (responseType !== 'code') {
    // The legacy implicit flow gets limited scopes (the seed; RFC 9700 §2.1.2).
    scopes = scopes.filter((s) => policy.implicitScopes.includes(s));
    if (!scopes.includes('openid')) throw new OAuthError('invalid_scope', 'the implicit flow requires the openid scope');
  } else if (!client.grantTypes.includes('refresh_token')) {
    // OIDC Core §11: offline_access is ignored when no refresh token may be issued.
    scopes = scopes.filter((s) => s !== 'offline_access');
  }

  const pkce = validateCodeChallenge(params.code_challenge, params.code_challenge_method);
  if (responseType === 'code' && pkce === null && requiresPkce(client)) {
    throw new OAuthError('invalid_request', 'code_challenge (PKCE, S256) is required');
  }

  return {
    ...trusted,
    responseType: responseType as ResponseType,
    scopes,
    codeChallenge: pkce?.codeChallenge ?? null,
    codeChallengeMethod: pkce?.codeChallengeMethod ?? null,
    dpopJkt: requestedCodeKey(params),
    params,
  };
}

/**
 * RFC 9700 §2.1.1, OAuth 2.1 §7.5.1: PKCE always for public clients; for confidential ones too
 * unless the client is registered with `requirePkce: false` (an RP that relies on the nonce, or
 * on nothing, as the OpenID certification's Basic plan does in
 * oidcc-ensure-request-without-nonce-succeeds-for-code-flow). A challenge that is sent is
 * always enforced at the token endpoint.
 */
export function requiresPkce(client: ClientRecord): boolean {
  return client.tokenEndpointAuthMethod === 'none' || client.metadata.requirePkce !== false;
}

function isSupportedResponseType(value: string, policy: AuthorizationPolicy): boolean {
  if (value === 'code') return true;
  return policy.implicitFlow && (value === 'id_token' || value === 'id_token token');
}
