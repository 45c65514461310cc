// GET/POST /userinfo (OIDC Core §5.3) with a Bearer token (RFC 6750 §2); failures answer with
// the WWW-Authenticate challenge of RFC 6750 §3.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import type { WireParameters } from '../http/form.js';
import { sendBearerError, sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { extractBearerToken } from '../oauth/bearer-token.js';
import { userInfo } from '../oidc/userinfo.js';

export function userinfoEndpoint(deps: ServerDeps) {
  return async function userinfo(request: FastifyRequest, reply: FastifyReply) {
    try {
      const body = request.method === 'POST' ? request.body as WireParameters | undefined : undefined;
      const token = extractBearerToken(request.headers.authorization, body?.params.access_token);
      if (token === null) return sendBearerError(reply, null);
      const claims = await userInfo(token, { storage: deps.storage, now: deps.clock() });
      return noStore(reply).send(claims);
    } catch (error) {
      const oauthError = toOAuthError(error, request);
      if (oauthError.status >= 500) return sendJsonError(reply, oauthError);
      return sendBearerError(reply, oauthError);
    }
  };
}
