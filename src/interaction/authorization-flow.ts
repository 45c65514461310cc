// Moves an authorization request forward: validate (again, when resuming a stored request),
// decide what the user still owes, then answer with a page, an interaction, or the response.
import type { FastifyReply } from 'fastify';
import { randomToken } from '../lib/random.js';
import type { ServerDeps } from '../http/server-deps.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { resolveTrustedRedirect, validateAuthorizationRequest, type TrustedRedirect } from '../oauth/authorization-request.js';
import { authorizationErrorResponse, type AuthorizationResponse } from '../oauth/authorization-response.js';
import { OAuthError } from '../oauth/errors.js';
import { parseAuthenticationRequest, type AuthenticationRequest } from '../oidc/authentication-request.js';
import { completeAuthorization } from '../oidc/complete-authorization.js';
import type { Authentication } from '../oidc/prompt.js';
import { bindInteraction } from './browser-session.js';
import { formPostPage } from './views/form-post.js';

export async function trustRedirect(params: Record<string, string>, duplicated: readonly string[], deps: ServerDeps): Promise<TrustedRedirect> {
  return resolveTrustedRedirect(params, duplicated, deps.storage, deps.config);
}

export async function validateRequest(
  params: Record<string, string>, duplicated: readonly string[], trusted: TrustedRedirect, deps: ServerDeps,
): Promise<AuthenticationRequest> {
  const base = validateAuthorizationRequest(params, duplicated, trusted, deps.config);
  return parseAuthenticationRequest(base, deps.verifyIdTokenHint);
}

export function sendAuthorizationResponse(reply: FastifyReply, response: AuthorizationResponse): FastifyReply {
  if (response.mode === 'redirect') return reply.header('Cache-Control', 'no-store').redirect(response.location, 303);
  return htmlPageHeaders(reply, [new URL(response.action).origin]).send(formPostPage(response.action, response.fields));
}

/** Errors after the redirect URI is trusted go back to the client (RFC 6749 §4.1.2.1). */
export function sendAuthorizationError(reply: FastifyReply, trusted: TrustedRedirect, error: OAuthError, deps: ServerDeps): FastifyReply {
  return sendAuthorizationResponse(reply, authorizationErrorResponse(trusted, deps.config.issuer, error));
}

export async function issueAndRespond(
  reply: FastifyReply, request: AuthenticationRequest, authentication: Authentication, deps: ServerDeps,
): Promise<FastifyReply> {
  const response = await completeAuthorization(request, authentication, {
    storage: deps.storage, keys: deps.keys, tokenPolicy: deps.tokenPolicy, codeTtl: deps.config.authorizationCodeTtl,
    implicitAccessTokenTtl: deps.config.implicitAccessTokenTtl, now: deps.clock(),
  });
  return sendAuthorizationResponse(reply, response);
}

/** Stores the request and sends the browser to the login/consent pages. */
export async function startInteraction(reply: FastifyReply, request: AuthenticationRequest, deps: ServerDeps): Promise<FastifyReply> {
  const now = deps.clock();
  const interactionId = randomToken(24);
  await deps.storage.interactions.insert({
    interactionId, clientId: request.client.clientId, params: request.params, accountId: null, authTime: null,
    csrfToken: randomToken(24), createdAt: now, expiresAt: now + deps.config.interactionTtl,
  });
  bindInteraction(reply, interactionId, deps);
  return reply.header('Cache-Control', 'no-store').redirect(`/interaction/${interactionId}`, 303);
}
