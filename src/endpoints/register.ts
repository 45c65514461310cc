// POST /register (RFC 7591 §3) and GET|PUT|DELETE /register/:clientId (RFC 7592 §2): JSON in,
// the core's registration functions (clients/dynamic-registration.ts), JSON out with no-store.
// Bearer failures (initial or registration access token) answer a challenge (RFC 6750 §3).
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { sendBearerError, sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { noteClient } from '../http/request-log.js';
import { MissingAccessTokenError } from '../oauth/bearer-token.js';
import {
  deleteRegistration, readRegistration, registerDynamicClient, RegistrationRateLimitedError, replaceRegistration,
  type RegistrationDeps, type RegistrationResult,
} from '../clients/dynamic-registration.js';
import { softwareStatementVerifier } from '../clients/software-statement.js';
import { createOutboundFetch } from '../lib/outbound-fetch/index.js';
import { sectorIdentifierMaxBytes, sectorIdentifierProblem } from '../oidc/sector-identifier.js';

type Managed = FastifyRequest<{ Params: { clientId: string } }>;

function registrationDeps(deps: ServerDeps): RegistrationDeps {
  const { registration } = deps.config;
  const timeoutMs = deps.config.outboundTimeout * 1000;
  // OIDC Registration §5: fetched like any URL the registrant controls (lib/outbound-fetch).
  const sectorFetch = createOutboundFetch({
    allowPrivateNetwork: deps.config.allowPrivateNetworkFetch, allowLoopback: deps.config.allowLoopbackFetch,
    connectTimeoutMs: timeoutMs, timeoutMs, maxResponseBytes: sectorIdentifierMaxBytes,
    extraCaCertificates: deps.config.outboundCaFile ? [readFileSync(deps.config.outboundCaFile, 'utf8')] : undefined,
  });
  return {
    storage: deps.storage, clock: deps.clock, issuer: deps.config.issuer, policy: registration, implicitFlow: deps.config.implicitFlow,
    verifySoftwareStatement: softwareStatementVerifier(registration.softwareStatementIssuers),
    sealer: deps.secretSealer ? () => deps.secretSealer! : undefined,
    sectorIdentifierProblem: (client) => sectorIdentifierProblem(client.metadata.sectorIdentifierUri!, client.redirectUris, sectorFetch),
  };
}

function authorizationOf(request: FastifyRequest): string | undefined {
  return request.headers.authorization;
}

function send(reply: FastifyReply, result: RegistrationResult) {
  if (result.status === 204) return noStore(reply).code(204).send();
  return noStore(reply).code(result.status).send(result.body);
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (error instanceof MissingAccessTokenError) return sendBearerError(reply, null);
  const oauthError = toOAuthError(error, request);
  if (oauthError.code === 'invalid_token') return sendBearerError(reply, oauthError);
  if (oauthError instanceof RegistrationRateLimitedError) reply.header('Retry-After', String(oauthError.retryAfter));
  return sendJsonError(reply, oauthError);
}

export function registrationEndpoints(deps: ServerDeps) {
  const registrationDepsOnce = registrationDeps(deps);
  return {
    async register(request: FastifyRequest, reply: FastifyReply) {
      try {
        const result = await registerDynamicClient({ body: request.body, authorization: authorizationOf(request), address: request.ip }, registrationDepsOnce);
        if (typeof result.body?.client_id === 'string') noteClient(request, result.body.client_id);
        return send(reply, result);
      } catch (error) {
        return sendError(request, reply, error);
      }
    },
    async read(request: Managed, reply: FastifyReply) {
      try {
        return send(reply, await readRegistration(request.params.clientId, authorizationOf(request), registrationDepsOnce));
      } catch (error) {
        return sendError(request, reply, error);
      }
    },
    async replace(request: Managed, reply: FastifyReply) {
      try {
        return send(reply, await replaceRegistration(request.params.clientId, authorizationOf(request), request.body, registrationDepsOnce));
      } catch (error) {
        return sendError(request, reply, error);
      }
    },
    async remove(request: Managed, reply: FastifyReply) {
      try {
        return send(reply, await deleteRegistration(request.params.clientId, authorizationOf(request), registrationDepsOnce));
      } catch (error) {
        return sendError(request, reply, error);
      }
    },
  };
}
