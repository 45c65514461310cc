// POST /introspect (RFC 7662): confidential clients only; active:false hides why.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { authenticatedForm } from '../http/client-credentials.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { introspectToken } from '../oauth/introspection.js';

export function introspectEndpoint(deps: ServerDeps) {
  return async function introspect(request: FastifyRequest, reply: FastifyReply) {
    try {
      const { params, client } = await authenticatedForm(request, deps.storage.clients, { allowPublic: false });
      const result = await introspectToken(params, client, { storage: deps.storage, issuer: deps.config.issuer, now: deps.clock() });
      return noStore(reply).send(result);
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
