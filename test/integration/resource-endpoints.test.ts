// UserInfo (OIDC Core §5.3, RFC 6750 §3), introspection (RFC 7662), revocation (RFC 7009),
// discovery (OIDC Discovery §3, RFC 8414) and the JWKS (RFC 7517).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { obtainTokens, pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';

describe('userinfo, introspection, revocation, discovery and JWKS', () => {
  let server: TestServer;
  let client: TestClient;
  let other: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    client = await server.createClient();
    other = await server.createClient();
    user = await server.createUser({ name: 'Bob Builder', email: 'bob@example.com' });
  });
  after(() => server.close());

  const basicHeader = (c: TestClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

  async function post(path: string, form: Record<string, string>, authorization?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (authorization) headers.authorization = authorization;
    const response = await fetch(`${server.issuer}${path}`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  }

  async function userinfo(token?: string) {
    const response = await fetch(`${server.issuer}/userinfo`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await response.text();
    return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', body: text ? JSON.parse(text) as Record<string, unknown> : {} };
  }

  it('returns claims per scope to GET and POST with a Bearer token (OIDC Core §5.3, §5.4)', async () => {
    const full = await obtainTokens(server, client, user, 'openid profile email');
    const response = await userinfo(full.access_token as string);
    assert.equal(response.status, 200);
    assert.deepEqual({ sub: response.body.sub, name: response.body.name, email: response.body.email },
      { sub: user.accountId, name: 'Bob Builder', email: 'bob@example.com' });
    const narrow = await obtainTokens(server, client, user, 'openid');
    const minimal = await userinfo(narrow.access_token as string);
    assert.deepEqual(minimal.body, { sub: user.accountId });
    const viaBody = await post('/userinfo', { access_token: narrow.access_token as string });
    assert.equal(viaBody.status, 200);
  });

  it('challenges a request without a token with no error code (RFC 6750 §3.1)', async () => {
    const response = await userinfo();
    assert.equal(response.status, 401);
    assert.equal(response.challenge, 'Bearer realm="gatehouse"');
  });

  it('answers invalid_token for unknown, expired and revoked tokens (RFC 6750 §3.1)', async () => {
    const unknown = await userinfo('gh_at_not-a-real-token');
    assert.equal(unknown.status, 401);
    assert.match(unknown.challenge, /error="invalid_token"/);

    const tokens = await obtainTokens(server, client, user, 'openid profile');
    server.clock.advance(server.config.accessTokenTtl + 1);
    try {
      assert.match((await userinfo(tokens.access_token as string)).challenge, /invalid_token/);
    } finally {
      server.clock.advance(-(server.config.accessTokenTtl + 1));
    }
    await post('/revoke', { token: tokens.access_token as string }, basicHeader(client));
    assert.match((await userinfo(tokens.access_token as string)).challenge, /invalid_token/);
  });

  it('refuses a client_credentials token at UserInfo with insufficient_scope (RFC 6750 §3.1)', async () => {
    const cc = await post('/token', { grant_type: 'client_credentials' }, basicHeader(client));
    const response = await userinfo(cc.body.access_token as string);
    assert.equal(response.status, 403);
    assert.match(response.challenge, /error="insufficient_scope"/);
  });

  it('requires client authentication to introspect (RFC 7662 §2.1)', async () => {
    const response = await post('/introspect', { token: 'anything' });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_client');
  });

  it('refuses introspection to a public client, even for a live token issued to it (RFC 7662 §2.1)', async () => {
    const spa = await server.createClient({ public: true, skipConsent: true, redirectUris: ['https://spa.example.com/cb'] });
    const pkce = pkcePair();
    const run = await runAuthorization(server, spa, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    const issued = await tokenRequest(server, {
      grant_type: 'authorization_code', code: run.callback!.searchParams.get('code')!, redirect_uri: spa.redirectUri,
      code_verifier: pkce.verifier, client_id: spa.clientId,
    });
    assert.equal(issued.status, 200, 'the public client holds a live token');
    const attempts: Array<{ name: string; form: Record<string, string>; authorization: string | undefined }> = [
      { name: 'client_id in the body', form: { token: issued.body.access_token as string, client_id: spa.clientId }, authorization: undefined },
      { name: 'Basic with an empty secret', form: { token: issued.body.access_token as string }, authorization: `Basic ${Buffer.from(`${spa.clientId}:`).toString('base64')}` },
    ];
    for (const { name, form, authorization } of attempts) {
      const response = await post('/introspect', form, authorization);
      assert.equal(response.status, 401, name);
      assert.equal(response.body.error, 'invalid_client', name);
      assert.equal(response.body.active, undefined, `${name}: nothing about the token is revealed`);
    }
  });

  it('introspects live tokens as active and anything unknown, expired or rotated as inactive (RFC 7662 §2.2)', async () => {
    const tokens = await obtainTokens(server, client, user);
    const active = await post('/introspect', { token: tokens.access_token as string }, basicHeader(client));
    assert.equal(active.body.active, true);
    assert.equal(active.body.client_id, client.clientId);
    assert.equal(active.body.sub, user.accountId);
    assert.equal(active.body.username, user.username);
    assert.equal(active.body.token_type, 'Bearer');
    assert.equal(active.body.iss, server.issuer);
    assert.equal((await post('/introspect', { token: 'gh_at_unknown' }, basicHeader(client))).body.active, false);
    const refreshed = await post('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basicHeader(client));
    assert.equal(refreshed.status, 200);
    assert.deepEqual((await post('/introspect', { token: tokens.refresh_token as string }, basicHeader(client))).body, { active: false });
    server.clock.advance(server.config.accessTokenTtl + 1);
    try {
      assert.equal((await post('/introspect', { token: refreshed.body.access_token as string }, basicHeader(client))).body.active, false);
    } finally {
      server.clock.advance(-(server.config.accessTokenTtl + 1));
    }
  });

  it('revokes a refresh token together with the access tokens of its grant (RFC 7009 §2.1)', async () => {
    const tokens = await obtainTokens(server, client, user);
    const revoke = await post('/revoke', { token: tokens.refresh_token as string, token_type_hint: 'refresh_token' }, basicHeader(client));
    assert.equal(revoke.status, 200);
    assert.equal((await post('/introspect', { token: tokens.access_token as string }, basicHeader(client))).body.active, false);
    const refresh = await post('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basicHeader(client));
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  it('answers 200 for unknown tokens and ignores tokens of other clients (RFC 7009 §2.2)', async () => {
    assert.equal((await post('/revoke', { token: 'gh_rt_unknown' }, basicHeader(client))).status, 200);
    const tokens = await obtainTokens(server, client, user);
    assert.equal((await post('/revoke', { token: tokens.access_token as string }, basicHeader(other))).status, 200);
    assert.equal((await post('/introspect', { token: tokens.access_token as string }, basicHeader(client))).body.active, true);
    const unauthenticated = await post('/revoke', { token: tokens.access_token as string });
    assert.equal(unauthenticated.status, 401);
  });

  it('advertises exactly what is implemented (OIDC Discovery §3, RFC 8414 §2)', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const metadata = await (await fetch(`${server.issuer}${path}`)).json() as Record<string, unknown>;
      assert.equal(metadata.issuer, server.issuer);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.deepEqual(metadata.id_token_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA']);
      for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'introspection_endpoint', 'revocation_endpoint']) {
        const url = metadata[key] as string;
        assert.ok(url.startsWith(server.issuer), key);
        const probe = await fetch(url, { method: key === 'jwks_uri' || key === 'authorization_endpoint' ? 'GET' : 'POST' });
        assert.notEqual(probe.status, 404, `${key} is served`);
      }
    }
  });

  it('publishes only public key material in the JWKS (RFC 7517 §5, RFC 7518 §6.2-6.3, RFC 8037 §2)', async () => {
    const jwks = await (await fetch(`${server.issuer}/jwks`)).json() as { keys: Array<Record<string, unknown>> };
    assert.ok(jwks.keys.length >= 1);
    for (const key of jwks.keys) {
      assert.ok(['RSA', 'EC', 'OKP'].includes(key.kty as string), `kty ${String(key.kty)}`);
      assert.equal(key.use, 'sig');
      assert.equal(typeof key.kid, 'string');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[secret], undefined, `no ${secret}`);
    }
  });
});
