// POST /introspect (RFC 7662): confidential clients only; active:false hides why.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import type { WireParameters } from '../http/form.js';
import { clientCredentialsOf } from '../http/client-credentials.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { OAuthError } from '../oauth/errors.js';
import { introspectToken } from '../oauth/introspection.js';

export function introspectEndpoint(deps: ServerDeps) {
  return async function introspect(request: FastifyRequest, reply: FastifyReply) {
    try {
      const body = request.body as WireParameters | undefined;
      if (!body) throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
      const { client } = await authenticateClient(clientCredentialsOf(request, body), deps.storage, { allowPublic: false });
      const result = await introspectToken(body.params, client, { storage: deps.storage, issuer: deps.config.issuer, now: deps.clock() });
      return noStore(reply).send(result);
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
