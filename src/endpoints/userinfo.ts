// GET/POST /userinfo (OIDC Core §5.3) with a Bearer token (RFC 6750 §2); failures answer with
// the WWW-Authenticate challenge of RFC 6750 §3. Signed answers are application/jwt (OIDC Core §5.3.2).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { getOrPostRequest } from '../http/oauth-request.js';
import { sendBearerError, sendDpopError, sendJsonError, toOAuthError } from '../http/error-response.js';
import { noStore } from '../http/security-headers.js';
import { allowClientOrigin } from '../http/cors.js';
import { MissingAccessTokenError } from '../oauth/bearer-token.js';
import { userInfo, userInfoAnswer } from '../oidc/userinfo.js';

export function userinfoEndpoint(deps: ServerDeps) {
  const url = `${deps.config.issuer}/userinfo`;
  const { nonces, algorithms } = deps.dpop;
  return async function userinfo(request: FastifyRequest, reply: FastifyReply) {
    if (nonces) reply.header('DPoP-Nonce', nonces.current(deps.clock()));
    try {
      const now = deps.clock();
      const info = await userInfo(getOrPostRequest(request, url), { storage: deps.storage, clients: deps.clients, now, subjects: deps.subjects, dpop: deps.dpop });
      // The page may read the claims when it is the token's client's (oauth/cors.ts).
      if (request.headers.origin !== undefined) allowClientOrigin(request, reply, info.client);
      const answer = await userInfoAnswer(info, { issuer: deps.config.issuer, keys: deps.keys, now });
      if (answer.contentType === 'application/jwt') return noStore(reply).type('application/jwt').send(answer.body);
      return noStore(reply).send(answer.body);
    } catch (error) {
      if (error instanceof MissingAccessTokenError) return sendBearerError(reply, null);
      const oauthError = toOAuthError(error, request);
      if (oauthError.status >= 500) return sendJsonError(reply, oauthError);
      // RFC 9449 §7.1: a DPoP presentation (or a proof problem) is answered with the DPoP challenge.
      const usedDpop = /^dpop /i.test(request.headers.authorization ?? '');
      if (usedDpop || oauthError.code === 'invalid_dpop_proof' || oauthError.code === 'use_dpop_nonce') {
        return sendDpopError(reply, oauthError, algorithms);
      }
      return sendBearerError(reply, oauthError);
    }
  };
}
