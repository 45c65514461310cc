// One info line per request: method, route pattern (never the URL: query strings carry codes and
// state), status, duration, and the client when one is known. Endpoints name the client with
// noteClient once they know it; nothing else of the request is logged.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../lib/logger.js';

const clientOf = new WeakMap<FastifyRequest, string>();

/** Records which client a request is for (authenticated, or presented when authentication failed). */
export function noteClient(request: FastifyRequest, clientId: string): void {
  clientOf.set(request, clientId);
}

export function requestLogger(logger: Logger) {
  return function logRequest(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const route = request.routeOptions.url ?? null;
    const status = reply.statusCode;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const client = clientOf.get(request);
    logger.info({ reqId: request.id, method: request.method, route, status, ms, ...(client === undefined ? {} : { client }) },
      `${request.method} ${route ?? '(no route)'} ${status} ${ms} ms`);
    done();
  };
}
