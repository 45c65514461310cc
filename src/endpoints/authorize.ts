// GET/POST /authorize (RFC 6749 §4.1.1, OIDC Core §3.1.2), top to bottom: validate, decide, then
// issue or start an interaction. Until the client and redirect_uri are verified every error is an
// HTML page; after that, errors redirect with error, state and iss (RFC 6749 §4.1.2.1, RFC 9207).
// The interaction pages (endpoints/interaction.ts) resume a paused request with the same steps.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { parseWireParameters, queryOf, type WireParameters } from '../http/form.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { toOAuthError } from '../http/error-response.js';
import { noteClient } from '../http/request-log.js';
import { randomToken } from '../lib/random.js';
import { AuthorizationPageError, resolveTrustedRedirect, type TrustedRedirect } from '../oauth/authorization-request.js';
import { authorizationErrorResponse, type AuthorizationResponse } from '../oauth/authorization-response.js';
import type { SessionRecord } from '../storage/records.js';
import { validateAuthenticationRequest, type AuthenticationRequest } from '../oidc/authentication-request.js';
import { decideNextStep, type Authentication, type BrowserState, type InteractionDecision } from '../oidc/prompt.js';
import { completeAuthorization } from '../oidc/complete-authorization.js';
import { currentSessionRecord } from '../interaction/browser-session.js';
import { bindInteraction, interactionPath, newInteractionBinding } from '../interaction/interaction-binding.js';
import { requestErrorPage } from '../interaction/views/error.js';
import { formPostPage } from '../interaction/views/form-post.js';
import { hasRequestObject, resolveRequestObject, type ResolvedParameters } from '../oauth/request-object.js';
import { OAuthError } from '../oauth/errors.js';
import { deviceInteractionParameter } from '../oauth/device-authorization.js';
import { isPushedRequestUri, pushedRequestDigest, requiresPushedRequests } from '../oauth/pushed-authorization-request.js';

export function authorizeEndpoint(deps: ServerDeps) {
  return async function authorize(request: FastifyRequest, reply: FastifyReply) {
    const sent = request.method === 'POST'
      ? (request.body as WireParameters | undefined) ?? { params: {}, duplicated: [] }
      : parseWireParameters(queryOf(request.url));

    // 0a. A pushed request (RFC 9126 §4): consumed once, by its own client only; its parameters
    // alone count (the query's others are ignored). An unknown, used or expired one has no
    // trusted redirect URI: an error page.
    let resolved: ResolvedParameters = sent;
    const pushed = isPushedRequestUri(sent.params.request_uri);
    if (pushed) {
      const found = await consumePushedRequest(sent.params, sent.duplicated, deps).catch((error: unknown) => toOAuthError(error, request));
      if (found instanceof OAuthError) {
        const status = found.status >= 500 ? found.status : 400;
        return htmlPageHeaders(reply).code(status).send(requestErrorPage(found.description, found.code));
      }
      resolved = found;
    } else if (hasRequestObject(sent.params)) {
      try {
        resolved = await resolveRequestObject(sent.params, sent.duplicated, requestObjectDeps(deps));
      } catch (error) {
        const oauthError = toOAuthError(error, request);
        const queryTrusted = await resolveTrustedRedirect(sent.params, sent.duplicated, deps.storage, deps.config).catch(() => null);
        if (queryTrusted) return sendAuthorizationError(reply, queryTrusted, oauthError, deps);
        return htmlPageHeaders(reply).code(400).send(requestErrorPage(oauthError.description, oauthError.code));
      }
    }
    const { params, duplicated } = resolved;

    // 1-2. The client, and the redirect URI exactly as registered. Errors are a page, never a redirect.
    let trusted: TrustedRedirect;
    try {
      trusted = await resolveTrustedRedirect(params, duplicated, deps, deps.config);
    } catch (error) {
      const oauthError = toOAuthError(error, request);
      const status = error instanceof AuthorizationPageError ? 400 : oauthError.status;
      return htmlPageHeaders(reply).code(status).send(requestErrorPage(oauthError.description, oauthError.code));
    }
    noteClient(request, trusted.client.clientId);

    try {
      // RFC 9126 §5, §6: when pushed requests are required, nothing else is accepted.
      if (!pushed && requiresPushedRequests(trusted.client, deps.config)) {
        throw new OAuthError('invalid_request', 'this client must push its authorization requests to the pushed authorization request endpoint (RFC 9126)');
      }
      // 3-6. response_type, response_mode, scope, PKCE, then nonce, prompt, max_age, hints.
      const authRequest = await validateAuthenticationRequest(params, duplicated, trusted, validationDeps(deps));
      // What does the user still owe? prompt=none turns "something" into an error (OIDC Core §3.1.2.6).
      const record = await currentSessionRecord(request, deps);
      const session = record ? { accountId: record.accountId, authTime: record.authTime } : null;
      const step = await decide(authRequest, { session, freshLogin: null, freshConsent: false }, deps);
      if (step.next === 'issue') return await issueAuthorization(reply, authRequest, step.authentication, deps, record);
      return await startInteraction(reply, authRequest, deps);
    } catch (error) {
      return sendAuthorizationError(reply, trusted, toOAuthError(error, request), deps);
    }
  };
}

