// Compact JWS signing (RFC 7515 §7.1) on the hot path: the signature itself is OpenSSL's, through
// node:crypto's one-shot sign on the libuv pool. jose signs through WebCrypto, whose per-call
// algorithm normalisation and key checks cost about 10 % more CPU per RS256 signature on one core
// (docs/benchmarks.md); jose still generates keys and verifies tokens.
// RS256 is RSASSA-PKCS1-v1_5 (RFC 7518 §3.3), PS256 RSASSA-PSS with MGF1 and a salt as long as the
// hash (§3.5), ES256 ECDSA P-256 with the signature as R || S, not DER (§3.4), EdDSA Ed25519 (RFC 8037 §3.1).
import { constants, createPrivateKey, sign, type JsonWebKey, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { JWK } from 'jose';

/** A private key ready to sign compact JWS values with one algorithm. */
export interface JwsSigner {
  kid: string;
  alg: string;
  /** `header` gets alg and kid added; the result is `base64url(header).base64url(payload).signature`. */
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
}

interface Algorithm {
  /** node:crypto's digest name; null for EdDSA, which hashes internally. */
  digest: string | null;
  keyType: string;
  /** Extra sign options: padding, salt length, signature encoding. */
  options: Omit<SignKeyObjectInput, 'key'>;
  /** The curve an EC or OKP key must be on. */
  curve?: string;
}

const algorithms: Record<string, Algorithm> = {
  RS256: { digest: 'sha256', keyType: 'rsa', options: {} },
  RS384: { digest: 'sha384', keyType: 'rsa', options: {} },
  RS512: { digest: 'sha512', keyType: 'rsa', options: {} },
  PS256: { digest: 'sha256', keyType: 'rsa', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  ES256: { digest: 'sha256', keyType: 'ec', options: { dsaEncoding: 'ieee-p1363' }, curve: 'prime256v1' },
  EdDSA: { digest: null, keyType: 'ed25519', options: {} },
};

function segment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function signBytes(digest: string | null, data: Buffer, key: SignKeyObjectInput): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign(digest, data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
  });
}

/** Builds a signer from a private JWK of the algorithm's key type (RSA, EC P-256 or Ed25519). */
export function createJwsSigner(kid: string, alg: string, privateJwk: JWK): JwsSigner {
  const algorithm = algorithms[alg];
  if (!algorithm) throw new Error(`unsupported signing algorithm ${alg}`);
  const key: KeyObject = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  if (key.asymmetricKeyType !== algorithm.keyType) throw new Error(`${alg} needs an ${algorithm.keyType.toUpperCase()} key`);
  if (algorithm.curve && key.asymmetricKeyDetails?.namedCurve !== algorithm.curve) throw new Error(`${alg} needs a P-256 key`);
  const signKey: SignKeyObjectInput = { key, ...algorithm.options };
  return {
    kid,
    alg,
    async sign(header, payload) {
      const signingInput = `${segment({ ...header, alg, kid })}.${segment(payload)}`;
      const signature = await signBytes(algorithm.digest, Buffer.from(signingInput, 'ascii'), signKey);
      return `${signingInput}.${signature.toString('base64url')}`;
    },
  };
}
