// POST /introspect (RFC 7662): confidential clients only; active:false hides why.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { formRequest } from '../http/oauth-request.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { noteClient } from '../http/request-log.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { introspectToken } from '../oauth/introspection.js';

export function introspectEndpoint(deps: ServerDeps) {
  const url = `${deps.config.issuer}/introspect`;
  const clientDeps = deps.clientAuth;
  return async function introspect(request: FastifyRequest, reply: FastifyReply) {
    try {
      const authenticated = await authenticateClient(formRequest(request, url), clientDeps, { allowPublic: false });
      noteClient(request, authenticated.client.clientId);
      const result = await introspectToken(authenticated, { storage: deps.storage, issuer: deps.config.issuer, now: deps.clock(), subjects: deps.subjects });
      return noStore(reply).send(result);
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
