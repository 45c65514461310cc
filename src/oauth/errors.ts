// The one error the core throws: an RFC error code, a client-safe description, a log-only cause.
// RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, OIDC Core §3.1.2.6, RFC 7591 §3.2.2.

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'account_selection_required'
  | 'invalid_request_uri'
  | 'invalid_request_object'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported'
  // RFC 9449 §5, §7.1, §8 (DPoP).
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  // RFC 8628 §3.5 (Device Authorization Grant).
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  // RFC 8707 §2 (Resource Indicators).
  | 'invalid_target'
  // RFC 7591 §3.2.2 (Dynamic Client Registration).
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_software_statement'
  | 'unapproved_software_statement';

const statusByCode: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly status: number;

  constructor(
    readonly code: OAuthErrorCode,
    /** Shown to the client: never include secrets or internal detail. */
    readonly description: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(`${code}: ${description}`, { cause: options.cause });
    this.status = options.status ?? statusByCode[code] ?? 400;
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}

/** Why a client authentication failed, for the log only (the client reads one uniform answer). */
export interface ClientAuthFailure {
  /** The client id presented, if any (never a secret). */
  clientId?: string;
  /** The `token_endpoint_auth_method` the request used. */
  method?: string;
  reason: string;
}

/** invalid_client that tells the renderer to add `WWW-Authenticate: Basic` (RFC 6749 §5.2). */
export class InvalidClientError extends OAuthError {
  constructor(description: string, readonly usedBasic: boolean, readonly failure: ClientAuthFailure = { reason: description }) {
    super('invalid_client', description);
  }
}
