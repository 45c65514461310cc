// Signing algorithms per client (OIDC Registration §2): ID tokens with the registered
// id_token_signed_response_alg, verified by openid-client (which checks the alg against the client's
// metadata and, with non-repudiation checks on, the signature against the JWKS); signed UserInfo
// (OIDC Core §5.3.2); one key per algorithm in the JWKS, rotated together, each published before it
// signs (RFC 7517 §4); and an RS256-only store gaining the other algorithms at startup. Storage per
// GATEHOUSE_TEST_DATABASE_URL (SQLite or PostgreSQL).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { codeFlowLogin } from '../support/openid-flow.js';
import { obtainTokens } from '../support/flow.js';
import { chooseSigningKey, prepareSigningKeys, rotateSigningKeys } from '../../src/keys/signing-keys.js';
import { signingAlgorithms } from '../../src/keys/signing-algorithms.js';
import type { SigningKeyRecord } from '../../src/storage/records.js';

async function jwks(server: TestServer): Promise<JSONWebKeySet> {
  return (await (await fetch(`${server.issuer}/jwks`)).json()) as JSONWebKeySet;
}

/** openid-client configured as the relying party registered with `metadata`, checking signatures too. */
async function relyingParty(server: TestServer, client: TestClient, metadata: Partial<oidc.ClientMetadata> = {}): Promise<oidc.Configuration> {
  const config = await oidc.discovery(new URL(server.issuer), client.clientId, metadata, oidc.ClientSecretBasic(client.clientSecret!),
    { execute: [oidc.allowInsecureRequests] });
  // openid-client skips the ID token and UserInfo signature over TLS unless asked: ask, so the
  // signature is checked against the published key of the algorithm.
  oidc.enableNonRepudiationChecks(config);
  return config;
}

describe('signing algorithms per client (OIDC Registration §2)', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse(); });
  after(() => server?.close());

  it('advertises RS256, PS256, ES256 and EdDSA for ID tokens and UserInfo, never none (OIDC Discovery §3)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.deepEqual(metadata.id_token_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA']);
    assert.deepEqual(metadata.userinfo_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA']);
  });

  it('publishes one key per algorithm with alg, use=sig and kid, each a distinct key (RFC 7517 §4.2-4.5)', async () => {
    const { keys } = await jwks(server);
    assert.deepEqual(keys.map((k) => k.alg).sort(), [...signingAlgorithms].sort());
    for (const key of keys) {
      assert.equal(key.use, 'sig');
      assert.equal(typeof key.kid, 'string');
      assert.equal(key.d, undefined, 'no private part');
    }
    assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length);
    const rsa = keys.filter((k) => k.kty === 'RSA');
    assert.equal(rsa.length, 2, 'RS256 and PS256 each have an RSA key of their own: a JWK names one alg');
    assert.notEqual(rsa[0]!.n, rsa[1]!.n);
    assert.deepEqual(keys.filter((k) => k.kty !== 'RSA').map((k) => `${k.kty} ${k.crv}`).sort(), ['EC P-256', 'OKP Ed25519']);
  });

  for (const alg of ['PS256', 'ES256', 'EdDSA'] as const) {
    it(`signs the ID token with ${alg} for a client registered with id_token_signed_response_alg ${alg}, verified by openid-client (OIDC Core §3.1.3.7 step 6-7)`, async () => {
      const client = await server.createClient({ skipConsent: true, metadata: { idTokenSignedResponseAlg: alg } });
      const user = await server.createUser();
      const { tokens } = await codeFlowLogin(await relyingParty(server, client, { id_token_signed_response_alg: alg }), client.redirectUri, user);
      const header = decodeProtectedHeader(tokens.id_token!);
      assert.equal(header.alg, alg);
      assert.equal((await jwks(server)).keys.find((k) => k.kid === header.kid)?.alg, alg, 'signed by the published key of that algorithm');
      assert.equal(tokens.claims()?.sub, user.accountId);
      // The refreshed ID token keeps the client's algorithm (OIDC Core §12.2).
      const refreshed = await oidc.refreshTokenGrant(await relyingParty(server, client, { id_token_signed_response_alg: alg }), tokens.refresh_token!);
      assert.equal(decodeProtectedHeader(refreshed.id_token!).alg, alg);
    });
  }

  it('keeps RS256 for a client that registered nothing, which a relying party expecting ES256 refuses (OIDC Registration §2 default)', async () => {
    const client = await server.createClient({ skipConsent: true });
    const user = await server.createUser();
    const { tokens } = await codeFlowLogin(await relyingParty(server, client), client.redirectUri, user);
    assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'RS256');
    await assert.rejects(codeFlowLogin(await relyingParty(server, client, { id_token_signed_response_alg: 'ES256' }), client.redirectUri, user),
      (error: Error) => /unexpected JWT "alg" header parameter/.test(String((error.cause as Error | undefined)?.message ?? error.message)));
  });

  it('answers UserInfo as an ES256 JWS with iss and aud when userinfo_signed_response_alg is registered, verified by openid-client (OIDC Core §5.3.2)', async () => {
    const client = await server.createClient({ skipConsent: true, metadata: { userinfoSignedResponseAlg: 'ES256' } });
    const user = await server.createUser({ name: 'Signed Sam' });
    const config = await relyingParty(server, client, { userinfo_signed_response_alg: 'ES256' });
    const { tokens } = await codeFlowLogin(config, client.redirectUri, user);
    const claims = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(claims.name, 'Signed Sam');

    const response = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/jwt/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const jws = await response.text();
    assert.equal(decodeProtectedHeader(jws).alg, 'ES256');
    const { payload } = await jwtVerify(jws, createLocalJWKSet(await jwks(server)), {
      algorithms: ['ES256'], issuer: server.issuer, audience: client.clientId, currentDate: new Date(server.clock() * 1000),
    });
    assert.equal(payload.sub, user.accountId);

    // Without the registration, JSON as before; a relying party expecting a JWT refuses it.
    const plain = await server.createClient({ skipConsent: true });
    const plainConfig = await relyingParty(server, plain, { userinfo_signed_response_alg: 'ES256' });
    const plainTokens = (await codeFlowLogin(plainConfig, plain.redirectUri, user)).tokens;
    await assert.rejects(oidc.fetchUserInfo(plainConfig, plainTokens.access_token, plainTokens.claims()!.sub),
      (error: Error) => /JWT UserInfo Response expected/.test(String((error.cause as Error | undefined)?.message ?? error.message)));
  });
});

