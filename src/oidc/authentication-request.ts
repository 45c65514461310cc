// OpenID Connect additions to the authorization request (OIDC Core §3.1.2.1): nonce, prompt,
// max_age, acr_values, login_hint, id_token_hint; the client's default_max_age and
// default_acr_values (OIDC Registration §2) stand in for an absent max_age and acr_values. Runs after oauth/authorization-request.ts has trusted the
// redirect URI, so every error here redirects.
import {
  validateAuthorizationRequest, type AuthorizationPolicy, type AuthorizationRequest, type TrustedRedirect,
} from '../oauth/authorization-request.js';
import { OAuthError } from '../oauth/errors.js';
import { authorizationResources } from '../oauth/resource-indicator.js';
import type { ResourceStore } from '../storage/ports.js';
import { parseClaimsRequest, serializeClaimsRequest, type ClaimsRequest } from './claims-request.js';
import { consentItems } from './claims.js';
import { checkEssentialAcr, requestedAcrValues, withAcrRequest } from './acr.js';

export type Prompt = 'none' | 'login' | 'consent' | 'select_account';

export interface AuthenticationRequest extends AuthorizationRequest {
  /** True when `openid` is among the scopes: an ID token will be issued. */
  openid: boolean;
  nonce: string | null;
  prompt: ReadonlySet<Prompt>;
  /** max_age, else the client's default_max_age (OIDC Registration §2); null when neither. */
  maxAge: number | null;
  /** acr_values, else the client's default_acr_values, in order of preference; null when neither. */
  acrValues: string[] | null;
  loginHint: string | null;
  /** The `sub` of a valid id_token_hint, when one was sent. */
  idTokenHintSubject: string | null;
  /** The `claims` parameter (OIDC Core §5.5), for OpenID requests; null when absent. */
  claimsRequest: ClaimsRequest | null;
  /** Its normalised JSON, carried by the code and the tokens. */
  claims: string | null;
  /** What the user approves: the scopes and each individually requested claim they do not cover (oidc/claims.ts). */
  consentItems: string[];
}

/** Verifies an id_token_hint's signature and audience; returns its `sub`, or null when invalid. */
export type IdTokenHintVerifier = (idToken: string, clientId: string) => Promise<string | null>;

/**
 * Everything after the redirect URI is trusted, in order: the OAuth rules (response_type,
 * response_mode, scope, PKCE), then the OpenID Connect additions. Throws OAuthError, which the
 * caller redirects to the client. /authorize and every resumed interaction call this same function.
 */
export async function validateAuthenticationRequest(
  params: Record<string, string>,
  duplicated: readonly string[],
  trusted: TrustedRedirect,
  deps: { policy: AuthorizationPolicy; verifyIdTokenHint: IdTokenHintVerifier; acrValuesSupported?: readonly string[]; resources?: ResourceStore },
): Promise<AuthenticationRequest> {
  const request = await parseAuthenticationRequest(
    validateAuthorizationRequest(params, duplicated, trusted, deps.policy), deps.verifyIdTokenHint, deps.acrValuesSupported,
  );
  // RFC 8707 §2.1: each resource registered, else invalid_target (redirected like any error here).
  if (deps.resources) request.resources = await authorizationResources(params.resource, trusted.client, deps.resources);
  return request;
}

const knownPrompts: readonly Prompt[] = ['none', 'login', 'consent', 'select_account'];

export async function parseAuthenticationRequest(
  request: AuthorizationRequest,
  verifyIdTokenHint: IdTokenHintVerifier,
  acrValuesSupported: readonly string[] = [],
): Promise<AuthenticationRequest> {
  const { params } = request;
  const openid = request.scopes.includes('openid');

  const prompt = new Set<Prompt>();
  for (const value of (params.prompt ?? '').split(' ').filter(Boolean)) {
    if (!knownPrompts.includes(value as Prompt)) throw new OAuthError('invalid_request', `unsupported prompt value: ${value}`);
    prompt.add(value as Prompt);
  }
  if (prompt.has('none') && prompt.size > 1) {
    throw new OAuthError('invalid_request', 'prompt=none must not be combined with other values');
  }

  let maxAge: number | null = null;
  if (params.max_age !== undefined) {
    if (!/^\d{1,10}$/.test(params.max_age)) throw new OAuthError('invalid_request', 'max_age must be a non-negative integer');
    maxAge = Number(params.max_age);
  } else if (request.client.metadata.defaultMaxAge !== undefined) {
    // OIDC Registration §2: default_max_age applies when the request has no max_age of its own.
    maxAge = request.client.metadata.defaultMaxAge;
  }

  const nonce = params.nonce ?? null;
  if (nonce !== null && nonce.length > 512) throw new OAuthError('invalid_request', 'nonce is too long');
  // OIDC Core §3.2.2.1: the implicit flow requires a nonce.
  if (request.responseType !== 'code' && nonce === null) throw new OAuthError('invalid_request', 'nonce is required');

  let idTokenHintSubject: string | null = null;
  if (params.id_token_hint !== undefined) {
    idTokenHintSubject = await verifyIdTokenHint(params.id_token_hint, request.client.clientId);
    if (idTokenHintSubject === null) throw new OAuthError('invalid_request', 'id_token_hint is not a valid ID token from this issuer');
  }

  // OIDC Core §5.5: an OpenID Connect parameter; invalid JSON is invalid_request (§3.1.2.6).
  const claimsRequest = parseClaimsRequest(params.claims);
  const acrValues = requestedAcrValues(params.acr_values, request.client);
  const claims = openid ? withAcrRequest(claimsRequest, acrValues) : null;
  checkEssentialAcr(claims, acrValuesSupported);

  return {
    ...request,
    openid,
    claimsRequest: claims,
    claims: serializeClaimsRequest(claims),
    consentItems: consentItems(request.scopes, claims),
    nonce,
    prompt,
    maxAge,
    acrValues,
    loginHint: params.login_hint ?? null,
    idTokenHintSubject,
  };
}
