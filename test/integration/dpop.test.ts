// DPoP (RFC 9449) against a running Gatehouse: oauth4webapi (a real client library) binds the code
// flow's tokens to its key, refreshes and calls UserInfo with proofs; hand-made proofs break one
// rule at a time. JWT access tokens carry cnf.jkt, introspection answers it, and a bound token is
// useless without its key.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { pkcePair, runAuthorization } from '../support/flow.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

interface ProofKey { privateKey: CryptoKey; jwk: JWK; jkt: string }

async function proofKey(): Promise<ProofKey> {
  const pair = await generateKeyPair('ES256');
  const jwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** RFC 9449 §4.2 `ath`: base64url(SHA-256(access token)). */
function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

async function proof(key: ProofKey, claims: { htm: string; htu: string } & Record<string, unknown>): Promise<string> {
  return new SignJWT({ jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

function basic(client: TestClient): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`;
}

async function post(url: string, form: Record<string, string>, headers: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

describe('DPoP with oauth4webapi (RFC 9449)', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    // A generous proof window: the proofs carry the real time, the test server's clock starts at it.
    server = await startGatehouse({ accessTokenFormat: 'jwt', dpop: { proofLifetime: 300 } });
    user = await server.createUser();
    as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), insecure));
  });
  after(() => server.close());

  /** The front channel: authorize (with extra parameters), log in, approve; the code's callback parameters. */
  async function authorize(client: TestClient, extra: Record<string, string> = {}): Promise<{ params: URLSearchParams; verifier: string }> {
    const pkce = pkcePair();
    const run = await runAuthorization(server, client, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256', ...extra });
    assert.ok(run.callback, `no redirect back: ${run.page.status} ${run.page.body.slice(0, 200)}`);
    return { params: oauth.validateAuthResponse(as, { client_id: client.clientId }, run.callback, 'state-123'), verifier: pkce.verifier };
  }

  it('RFC 9449 §5.1: discovery advertises dpop_signing_alg_values_supported', () => {
    assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256']);
  });

  it('RFC 9449 §5, §6.1, §7: code flow, refresh and UserInfo with one key; the access token carries cnf.jkt', async () => {
    const app = await server.createClient();
    const client: oauth.Client = { client_id: app.clientId };
    const auth = oauth.ClientSecretBasic(app.clientSecret!);
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);
    const jkt = await DPoP.calculateThumbprint();

    const { params, verifier } = await authorize(app);
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, app.redirectUri, verifier, { DPoP, ...insecure });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: 'nonce-456', requireIdToken: true });
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt });

    const info = await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...insecure });
    const claims = await oauth.processUserInfoResponse(as, client, oauth.getValidatedIdTokenClaims(tokens)!.sub, info);
    assert.equal(claims.sub, oauth.getValidatedIdTokenClaims(tokens)!.sub);

    const refreshed = await oauth.processRefreshTokenResponse(as, client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, { DPoP, ...insecure }));
    assert.equal(refreshed.token_type, 'dpop');
    assert.deepEqual(decodeJwt(refreshed.access_token).cnf, { jkt });

    // RFC 9449 §6.2: introspection names the key.
    const introspected = await post(`${server.issuer}/introspect`, { token: refreshed.access_token }, { authorization: basic(app) });
    assert.equal(introspected.body.active, true);
    assert.equal(introspected.body.token_type, 'DPoP');
    assert.deepEqual(introspected.body.cnf, { jkt });
  });

  it('RFC 9449 §10.1, RFC 9126: oauth4webapi pushes with a proof, runs the code flow, refreshes and calls a protected resource with one key', async () => {
    const app = await server.createClient();
    const client: oauth.Client = { client_id: app.clientId };
    const auth = oauth.ClientSecretBasic(app.clientSecret!);
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const verifier = oauth.generateRandomCodeVerifier();
    const pushed = await oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, new URLSearchParams({
      redirect_uri: app.redirectUri, scope: 'openid profile offline_access', response_type: 'code', state: 'par-dpop', nonce: 'n-par',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }), { DPoP, ...insecure }));
    const onlyPushed = { response_type: undefined, redirect_uri: undefined, scope: undefined, state: undefined, nonce: undefined };
    const run = await runAuthorization(server, app, user, { ...onlyPushed, request_uri: pushed.request_uri });
    assert.ok(run.callback, run.page.body.slice(0, 300));
    const params = oauth.validateAuthResponse(as, client, run.callback, 'par-dpop');

    // The code is bound to the pushing key (§10.1): another key cannot redeem it.
    const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const stolen = await oauth.authorizationCodeGrantRequest(as, client, auth, params, app.redirectUri, verifier, { DPoP: thief, ...insecure });
    assert.equal(stolen.status, 400);
    assert.equal(((await stolen.json()) as { error: string }).error, 'invalid_grant');

    // A fresh authorization with the same push is not possible (single use); push again and redeem with the right key.
    const again = await oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, new URLSearchParams({
      redirect_uri: app.redirectUri, scope: 'openid profile offline_access', response_type: 'code', state: 'par-dpop', nonce: 'n-par',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }), { DPoP, ...insecure }));
    const second = await runAuthorization(server, app, user, { ...onlyPushed, request_uri: again.request_uri });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth,
      oauth.validateAuthResponse(as, client, second.callback!, 'par-dpop'), app.redirectUri, verifier, { DPoP, ...insecure }), { expectedNonce: 'n-par', requireIdToken: true });
    assert.equal(tokens.token_type, 'dpop');
    const refreshed = await oauth.processRefreshTokenResponse(as, client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, { DPoP, ...insecure }));
    const api = await oauth.protectedResourceRequest(refreshed.access_token, 'GET', new URL(`${server.issuer}/userinfo`), undefined, undefined, { DPoP, ...insecure });
    assert.equal(api.status, 200);
  });

  it('RFC 9449 §10.1: a pushed dpop_jkt must match the key of the proof sent with it', async () => {
    const app = await server.createClient();
    const key = await proofKey();
    const other = await proofKey();
    const answer = await post(`${server.issuer}/par`, {
      response_type: 'code', redirect_uri: app.redirectUri, scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      dpop_jkt: other.jkt,
    }, { authorization: basic(app), dpop: await proof(key, { htm: 'POST', htu: `${server.issuer}/par` }) });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_dpop_proof');
  });

  it('RFC 9449 §7.1: a DPoP-bound token presented as a Bearer token, or with another key\'s proof, is refused at UserInfo', async () => {
    const app = await server.createClient();
    const key = await proofKey();
    const { params, verifier } = await authorize(app);
    const issued = await post(`${server.issuer}/token`, {
      grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: app.redirectUri, code_verifier: verifier,
    }, { authorization: basic(app), dpop: await proof(key, { htm: 'POST', htu: `${server.issuer}/token` }) });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal(issued.body.token_type, 'DPoP');
    const token = issued.body.access_token as string;
    const userinfo = `${server.issuer}/userinfo`;

    const asBearer = await fetch(userinfo, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(asBearer.status, 401);
    assert.match(asBearer.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

    const other = await proofKey();
    const wrongKey = await fetch(userinfo, { headers: { authorization: `DPoP ${token}`, dpop: await proof(other, { htm: 'GET', htu: userinfo, ath: ath(token) }) } });
    assert.equal(wrongKey.status, 401);
    assert.match(wrongKey.headers.get('www-authenticate') ?? '', /^DPoP algs="[^"]+", error="invalid_token"/);

    const noProof = await fetch(userinfo, { headers: { authorization: `DPoP ${token}` } });
    assert.equal(noProof.status, 401);
    assert.match(noProof.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);

    const wrongAth = await fetch(userinfo, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: userinfo, ath: ath('another token') }) } });
    assert.equal(wrongAth.status, 401);
    assert.match(wrongAth.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);

    const good = await fetch(userinfo, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: userinfo, ath: ath(token) }) } });
    assert.equal(good.status, 200);
  });

  it('RFC 9449 §4.3, §11.1: the token endpoint refuses a reused proof, a wrong htu or htm, a stale iat and two DPoP headers', async () => {
    const app = await server.createClient({ grantTypes: ['client_credentials'], scopes: ['read'] });
    const key = await proofKey();
    const tokenUrl = `${server.issuer}/token`;
    const form = { grant_type: 'client_credentials', scope: 'read' };
    const send = (dpop: string) => post(tokenUrl, form, { authorization: basic(app), dpop });
    const expectRefused = async (dpop: string, what: RegExp) => {
      const answer = await send(dpop);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'invalid_dpop_proof');
      assert.match(String(answer.body.error_description), what);
    };

    const once = await proof(key, { htm: 'POST', htu: tokenUrl });
    const first = await send(once);
    assert.equal(first.status, 200);
    assert.equal(first.body.token_type, 'DPoP');
    await expectRefused(once, /already used/);
    await expectRefused(await proof(key, { htm: 'POST', htu: `${server.issuer}/userinfo` }), /htu/);
    await expectRefused(await proof(key, { htm: 'GET', htu: tokenUrl }), /htm/);
    await expectRefused(await proof(key, { htm: 'POST', htu: tokenUrl, iat: server.clock() - 301 }), /iat/);
    await expectRefused(`${await proof(key, { htm: 'POST', htu: tokenUrl })}, ${await proof(key, { htm: 'POST', htu: tokenUrl })}`, /exactly one/);
    // Without a proof the same client gets a bearer token.
    const bearer = await post(tokenUrl, form, { authorization: basic(app) });
    assert.equal(bearer.body.token_type, 'Bearer');
  });

  it('RFC 9449 §5.2: a client registered with dpop_bound_access_tokens must send a proof', async () => {
    const app = await server.createClient({ grantTypes: ['client_credentials'], scopes: ['read'], metadata: { dpopBoundAccessTokens: true } });
    const answer = await post(`${server.issuer}/token`, { grant_type: 'client_credentials', scope: 'read' }, { authorization: basic(app) });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_dpop_proof');
  });

  it('RFC 9449 §10: a code asked for with dpop_jkt is redeemed only with that key', async () => {
    const app = await server.createClient();
    const key = await proofKey();
    const other = await proofKey();
    const { params, verifier } = await authorize(app, { dpop_jkt: key.jkt });
    const form = { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: app.redirectUri, code_verifier: verifier };
    const wrong = await post(`${server.issuer}/token`, form, { authorization: basic(app), dpop: await proof(other, { htm: 'POST', htu: `${server.issuer}/token` }) });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    assert.match(String(wrong.body.error_description), /dpop_jkt/);

    // A malformed dpop_jkt is an error redirected to the client (RFC 6749 §4.1.2.1).
    const pkce = pkcePair();
    const run = await runAuthorization(server, app, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256', dpop_jkt: 'not a thumbprint' });
    assert.equal(run.callback?.searchParams.get('error'), 'invalid_request');
  });

  it('RFC 9449 §10: with dpop_jkt and its own key the code is redeemed', async () => {
    const app = await server.createClient();
    const key = await proofKey();
    const { params, verifier } = await authorize(app, { dpop_jkt: key.jkt });
    const answer = await post(`${server.issuer}/token`, {
      grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: app.redirectUri, code_verifier: verifier,
    }, { authorization: basic(app), dpop: await proof(key, { htm: 'POST', htu: `${server.issuer}/token` }) });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(decodeJwt(answer.body.access_token as string).cnf, { jkt: key.jkt });
  });

  it('RFC 9449 §5: a public client\'s refresh token is bound to its key; another key cannot use it', async () => {
    const app = await server.createClient({ public: true });
    const key = await proofKey();
    const { params, verifier } = await authorize(app);
    const tokenUrl = `${server.issuer}/token`;
    const issued = await post(tokenUrl, {
      grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: app.redirectUri, code_verifier: verifier, client_id: app.clientId,
    }, { dpop: await proof(key, { htm: 'POST', htu: tokenUrl }) });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const refreshToken = issued.body.refresh_token as string;
    const other = await proofKey();
    const stolen = await post(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId },
      { dpop: await proof(other, { htm: 'POST', htu: tokenUrl }) });
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    const unproven = await post(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId }, {});
    assert.equal(unproven.body.error, 'invalid_grant');
    const own = await post(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId },
      { dpop: await proof(key, { htm: 'POST', htu: tokenUrl }) });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.token_type, 'DPoP');
  });
});

describe('DPoP server nonces (RFC 9449 §8)', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse({ accessTokenFormat: 'jwt', dpop: { proofLifetime: 300, requireNonce: true } }); });
  after(() => server.close());

  it('RFC 9449 §8: a proof without the nonce gets use_dpop_nonce and a DPoP-Nonce; oauth4webapi retries with it', async () => {
    const app = await server.createClient({ grantTypes: ['client_credentials'], scopes: ['read'] });
    const as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), insecure));
    const client: oauth.Client = { client_id: app.clientId };
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const request = () => oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(app.clientSecret!), { scope: 'read' }, { DPoP, ...insecure });
    const first = await request();
    assert.equal(first.status, 400);
    assert.ok(first.headers.get('dpop-nonce'));
    await assert.rejects(oauth.processClientCredentialsResponse(as, client, first), (error: unknown) => oauth.isDPoPNonceError(error));
    const tokens = await oauth.processClientCredentialsResponse(as, client, await request());
    assert.equal(tokens.token_type, 'dpop');
  });
});

describe('DPoP at an API guarded by gatehouse/resource-server (RFC 9449 §7)', () => {
  let server: TestServer;
  let api: import('fastify').FastifyInstance;
  let apiUrl: string;
  const resourceSecret = 'orders API introspection secret, long enough';
  let machine: TestClient;

  before(async () => {
    server = await startGatehouse({ dpop: { proofLifetime: 300 } });
    const Fastify = (await import('fastify')).default;
    const { createAccessTokenVerifier, fastifyBearerAuth } = await import('../../src/resource-server/index.js');
    api = Fastify();
    const requireToken = fastifyBearerAuth(api, createAccessTokenVerifier({
      issuer: server.issuer, audience: 'https://orders.example/api', clock: server.clock, dpop: { proofLifetimeSeconds: 300 },
      introspection: { resource: 'https://orders.example/api', resourceSecret, cacheMaxTtlSeconds: 0 },
    }));
    api.get('/orders', { preHandler: requireToken({ scopes: ['orders:read'] }) }, async (request) => ({ sub: request.accessToken!.subject }));
    apiUrl = `${await api.listen({ port: 0, host: '127.0.0.1' })}/orders`;
    const { sha256Hex } = await import('../../src/lib/digest.js');
    for (const [identifier, tokenFormat] of [['https://orders.example/api', 'jwt'], ['https://orders.example/opaque', 'opaque']] as const) {
      await server.storage.resources.insert({
        identifier, name: null, scopes: ['orders:read'], tokenFormat, accessTokenTtl: null,
        introspectionSecretDigest: sha256Hex(resourceSecret), createdAt: server.clock(), updatedAt: server.clock(),
      });
    }
    machine = await server.createClient({ grantTypes: ['client_credentials'], scopes: ['orders:read'] });
  });
  after(async () => { await api.close(); await server.close(); });

  async function boundToken(key: ProofKey, resource = 'https://orders.example/api'): Promise<string> {
    const issued = await post(`${server.issuer}/token`, { grant_type: 'client_credentials', scope: 'orders:read', resource },
      { authorization: basic(machine), dpop: await proof(key, { htm: 'POST', htu: `${server.issuer}/token` }) });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    return issued.body.access_token as string;
  }

  it('RFC 9449 §7.1: a JWT access token with cnf.jkt passes with the DPoP scheme and a proof by its key for this request', async () => {
    const key = await proofKey();
    const token = await boundToken(key);
    const ok = await fetch(apiUrl, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: apiUrl, ath: ath(token) }) } });
    assert.equal(ok.status, 200, await ok.clone().text());
  });

  it('RFC 9449 §7.1: as a Bearer token, with another key, with a replayed proof or for another URL it is refused with a DPoP challenge', async () => {
    const key = await proofKey();
    const token = await boundToken(key);
    const bearer = await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 401);
    assert.match(bearer.headers.get('www-authenticate') ?? '', /^DPoP realm="api", algs="[^"]+", error="invalid_token"/);

    const other = await proofKey();
    const wrongKey = await fetch(apiUrl, { headers: { authorization: `DPoP ${token}`, dpop: await proof(other, { htm: 'GET', htu: apiUrl, ath: ath(token) }) } });
    assert.equal(wrongKey.status, 401);
    assert.match(wrongKey.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

    const once = await proof(key, { htm: 'GET', htu: apiUrl, ath: ath(token) });
    assert.equal((await fetch(apiUrl, { headers: { authorization: `DPoP ${token}`, dpop: once } })).status, 200);
    const replayed = await fetch(apiUrl, { headers: { authorization: `DPoP ${token}`, dpop: once } });
    assert.equal(replayed.status, 401);
    assert.match(replayed.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);

    const elsewhere = await fetch(apiUrl, { headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'GET', htu: `${apiUrl}/other`, ath: ath(token) }) } });
    assert.equal(elsewhere.status, 401);
    assert.match(elsewhere.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
  });

  it('RFC 9449 §6.2, §7.1: an opaque DPoP-bound token is checked through introspection\'s cnf the same way', async () => {
    const { createAccessTokenVerifier } = await import('../../src/resource-server/index.js');
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer, audience: 'https://orders.example/opaque', clock: server.clock, dpop: { proofLifetimeSeconds: 300 },
      introspection: { resource: 'https://orders.example/opaque', resourceSecret, cacheMaxTtlSeconds: 0 },
    });
    const key = await proofKey();
    const token = await boundToken(key, 'https://orders.example/opaque');
    const url = 'https://orders.example/opaque/items';
    const verified = await verifier.authenticate(`DPoP ${token}`, {}, { method: 'GET', url, dpop: await proof(key, { htm: 'GET', htu: url, ath: ath(token) }) });
    assert.deepEqual(verified.claims.cnf, { jkt: key.jkt });
    await assert.rejects(verifier.authenticate(`Bearer ${token}`), (error: unknown) => (error as { code?: string }).code === 'invalid_token');
  });
});
