// The OIDC Registration 1.0 §2 metadata that shapes a sign-in, over real HTTP with dynamically
// registered clients: default_max_age (a session older than it signs in again; auth_time comes
// back), require_auth_time (openid-client requires auth_time), default_acr_values (the ID token's
// acr is only ever a class Gatehouse meets, OIDC Core §2, §3.1.2.1, §5.5.1.1).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';
import { codeFlowLogin } from '../support/openid-flow.js';
import { pkcePair, tokenRequest } from '../support/flow.js';

interface Registered { client_id: string; client_secret: string; redirect_uris: string[] }

const redirectUri = 'http://localhost:8765/callback';

async function register(server: TestServer, metadata: Record<string, unknown>): Promise<Registered> {
  const response = await fetch(`${server.issuer}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Defaults', redirect_uris: [redirectUri], ...metadata }),
  });
  const body = await response.json() as Registered & Record<string, unknown>;
  assert.equal(response.status, 201, JSON.stringify(body));
  return body;
}

function authorizeUrl(server: TestServer, client: Registered, params: Record<string, string>, challenge: string): string {
  const url = new URL(`${server.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope: 'openid', state: 's', nonce: 'n',
    code_challenge: challenge, code_challenge_method: 'S256', ...params,
  }).toString();
  return url.toString();
}

/** One authorization in `browser`: whether it asked for the password, and the verified ID token's claims. */
async function signIn(
  server: TestServer, client: Registered, user: { username: string; password: string }, browser: ScriptedBrowser,
  params: Record<string, string> = {},
): Promise<{ askedForPassword: boolean; claims: JWTPayload }> {
  const pkce = pkcePair();
  let page = await browser.navigate(authorizeUrl(server, client, params, pkce.challenge));
  const askedForPassword = page.body.includes('name="password"');
  if (askedForPassword) page = await browser.submitForm(page, { username: user.username, password: user.password });
  if (page.body.includes('name="decision"')) page = await browser.submitForm(page, { decision: 'approve' });
  assert.ok(page.leftTo, `back to the client (got ${page.status})`);
  const code = new URL(page.leftTo).searchParams.get('code');
  assert.ok(code, `a code: ${page.leftTo}`);
  const token = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier },
    { clientId: client.client_id, clientSecret: client.client_secret });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  const jwks = await (await fetch(`${server.issuer}/jwks`)).json() as { keys: [] };
  const { payload } = await jwtVerify(token.body.id_token as string, createLocalJWKSet(jwks), {
    issuer: server.issuer, audience: client.client_id, currentDate: new Date(server.clock() * 1000),
  });
  return { askedForPassword, claims: payload };
}

describe('default_max_age and require_auth_time (OIDC Registration §2)', () => {
  let server: TestServer;
  let user: { username: string; password: string };
  before(async () => {
    server = await startGatehouse({ registration: { policy: 'open', maxPerAddress: 1000 } });
    user = await server.createUser();
  });
  after(async () => { await server.close(); });

  it('default_max_age applies as max_age when the request has none: a session older than it signs in again and the new ID token carries the later auth_time (OIDC Registration §2, OIDC Core §3.1.2.1)', async () => {
    const client = await register(server, { default_max_age: 60 });
    const browser = new ScriptedBrowser();
    const first = await signIn(server, client, user, browser);
    assert.equal(first.askedForPassword, true);
    assert.equal(first.claims.auth_time, server.clock(), 'auth_time (OIDC Core §2: REQUIRED with max_age)');

    server.clock.advance(30);
    const within = await signIn(server, client, user, browser);
    assert.equal(within.askedForPassword, false, 'a 30 s old session is within default_max_age');
    assert.equal(within.claims.auth_time, first.claims.auth_time);

    server.clock.advance(60);
    const none = await browser.navigate(authorizeUrl(server, client, { prompt: 'none' }, pkcePair().challenge));
    assert.ok(none.leftTo);
    assert.equal(new URL(none.leftTo).searchParams.get('error'), 'login_required', 'prompt=none cannot re-authenticate (OIDC Core §3.1.2.6)');
    const after = await signIn(server, client, user, browser);
    assert.equal(after.askedForPassword, true, 'a 90 s old session is older than default_max_age: sign in again');
    assert.equal(after.claims.auth_time, server.clock());
  });

  it('a max_age in the request takes precedence over default_max_age (OIDC Registration §2: "explicit max_age request value instead")', async () => {
    const client = await register(server, { default_max_age: 60 });
    const browser = new ScriptedBrowser();
    await signIn(server, client, user, browser);
    server.clock.advance(120);
    const relaxed = await signIn(server, client, user, browser, { max_age: '3600' });
    assert.equal(relaxed.askedForPassword, false, 'the request allows a 120 s old session');
    assert.equal(typeof relaxed.claims.auth_time, 'number');
  });

  it('a client without default_max_age keeps its session whatever its age (OIDC Core §3.1.2.1: max_age is optional)', async () => {
    const client = await register(server, {});
    const browser = new ScriptedBrowser();
    await signIn(server, client, user, browser);
    server.clock.advance(3600);
    assert.equal((await signIn(server, client, user, browser)).askedForPassword, false);
  });

  it('require_auth_time: openid-client, configured with the registered require_auth_time and default_max_age, finds auth_time in the ID token (OIDC Registration §2, OIDC Core §2)', async () => {
    const client = await register(server, { require_auth_time: true, default_max_age: 600 });
    assert.equal((await (await fetch(`${server.issuer}/register/${client.client_id}`, { headers: { authorization: `Bearer ${(client as unknown as Record<string, string>).registration_access_token}` } })).json() as Record<string, unknown>).require_auth_time, true);
    // oauth4webapi under openid-client refuses an ID token without auth_time for such a client.
    server.clock.set(Math.floor(Date.now() / 1000));
    const config = await oidc.discovery(new URL(server.issuer), client.client_id,
      { require_auth_time: true, default_max_age: 600 }, oidc.ClientSecretBasic(client.client_secret), { execute: [oidc.allowInsecureRequests] });
    const flow = await codeFlowLogin(config, redirectUri, user);
    assert.equal(typeof flow.tokens.claims()!.auth_time, 'number');
  });
});