describe('the key set across rotation and upgrade (RFC 7517, publish before sign per algorithm)', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse(); });
  after(() => server?.close());

  it('gives an RS256-only store (an upgrade) the other algorithms at startup, backdated so older nodes keep signing RS256', async () => {
    const now = server.clock();
    // Remove every key but the RS256 one, as a store of the previous version holds it.
    for (const key of await server.storage.signingKeys.list(now)) {
      if (key.alg !== 'RS256' || key.retiredAt !== null) await server.storage.signingKeys.retire(key.kid, now - 2, now - 1);
    }
    await server.storage.signingKeys.purgeExpired(now, 100);
    const legacy = await server.storage.signingKeys.list(now);
    assert.deepEqual(legacy.map((k) => k.alg), ['RS256']);

    const prepared = await prepareSigningKeys(server.storage.signingKeys, server.clock, server.sealer);
    assert.deepEqual(prepared, { sealed: 0, created: false, added: ['PS256', 'ES256', 'EdDSA'] });
    const keys = await server.storage.signingKeys.list(now);
    assert.deepEqual(keys.map((k) => k.alg).sort(), [...signingAlgorithms].sort());
    // The previous version picks the newest active key of any algorithm: it must still be RS256.
    const previousVersionChoice = (records: SigningKeyRecord[]) => records
      .filter((k) => k.activatesAt <= now && (k.retiredAt === null || k.retiredAt > now))
      .sort((a, b) => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt)[0];
    assert.equal(previousVersionChoice(keys)?.alg, 'RS256');
    for (const alg of signingAlgorithms) assert.equal(chooseSigningKey(keys, now, alg)?.alg, alg, `${alg} signs at once`);

    server.keys.refresh();
    const client = await server.createClient({ skipConsent: true, metadata: { idTokenSignedResponseAlg: 'ES256' } });
    const { tokens } = await codeFlowLogin(await relyingParty(server, client, { id_token_signed_response_alg: 'ES256' }),
      client.redirectUri, await server.createUser());
    assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'ES256');
    assert.deepEqual(await prepareSigningKeys(server.storage.signingKeys, server.clock, server.sealer), { sealed: 0, created: false, added: [] });
  });

  it('rotates every algorithm together: new keys are published before they sign, old ones stay until they retire', async () => {
    const client = await server.createClient({ skipConsent: true, metadata: { idTokenSignedResponseAlg: 'EdDSA' } });
    const user = await server.createUser();
    // The raw flow: the server's clock moves ahead of the relying party's below.
    const signedBy = async () => decodeProtectedHeader((await obtainTokens(server, client, user)).id_token as string).kid;
    const before = (await jwks(server)).keys.map((k) => k.kid!);
    const oldKid = await signedBy();
    const fresh = await rotateSigningKeys(server.storage.signingKeys, server.clock, server.sealer, { publishDelay: 60, retirementGrace: 3600 });
    assert.deepEqual(fresh.map((k) => k.alg), [...signingAlgorithms], 'one new key per algorithm, RS256 first');
    server.keys.refresh();
    const published = (await jwks(server)).keys.map((k) => k.kid!);
    assert.equal(published.length, 2 * signingAlgorithms.length);
    for (const kid of [...before, ...fresh.map((k) => k.kid)]) assert.ok(published.includes(kid), `${kid} is published`);
    assert.equal(await signedBy(), oldKid, 'the new EdDSA key does not sign before its publish delay');

    server.clock.advance(61);
    server.keys.refresh();
    assert.equal(await signedBy(), fresh.find((k) => k.alg === 'EdDSA')!.kid);
    assert.ok((await jwks(server)).keys.some((k) => k.kid === oldKid), 'the old key stays published through its grace period');
    server.clock.advance(3600);
    server.keys.refresh();
    assert.deepEqual((await jwks(server)).keys.map((k) => k.kid!).sort(), fresh.map((k) => k.kid).sort(), 'retired keys leave the JWKS');
  });
});
