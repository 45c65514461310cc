// The demo API, guarded by gatehouse/resource-server, against a real Gatehouse over real HTTP:
// every refusal carries the RFC 6750 §3 challenge; opaque tokens go through introspection
// (RFC 7662) and revocation (RFC 7009), JWT access tokens are verified locally (RFC 9068).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildDemoApi } from '../../demo/api/app.js';
import { createAccessTokenVerifier } from '../../src/resource-server/index.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { obtainTokens } from '../support/flow.js';
import { sha256Hex } from '../../src/lib/digest.js';

interface Setup {
  server: TestServer;
  app: TestClient;
  api: FastifyInstance;
  apiUrl: string;
  user: { username: string; password: string };
}

async function setUp(format: 'opaque' | 'jwt', resourceServerSecret?: string): Promise<Setup> {
  const server = await startGatehouse();
  // The API is a registered resource (RFC 8707): the app's tokens are for it by default, and it
  // introspects with its own identifier and secret (RFC 7662 §2.1).
  const resource = { identifier: 'https://demo-api.example', secret: 'the demo API introspection secret, long enough' };
  await server.storage.resources.insert({
    identifier: resource.identifier, name: 'Demo API', scopes: ['openid', 'profile', 'email'], tokenFormat: format, accessTokenTtl: null,
    introspectionSecretDigest: sha256Hex(resource.secret), createdAt: server.clock(), updatedAt: server.clock(),
  });
  const app = await server.createClient({ metadata: { defaultResource: resource.identifier } });
  const user = await server.createUser({ name: 'Resource Owner' });
  const verifier = createAccessTokenVerifier({
    issuer: server.issuer,
    audience: resource.identifier,
    realm: 'demo-api',
    clock: server.clock,
    introspection: { resource: resource.identifier, resourceSecret: resourceServerSecret ?? resource.secret, cacheMaxTtlSeconds: 10 },
  });
  const api = buildDemoApi({ verifier, logLevel: 'silent' });
  const address = await api.listen({ port: 0, host: '127.0.0.1' });
  return { server, app, api, apiUrl: `${address}/api/profile`, user };
}

async function callApi(url: string, authorization?: string): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: authorization ? { authorization } : {} });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() as Record<string, unknown> };
}

async function revoke(setup: Setup, token: string, hint: string): Promise<number> {
  const basic = Buffer.from(`${setup.app.clientId}:${setup.app.clientSecret}`).toString('base64');
  const response = await fetch(`${setup.server.issuer}/revoke`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: hint }),
  });
  return response.status;
}

describe('protected API with opaque access tokens (introspection, RFC 7662)', () => {
  let setup: Setup;
  before(async () => { setup = await setUp('opaque'); });
  after(async () => { await setup.api.close(); await setup.server.close(); });

  it('answers a live access token carrying scope profile', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.client_id, setup.app.clientId);
    assert.equal(answer.body.username, setup.user.username);
    assert.equal(answer.body.token_checked_by, 'introspection (RFC 7662)');
  });

  it('refuses a request without a token with a challenge that carries no error code (RFC 6750 §3.1)', async () => {
    const answer = await callApi(setup.apiUrl);
    assert.equal(answer.status, 401);
    assert.equal(answer.challenge, 'Bearer realm="demo-api"');
  });

  const malformed = ['Bearer', 'Bearer two tokens', 'Bearer not,b64token'];
  for (const header of malformed) {
    it(`refuses the malformed header "${header}" with 400 invalid_request (RFC 6750 §3.1)`, async () => {
      const answer = await callApi(setup.apiUrl, header);
      assert.equal(answer.status, 400);
      assert.match(answer.challenge ?? '', /^Bearer realm="demo-api", error="invalid_request"/);
    });
  }

  it('refuses an unknown token with 401 invalid_token (RFC 6750 §3.1)', async () => {
    const answer = await callApi(setup.apiUrl, 'Bearer gh_at_this-token-was-never-issued');
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token"/);
  });

  it('refuses an expired token with 401 invalid_token, even one it cached while valid (RFC 7662 §4)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    assert.equal((await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`)).status, 200);
    setup.server.clock.advance(Number(tokens.expires_in));
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`);
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token"/);
  });

  it('refuses a token revoked with RFC 7009 once the cache bound has passed (RFC 7009 §2.1)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    assert.equal((await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`)).status, 200);
    assert.equal(await revoke(setup, String(tokens.access_token), 'access_token'), 200);
    setup.server.clock.advance(10);
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`);
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token"/);
  });

  it('refuses at once a token revoked before the API first saw it (RFC 7009 §2.1)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    assert.equal(await revoke(setup, String(tokens.access_token), 'access_token'), 200);
    assert.equal((await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`)).status, 401);
  });

  it('refuses a refresh token presented as an access token (RFC 6750 §3.1)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.refresh_token}`);
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token"/);
  });

  it('answers 403 insufficient_scope naming the scope when profile was not granted (RFC 6750 §3.1)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user, 'openid email');
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`);
    assert.equal(answer.status, 403);
    assert.match(answer.challenge ?? '', /error="insufficient_scope", error_description="[^"]+", scope="profile"/);
  });
});

describe('protected API whose own introspection credentials are wrong', () => {
  let setup: Setup;
  before(async () => { setup = await setUp('opaque', 'gh_cs_wrong'); });
  after(async () => { await setup.api.close(); await setup.server.close(); });

  it('answers 503 rather than blaming the caller\'s token (RFC 7662 §2.1)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`);
    assert.equal(answer.status, 503);
    assert.equal(answer.challenge, null);
  });
});

describe('protected API with JWT access tokens (RFC 9068)', () => {
  let setup: Setup;
  before(async () => { setup = await setUp('jwt'); });
  after(async () => { await setup.api.close(); await setup.server.close(); });

  it('verifies a JWT access token locally against the JWKS', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_checked_by, 'JWT signature (RFC 9068)');
  });

  it('refuses an expired JWT access token with 401 invalid_token (RFC 9068 §4)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    setup.server.clock.advance(Number(tokens.expires_in));
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.access_token}`);
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token", error_description="the access token has expired"/);
  });

  it('refuses an ID token presented as an access token (RFC 9068 §4: typ at+jwt)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user);
    const answer = await callApi(setup.apiUrl, `Bearer ${tokens.id_token}`);
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token"/);
  });

  it('refuses a JWT access token whose payload was altered (RFC 9068 §4)', async () => {
    const tokens = await obtainTokens(setup.server, setup.app, setup.user, 'openid email');
    const [header, payload, signature] = String(tokens.access_token).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'openid profile' })).toString('base64url');
    const answer = await callApi(setup.apiUrl, `Bearer ${header}.${forged}.${signature}`);
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token"/);
  });
});
