import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompactSign, compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';
import { createJwsSigner } from './jws-signer.js';

async function rsaJwk(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

describe('compact JWS signer', async () => {
  const { privateJwk, publicJwk } = await rsaJwk();
  const signer = createJwsSigner('kid-1', 'RS256', privateJwk);
  const payload = { iss: 'https://issuer.example', sub: 'alice', aud: 'client', iat: 1_700_000_000, exp: 1_700_000_300, name: 'Zoë' };

  it('produces exactly the token jose produces for the same header and payload (RFC 7515 §7.1, RFC 7518 §3.3)', async () => {
    const ours = await signer.sign({ typ: 'JWT' }, payload);
    const [headerSegment, payloadSegment] = ours.split('.');
    const header = JSON.parse(Buffer.from(headerSegment!, 'base64url').toString('utf8')) as Record<string, unknown>;
    // RSASSA-PKCS1-v1_5 is deterministic: jose signing the same bytes must give the same signature.
    const theirs = await new CompactSign(Buffer.from(payloadSegment!, 'base64url'))
      .setProtectedHeader(header as { alg: string })
      .sign(await importJWK(privateJwk, 'RS256'));
    assert.equal(ours, theirs);
  });

  it('puts alg and kid in the protected header and verifies as a JWT with jose (RFC 7515 §4.1.1, §4.1.4)', async () => {
    const token = await signer.sign({ typ: 'JWT' }, payload);
    assert.deepEqual(decodeProtectedHeader(token), { typ: 'JWT', alg: 'RS256', kid: 'kid-1' });
    const { payload: verified } = await jwtVerify(token, await importJWK(publicJwk, 'RS256'), {
      issuer: payload.iss, audience: 'client', currentDate: new Date((payload.iat + 1) * 1000),
    });
    assert.equal(verified.name, 'Zoë');
  });

  it('lets no caller header override alg or kid', async () => {
    const token = await signer.sign({ alg: 'none', kid: 'other' }, payload);
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', kid: 'kid-1' });
    await compactVerify(token, await importJWK(publicJwk, 'RS256'));
  });

  it('does not verify under another key', async () => {
    const other = await rsaJwk();
    const token = await signer.sign({}, payload);
    await assert.rejects(compactVerify(token, await importJWK(other.publicJwk, 'RS256')));
  });

  const others = [
    { alg: 'PS256', key: () => generateKeyPair('PS256', { modulusLength: 2048, extractable: true }), kty: 'RSA' },
    { alg: 'ES256', key: () => generateKeyPair('ES256', { extractable: true }), kty: 'EC' },
    { alg: 'EdDSA', key: () => generateKeyPair('EdDSA', { extractable: true }), kty: 'OKP' },
  ] as const;
  for (const { alg, key, kty } of others) {
    it(`signs ${alg} that jose verifies (RFC 7518 §3.4-3.5, RFC 8037 §3.1), and not under another key`, async () => {
      const pair = await key();
      const other = await key();
      const jwk = await exportJWK(pair.privateKey);
      assert.equal(jwk.kty, kty);
      const token = await createJwsSigner('kid-x', alg, jwk).sign({ typ: 'JWT' }, payload);
      assert.deepEqual(decodeProtectedHeader(token), { typ: 'JWT', alg, kid: 'kid-x' });
      const { payload: verified } = await jwtVerify(token, pair.publicKey, {
        algorithms: [alg], issuer: payload.iss, audience: 'client', currentDate: new Date((payload.iat + 1) * 1000),
      });
      assert.equal(verified.name, 'Zoë');
      await assert.rejects(compactVerify(token, other.publicKey, { algorithms: [alg] }));
    });
  }

  it('refuses an RSA key for ES256 and a P-256 key for EdDSA', async () => {
    assert.throws(() => createJwsSigner('k', 'ES256', privateJwk), /EC key/);
    const ec = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    assert.throws(() => createJwsSigner('k', 'EdDSA', ec), /ED25519 key/);
    const p384 = await exportJWK((await generateKeyPair('ES384', { extractable: true })).privateKey);
    assert.throws(() => createJwsSigner('k', 'ES256', p384), /P-256/);
  });

  it('refuses algorithms it cannot sign with and keys of the wrong type', async () => {
    assert.throws(() => createJwsSigner('k', 'none', privateJwk), /unsupported/);
    assert.throws(() => createJwsSigner('k', 'HS256', privateJwk), /unsupported/);
    const ec = await generateKeyPair('ES256', { extractable: true });
    const ecJwk = await exportJWK(ec.privateKey);
    assert.throws(() => createJwsSigner('k', 'RS256', ecJwk), /RSA key/);
  });
});
