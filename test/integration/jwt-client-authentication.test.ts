// private_key_jwt and client_secret_jwt (RFC 7523 §2.2 and §3, RFC 7521 §4.2, OIDC Core §9)
// against a real Gatehouse over HTTP: the code flow with openid-client, then one test per rule.
// Runs on SQLite, or PostgreSQL (+ Redis) with GATEHOUSE_TEST_DATABASE_URL / _REDIS_URL: the jti
// replay cache is the storage's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { codeFlowLogin } from '../support/openid-flow.js';
import { clientKey, jwtBearer, signAssertion, startKeyServer, type ClientKey } from '../support/jwt-client.js';
import { sealClientSecret } from '../../src/keys/client-secret-seal.js';
import { prefixedToken, randomIdentifier } from '../../src/lib/random.js';
import { sha256Hex } from '../../src/lib/digest.js';

interface Answer { status: number; body: { error?: string; error_description?: string; access_token?: string } }

describe('JWT client authentication (RFC 7523, OIDC Core §9)', () => {
  let server: TestServer;
  let keys: Awaited<ReturnType<typeof startKeyServer>>;
  let rsa: ClientKey;
  let pkjwt: TestClient;
  let user: { username: string; password: string };

  before(async () => {
    server = await startGatehouse({ allowLoopbackFetch: true });
    rsa = await clientKey('RS256');
    keys = await startKeyServer([rsa.jwk]);
    pkjwt = await server.createClient({ tokenEndpointAuthMethod: 'private_key_jwt', secretDigest: null, metadata: { jwksUri: keys.url } });
    user = await server.createUser();
  });
  after(async () => {
    await server?.close();
    await keys?.close();
  });

  async function post(path: string, params: Record<string, string>): Promise<Answer> {
    const response = await fetch(`${server.issuer}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params),
    });
    return { status: response.status, body: await response.json() as Answer['body'] };
  }

  const tokenWith = (assertion: string, extra: Record<string, string> = {}) => post('/token', {
    grant_type: 'client_credentials', scope: 'api:read', client_assertion_type: jwtBearer, client_assertion: assertion, ...extra,
  });

  const pkAssertion = (options: Partial<Parameters<typeof signAssertion>[1]> = {}, key: ClientKey = rsa) => signAssertion(key.privateKey, {
    clientId: pkjwt.clientId, audience: server.issuer, now: server.clock(), kid: key.kid, alg: key.alg, ...options,
  });

  function refused(answer: Answer, description: RegExp): void {
    assert.equal(answer.status, 401, JSON.stringify(answer.body));
    assert.equal(answer.body.error, 'invalid_client');
    assert.match(answer.body.error_description ?? '', description);
  }

  it('a private_key_jwt client completes the code flow, refresh, introspection and revocation with openid-client (RFC 7523 §2.2, OIDC Core §9)', async () => {
    const config = await oidc.discovery(new URL(server.issuer), pkjwt.clientId, undefined,
      oidc.PrivateKeyJwt({ key: rsa.privateKey, kid: rsa.kid }), { execute: [oidc.allowInsecureRequests] });
    const { tokens } = await codeFlowLogin(config, pkjwt.redirectUri, user);
    assert.ok(tokens.id_token && tokens.refresh_token);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const introspection = await oidc.tokenIntrospection(config, refreshed.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.client_id, pkjwt.clientId);
    await oidc.tokenRevocation(config, refreshed.access_token);
    assert.equal((await oidc.tokenIntrospection(config, refreshed.access_token)).active, false);
  });

  it('a client_secret_jwt client completes the code flow with openid-client, its secret kept sealed (RFC 7523 §2.2, OIDC Core §9)', async () => {
    const clientId = randomIdentifier(12);
    const secret = prefixedToken('gh_cs_');
    const client = await server.createClient({
      clientId, tokenEndpointAuthMethod: 'client_secret_jwt', secretDigest: sha256Hex(secret),
      metadata: { sealedClientSecret: sealClientSecret(server.sealer, clientId, secret) },
    });
    const config = await oidc.discovery(new URL(server.issuer), client.clientId, undefined, oidc.ClientSecretJwt(secret),
      { execute: [oidc.allowInsecureRequests] });
    const { tokens } = await codeFlowLogin(config, client.redirectUri, user);
    assert.ok(tokens.id_token);
    const hmac = (value: string) => new TextEncoder().encode(value);
    const options = { clientId, audience: server.issuer, now: server.clock(), alg: 'HS256' };
    assert.equal((await tokenWith(await signAssertion(hmac(secret), { ...options, alg: 'HS512' }))).status, 200, 'HS512 is accepted too');
    refused(await tokenWith(await signAssertion(hmac('not the secret'), options)), /signature does not verify/);
    refused(await tokenWith(await signAssertion(rsa.privateKey, { ...options, alg: 'RS256', kid: rsa.kid })), /alg RS256 is not allowed .* client_secret_jwt .*HS256/);
  });

  it('accepts the issuer and the token endpoint URL as aud, and refuses any other (RFC 7523 §3 item 3, draft-ietf-oauth-rfc7523bis)', async () => {
    assert.equal((await tokenWith(await pkAssertion({ audience: server.issuer }))).status, 200);
    assert.equal((await tokenWith(await pkAssertion({ audience: `${server.issuer}/token` }))).status, 200);
    refused(await tokenWith(await pkAssertion({ audience: 'https://elsewhere.example' })), /aud must be the issuer/);
    refused(await tokenWith(await pkAssertion({ audience: [server.issuer, 'https://elsewhere.example'] })), /aud must be the issuer/);
    // The introspection endpoint's URL is not the token endpoint's.
    refused(await tokenWith(await pkAssertion({ audience: `${server.issuer}/introspect` })), /aud must be the issuer/);
  });

  it('refuses a reused assertion: its jti is single-use (RFC 7523 §3 item 7, RFC 7521 §4.2)', async () => {
    const assertion = await pkAssertion();
    assert.equal((await tokenWith(assertion)).status, 200);
    refused(await tokenWith(assertion), /already used/);
    const racing = await pkAssertion();
    const answers = await Promise.all(Array.from({ length: 6 }, () => tokenWith(racing)));
    assert.equal(answers.filter((a) => a.status === 200).length, 1, 'one of concurrent uses wins');
  });

  it('refuses an expired assertion, one expiring too far ahead, one not yet valid and one without exp or jti (RFC 7523 §3 items 4, 5, 7)', async () => {
    const now = server.clock();
    refused(await tokenWith(await pkAssertion({ claims: { iat: now - 600, exp: now - 120 } })), /expired/);
    refused(await tokenWith(await pkAssertion({ claims: { exp: now + 3600 } })), /more than 300 seconds ahead/);
    refused(await tokenWith(await pkAssertion({ claims: { nbf: now + 600 } })), /not yet valid/);
    refused(await tokenWith(await pkAssertion({ claims: { exp: undefined } })), /exp claim/);
    refused(await tokenWith(await pkAssertion({ claims: { jti: undefined } })), /jti claim/);
    // Within the allowed skew (30 s) an expiry just passed is still accepted.
    assert.equal((await tokenWith(await pkAssertion({ claims: { iat: now - 50, exp: now - 10 } }))).status, 200);
  });

  it('refuses iss or sub other than the client and a client_id that is not the sub (RFC 7523 §3 items 1-2, RFC 7521 §4.2)', async () => {
    refused(await tokenWith(await pkAssertion({ claims: { iss: 'someone-else' } })), /iss and sub/);
    refused(await tokenWith(await pkAssertion(), { client_id: 'someone-else' }), /client_id does not match/);
    assert.equal((await tokenWith(await pkAssertion(), { client_id: pkjwt.clientId })).status, 200);
    refused(await tokenWith(await pkAssertion(), { client_assertion_type: 'urn:example:other' }), /client_assertion_type must be/);
  });

  it('refuses alg none (RFC 7518 §3.6, OIDC Core §9)', async () => {
    const now = server.clock();
    const unsigned = new UnsecuredJWT({ jti: randomUUID() }).setIssuer(pkjwt.clientId).setSubject(pkjwt.clientId)
      .setAudience(server.issuer).setIssuedAt(now).setExpirationTime(now + 60).encode();
    refused(await tokenWith(unsigned), /alg none is not allowed .*RS256, PS256, ES256, EdDSA/);
  });

  it('refuses an HS256 assertion MACed with the client\'s RSA public key PEM: no algorithm confusion (RFC 7518 §3.1, RFC 8725 §3.1)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const now = server.clock();
    const forged = await new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .setIssuer(pkjwt.clientId).setSubject(pkjwt.clientId).setAudience(server.issuer).setIssuedAt(now).setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(pem));
    refused(await tokenWith(forged), /alg HS256 is not allowed for this client, registered for private_key_jwt/);
  });

  it('refetches the jwks_uri once for an unknown kid, no more often than once a minute, then fails (OIDC Core §10.1.1)', async () => {
    const own = await startKeyServer([(await clientKey('RS256')).jwk]);
    try {
      const client = await server.createClient({ tokenEndpointAuthMethod: 'private_key_jwt', secretDigest: null, metadata: { jwksUri: own.url } });
      const rotated = await clientKey('ES256');
      const sign = () => signAssertion(rotated.privateKey, { clientId: client.clientId, audience: server.issuer, now: server.clock(), kid: rotated.kid, alg: 'ES256' });
      refused(await tokenWith(await sign()), /no key registered for the client matches/);
      assert.equal(own.hits, 1, 'the first use fetched the set once');
      refused(await tokenWith(await sign()), /no key registered/);
      assert.equal(own.hits, 1, 'an unknown kid within the minute does not refetch');
      // The client publishes its new key; a minute later the unknown kid refetches once and succeeds.
      own.setKeys([rotated.jwk]);
      server.clock.advance(61);
      assert.equal((await tokenWith(await sign())).status, 200);
      assert.equal(own.hits, 2);
      const unknown = await clientKey('RS256');
      server.clock.advance(61);
      refused(await tokenWith(await signAssertion(unknown.privateKey, { clientId: client.clientId, audience: server.issuer, now: server.clock(), kid: unknown.kid })),
        /no key registered/);
      assert.equal(own.hits, 3, 'exactly one refetch for the unknown kid');
    } finally {
      await own.close();
    }
  });

  it('fetches a new client\'s jwks_uri once for concurrent assertions (one request shared)', async () => {
    const key = await clientKey('PS256');
    const own = await startKeyServer([key.jwk]);
    try {
      const client = await server.createClient({ tokenEndpointAuthMethod: 'private_key_jwt', secretDigest: null, metadata: { jwksUri: own.url } });
      const assertions = await Promise.all(Array.from({ length: 5 }, () =>
        signAssertion(key.privateKey, { clientId: client.clientId, audience: server.issuer, now: server.clock(), kid: key.kid, alg: 'PS256' })));
      const answers = await Promise.all(assertions.map((assertion) => tokenWith(assertion)));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
      assert.equal(own.hits, 1);
    } finally {
      await own.close();
    }
  });

  it('honours the client\'s registered token_endpoint_auth_signing_alg and keys by value (OIDC Registration §2)', async () => {
    const ec = await clientKey('ES256');
    const client = await server.createClient({
      tokenEndpointAuthMethod: 'private_key_jwt', secretDigest: null, metadata: { jwks: { keys: [ec.jwk, rsa.jwk] }, tokenEndpointAuthSigningAlg: 'ES256' },
    });
    const base = { clientId: client.clientId, audience: server.issuer, now: server.clock() };
    assert.equal((await tokenWith(await signAssertion(ec.privateKey, { ...base, kid: ec.kid, alg: 'ES256' }))).status, 200);
    refused(await tokenWith(await signAssertion(rsa.privateKey, { ...base, kid: rsa.kid })), /alg RS256 is not allowed .*\(use ES256\)/);
  });

  it('accepts assertions at the introspection and revocation endpoints, and refuses a replay there too (RFC 7662 §2.1, RFC 7009 §2.1)', async () => {
    const assertion = await pkAssertion({ audience: `${server.issuer}/introspect` });
    const introspected = await post('/introspect', { token: 'gh_at_unknown', client_assertion_type: jwtBearer, client_assertion: assertion });
    assert.equal(introspected.status, 200);
    refused(await post('/introspect', { token: 'gh_at_unknown', client_assertion_type: jwtBearer, client_assertion: assertion }), /already used/);
    const revoked = await fetch(`${server.issuer}/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'gh_rt_unknown', client_assertion_type: jwtBearer, client_assertion: await pkAssertion() }),
    });
    assert.equal(revoked.status, 200);
  });

  it('advertises the methods and their algorithms (RFC 8414 §2)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, string[]>;
    for (const endpoint of ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
      assert.ok(metadata[`${endpoint}_auth_methods_supported`]!.includes('private_key_jwt'), endpoint);
      assert.ok(metadata[`${endpoint}_auth_methods_supported`]!.includes('client_secret_jwt'), endpoint);
      assert.deepEqual(metadata[`${endpoint}_auth_signing_alg_values_supported`], ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256', 'HS384', 'HS512']);
    }
  });
});
