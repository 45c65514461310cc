// What the HTTP layer hands to endpoints and interactions: built once in app.ts.
import type { Config } from '../config/schema.js';
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
import type { ClientResolver } from '../oauth/client-resolver.js';

export interface ServerDeps {
  config: Config;
  storage: Storage;
  /** Every client lookup of a request: stored clients, then Client ID Metadata Documents when enabled. */
  clients: ClientResolver;
  keys: SigningKeySet;
  clock: Clock;
  logger: Logger;
  tokenPolicy: TokenPolicy;
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
  /** Cookies get Secure when the issuer is https. */
  secureCookies: boolean;
}
