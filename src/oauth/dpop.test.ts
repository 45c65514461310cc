import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createStorage } from '../storage/create-storage.js';
import type { Storage } from '../storage/ports.js';
import { silentLogger } from '../lib/logger.js';
import {
  accessTokenHash, createDpopNonces, dpopAlgorithmsSupported, DpopProofError, verifyDpopProof, type DpopPolicy,
} from './dpop.js';

const url = 'https://as.example.com/token';
const now = 1_800_000_000;

describe('DPoP proofs (RFC 9449 §4.3)', () => {
  let storage: Storage;
  let privateKey: CryptoKey;
  let jwk: JWK;
  const policy: DpopPolicy = { algorithms: [...dpopAlgorithmsSupported], proofLifetimeSeconds: 60 };

  before(async () => {
    storage = await createStorage({ databaseUrl: 'sqlite::memory:', logger: silentLogger() });
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    jwk = await exportJWK(pair.publicKey);
  });
  after(() => storage.close());

  async function proof(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = privateKey, alg = 'ES256'): Promise<string> {
    return new SignJWT({ jti: randomUUID(), htm: 'POST', htu: url, iat: now, ...claims })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...header })
      .sign(key);
  }
  const verify = (value: string, extra: Partial<{ method: string; url: string; accessToken: string; now: number; policy: DpopPolicy }> = {}) =>
    verifyDpopProof(
      { proof: value, method: extra.method ?? 'POST', url: extra.url ?? url, ...(extra.accessToken !== undefined ? { accessToken: extra.accessToken } : {}) },
      { replayCache: storage.replayCache, now: extra.now ?? now, policy: extra.policy ?? policy },
    );
  async function refused(value: string | Promise<string>, pattern: RegExp, extra = {}, code = 'invalid_dpop_proof'): Promise<void> {
    await assert.rejects(verify(await value, extra), (error: unknown) => error instanceof DpopProofError && error.code === code && pattern.test(error.message));
  }

  it('RFC 9449 §4.3: a well-formed proof verifies and yields the key\'s RFC 7638 thumbprint', async () => {
    const verified = await verify(await proof());
    assert.match(verified.jkt, /^[A-Za-z0-9_-]{43}$/);
  });

  it('RFC 9449 §4.3 step 9: htu is compared without query and fragment, scheme and host case-insensitively', async () => {
    await verify(await proof({ htu: 'HTTPS://AS.example.com:443/token?x=1#y' }));
  });

  it('RFC 9449 §4.3 steps 4-5: typ must be dpop+jwt and alg an allowed asymmetric one', async () => {
    await refused(proof({}, { typ: 'JWT' }), /typ/);
    const narrow: DpopPolicy = { ...policy, algorithms: ['EdDSA'] };
    await refused(proof(), /alg/, { policy: narrow });
  });

  it('RFC 9449 §4.3 step 6: the signature must verify with the header\'s own jwk', async () => {
    const other = await generateKeyPair('ES256');
    await refused(proof({}, {}, other.privateKey), /signature/);
  });

  it('RFC 9449 §4.3 step 7: a jwk with private parts is refused', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    await refused(proof({}, { jwk: privateJwk }, pair.privateKey), /public key/);
  });

  it('RFC 9449 §4.3 step 8: htm must be the request\'s method', async () => {
    await refused(proof({ htm: 'GET' }), /htm/);
  });

  it('RFC 9449 §4.3 step 9: htu must be this endpoint', async () => {
    await refused(proof({ htu: 'https://as.example.com/userinfo' }), /htu/);
    await refused(proof({ htu: 'https://evil.example.com/token' }), /htu/);
  });

  it('RFC 9449 §4.3 step 11: a stale or future iat is refused', async () => {
    await refused(proof({ iat: now - 61 }), /iat/);
    await refused(proof({ iat: now + 61 }), /iat/);
    await verify(await proof({ iat: now - 60 }));
  });

  it('RFC 9449 §11.1: a proof is used once; the same jti with another key is another proof', async () => {
    const jti = randomUUID();
    const first = await proof({ jti });
    await verify(first);
    await refused(first, /already used/);
    const pair = await generateKeyPair('ES256');
    await verify(await proof({ jti }, { jwk: await exportJWK(pair.publicKey) }, pair.privateKey));
  });

  it('RFC 9449 §4.3 step 12: at a resource, ath must be the access token\'s hash', async () => {
    const token = 'an-access-token';
    await verify(await proof({ ath: accessTokenHash(token) }), { accessToken: token });
    await refused(proof({ ath: accessTokenHash('another') }), /ath/, { accessToken: token });
    await refused(proof(), /ath/, { accessToken: token });
  });

  it('RFC 9449 §8: with server nonces, a proof without the current nonce gets use_dpop_nonce; the last slot\'s nonce still passes', async () => {
    const nonces = createDpopNonces(Buffer.alloc(32, 7), 300);
    const withNonces: DpopPolicy = { ...policy, nonces };
    await refused(proof(), /nonce/, { policy: withNonces }, 'use_dpop_nonce');
    await refused(proof({ nonce: 'made-up' }), /nonce/, { policy: withNonces }, 'use_dpop_nonce');
    await verify(await proof({ nonce: nonces.current(now) }), { policy: withNonces });
    await verify(await proof({ nonce: nonces.current(now - 300), iat: now }), { policy: withNonces });
    await refused(proof({ nonce: nonces.current(now - 600) }), /nonce/, { policy: withNonces }, 'use_dpop_nonce');
    const otherServer = createDpopNonces(Buffer.alloc(32, 8), 300);
    await refused(proof({ nonce: otherServer.current(now) }), /nonce/, { policy: withNonces }, 'use_dpop_nonce');
  });

  it('RFC 9449 §4.3 step 2: what is not a JWT is refused, never thrown as something else', async () => {
    await refused(Promise.resolve('not-a-jwt'), /not a JWT/);
    await refused(Promise.resolve('x'.repeat(9000)), /too long/);
  });
});
