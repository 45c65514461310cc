// One client authentication method (RFC 6749 §2.3, OIDC Core §9): an entry of the table in
// ../client-authentication.ts. private_key_jwt, client_secret_jwt or tls_client_auth are each
// added as one more file exporting this shape, and one line in the table.
import type { ClientStore } from '../../storage/ports.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../../storage/records.js';
import type { OAuthRequest } from '../request.js';

/** What a request presents for one method, before anything is looked up. */
export interface PresentedCredentials {
  clientId: string;
  /** The shared secret of client_secret_basic and client_secret_post. */
  secret?: string;
}

/** What a method may use to verify; grows (clock, replay cache, JWKS fetch) as methods need. */
export interface ClientAuthDeps {
  clients: Pick<ClientStore, 'find'>;
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
   * cost the same as a wrong credential (no timing oracle for client ids).
   */
  verify(credentials: PresentedCredentials, client: ClientRecord | null, deps: ClientAuthDeps): boolean | Promise<boolean>;
}
