// CORS for browser apps (Fetch Standard §3.2; OAuth 2.0 for Browser-Based Apps §6.1): preflights
// of the token, UserInfo, revocation and introspection endpoints from any registered client's
// origin; actual answers readable only from the identified client's own origins; discovery and
// the JWKS public; never Access-Control-Allow-Credentials.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { obtainTokens, pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';

describe('CORS for browser clients', () => {
  let server: TestServer;
  let spa: TestClient;
  let confidential: TestClient;
  let user: { accountId: string; username: string; password: string };
  const spaOrigin = 'http://127.0.0.1:5173';
  const extraOrigin = 'https://app.example.com';
  const otherClientOrigin = 'https://other-rp.example.com';
  const stranger = 'https://evil.example';

  before(async () => {
    server = await startGatehouse();
    spa = await server.createClient({
      public: true, redirectUris: [`${spaOrigin}/callback`], metadata: { allowedOrigins: [extraOrigin] },
    });
    confidential = await server.createClient({ redirectUris: [`${otherClientOrigin}/cb`] });
    user = await server.createUser({ name: 'Cora Origin' });
  });
  after(() => server.close());

  async function preflight(path: string, origin: string, method = 'POST', requestHeaders?: string) {
    const headers: Record<string, string> = { origin, 'access-control-request-method': method };
    if (requestHeaders) headers['access-control-request-headers'] = requestHeaders;
    const response = await fetch(`${server.issuer}${path}`, { method: 'OPTIONS', headers });
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  async function spaTokens(): Promise<Record<string, unknown>> {
    const pkce = pkcePair();
    const run = await runAuthorization(server, spa, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    const code = run.callback!.searchParams.get('code')!;
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: spaOrigin },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: spa.redirectUri, client_id: spa.clientId, code_verifier: pkce.verifier }).toString(),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), spaOrigin);
    return await response.json() as Record<string, unknown>;
  }

  for (const path of ['/token', '/userinfo', '/revoke', '/introspect']) {
    it(`answers a preflight to ${path} from a registered client's origin with 204 and what may be sent (Fetch §3.2.3)`, async () => {
      const response = await preflight(path, spaOrigin, 'POST', 'authorization, content-type');
      assert.equal(response.status, 204);
      assert.equal(response.body, '');
      assert.equal(response.headers.get('access-control-allow-origin'), spaOrigin);
      assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
      const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      assert.match(allowed, /\bauthorization\b/, 'UserInfo needs the Authorization header (RFC 6750 §2.1)');
      assert.match(allowed, /\bcontent-type\b/);
      assert.equal(response.headers.get('access-control-max-age'), '600');
      assert.match(response.headers.get('vary') ?? '', /Origin/);
      assert.equal(response.headers.get('access-control-allow-credentials'), null, 'never credentials');
    });
  }

  it('allows a preflight from the origin of any registered client, or an allowed origin, since a preflight carries no client id (Fetch §3.2.2)', async () => {
    assert.equal((await preflight('/token', otherClientOrigin)).headers.get('access-control-allow-origin'), otherClientOrigin);
    assert.equal((await preflight('/userinfo', extraOrigin, 'GET', 'authorization')).headers.get('access-control-allow-origin'), extraOrigin);
  });

  it('gives a preflight from an unregistered origin no Access-Control-Allow-Origin (Fetch §3.2.3)', async () => {
    for (const origin of [stranger, 'null', 'http://127.0.0.1:5174']) {
      const response = await preflight('/token', origin, 'POST', 'authorization');
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(response.headers.get('access-control-allow-methods'), null);
    }
  });

  it('sees a client registered after the first preflight (the origin index refreshes on a miss)', async () => {
    const origin = 'https://late.example.com';
    assert.equal((await preflight('/token', origin)).headers.get('access-control-allow-origin'), null);
    await server.createClient({ redirectUris: [`${origin}/cb`] });
    // The index re-reads the clients on a miss at most once a second: wait for that, event by event.
    let allowed: string | null = null;
    for (const deadline = Date.now() + 10_000; allowed === null && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      allowed = (await preflight('/token', origin)).headers.get('access-control-allow-origin');
    }
    assert.equal(allowed, origin);
  });

  it('answers a plain OPTIONS (no preflight) with 204 and Allow (RFC 9110 §9.3.7)', async () => {
    const response = await fetch(`${server.issuer}/token`, { method: 'OPTIONS' });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  it('lets the token endpoint answer be read by the client\'s own origins only, errors included (Fetch §3.2.5)', async () => {
    const tokens = await spaTokens();
    const refresh = (origin: string, refreshToken: string) => fetch(`${server.issuer}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: spa.clientId }).toString(),
    });
    const fromExtra = await refresh(extraOrigin, tokens.refresh_token as string);
    assert.equal(fromExtra.status, 200);
    assert.equal(fromExtra.headers.get('access-control-allow-origin'), extraOrigin, 'an allowedOrigins entry');
    assert.equal(fromExtra.headers.get('access-control-allow-credentials'), null);
    assert.match(fromExtra.headers.get('vary') ?? '', /Origin/);
    const next = await fromExtra.json() as Record<string, unknown>;

    // Another client's origin passed the preflight, but this answer belongs to the SPA.
    const fromOther = await refresh(otherClientOrigin, next.refresh_token as string);
    assert.equal(fromOther.status, 200);
    assert.equal(fromOther.headers.get('access-control-allow-origin'), null);

    const replay = await refresh(spaOrigin, tokens.refresh_token as string);
    assert.equal(replay.status, 400);
    assert.equal(replay.headers.get('access-control-allow-origin'), spaOrigin, 'the SPA may read why it failed');
  });

  it('gives no Access-Control-Allow-Origin to a stranger, nor when the client could not be identified', async () => {
    const stranger401 = await fetch(`${server.issuer}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: spaOrigin },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody' }).toString(),
    });
    assert.equal(stranger401.status, 401);
    assert.equal(stranger401.headers.get('access-control-allow-origin'), null);
    const fromStranger = await fetch(`${server.issuer}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: stranger },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: spa.clientId }).toString(),
    });
    assert.equal(fromStranger.status, 400);
    assert.equal(fromStranger.headers.get('access-control-allow-origin'), null);
  });

  it('lets UserInfo be read by the origins of the client the token was issued to, and exposes WWW-Authenticate (OIDC Core §5.3)', async () => {
    const tokens = await spaTokens();
    const get = (origin: string) => fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token as string}`, origin } });
    const own = await get(spaOrigin);
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('access-control-allow-origin'), spaOrigin);
    assert.match(own.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
    assert.equal(own.headers.get('access-control-allow-credentials'), null);
    const other = await get(otherClientOrigin);
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null, 'another client\'s origin may not read this user');
  });

  it('lets revocation be read by the public client\'s origin (RFC 7009 §2.1) and introspection by a confidential client\'s (RFC 7662 §2.1)', async () => {
    const tokens = await spaTokens();
    const revoke = await fetch(`${server.issuer}/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: spaOrigin },
      body: new URLSearchParams({ token: tokens.refresh_token as string, client_id: spa.clientId }).toString(),
    });
    assert.equal(revoke.status, 200);
    assert.equal(revoke.headers.get('access-control-allow-origin'), spaOrigin);

    const basic = `Basic ${Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64')}`;
    const introspect = (origin: string) => fetch(`${server.issuer}/introspect`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic, origin },
      body: new URLSearchParams({ token: tokens.access_token as string }).toString(),
    });
    const own = await introspect(otherClientOrigin);
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('access-control-allow-origin'), otherClientOrigin);
    assert.equal((await introspect(spaOrigin)).headers.get('access-control-allow-origin'), null, 'the introspecting client decides');
    // A public client may not introspect (RFC 7662 §2.1): its origin reads nothing.
    const publicTry = await fetch(`${server.issuer}/introspect`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: spaOrigin },
      body: new URLSearchParams({ token: tokens.access_token as string, client_id: spa.clientId }).toString(),
    });
    assert.equal(publicTry.status, 401);
    assert.equal(publicTry.headers.get('access-control-allow-origin'), null);
  });

  it('serves discovery and the JWKS to any origin with `*`, preflights included (OIDC Discovery §4, RFC 8414 §3)', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks']) {
      const response = await fetch(`${server.issuer}${path}`, { headers: { origin: stranger } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*', path);
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
      const pre = await preflight(path, stranger, 'GET', 'content-type');
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), '*', path);
    }
  });

  it('adds no CORS header to a request without Origin (every non-browser client)', async () => {
    const tokens = await obtainTokens(server, confidential, user, 'openid');
    const response = await tokenRequest(server, { grant_type: 'client_credentials' }, { clientId: confidential.clientId, clientSecret: confidential.clientSecret! });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.equal(response.headers.get('vary'), null);
    const info = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token as string}` } });
    assert.equal(info.headers.get('access-control-allow-origin'), null);
  });
});
