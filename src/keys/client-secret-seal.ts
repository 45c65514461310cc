// client_secret_jwt secrets at rest (RFC 7523 §3, OIDC Core §9): an HMAC is verified with the
// secret itself, so for these clients only the secret is kept sealed (AES-256-GCM under the
// key-encryption key, key-encryption.ts) beside its digest. The client id is bound as the
// additional data, so a sealed secret copied to another client does not open.
import type { KeySealer } from './key-encryption.js';

const keyIdOf = (clientId: string) => `client-secret:${clientId}`;

export function sealClientSecret(sealer: KeySealer, clientId: string, secret: string): string {
  return sealer.seal(keyIdOf(clientId), secret);
}

/** The secret; KeyEncryptionError when the blob was sealed under another KEK or for another client. */
export function openClientSecret(sealer: KeySealer, clientId: string, sealed: string): string {
  return sealer.open(keyIdOf(clientId), sealed);
}
