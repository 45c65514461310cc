// POST /revoke (RFC 7009 §2): 200 with an empty body whether or not the token was known.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import type { WireParameters } from '../http/form.js';
import { clientCredentialsOf } from '../http/client-credentials.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { OAuthError } from '../oauth/errors.js';
import { revokeToken } from '../oauth/revocation.js';

export function revokeEndpoint(deps: ServerDeps) {
  return async function revoke(request: FastifyRequest, reply: FastifyReply) {
    try {
      const body = request.body as WireParameters | undefined;
      if (!body) throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
      // RFC 7009 §2.1: public clients may revoke their own tokens by client_id alone.
      const { client } = await authenticateClient(clientCredentialsOf(request, body), deps.storage, { allowPublic: true });
      await revokeToken(body.params, client, { storage: deps.storage, now: deps.clock() });
      return noStore(reply).code(200).send();
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
