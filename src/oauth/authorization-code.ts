// Issuing an authorization code (RFC 6749 §4.1.2): a random single-use code stored only as its
// digest, bound to client, redirect_uri, PKCE challenge, scopes and nonce, and to the id of the
// grant its tokens will carry. The grant itself is written when the code is redeemed, in the
// same atomic step as the tokens (one write per request on the hot path).
import { randomToken } from '../lib/random.js';
import type { AuthorizationCodeStore } from '../storage/ports.js';
import type { AuthorizationRequestLike } from './authorization-response.js';
import { newOpaqueValue, tokenPrefix } from './opaque-token.js';

export interface CodeIssuance {
  request: AuthorizationRequestLike & {
    scopes: string[];
    codeChallenge: string | null;
    codeChallengeMethod: 'S256' | null;
    nonce: string | null;
    /** OpenID Connect's `claims` request, opaque here (oidc/claims-request.ts). */
    claims?: string | null;
    /** RFC 8707 §2.1: the resources the authorization is for. */
    resources?: string[];
    /** RFC 9449 §10: the DPoP key the code is bound to. */
    dpopJkt?: string | null;
  };
  accountId: string;
  authTime: number;
  /** The browser session the code is issued in (Back-Channel Logout 1.0 §2.1). */
  sid: string | null;
  now: number;
  codeTtl: number;
}

export async function issueAuthorizationCode(
  input: CodeIssuance,
  { authorizationCodes }: { authorizationCodes: AuthorizationCodeStore },
): Promise<{ code: string; grantId: string }> {
  const { request, accountId, authTime, now } = input;
  const grantId = randomToken(16);
  const code = newOpaqueValue(tokenPrefix.authorizationCode);
  await authorizationCodes.insert({
    codeDigest: code.digest,
    grantId,
    clientId: request.client.clientId,
    accountId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
    claims: request.claims ?? null,
    resources: request.resources ?? [],
    dpopJkt: request.dpopJkt ?? null,
    authTime,
    sid: input.sid,
    createdAt: now,
    expiresAt: now + input.codeTtl,
    consumedAt: null,
  });
  return { code: code.value, grantId };
}
