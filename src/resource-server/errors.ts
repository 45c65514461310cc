// The outcomes a protected resource reports when it refuses a request (RFC 6750 §3.1).

/** RFC 6750 §3.1 error codes; `null` means "no credentials at all", which carries no code. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce';

const statusByCode: Record<BearerErrorCode, number> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  // RFC 9449 §7.1, §9.
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
};

/** A refusal the client can act on: rendered as a `WWW-Authenticate: Bearer` challenge. */
export class BearerError extends Error {
  readonly code: BearerErrorCode | null;
  readonly status: number;
  /** Scopes to name in the challenge (insufficient_scope, RFC 6750 §3). */
  readonly scope: readonly string[] | undefined;

  /** The challenge's scheme: `DPoP` (RFC 9449 §7.1) when the request used it or its proof failed. */
  readonly scheme: 'Bearer' | 'DPoP';

  constructor(code: BearerErrorCode | null, description: string, options: { scope?: readonly string[]; cause?: unknown; scheme?: 'Bearer' | 'DPoP' } = {}) {
    super(description, { cause: options.cause });
    this.name = 'BearerError';
    this.code = code;
    this.scheme = options.scheme ?? (code === 'invalid_dpop_proof' || code === 'use_dpop_nonce' ? 'DPoP' : 'Bearer');
    this.status = code === null ? 401 : statusByCode[code];
    this.scope = options.scope;
  }
}

/**
 * The verifier could not decide (authorization server or JWKS unreachable, our own client
 * credentials refused). Never cached and never blamed on the token: answered with 503.
 */
export class VerifierUnavailableError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'VerifierUnavailableError';
  }
}