describe('default_acr_values (OIDC Registration §2, OIDC Core §2, §3.1.2.1, §5.5.1.1)', () => {
  let server: TestServer;
  let user: { username: string; password: string };
  const password = 'urn:example:acr:password';
  const mfa = 'urn:example:acr:mfa';
  before(async () => {
    server = await startGatehouse({ registration: { policy: 'open', maxPerAddress: 1000 }, acrValuesSupported: [password] });
    user = await server.createUser();
  });
  after(async () => { await server.close(); });

  it('discovery advertises the acr values the operator says the sign-in meets (OIDC Discovery §3 acr_values_supported)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.deepEqual(metadata.acr_values_supported, [password]);
  });

  it('default_acr_values stand in for absent acr_values: the ID token claims the first one Gatehouse meets, in order of preference (OIDC Registration §2, OIDC Core §3.1.2.1)', async () => {
    const client = await register(server, { default_acr_values: [mfa, password] });
    const { claims } = await signIn(server, client, user, new ScriptedBrowser());
    assert.equal(claims.acr, password);
  });

  it('an acr asked for but not achieved is never claimed: default_acr_values naming only other classes give no acr (OIDC Core §2, §5.5.1.1: acr_values is voluntary)', async () => {
    const client = await register(server, { default_acr_values: [mfa] });
    const { claims } = await signIn(server, client, user, new ScriptedBrowser());
    assert.equal(claims.acr, undefined);
  });

  it('acr_values in the request take precedence over default_acr_values (OIDC Registration §2)', async () => {
    const client = await register(server, { default_acr_values: [password] });
    const asked = await signIn(server, client, user, new ScriptedBrowser(), { acr_values: mfa });
    assert.equal(asked.claims.acr, undefined, 'only the request\'s mfa counts, and it is not achieved');
  });

  it('a client with no default_acr_values and a request with no acr_values gets no acr (OIDC Core §2: acr is optional)', async () => {
    const client = await register(server, {});
    assert.equal((await signIn(server, client, user, new ScriptedBrowser())).claims.acr, undefined);
  });

  it('an essential acr Gatehouse cannot meet is a failed authentication: access_denied back to the client (OIDC Core §5.5.1.1)', async () => {
    const client = await register(server, { default_acr_values: [password] });
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [mfa] } } });
    const page = await new ScriptedBrowser().navigate(authorizeUrl(server, client, { claims }, pkcePair().challenge));
    assert.ok(page.leftTo, `a redirect (got ${page.status})`);
    const callback = new URL(page.leftTo);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('code'), null);
    const met = JSON.stringify({ id_token: { acr: { essential: true, values: [mfa, password] } } });
    assert.equal((await signIn(server, client, user, new ScriptedBrowser(), { claims: met })).claims.acr, password);
  });
});

describe('default_acr_values on a server that declares no acr (OIDC Core §2)', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse({ registration: { policy: 'open', maxPerAddress: 1000 } }); });
  after(async () => { await server.close(); });

  it('no acr_values_supported is advertised and no acr is ever claimed, whatever the client asks by default', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(metadata.acr_values_supported, undefined);
    const client = await register(server, { default_acr_values: ['0', 'urn:example:acr:password'] });
    const { claims } = await signIn(server, client, await server.createUser(), new ScriptedBrowser());
    assert.equal(claims.acr, undefined);
  });
});
