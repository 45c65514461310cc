// POST /device_authorization (RFC 8628 §3.1-3.2): authenticate the client as the token endpoint
// does (public clients send client_id alone), then answer the device code, the user code and
// where the user enters it. Errors are the token endpoint's JSON (§3.2, RFC 6749 §5.2).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { formRequest } from '../http/oauth-request.js';
import { sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { noteClient } from '../http/request-log.js';
import { allowClientOrigin } from '../http/cors.js';
import { authenticateClient } from '../oauth/client-authentication.js';
import { startDeviceAuthorization } from '../oauth/device-authorization.js';
import { liveClients } from '../clients/registration-expiry.js';

export const deviceAuthorizationPath = '/device_authorization';

export function deviceAuthorizationEndpoint(deps: ServerDeps) {
  const url = `${deps.config.issuer}${deviceAuthorizationPath}`;
  const clientDeps = { ...deps.clientAuth, clients: liveClients(deps.clients, deps.clock) };
  return async function deviceAuthorization(request: FastifyRequest, reply: FastifyReply) {
    try {
      const authenticated = await authenticateClient(formRequest(request, url), clientDeps, { allowPublic: true });
      noteClient(request, authenticated.client.clientId);
      allowClientOrigin(request, reply, authenticated.client);
      const response = await startDeviceAuthorization(authenticated, {
        devices: deps.storage.deviceAuthorizations, resources: deps.storage.resources, policy: deps.config,
        issuer: deps.config.issuer, now: deps.clock(),
      });
      return noStore(reply).send(response);
    } catch (error) {
      return sendJsonError(reply, toOAuthError(error, request));
    }
  };
}
