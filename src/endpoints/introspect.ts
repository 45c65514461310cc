// POST /introspect (RFC 7662): confidential clients or registered resources (oauth/introspection.ts); active:false hides why.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { formRequest } from '../http/oauth-request.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { noteClient } from '../http/request-log.js';
import { allowClientOrigin } from '../http/cors.js';
import { authenticateIntrospectionCaller, introspectToken } from '../oauth/introspection.js';

export function introspectEndpoint(deps: ServerDeps) {
  const url = `${deps.config.issuer}/introspect`;
  const clientDeps = deps.clientAuth;
  return async function introspect(request: FastifyRequest, reply: FastifyReply) {
    try {
      const authenticated = await authenticateIntrospectionCaller(formRequest(request, url), { clientAuth: clientDeps, resources: deps.storage.resources });
      noteClient(request, authenticated.client ? authenticated.client.clientId : authenticated.resource.identifier);
      if (authenticated.client) allowClientOrigin(request, reply, authenticated.client);
      const result = await introspectToken(authenticated, { storage: deps.storage, clients: deps.clients, issuer: deps.config.issuer, now: deps.clock(), subjects: deps.subjects });
      return noStore(reply).send(result);
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
