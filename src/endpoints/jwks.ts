// GET /jwks (RFC 7517 §5): the public signing keys only; pending and retired keys included so
// verifiers know a key before it signs and after it stops.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { allowAnyOrigin } from '../http/cors.js';

export function jwksEndpoint(deps: ServerDeps) {
  return async function jwks(_request: FastifyRequest, reply: FastifyReply) {
    const set = await deps.keys.publicJwksJson();
    return allowAnyOrigin(reply).header('Cache-Control', `public, max-age=${deps.config.keyCacheTtl}`)
      .type('application/jwk-set+json').send(set);
  };
}
