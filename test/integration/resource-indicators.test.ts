// Resource indicators (RFC 8707) end to end with openid-client: `resource` at /authorize and at
// the token endpoint, one audience per access token with the resource's scopes, format and life,
// RFC 9068 JWT access tokens checked with jose, and who may introspect what (RFC 7662 §2.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';
import { tokenRequest } from '../support/flow.js';
import { sha256Hex } from '../../src/lib/digest.js';
import type { ResourceRecord } from '../../src/storage/records.js';

const orders = { identifier: 'https://orders.example/api', secret: 'orders introspection secret, long enough' };
const billing = { identifier: 'https://billing.example', secret: 'billing introspection secret, long enough' };
const reports = { identifier: 'https://reports.example/v1', secret: 'reports introspection secret, long enough' };
const directory = { identifier: 'https://directory.example/api', secret: 'directory introspection secret, long enough' };
const scope = 'openid profile offline_access orders:read orders:write billing:read';

type Tokens = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

describe('resource indicators (RFC 8707) and the access tokens they shape', () => {
  let server: TestServer;
  let client: TestClient;
  let other: TestClient;
  let config: oidc.Configuration;
  let user: { accountId: string; username: string; password: string };
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  async function register(r: { identifier: string; secret: string }, fields: Partial<ResourceRecord>): Promise<void> {
    await server.storage.resources.insert({
      identifier: r.identifier, name: null, scopes: [], tokenFormat: 'opaque', accessTokenTtl: null,
      introspectionSecretDigest: sha256Hex(r.secret), createdAt: server.clock(), updatedAt: server.clock(), ...fields,
    });
  }

  const clientScopes = scope.split(' ');

  before(async () => {
    server = await startGatehouse();
    await register(orders, { scopes: ['orders:read', 'orders:write'], tokenFormat: 'jwt', accessTokenTtl: 300 });
    await register(billing, { scopes: ['billing:read', 'orders:read'] });
    await register(reports, { scopes: ['orders:read'] });
    // An API that declares openid-bearing scopes, and UserInfo itself registered as a resource.
    await register(directory, { scopes: ['openid', 'profile'] });
    await register({ identifier: `${server.issuer}/userinfo`, secret: 'userinfo introspection secret, long enough' }, { scopes: ['openid', 'profile'] });
    client = await server.createClient({ scopes: clientScopes });
    other = await server.createClient({ scopes: clientScopes });
    user = await server.createUser({ username: 'rita' });
    config = await discover(client);
    jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
  });
  after(() => server.close());

  function discover(c: TestClient): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(server.issuer), c.clientId, undefined, oidc.ClientSecretBasic(c.clientSecret!), { execute: [oidc.allowInsecureRequests] });
  }

  /** The authorization request with each `resource` as its own parameter (RFC 8707 §2), through login and consent. */
  async function authorize(cfg: oidc.Configuration, c: TestClient, resources: string[]) {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: c.redirectUri, scope, state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
    });
    for (const resource of resources) url.searchParams.append('resource', resource);
    const browser = new ScriptedBrowser();
    let page = await browser.navigate(url.toString());
    if (page.body.includes('name="password"')) page = await browser.submitForm(page, { username: user.username, password: user.password });
    if (page.body.includes('name="decision"')) page = await browser.submitForm(page, { decision: 'approve' });
    assert.ok(page.leftTo, `expected a redirect to the client, got ${page.status}`);
    return { callback: new URL(page.leftTo), checks: { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true } };
  }

  async function codeFlow(resources: string[], tokenResource?: string, cfg = config, c = client): Promise<Tokens> {
    const { callback, checks } = await authorize(cfg, c, resources);
    return oidc.authorizationCodeGrant(cfg, callback, checks, tokenResource ? { resource: tokenResource } : undefined);
  }

  async function introspect(token: string, caller: { id: string; secret: string }): Promise<Record<string, unknown>> {
    const basic = Buffer.from(`${encodeURIComponent(caller.id)}:${encodeURIComponent(caller.secret)}`).toString('base64');
    const response = await fetch(`${server.issuer}/introspect`, {
      method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    assert.equal(response.status, 200);
    return await response.json() as Record<string, unknown>;
  }

  async function rejectsWith(promise: Promise<unknown>, error: string): Promise<void> {
    await assert.rejects(promise, (e: unknown) => {
      assert.equal((e as { error?: string }).error, error, String(e));
      return true;
    });
  }

  const asClient = (c: TestClient) => ({ id: c.clientId, secret: c.clientSecret! });
  const asResource = (r: { identifier: string; secret: string }) => ({ id: r.identifier, secret: r.secret });

  it('RFC 8707 §2.2, RFC 9068 §2.2: the access token is for the resource, with its scopes only, its life, as an at+jwt', async () => {
    const tokens = await codeFlow([orders.identifier], orders.identifier);
    assert.equal(tokens.scope, 'orders:read orders:write', 'granted scopes cut to those the resource declares');
    assert.equal(tokens.expires_in, 300, "the resource's access token life");
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: orders.identifier, typ: 'at+jwt' });
    assert.equal(payload.aud, orders.identifier);
    assert.equal(payload.sub, user.accountId);
    assert.equal(payload.client_id, client.clientId);
    assert.equal(payload.scope, 'orders:read orders:write');
    assert.equal(payload.exp! - payload.iat!, 300);
    assert.equal(typeof payload.jti, 'string');
    assert.equal(typeof payload.auth_time, 'number', 'auth_time is known in the code flow (RFC 9068 §2.2.1)');
    // The ID token stays the client's (OIDC Core §2): openid is granted, only the access token is cut.
    assert.equal(tokens.claims()?.aud, client.clientId);
  });

  it('RFC 8707 §2.1: a resource named at /authorize alone is the token request\'s resource when it names none', async () => {
    const tokens = await codeFlow([orders.identifier]);
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: orders.identifier, typ: 'at+jwt' });
    assert.equal(payload.aud, orders.identifier);
  });

  it('RFC 8707 §2.2: a refresh may ask for another resource of the grant (downscoping), keeping the grant for later refreshes', async () => {
    const tokens = await codeFlow([orders.identifier, billing.identifier], orders.identifier);
    const forBilling = await oidc.refreshTokenGrant(config, tokens.refresh_token!, { resource: billing.identifier });
    assert.equal(forBilling.scope, 'orders:read billing:read');
    assert.match(forBilling.access_token, /^gh_at_/, "billing's tokens are opaque");
    const answer = await introspect(forBilling.access_token, asResource(billing));
    assert.equal(answer.active, true);
    assert.equal(answer.aud, billing.identifier);
    assert.equal(answer.scope, 'orders:read billing:read');
    const backToOrders = await oidc.refreshTokenGrant(config, forBilling.refresh_token!, { resource: orders.identifier });
    const { payload } = await jwtVerify(backToOrders.access_token, jwks, { issuer: server.issuer, audience: orders.identifier, typ: 'at+jwt' });
    assert.equal(payload.scope, 'orders:read orders:write');
  });

  it('RFC 8707 §2.2: a refresh asking for a resource outside the grant is refused with invalid_target', async () => {
    const tokens = await codeFlow([orders.identifier], orders.identifier);
    await rejectsWith(oidc.refreshTokenGrant(config, tokens.refresh_token!, { resource: reports.identifier }), 'invalid_target');
  });

  it('RFC 8707 §2.2: a grant of several resources needs the token request to name one (one audience per token)', async () => {
    const { callback, checks } = await authorize(config, client, [orders.identifier, billing.identifier]);
    await rejectsWith(oidc.authorizationCodeGrant(config, callback, checks), 'invalid_target');
    const again = await codeFlow([orders.identifier, billing.identifier]).catch((e: unknown) => e);
    assert.equal((again as { error?: string }).error, 'invalid_target');
    const tokens = await codeFlow([orders.identifier, billing.identifier], billing.identifier);
    assert.equal((await introspect(tokens.access_token, asResource(billing))).aud, billing.identifier);
    const refreshed = await tokenRequest(server, {
      grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, resource: orders.identifier,
    }, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refreshed.status, 200);
  });

  it('RFC 8707 §2.2: two resource parameters at the token endpoint are refused with 400 invalid_target', async () => {
    const { callback } = await authorize(config, client, [orders.identifier, billing.identifier]);
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    body.append('resource', orders.identifier);
    body.append('resource', billing.identifier);
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_target');
    assert.ok(callback.searchParams.get('code'), 'several resources are fine at /authorize (RFC 8707 §2.1)');
  });

  it('RFC 8707 §2: an unknown resource at /authorize is an invalid_target error redirect', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirectUri, scope, state: 'xyz', resource: 'https://unknown.example/api',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    });
    const page = await new ScriptedBrowser().navigate(url.toString());
    const location = new URL(page.leftTo ?? 'http://none.invalid/');
    assert.equal(location.origin + location.pathname, client.redirectUri);
    assert.equal(location.searchParams.get('error'), 'invalid_target');
    assert.equal(location.searchParams.get('state'), 'xyz');
  });

  it('RFC 8707 §2: an unknown resource at the token endpoint is a 400 invalid_target', async () => {
    const { callback, checks } = await authorize(config, client, [orders.identifier]);
    await rejectsWith(oidc.authorizationCodeGrant(config, callback, checks, { resource: 'https://unknown.example/api' }), 'invalid_target');
    const answer = await tokenRequest(server, { grant_type: 'client_credentials', resource: 'https://unknown.example/api' },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_target');
  });

  const malformed = [
    { name: 'with a fragment', value: `${orders.identifier}#part` },
    { name: 'relative', value: '/api' },
  ];
  for (const { name, value } of malformed) {
    it(`RFC 8707 §2: a resource ${name} is refused with invalid_target at /authorize and at the token endpoint`, async () => {
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: client.redirectUri, scope, state: 's', resource: value,
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
      });
      const page = await new ScriptedBrowser().navigate(url.toString());
      assert.equal(new URL(page.leftTo ?? 'http://none.invalid/').searchParams.get('error'), 'invalid_target');
      const answer = await tokenRequest(server, { grant_type: 'client_credentials', resource: value }, { clientId: client.clientId, clientSecret: client.clientSecret! });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, 'invalid_target');
    });
  }

  it('RFC 8707 §2: scheme and host compare case-insensitively, the path exactly', async () => {
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'orders:read', resource: 'HTTPS://Orders.EXAMPLE/api' });
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: orders.identifier, typ: 'at+jwt' });
    assert.equal(payload.aud, orders.identifier);
    await rejectsWith(oidc.clientCredentialsGrant(config, { scope: 'orders:read', resource: 'https://orders.example/API' }), 'invalid_target');
  });

  it('RFC 8707 §2.2, RFC 6749 §4.4: client_credentials for a resource gets its audience and scopes', async () => {
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'orders:read billing:read', resource: billing.identifier });
    assert.equal(tokens.scope, 'orders:read billing:read');
    const answer = await introspect(tokens.access_token, asResource(billing));
    assert.equal(answer.active, true);
    assert.equal(answer.aud, billing.identifier);
    assert.equal(answer.sub, client.clientId);
    await rejectsWith(oidc.clientCredentialsGrant(config, { scope: 'orders:write', resource: billing.identifier }), 'invalid_scope');
  });

  it('RFC 8707 §2.1: a client with a default resource gets tokens for it when a request names none', async () => {
    const withDefault = await server.createClient({ scopes: clientScopes, metadata: { defaultResource: orders.identifier } });
    const cfg = await discover(withDefault);
    const tokens = await codeFlow([], undefined, cfg, withDefault);
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: orders.identifier, typ: 'at+jwt' });
    assert.equal(payload.client_id, withDefault.clientId);
    const cc = await oidc.clientCredentialsGrant(cfg, { scope: 'orders:read' });
    assert.equal(decodeProtectedHeader(cc.access_token).typ, 'at+jwt');
  });

  it('RFC 8707 §2: without resource and default resource the client stays the audience, as before', async () => {
    const tokens = await codeFlow([]);
    assert.equal(tokens.scope, scope, 'nothing is cut');
    const answer = await introspect(tokens.access_token, asClient(client));
    assert.equal(answer.aud, client.clientId);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.accountId);
    assert.equal(info.sub, user.accountId);
  });

  it('RFC 6750 §3.1, RFC 8707: UserInfo refuses with 401 invalid_token an openid token whose audience is another registered resource', async () => {
    const tokens = await codeFlow([directory.identifier], directory.identifier);
    assert.equal(tokens.scope, 'openid profile', 'the token carries openid, for the directory API');
    for (const method of ['GET', 'POST'] as const) {
      const response = await fetch(`${server.issuer}/userinfo`, {
        method, headers: { authorization: `Bearer ${tokens.access_token}`, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
    }
    // The same token still works where it belongs: its resource introspects it as active.
    assert.equal((await introspect(tokens.access_token, asResource(directory))).active, true);
  });

  it('RFC 8707: a token whose resource is UserInfo itself is accepted there', async () => {
    const tokens = await codeFlow([`${server.issuer}/userinfo`], `${server.issuer}/userinfo`);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.accountId);
    assert.equal(info.sub, user.accountId);
  });

  describe('who may introspect what (RFC 7662 §2.1, §4)', () => {
    let forOrders: Tokens;
    let legacy: Tokens;
    before(async () => {
      forOrders = await codeFlow([orders.identifier], orders.identifier);
      legacy = await codeFlow([]);
    });

    const cases: { name: string; token: () => string; caller: () => { id: string; secret: string }; active: boolean; username?: boolean }[] = [
      { name: 'the resource, about an access token for it', token: () => forOrders.access_token, caller: () => asResource(orders), active: true, username: true },
      { name: "another resource, about an access token that is not for it", token: () => forOrders.access_token, caller: () => asResource(billing), active: false },
      { name: 'a resource, about a refresh token', token: () => forOrders.refresh_token!, caller: () => asResource(orders), active: false },
      { name: 'a resource, about a token issued without resource', token: () => legacy.access_token, caller: () => asResource(orders), active: false },
      { name: 'the client, about its own access token', token: () => forOrders.access_token, caller: () => asClient(client), active: true, username: true },
      { name: 'the client, about its own refresh token', token: () => forOrders.refresh_token!, caller: () => asClient(client), active: true, username: true },
      { name: "another client, about the client's access token", token: () => legacy.access_token, caller: () => asClient(other), active: false },
      { name: "another client, about the client's refresh token", token: () => forOrders.refresh_token!, caller: () => asClient(other), active: false },
    ];
    for (const { name, token, caller, active, username } of cases) {
      it(`RFC 7662 §2.1: ${name} is told active: ${active}`, async () => {
        const answer = await introspect(token(), caller());
        if (!active) return assert.deepEqual(answer, { active: false });
        assert.equal(answer.active, true);
        assert.equal(answer.username, username ? user.username : undefined);
      });
    }

    it('RFC 7662 §2.1: a resource with a wrong secret is refused with 401 invalid_client', async () => {
      const basic = Buffer.from(`${encodeURIComponent(orders.identifier)}:wrong`).toString('base64');
      const response = await fetch(`${server.issuer}/introspect`, {
        method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: forOrders.access_token }),
      });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic/);
    });
  });
});
