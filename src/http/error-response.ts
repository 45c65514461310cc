// One renderer per channel for OAuthError: JSON (token, introspect, revoke), Bearer challenge
// (userinfo, RFC 6750 §3). Anything that is not an OAuthError becomes server_error (or
// temporarily_unavailable when storage is down) with a generic text; the cause goes to the log.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../oauth/errors.js';
import { InvalidClientError } from '../oauth/client-authentication.js';
import { StorageUnavailableError } from '../storage/ports.js';
import { noStore } from './security-headers.js';
import { bodyLimit } from './body-limit.js';
import { noteClient } from './request-log.js';
import { messages } from '../interaction/views/messages.js';

export function toOAuthError(error: unknown, request: FastifyRequest): OAuthError {
  if (error instanceof InvalidClientError) {
    // Who tried, how, and why it failed: for the operator only; the client reads one uniform answer.
    const { clientId, method, reason } = error.failure;
    if (clientId !== undefined) noteClient(request, clientId);
    request.log.warn({ reqId: request.id, client: clientId, method, reason }, 'client authentication failed');
  }
  if (error instanceof OAuthError) return error;
  if (error instanceof StorageUnavailableError) {
    request.log.warn({ reqId: request.id, err: error.message }, 'storage unavailable');
    return new OAuthError('temporarily_unavailable', 'the service is temporarily unavailable, try again shortly', { cause: error });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Framework-level rejections: body too large (RFC 9110 §15.5.14), bad content type, malformed body.
    if (status === 413) return new OAuthError('invalid_request', messages.tooLarge.body(`${bodyLimit / 1024} KiB`), { cause: error, status: 413 });
    const readsJson = (request.routeOptions?.config as { json?: boolean } | undefined)?.json === true;
    const description = status === 415 ? (readsJson ? messages.badMediaTypeJson : messages.badMediaType) : messages.unparsable;
    return new OAuthError('invalid_request', description, { cause: error, status: 400 });
  }
  request.log.error({ reqId: request.id, err: error }, 'unexpected error');
  return new OAuthError('server_error', `an unexpected error occurred (request ${request.id})`, { cause: error });
}

export function sendJsonError(reply: FastifyReply, error: OAuthError): FastifyReply {
  if (error instanceof InvalidClientError && error.usedBasic) {
    reply.header('WWW-Authenticate', 'Basic realm="gatehouse", charset="UTF-8"');
  }
  if (error.code === 'temporarily_unavailable') reply.header('Retry-After', '5');
  return noStore(reply).code(error.status).send({ error: error.code, error_description: error.description });
}

function quote(value: string): string {
  return value.replace(/["\\]/g, '');
}

/**
 * RFC 9449 §7.1: the DPoP challenge, naming the algorithms a proof may use; `use_dpop_nonce`
 * (§8) goes with the nonce to use, `DPoP-Nonce`, set by the caller.
 */
export function sendDpopError(reply: FastifyReply, error: OAuthError, algorithms: readonly string[]): FastifyReply {
  const status = error.code === 'invalid_dpop_proof' || error.code === 'use_dpop_nonce' ? 401 : error.status;
  reply.header('WWW-Authenticate', `DPoP algs="${algorithms.join(' ')}", error="${error.code}", error_description="${quote(error.description)}"`);
  return noStore(reply).code(status).send({ error: error.code, error_description: error.description });
}

/** RFC 6750 §3: no error code when the request simply lacked a token. */
export function sendBearerError(reply: FastifyReply, error: OAuthError | null): FastifyReply {
  const parts = ['realm="gatehouse"'];
  if (error) {
    parts.push(`error="${error.code}"`, `error_description="${quote(error.description)}"`);
    if (error.code === 'insufficient_scope') parts.push('scope="openid"');
  }
  reply.header('WWW-Authenticate', `Bearer ${parts.join(', ')}`);
  if (!error) return noStore(reply).code(401).send();
  return noStore(reply).code(error.status).send({ error: error.code, error_description: error.description });
}
