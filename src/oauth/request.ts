// The request as the core sees it: method, the endpoint's absolute URL, the headers a rule may
// read (client authentication RFC 6749 §2.3, DPoP RFC 9449, mTLS RFC 8705) and the parameters
// with the repeated ones (RFC 6749 §3.1-3.2). Built once per request by http/oauth-request.ts,
// so a new rule reads a field here instead of changing every grant's signature.
import type { ClientRecord, TokenEndpointAuthMethod } from '../storage/records.js';
import { OAuthError } from './errors.js';

export interface RequestHeaders {
  /** `Authorization`: Basic client credentials at the token endpoint, Bearer at UserInfo. */
  readonly authorization: string | undefined;
  /** The `DPoP` proof (RFC 9449 §4); checked by oauth/dpop-binding.ts. */
  readonly dpop: string | undefined;
  /** The TLS client certificate (PEM) for mTLS (RFC 8705); undefined until the HTTP layer provides one. */
  readonly clientCertificate: string | undefined;
}

export interface OAuthRequest {
  /** `GET` or `POST`. */
  readonly method: string;
  /**
   * The endpoint's absolute URL as advertised in metadata (issuer + path), without query: what
   * a DPoP proof's `htu` (RFC 9449 §4.3) and a client assertion's `aud` (RFC 7523 §3) name.
   */
  readonly url: string;
  readonly headers: RequestHeaders;
  /** The form body (or, for GET, the query): first value of each parameter, empty values absent. */
  readonly params: Readonly<Record<string, string>>;
  /** Names sent more than once; see `refuseRepeatedParameters`. */
  readonly repeated: readonly string[];
}

/** A request whose client authenticated at the token, introspection or revocation endpoint. */
export interface AuthenticatedRequest extends OAuthRequest {
  readonly client: ClientRecord;
  /** How it authenticated: the entry of the method table (oauth/client-authentication.ts) that accepted it. */
  readonly clientAuthMethod: TokenEndpointAuthMethod;
  /**
   * At the token endpoint: the JWK thumbprint of the request's verified DPoP proof (RFC 9449
   * §5), set by the grant table before any grant runs; null when no proof was sent.
   */
  readonly dpopJkt?: string | null;
}

/** RFC 6749 §3.1, §3.2: "Request and response parameters MUST NOT be included more than once." */
export function refuseRepeatedParameters(request: OAuthRequest): void {
  if (request.repeated.length > 0) {
    throw new OAuthError('invalid_request', `parameters must not be repeated: ${request.repeated.join(', ')}`);
  }
}
