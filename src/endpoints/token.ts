// POST /token (RFC 6749 §3.2, §5): authenticate the client, dispatch on grant_type, answer JSON
// with Cache-Control: no-store (§5.1).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import type { WireParameters } from '../http/form.js';
import { clientCredentialsOf } from '../http/client-credentials.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { OAuthError } from '../oauth/errors.js';
import { exchangeGrant } from '../oauth/grants/index.js';

export function tokenEndpoint(deps: ServerDeps) {
  const grantDeps = { storage: deps.storage, keys: deps.keys, clock: deps.clock, logger: deps.logger, policy: deps.tokenPolicy };
  return async function token(request: FastifyRequest, reply: FastifyReply) {
    try {
      const body = request.body as WireParameters | undefined;
      if (!body) throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
      if (body.duplicated.length > 0) throw new OAuthError('invalid_request', `parameters must not be repeated: ${body.duplicated.join(', ')}`);
      const { client } = await authenticateClient(clientCredentialsOf(request, body), deps.storage, { allowPublic: true });
      const response = await exchangeGrant(body.params, client, grantDeps);
      return noStore(reply).send(response);
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
