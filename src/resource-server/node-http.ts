// node:http glue for the verifier, for APIs without a framework.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { refusalResponse } from './challenge.js';
import type { AccessTokenVerifier } from './verifier.js';
import type { VerifiedAccessToken } from './verified-access-token.js';

/** The verified token, or `null` after answering the request with the RFC 6750 §3 refusal. */
export async function authenticateRequest(
  verifier: AccessTokenVerifier,
  request: IncomingMessage,
  response: ServerResponse,
  required: { scopes?: readonly string[] } = {},
): Promise<VerifiedAccessToken | null> {
  try {
    // RFC 9449 §4.3: what a DPoP proof must name (htm, htu without the query).
    const tls = (request.socket as { encrypted?: boolean }).encrypted === true;
    const origin = verifier.publicOrigin ?? `${tls ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`;
    const url = `${origin}${(request.url ?? '/').split('?')[0]}`;
    return await verifier.authenticate(request.headers.authorization, required, { method: request.method ?? 'GET', url, dpop: request.headers.dpop });
  } catch (error) {
    const refusal = refusalResponse(verifier.realm, error, verifier.resourceMetadata);
    response.writeHead(refusal.status, refusal.headers).end(refusal.body);
    return null;
  }
}
