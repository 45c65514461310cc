// The token endpoint's grant table (RFC 6749 §4, §6): one handler per grant_type, one file each.
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { SigningKeySet } from '../../keys/signing-keys.js';
import type { Storage } from '../../storage/ports.js';
import { OAuthError } from '../errors.js';
import type { IdTokenMinter, TokenPolicy, TokenResponse } from '../issue-tokens.js';
import type { AuthenticatedRequest } from '../request.js';
import type { SubjectIdentifiers } from '../subject-identifier.js';
import type { DpopPolicy } from '../dpop.js';
import type { TrustedIssuerPolicy } from '../trusted-issuers.js';
import { tokenRequestKey } from '../dpop-binding.js';
import * as authorizationCode from './authorization-code.js';
import * as refreshToken from './refresh-token.js';
import * as clientCredentials from './client-credentials.js';
import * as tokenExchange from './token-exchange.js';
import * as deviceCode from './device-code.js';

export interface GrantDeps {
  storage: Storage;
  keys: SigningKeySet;
  clock: Clock;
  logger: Logger;
  policy: TokenPolicy;
  /** The `sub` each client knows an account by (JWT access tokens). */
  subjects: SubjectIdentifiers;
  mintIdToken: IdTokenMinter;
  /** DPoP proofs (RFC 9449): the algorithms, the iat window, the nonces. */
  dpop: DpopPolicy;
  /** Token Exchange (RFC 8693 §3 `jwt`): the issuers whose JWTs are accepted; absent: none. */
  trustedIssuers?: TrustedIssuerPolicy | undefined;
}

export interface GrantHandler {
  grantType: string;
  handle(request: AuthenticatedRequest, deps: GrantDeps): Promise<TokenResponse>;
}

const handlers = new Map<string, GrantHandler>(
  [authorizationCode, refreshToken, clientCredentials, tokenExchange, deviceCode].map((h) => [h.grantType, h]),
);

export const supportedGrantTypes = [...handlers.keys()];

export async function exchangeGrant(request: AuthenticatedRequest, deps: GrantDeps): Promise<TokenResponse> {
  const grantType = request.params.grant_type;
  if (!grantType) throw new OAuthError('invalid_request', 'grant_type is missing');
  const handler = handlers.get(grantType);
  if (!handler) throw new OAuthError('unsupported_grant_type', 'grant_type is not supported');
  if (!request.client.grantTypes.includes(grantType)) {
    throw new OAuthError('unauthorized_client', 'the client may not use this grant_type');
  }
  // RFC 9449 §5: a proof, when sent (or required of the client), is checked before any grant;
  // its key binds what the grant issues.
  const dpopJkt = await tokenRequestKey(request, { replayCache: deps.storage.replayCache, policy: deps.dpop, now: deps.clock() });
  return handler.handle({ ...request, dpopJkt }, deps);
}
