// SHA-256 digests: what the stores keep instead of codes, tokens, session ids and client secrets.
import { createHash, createHmac } from 'node:crypto';

/** Hex SHA-256 of a UTF-8 string. High-entropy secrets need no salt or stretching. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** base64url SHA-256 of a string, as PKCE S256 and at_hash build on. */
export function sha256Base64url(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest('base64url');
}

/** base64url HMAC-SHA256 of `message` under `key`: a value only a holder of the key can compute. */
export function hmacSha256Base64url(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}
