// GET /.well-known/openid-configuration (OIDC Discovery §4) and
// /.well-known/oauth-authorization-server (RFC 8414 §3): computed once, served from memory.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { allowAnyOrigin } from '../http/cors.js';
import { openIdProviderMetadata } from '../oidc/metadata.js';

export function discoveryEndpoint(deps: ServerDeps) {
  const body = JSON.stringify(openIdProviderMetadata({
    issuer: deps.config.issuer, implicitFlow: deps.config.implicitFlow, serviceDocumentation: deps.config.serviceDocumentation,
    registrationEndpoint: deps.config.registration.policy !== 'off',
    requestObjects: deps.config,
    clientIdMetadataDocuments: deps.config.clientIdMetadataDocuments.enabled,
    requirePushedAuthorizationRequests: deps.config.requirePushedAuthorizationRequests,
    acrValuesSupported: deps.config.acrValuesSupported,
  }));
  return async function discovery(_request: FastifyRequest, reply: FastifyReply) {
    return allowAnyOrigin(reply).header('Cache-Control', 'public, max-age=300').type('application/json').send(body);
  };
}