/**
 * Steps 1-6 again for a paused request: the client or its redirect URI may have been removed
 * since. Throws; the interaction pages show any failure as a page.
 */
export async function validateStoredRequest(params: Record<string, string>, deps: ServerDeps): Promise<AuthenticationRequest> {
  const trusted = await resolveTrustedRedirect(params, [], deps, deps.config);
  return validateAuthenticationRequest(params, [], trusted, validationDeps(deps));
}

/** The one decision (oidc/prompt.ts), for /authorize and for every resumed interaction. */
export function decide(request: AuthenticationRequest, browser: BrowserState, deps: ServerDeps): Promise<InteractionDecision> {
  return decideNextStep(request, browser, { consents: deps.storage.consents, accounts: deps.storage.accounts, subjects: deps.subjects, now: deps.clock() });
}

/** Step 7: the code (or the opt-in implicit response) back to the client. */
export async function issueAuthorization(
  reply: FastifyReply, request: AuthenticationRequest, authentication: Authentication, deps: ServerDeps,
  session: SessionRecord | null,
): Promise<FastifyReply> {
  const response = await completeAuthorization(request, authentication, {
    storage: deps.storage, keys: deps.keys, subjects: deps.subjects, tokenPolicy: deps.tokenPolicy, codeTtl: deps.config.authorizationCodeTtl,
    implicitAccessTokenTtl: deps.config.implicitAccessTokenTtl, acrValuesSupported: deps.config.acrValuesSupported, now: deps.clock(),
  }, session);
  return sendAuthorizationResponse(reply, response);
}

/** Errors after the redirect URI is trusted go back to the client (RFC 6749 §4.1.2.1). */
export function sendAuthorizationError(reply: FastifyReply, trusted: TrustedRedirect, error: OAuthError, deps: ServerDeps): FastifyReply {
  return sendAuthorizationResponse(reply, authorizationErrorResponse(trusted, deps.config.issuer, error));
}

/** RFC 9126 §4: the pushed parameters for this request_uri and client_id; throws invalid_request(_uri). */
async function consumePushedRequest(params: Record<string, string>, duplicated: readonly string[], deps: ServerDeps): Promise<ResolvedParameters> {
  if (duplicated.includes('client_id') || duplicated.includes('request_uri')) {
    throw new OAuthError('invalid_request', 'client_id and request_uri must not be repeated');
  }
  if (!params.client_id) throw new OAuthError('invalid_request', 'client_id is missing (RFC 9126 §4)');
  const digest = pushedRequestDigest(params.request_uri!);
  const record = digest ? await deps.storage.pushedRequests.consume(digest, params.client_id, deps.clock()) : null;
  if (!record) {
    throw new OAuthError('invalid_request_uri', 'the request_uri is unknown, expired, already used or was pushed by another client (RFC 9126 §4)');
  }
  return { params: record.params, duplicated: [] };
}

export function requestObjectDeps(deps: ServerDeps) {
  return { clients: deps.storage.clients, clientKeys: deps.clientKeys, fetch: deps.requestUriFetch, clock: deps.clock, policy: deps.config };
}

export function validationDeps(deps: ServerDeps) {
  return { policy: deps.config, verifyIdTokenHint: deps.verifyIdTokenHint, acrValuesSupported: deps.config.acrValuesSupported, resources: deps.storage.resources };
}

function sendAuthorizationResponse(reply: FastifyReply, response: AuthorizationResponse): FastifyReply {
  if (response.mode === 'redirect') return reply.header('Cache-Control', 'no-store').redirect(response.location, 303);
  return htmlPageHeaders(reply, [new URL(response.action).origin]).send(formPostPage(response.action, response.fields));
}

/** Pauses the request: stores it, binds it to this browser, and sends the browser to its pages. */
async function startInteraction(reply: FastifyReply, request: AuthenticationRequest, deps: ServerDeps): Promise<FastifyReply> {
  const now = deps.clock();
  const binding = newInteractionBinding();
  // Only /device starts a device's interaction: the parameter naming one is never taken from the wire.
  const { [deviceInteractionParameter]: _device, ...params } = request.params;
  await deps.storage.interactions.insert({
    interactionId: binding.interactionId, clientId: request.client.clientId, params,
    accountId: null, authTime: null, csrfToken: randomToken(24), createdAt: now, expiresAt: now + deps.config.interactionTtl,
  });
  bindInteraction(reply, binding, deps);
  return reply.header('Cache-Control', 'no-store').redirect(interactionPath(binding.interactionId), 303);
}
