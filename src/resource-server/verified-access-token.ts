// What a protected resource learns about a request's access token once it is verified.

export interface VerifiedAccessToken {
  /** How it was checked: locally as an RFC 9068 JWT, or by introspection (RFC 7662). */
  format: 'jwt' | 'opaque';
  /** The resource owner (`sub`); the client's own id for a client_credentials token. */
  subject: string;
  /** The client the token was issued to. */
  clientId: string;
  scopes: readonly string[];
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The claims or introspection members as received, for anything else an API needs. */
  claims: Readonly<Record<string, unknown>>;
}

/** Splits an RFC 6749 §3.3 scope string. */
export function parseScope(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter((s) => s !== '') : [];
}
