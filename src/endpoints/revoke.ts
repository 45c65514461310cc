// POST /revoke (RFC 7009 §2): 200 with an empty body whether or not the token was known.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { formRequest } from '../http/oauth-request.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { noteClient } from '../http/request-log.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { revokeToken } from '../oauth/revocation.js';

export function revokeEndpoint(deps: ServerDeps) {
  const url = `${deps.config.issuer}/revoke`;
  const clientDeps = deps.clientAuth;
  return async function revoke(request: FastifyRequest, reply: FastifyReply) {
    try {
      // RFC 7009 §2.1: public clients may revoke their own tokens by client_id alone.
      const authenticated = await authenticateClient(formRequest(request, url), clientDeps, { allowPublic: true });
      noteClient(request, authenticated.client.clientId);
      await revokeToken(authenticated, { storage: deps.storage, now: deps.clock() });
      return noStore(reply).code(200).send();
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
