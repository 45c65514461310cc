// Private signing keys at rest: AES-256-GCM (NIST SP 800-38D) through node:crypto, under a
// key-encryption key (KEK) the operator holds. Stores only ever see the sealed blob.
//
// Blob: `gh1.<kek id>.<iv>.<tag>.<ciphertext>` (base64url parts). A fresh random 96-bit IV per
// seal; the 128-bit tag is checked on open; the kid is bound as additional authenticated data,
// so a sealed key moved to another row does not open. The KEK id (an HMAC of a fixed label
// under the KEK, not the KEK) tells a wrong KEK from damaged data and lets a later KEK rotation
// find which key sealed a row.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const format = 'gh1';
const ivBytes = 12;
const tagBytes = 16;

/** The configured key-encryption key is wrong or unusable, or a stored key cannot be opened. */
export class KeyEncryptionError extends Error {
  override readonly name = 'KeyEncryptionError';
}

export interface KeySealer {
  /** Identifies the KEK (16 hex digits); safe to print and to store. */
  readonly kekId: string;
  /** Encrypts a private JWK (JSON text) of key `kid`. */
  seal(kid: string, privateJwk: string): string;
  /** Decrypts what `seal` produced for the same kid; KeyEncryptionError otherwise. */
  open(kid: string, sealed: string): string;
  /**
   * 32 bytes derived from the KEK for `purpose` (HKDF-SHA-256, RFC 5869): a server secret every
   * node computes alike, never stored. Distinct purposes give unrelated secrets.
   */
  deriveSecret(purpose: string): Buffer;
}

/** True for a legacy plaintext JWK (JSON text), which the next start seals; not for any blob. */
export function isPlaintextJwk(stored: string): boolean {
  return stored.trimStart().startsWith('{');
}

function additionalData(kid: string): Buffer {
  return Buffer.from(`gatehouse signing key ${kid}`, 'utf8');
}

export function kekIdOf(kek: Buffer): string {
  return createHmac('sha256', kek).update('gatehouse key-encryption key id').digest('hex').slice(0, 16);
}

export function createKeySealer(kek: Buffer): KeySealer {
  if (kek.length !== 32) throw new KeyEncryptionError(`the key-encryption key must be 32 bytes, not ${kek.length}`);
  const key = Buffer.from(kek);
  const kekId = kekIdOf(key);
  return {
    kekId,
    deriveSecret(purpose) {
      return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `gatehouse derived secret ${purpose}`, 32));
    },
    seal(kid, privateJwk) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      cipher.setAAD(additionalData(kid));
      const ciphertext = Buffer.concat([cipher.update(privateJwk, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [format, kekId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    open(kid, sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== format) {
        throw new KeyEncryptionError(`signing key ${kid} is not in a format this version can read`);
      }
      const [, storedKekId, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
      if (storedKekId !== kekId) {
        throw new KeyEncryptionError(
          `signing key ${kid} was encrypted with key-encryption key ${storedKekId}, but the configured one is ${kekId}`);
      }
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== ivBytes || tag.length !== tagBytes) throw new KeyEncryptionError(`signing key ${kid} is damaged`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
        decipher.setAAD(additionalData(kid));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new KeyEncryptionError(`signing key ${kid} does not decrypt with key-encryption key ${kekId} (damaged or moved)`, { cause: error });
      }
    },
  };
}
