// GET / at the issuer: a small page saying what this server is, linking to discovery and docs.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { landingPage } from '../interaction/views/landing.js';

export function landingEndpoint(deps: ServerDeps) {
  const body = landingPage({ issuer: deps.config.issuer, documentation: deps.config.serviceDocumentation });
  return async function landing(_request: FastifyRequest, reply: FastifyReply) {
    return htmlPageHeaders(reply).send(body);
  };
}
