// Fastify glue for the verifier: a preHandler that refuses with the RFC 6750 §3 challenge and
// otherwise exposes the verified token as `request.accessToken`.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { refusalResponse } from './challenge.js';
import type { AccessTokenVerifier } from './verifier.js';
import type { VerifiedAccessToken } from './verified-access-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a bearerAuth preHandler once the access token is verified. */
    accessToken: VerifiedAccessToken | null;
  }
}

/**
 * Declares `request.accessToken` on `app` and returns a factory of preHandlers, e.g.
 * `app.get('/x', { preHandler: requireToken({ scopes: ['profile'] }) }, …)`.
 */
export function fastifyBearerAuth(app: FastifyInstance, verifier: AccessTokenVerifier) {
  if (!app.hasRequestDecorator('accessToken')) app.decorateRequest('accessToken', null);
  return (required: { scopes?: readonly string[] } = {}): preHandlerAsyncHookHandler => async (request, reply) => {
    try {
      // RFC 9449 §4.3: what a DPoP proof must name (htm, htu without the query).
      const origin = verifier.publicOrigin ?? `${request.protocol}://${request.host}`;
      const url = `${origin}${request.url.split('?')[0]}`;
      request.accessToken = await verifier.authenticate(request.headers.authorization, required, { method: request.method, url, dpop: request.headers.dpop });
    } catch (error) {
      const refusal = refusalResponse(verifier.realm, error, verifier.resourceMetadata);
      if (refusal.status === 503) request.log.warn({ err: error }, 'access token could not be verified');
      return reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
    }
  };
}
