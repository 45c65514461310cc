// POST /par (RFC 9126 §2): authenticate the client as the token endpoint does, validate the
// authorization request as /authorize does (same functions; errors are JSON, §2.3), store it
// under a digest of a one-time reference and answer 201 with the request_uri (§2.2).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { formRequest } from '../http/oauth-request.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { noteClient } from '../http/request-log.js';
import { allowClientOrigin } from '../http/cors.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { resolveTrustedRedirect } from '../oauth/authorization-request.js';
import { resolveRequestObject } from '../oauth/request-object.js';
import { newPushedReference, pushedParameters } from '../oauth/pushed-authorization-request.js';
import { validateAuthenticationRequest } from '../oidc/authentication-request.js';
import { liveClients } from '../clients/registration-expiry.js';
import { withPushedRequestKey } from '../oauth/dpop-binding.js';
import { requestObjectDeps, validationDeps } from './authorize.js';

export const parPath = '/par';

export function parEndpoint(deps: ServerDeps) {
  const url = `${deps.config.issuer}${parPath}`;
  const clientDeps = { ...deps.clientAuth, clients: liveClients(deps.clients, deps.clock) };
  return async function par(request: FastifyRequest, reply: FastifyReply) {
    try {
      // §2.1: the token endpoint's client authentication; public clients send client_id alone.
      const authenticated = await authenticateClient(formRequest(request, url), clientDeps, { allowPublic: true });
      const { client } = authenticated;
      noteClient(request, client.clientId);
      allowClientOrigin(request, reply, client);
      let params = pushedParameters(authenticated);
      if (params.request !== undefined) params = (await resolveRequestObject(params, [], requestObjectDeps(deps))).params;
      // RFC 9449 §10.1: a DPoP proof here binds the code to its key.
      params = await withPushedRequestKey(authenticated, params, { replayCache: deps.storage.replayCache, policy: deps.dpop, now: deps.clock() });
      // Steps 1-6 of /authorize, against the authenticated client; redirect_uri must be registered (§2.4).
      const trusted = await resolveTrustedRedirect(params, [], { clients: { find: async () => client } }, deps.config);
      const validated = await validateAuthenticationRequest(params, [], trusted, validationDeps(deps));
      const now = deps.clock();
      const expiresIn = deps.config.pushedAuthorizationRequestTtl;
      const reference = newPushedReference();
      await deps.storage.pushedRequests.insert({
        requestDigest: reference.digest, clientId: client.clientId, params: validated.params, expiresAt: now + expiresIn,
      });
      return noStore(reply).code(201).send({ request_uri: reference.requestUri, expires_in: expiresIn });
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
