// Random values for identifiers and secrets: 256 bits from the OS CSPRNG, base64url.
import { randomBytes } from 'node:crypto';

/** A URL-safe random string carrying `bytes` bytes of entropy (default 32 = 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random value with a readable type prefix, e.g. `gh_at_…`, so leaked values are recognisable. */
export function prefixedToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomToken(bytes)}`;
}
