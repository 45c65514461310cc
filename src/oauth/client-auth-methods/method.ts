// One client authentication method (RFC 6749 §2.3, OIDC Core §9): an entry of the table in
// ../client-authentication.ts. private_key_jwt, client_secret_jwt or tls_client_auth are each
// added as one more file exporting this shape, and one line in the table.
import type { ClientStore } from '../../storage/ports.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../../storage/records.js';
import type { OAuthRequest } from '../request.js';
import type { ClientAssertionDeps } from './jwt-assertion.js';

/** What a request presents for one method, before anything is looked up. */
export interface PresentedCredentials {
  clientId: string;
  /** The shared secret of client_secret_basic and client_secret_post. */
  secret?: string;
  /** The `client_assertion` JWT of private_key_jwt and client_secret_jwt (RFC 7523 §2.2). */
  assertion?: string;
}

/** What a method may use to verify; grows as methods need. */
export interface ClientAuthDeps {
  clients: Pick<ClientStore, 'find'>;
  /** Clock, replay cache, client keys and sealed secrets for the JWT methods; without it they refuse. */
  assertions?: ClientAssertionDeps | undefined;
}

export interface ClientAuthMethod {
  /** The registered `token_endpoint_auth_method` this entry implements. */
  readonly name: TokenEndpointAuthMethod;
  /** Whether invalid_client answers carry `WWW-Authenticate: Basic` (RFC 6749 §5.2). */
  readonly challengesBasic: boolean;
  /**
   * The credentials this request presents for the method, or undefined when it does not use
   * it: syntax only, no lookup. A malformed credential throws.
   */
  presented(request: OAuthRequest): PresentedCredentials | undefined;
  /**
   * Whether the credentials prove `client`. `client` is null for an unknown id, and that must
   * cost the same as a wrong credential (no timing oracle for client ids). A method may instead
   * throw InvalidClientError whose description says what was wrong with a credential of a known
   * client registered for it (an expired or replayed assertion). `request` gives the endpoint URL
   * (an assertion's `aud`).
   */
  verify(credentials: PresentedCredentials, client: ClientRecord | null, deps: ClientAuthDeps, request?: OAuthRequest): boolean | Promise<boolean>;
}
