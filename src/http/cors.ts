// Applies the CORS policy of oauth/cors.ts to Fastify replies (Fetch Standard §3.2): preflights
// of the routes marked `cors` in the route table, and `Access-Control-Allow-Origin` on actual
// responses. `Access-Control-Allow-Credentials` is never sent: nothing here reads cookies.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRecord } from '../storage/records.js';
import { corsPolicy, mayReadResponse, type OriginIndex } from '../oauth/cors.js';

/** 'public': any origin (discovery, JWKS); 'client': origins of registered clients only. */
export type CorsMode = 'public' | 'client';

const allowHeaders = corsPolicy.allowHeaders.join(', ');
const exposeHeaders = corsPolicy.exposeHeaders.join(', ');
const maxAge = String(corsPolicy.maxAge);

/** The request's `Origin`, when it came from a browser page with one. */
function originOf(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin !== '' ? origin : undefined;
}

/**
 * OPTIONS on a CORS route. A preflight (Origin and Access-Control-Request-Method present) from an
 * allowed origin answers 204 with what may be sent; from any other origin 204 without CORS
 * headers, which the browser treats as a refusal. A plain OPTIONS answers 204 with `Allow`
 * (RFC 9110 §9.3.7).
 */
export function corsPreflight(mode: CorsMode, methods: readonly string[], index: OriginIndex) {
  const allowMethods = methods.join(', ');
  return async function preflight(request: FastifyRequest, reply: FastifyReply) {
    const origin = originOf(request);
    reply.header('Allow', `${allowMethods}, OPTIONS`).header('Cache-Control', 'no-store');
    if (origin === undefined || request.headers['access-control-request-method'] === undefined) {
      return reply.code(204).send();
    }
    reply.header('Vary', 'Origin');
    const allowed = mode === 'public' || await index.isClientOrigin(origin);
    if (allowed) {
      reply.header('Access-Control-Allow-Origin', mode === 'public' ? '*' : origin)
        .header('Access-Control-Allow-Methods', allowMethods)
        .header('Access-Control-Allow-Headers', allowHeaders)
        .header('Access-Control-Max-Age', maxAge);
    }
    return reply.code(204).send();
  };
}

/** Discovery and JWKS: readable from any page (OIDC Discovery §4, RFC 8414 §3). */
export function allowAnyOrigin(reply: FastifyReply): FastifyReply {
  return reply.header('Access-Control-Allow-Origin', '*');
}

/**
 * An actual response of a client endpoint: readable by the page when its origin is one of
 * `client`'s (oauth/cors.ts `mayReadResponse`). Requests without `Origin` (every non-browser
 * client) pay one header read.
 */
export function allowClientOrigin(request: FastifyRequest, reply: FastifyReply, client: ClientRecord | null): void {
  const origin = originOf(request);
  if (origin === undefined) return;
  reply.header('Vary', 'Origin');
  if (mayReadResponse(origin, client)) {
    reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Expose-Headers', exposeHeaders);
  }
}
