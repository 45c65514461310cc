// GET/POST /authorize (RFC 6749 §4.1.1, OIDC Core §3.1.2). Until the client and redirect_uri
// are verified every error is an HTML page; after that, errors redirect with error, state, iss.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { parseWireParameters, queryOf, type WireParameters } from '../http/form.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { toOAuthError } from '../http/error-response.js';
import { AuthorizationPageError, type TrustedRedirect } from '../oauth/authorization-request.js';
import { decideInteraction } from '../oidc/prompt.js';
import { currentSession } from '../interaction/browser-session.js';
import {
  issueAndRespond, sendAuthorizationError, startInteraction, trustRedirect, validateRequest,
} from '../interaction/authorization-flow.js';
import { errorPage } from '../interaction/views/error.js';

export function authorizeEndpoint(deps: ServerDeps) {
  return async function authorize(request: FastifyRequest, reply: FastifyReply) {
    const wire = request.method === 'POST'
      ? (request.body as WireParameters | undefined) ?? { params: {}, duplicated: [] }
      : parseWireParameters(queryOf(request.url));
    const { params, duplicated } = wire;

    let trusted: TrustedRedirect;
    try {
      trusted = await trustRedirect(params, duplicated, deps);
    } catch (error) {
      const oauthError = toOAuthError(error, request);
      const status = error instanceof AuthorizationPageError ? 400 : oauthError.status;
      return htmlPageHeaders(reply).code(status).send(errorPage('This sign-in request cannot continue', oauthError.description, oauthError.code));
    }

    try {
      const authRequest = await validateRequest(params, duplicated, trusted, deps);
      const session = await currentSession(request, deps);
      const consent = session ? await deps.storage.consents.find(session.accountId, authRequest.client.clientId) : null;
      const decision = decideInteraction({
        request: authRequest, session, freshLogin: null, freshConsent: false, consent, now: deps.clock(),
      });
      if (decision.next === 'issue') return await issueAndRespond(reply, authRequest, decision.authentication, deps);
      return await startInteraction(reply, authRequest, deps);
    } catch (error) {
      const oauthError = toOAuthError(error, request);
      return sendAuthorizationError(reply, trusted, oauthError, deps);
    }
  };
}
