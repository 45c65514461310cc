// DPoP proofs for the load generator (RFC 9449 §4.2): each virtual user holds its own ES256 key
// pair; every request gets a new proof (typ dpop+jwt, the public jwk in the header, a random jti,
// iat now, htm and htu, and for a protected resource ath, the token's SHA-256 hash, §4.2). All
// signing goes through jose.
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 thumbprint of the public key: `dpop_jkt` (§10) and `cnf.jkt` (§6). */
  jkt: string;
}

export async function createDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const publicJwk: JWK = { kty: kty!, crv: crv!, x: x!, y: y! };
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

/** One proof for one request; `htu` without query and fragment (§4.2), `accessToken` adds ath (§4.2, §7.1). */
export async function dpopProof(key: DpopKey, htm: string, htu: string, accessToken?: string): Promise<string> {
  const url = new URL(htu);
  url.search = '';
  url.hash = '';
  return new SignJWT({
    htm,
    htu: url.href,
    ...(accessToken ? { ath: createHash('sha256').update(accessToken).digest('base64url') } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt()
    .sign(key.privateKey);
}
