// POST /token (RFC 6749 §3.2, §5): authenticate the client, dispatch on grant_type, answer JSON
// with Cache-Control: no-store (§5.1).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { formRequest } from '../http/oauth-request.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { noteClient } from '../http/request-log.js';
import { allowClientOrigin } from '../http/cors.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { exchangeGrant } from '../oauth/grants/index.js';
import { keepUsedRegistration, liveClients } from '../clients/registration-expiry.js';

export function tokenEndpoint(deps: ServerDeps) {
  const url = `${deps.config.issuer}/token`;
  // An expired dynamic registration is unknown here: 401 invalid_client, so the client registers again.
  const clientDeps = { ...deps.clientAuth, clients: liveClients(deps.clients, deps.clock) };
  const grantDeps = {
    storage: deps.storage, keys: deps.keys, clock: deps.clock, logger: deps.logger, policy: deps.tokenPolicy, subjects: deps.subjects, mintIdToken: deps.mintIdToken,
    dpop: deps.dpop, trustedIssuers: deps.trustedIssuers,
  };
  const { nonces } = deps.dpop;
  return async function token(request: FastifyRequest, reply: FastifyReply) {
    // RFC 9449 §8.2: with server nonces, every answer carries the nonce to use next.
    if (nonces) reply.header('DPoP-Nonce', nonces.current(deps.clock()));
    try {
      const authenticated = await authenticateClient(formRequest(request, url), clientDeps, { allowPublic: true });
      noteClient(request, authenticated.client.clientId);
      allowClientOrigin(request, reply, authenticated.client);
      const response = await exchangeGrant(authenticated, grantDeps);
      await keepUsedRegistration(authenticated.client, deps.storage.clients);
      return noStore(reply).send(response);
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
