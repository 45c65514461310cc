// Compact JWS signing (RFC 7515 §7.1, RFC 7518 §3.3) on the hot path: the signature itself is
// OpenSSL's, through node:crypto's one-shot sign on the libuv pool. jose signs through WebCrypto,
// whose per-call algorithm normalisation and key checks cost about 10 % more CPU per RS256
// signature on one core (docs/benchmarks.md); jose still generates keys and verifies tokens.
import { createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** A private key ready to sign compact JWS values with one algorithm. */
export interface JwsSigner {
  kid: string;
  alg: string;
  /** `header` gets alg and kid added; the result is `base64url(header).base64url(payload).signature`. */
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
}

const digestOf: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

function segment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function signBytes(algorithm: string, data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign(algorithm, data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
  });
}

/** Builds a signer from a private JWK; only RSASSA-PKCS1-v1_5 (RS256/384/512) keys are accepted. */
export function createJwsSigner(kid: string, alg: string, privateJwk: JWK): JwsSigner {
  const digest = digestOf[alg];
  if (!digest) throw new Error(`unsupported signing algorithm ${alg}`);
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`${alg} needs an RSA key`);
  return {
    kid,
    alg,
    async sign(header, payload) {
      const signingInput = `${segment({ ...header, alg, kid })}.${segment(payload)}`;
      const signature = await signBytes(digest, Buffer.from(signingInput, 'ascii'), key);
      return `${signingInput}.${signature.toString('base64url')}`;
    },
  };
}
