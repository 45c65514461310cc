// GET /healthz: 200 when storage answers, 503 otherwise — for load balancers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';

export function healthEndpoint(deps: ServerDeps) {
  return async function health(_request: FastifyRequest, reply: FastifyReply) {
    try {
      await deps.storage.ping();
      return reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
    } catch {
      return reply.header('Cache-Control', 'no-store').code(503).send({ status: 'unavailable' });
    }
  };
}
