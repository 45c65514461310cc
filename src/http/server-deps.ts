// What the HTTP layer hands to endpoints and interactions: built once in app.ts.
import type { Config } from '../config/schema.js';
import type { KeySealer } from '../keys/key-encryption.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { SigningKeySet } from '../keys/signing-keys.js';
import type { Storage } from '../storage/ports.js';
import type { IdTokenMinter, TokenPolicy } from '../oauth/issue-tokens.js';
import type { SubjectIdentifiers } from '../oauth/subject-identifier.js';
import type { IdTokenHintVerifier } from '../oidc/authentication-request.js';
import type { PasswordVerifier } from '../accounts/password-verifier.js';
import type { LogoutHintVerifier } from '../oidc/end-session.js';
import type { LogoutNotifier } from '../oidc/logout-notifier.js';
import type { ClientAuthDeps } from '../oauth/client-authentication.js';
import type { ClientKeySource } from '../oauth/client-keys.js';
import type { OutboundFetch } from '../lib/outbound-fetch/index.js';
import type { OriginIndex } from '../oauth/cors.js';
import type { ClientResolver } from '../oauth/client-resolver.js';
import type { DpopPolicy } from '../oauth/dpop.js';
import type { TrustedIssuerPolicy } from '../oauth/trusted-issuers.js';
import type { Mailer } from '../mail/mailer.js';

export interface ServerDeps {
  config: Config;
  storage: Storage;
  /** Every client lookup of a request: stored clients, then Client ID Metadata Documents when enabled. */
  clients: ClientResolver;
  keys: SigningKeySet;
  clock: Clock;
  logger: Logger;
  tokenPolicy: TokenPolicy;
  /** DPoP proofs (RFC 9449): algorithms, iat window, server nonces when configured. */
  dpop: DpopPolicy;
  /** The `sub` each client knows an account by: public or pairwise (OIDC Core §8). */
  subjects: SubjectIdentifiers;
  /** OpenID Connect's ID tokens, injected into the OAuth token issuance. */
  mintIdToken: IdTokenMinter;
  verifyIdTokenHint: IdTokenHintVerifier;
  /** RP-Initiated Logout 1.0 §2 id_token_hint: ours, possibly expired, any audience. */
  verifyLogoutHint: LogoutHintVerifier;
  /** Told of every ended browser session (the logout channels: Back-Channel Logout 1.0). */
  logoutNotifier: LogoutNotifier;
  passwords: PasswordVerifier;
  /** What client authentication needs at the token, introspection and revocation endpoints (one JWKS cache per server). */
  /** Seals client_secret_jwt secrets of clients that register themselves; absent: such registrations are refused. */
  secretSealer?: KeySealer | undefined;
  clientAuth: ClientAuthDeps;
  /** Clients' registered public keys (jwks, jwks_uri): client assertions and request objects. */
  clientKeys: ClientKeySource;
  /** Token Exchange's trusted issuers (RFC 8693 §3 `jwt`) and their cached JWK Sets. */
  trustedIssuers: TrustedIssuerPolicy;
  /** Outbound fetch for request_uri documents (size limit requestUriMaxBytes). */
  requestUriFetch: OutboundFetch;
  /** Every registered client's browser origins, for CORS preflights (oauth/cors.ts). */
  originIndex: OriginIndex;
  /** Sends the account mails (mail/transport.ts, chosen by `mailUrl`). */
  mailer: Mailer;
  /** Cookies get Secure when the issuer is https. */
  secureCookies: boolean;
}
