// The rules for a client's public keys as registration metadata (RFC 7591 §2 jwks / jwks_uri,
// RFC 7517 §5): used by the field table (./metadata-fields.ts). Pure.
import { isLoopbackHost } from '../lib/loopback.js';

/**
 * Why `uri` cannot be a jwks_uri, or null (RFC 7591 §2, OIDC Registration §2): an absolute https
 * URL without fragment or user information; http only on loopback, for development. Private
 * targets are refused at fetch time by lib/outbound-fetch.
 */
export function jwksUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null;
  return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
}

// Private-key members of RFC 7518 §6.2.2, §6.3.2 and the symmetric `k` (§6.4.1).
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const publicKeyTypes = ['RSA', 'EC', 'OKP'];

/**
 * Why `jwks` cannot be a client's JWK Set, or null: a `keys` array of public RSA, EC or OKP keys
 * (RFC 7517 §5). Symmetric (`oct`) and private keys are refused: the set is public, and an HMAC
 * key there could be confused with a signature key (RFC 7518 §3.1).
 */
export function jwksProblem(jwks: unknown): string | null {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(keys)) return 'must be a JSON object with a "keys" array (RFC 7517 §5)';
  if (keys.length === 0) return 'must hold at least one key';
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return `key ${index} is not a JSON object`;
    const jwk = key as Record<string, unknown>;
    if (!publicKeyTypes.includes(jwk.kty as string)) return `key ${index} must be a public RSA, EC or OKP key (kty ${String(jwk.kty)} is not allowed)`;
    const secret = privateMembers.find((member) => member in jwk);
    if (secret) return `key ${index} holds private key material ("${secret}"): register only public keys`;
    if (jwk.use !== undefined && jwk.use !== 'sig') return `key ${index} has use "${String(jwk.use)}"; only signature keys (use sig) are used`;
  }
  return null;
}

