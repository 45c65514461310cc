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
    return await verifier.authenticate(request.headers.authorization, required);
  } catch (error) {
    const refusal = refusalResponse(verifier.realm, error, verifier.resourceMetadata);
    response.writeHead(refusal.status, refusal.headers).end(refusal.body);
    return null;
  }
}
