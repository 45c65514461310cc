// The demo client app in-process against a real Gatehouse and the demo API, sharing one manual
// clock, so token expiry, refresh, logout revocation and session rules are checked without sleeping.
// Its back-channel logout endpoint gets logout tokens signed with Gatehouse's own keys.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, SignJWT } from 'jose';
import { buildClientApp, type ClientApp } from '../../demo/client-app/app.js';
import type { BackchannelLogoutEntry } from '../../demo/client-app/backchannel-logout.js';
import { createRelyingParty, type RelyingParty } from '../../demo/client-app/relying-party.js';
import type { SignedInUser } from '../../demo/client-app/session-store.js';
import { buildDemoApi } from '../../demo/api/app.js';
import { createAccessTokenVerifier } from '../../src/resource-server/index.js';
import { logoutTokenClaims } from '../../src/oidc/backchannel-logout.js';
import { randomToken } from '../../src/lib/random.js';
import { sha256Hex } from '../../src/lib/digest.js';
import { ScriptedBrowser, decodeEntities, type Page } from '../support/browser.js';
import { freePort, startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

let server: TestServer;
/** The demo API as a registered resource (RFC 8707), the demo client's default one. */
const apiResource = { identifier: 'https://demo-api.test', secret: 'demo API introspection secret, long enough' };
let demoClient: TestClient;
let clientApp: ClientApp;
let api: FastifyInstance;
let appUrl = '';
let user: { username: string; password: string };
/** Every token set the client app received, so the test can ask Gatehouse about them. */
const issued: SignedInUser[] = [];

/** RFC 7662 §2.1: the token's own client may introspect its access and refresh tokens. */
async function introspect(token: string): Promise<Record<string, unknown>> {
  const basic = Buffer.from(`${demoClient.clientId}:${demoClient.clientSecret}`).toString('base64');
  const response = await fetch(`${server.issuer}/introspect`, {
    method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  return await response.json() as Record<string, unknown>;
}

/** RFC 7009 revocation as the demo client, behind the app's back. */
async function revoke(token: string): Promise<number> {
  const basic = Buffer.from(`${demoClient.clientId}:${demoClient.clientSecret}`).toString('base64');
  const response = await fetch(`${server.issuer}/revoke`, {
    method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: 'refresh_token' }),
  });
  return response.status;
}

/** Log in through the app as a browser would; returns the browser and the /me page. */
async function logIn(): Promise<{ browser: ScriptedBrowser; me: Page; cookieBefore: string }> {
  const browser = new ScriptedBrowser();
  const start = await browser.navigate(`${appUrl}/login`);
  assert.ok(start.leftTo?.startsWith(`${server.issuer}/authorize?`), 'the app sends the browser to Gatehouse');
  const cookieBefore = browser.cookieHeader();
  let page: Page & { leftTo?: string } = await browser.navigate(start.leftTo!);
  // Consent is asked only the first time: Gatehouse remembers the approval per user and client.
  for (let step = 0; step < 3 && !page.leftTo; step++) {
    const fields: Record<string, string> = page.body.includes('name="password"') ? { username: user.username, password: user.password } : { decision: 'approve' };
    page = await browser.submitForm(page, fields);
  }
  assert.ok(page.leftTo?.startsWith(`${appUrl}/callback?`), 'Gatehouse sends the browser back with a code');
  const me = await browser.navigate(page.leftTo!);
  assert.equal(me.status, 200, me.body.slice(0, 300));
  return { browser, me, cookieBefore };
}

const csrfOf = (page: Page) => decodeEntities(/name="csrf_token" value="([^"]+)"/.exec(page.body)![1]!);

before(async () => {
  server = await startGatehouse();
  const port = await freePort();
  appUrl = `http://localhost:${port}`;
  await server.storage.resources.insert({
    identifier: apiResource.identifier, name: 'Demo API', scopes: ['openid', 'profile', 'email'], tokenFormat: 'opaque', accessTokenTtl: null,
    introspectionSecretDigest: sha256Hex(apiResource.secret), createdAt: server.clock(), updatedAt: server.clock(),
  });
  demoClient = await server.createClient({
    redirectUris: [`${appUrl}/callback`], postLogoutRedirectUris: [`${appUrl}/?logged_out=1`], clientName: 'Demo app',
    metadata: { defaultResource: apiResource.identifier },
  });
  user = await server.createUser({ name: 'Demo User' });

  const verifier = createAccessTokenVerifier({
    issuer: server.issuer, audience: apiResource.identifier, clock: server.clock,
    introspection: { resource: apiResource.identifier, resourceSecret: apiResource.secret, cacheMaxTtlSeconds: 0 },
  });
  api = buildDemoApi({ verifier, logLevel: 'silent' });
  const apiAddress = await api.listen({ port: 0, host: '127.0.0.1' });

  const real = createRelyingParty({
    issuer: server.issuer, clientId: demoClient.clientId, clientSecret: demoClient.clientSecret!,
    redirectUri: `${appUrl}/callback`, scope: 'openid profile email offline_access', now: server.clock,
    postLogoutRedirectUri: `${appUrl}/?logged_out=1`,
  });
  const recording: RelyingParty = {
    ...real,
    async finishLogin(...args) { const u = await real.finishLogin(...args); issued.push(u); return u; },
    async refresh(previous) { const u = await real.refresh(previous); issued.push(u); return u; },
  };
  clientApp = buildClientApp({ baseUrl: appUrl, apiUrl: `${apiAddress}/api/profile`, relyingParty: recording, now: server.clock, logLevel: 'silent' });
  await clientApp.listen({ port, host: '127.0.0.1' });
});

after(async () => {
  await clientApp?.close();
  await api?.close();
  await server?.close();
});

describe('demo client app', () => {
  it('gives the browser a new session id once login completes (session fixation)', async () => {
    const { browser, cookieBefore } = await logIn();
    const before = /demo_session=([^;]+)/.exec(cookieBefore)?.[1];
    const after = /demo_session=([^;]+)/.exec(browser.cookieHeader())?.[1];
    assert.ok(before && after && before !== after);
  });

  it('refreshes an expired access token before calling the API, and the old refresh token is dead (RFC 6749 §6)', async () => {
    const { browser, me } = await logIn();
    assert.match(me.body, /API answered: <span class="status ok">200 OK/);
    assert.match(me.body, /Last refreshed<\/th><td>not yet/);
    const first = issued.at(-1)!;
    server.clock.advance(first.accessTokenExpiresAt - server.clock());
    const later = await browser.navigate(`${appUrl}/me`);
    assert.match(later.body, /API answered: <span class="status ok">200 OK/);
    assert.doesNotMatch(later.body, /Last refreshed<\/th><td>not yet/);
    const second = issued.at(-1)!;
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal((await introspect(first.refreshToken!)).active, false);
    assert.equal((await introspect(second.refreshToken!)).active, true);
  });

  it('logs out by revoking the refresh token at Gatehouse and forgetting the session (RFC 7009 §2.1)', async () => {
    const { browser, me } = await logIn();
    const tokens = issued.at(-1)!;
    const out = await browser.request(`${appUrl}/logout`, { form: { csrf_token: csrfOf(me) } });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /demo_session=; .*Max-Age=0/);
    assert.equal((await introspect(tokens.refreshToken!)).active, false);
    assert.equal((await introspect(tokens.accessToken)).active, false);
    assert.equal((await browser.request(`${appUrl}/me`)).headers.get('location'), '/');

    // Then RP-initiated logout ends the Gatehouse session too (RP-Initiated Logout 1.0 §2-3):
    // client_id and the registered return address, no id_token_hint (no token in the browser), so
    // Gatehouse asks to confirm; then it sends the browser back there.
    const endSession = new URL(out.headers.get('location')!);
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${server.issuer}/end_session`);
    assert.equal(endSession.searchParams.get('client_id'), demoClient.clientId);
    assert.equal(endSession.searchParams.get('id_token_hint'), null);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${appUrl}/?logged_out=1`);
    const confirm = await browser.navigate(endSession.toString());
    assert.match(confirm.body, /name="decision" value="logout"/);
    const back = await browser.submitForm(confirm, { decision: 'logout' });
    assert.equal(back.leftTo, `${appUrl}/?logged_out=1`);
    const home = await browser.navigate(back.leftTo!);
    assert.match(home.body, /You are logged out/);
    // The next sign-in asks for the password: no Gatehouse session survived.
    const start = await browser.navigate(`${appUrl}/login`);
    const signIn = await browser.navigate(start.leftTo!);
    assert.match(signIn.body, /name="password"/);
  });

  it('refuses a logout form without the session\'s CSRF token', async () => {
    const { browser } = await logIn();
    const refused = await browser.request(`${appUrl}/logout`, { form: { csrf_token: 'forged' } });
    assert.equal(refused.status, 403);
    assert.equal((await browser.request(`${appUrl}/me`)).status, 200);
  });

  it('ends the session cleanly when the refresh token was revoked at Gatehouse (RFC 6749 §5.2 invalid_grant)', async () => {
    const { browser } = await logIn();
    const tokens = issued.at(-1)!;
    assert.equal(await revoke(tokens.refreshToken!), 200);
    server.clock.advance(tokens.accessTokenExpiresAt - server.clock());
    const page = await browser.navigate(`${appUrl}/me`);
    assert.equal(page.status, 401, page.body.slice(0, 300));
    assert.match(page.body, /Your session has ended/);
    assert.match(page.body, /invalid_grant/);
  });

  it('shows a clear page when the callback cannot be matched to a login it started (state, RFC 6749 §10.12)', async () => {
    const browser = new ScriptedBrowser();
    const page = await browser.request(`${appUrl}/callback?code=gh_ac_forged&state=unknown`);
    assert.equal(page.status, 400);
    assert.match(page.body, /This login cannot be finished/);
  });
});

/** A logout token for the demo client signed with Gatehouse's active key; `change` edits the claims first. */
async function logoutToken(target: { sid?: string; sub?: string }, change: (claims: Record<string, unknown>) => void = () => {}, header: Record<string, unknown> = { typ: 'logout+jwt' }): Promise<string> {
  const claims = logoutTokenClaims({
    issuer: server.issuer, clientId: demoClient.clientId, sid: target.sid ?? null, sub: target.sub ?? null,
    jti: randomToken(18), now: server.clock(), ttl: 120,
  });
  change(claims);
  return (await server.keys.signingKey()).sign(header, claims);
}

async function postLogout(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<{ status: number; cacheControl: string | null; json: Record<string, unknown> | null; text: string }> {
  const response = await fetch(`${appUrl}/backchannel-logout`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: response.status, cacheControl: response.headers.get('cache-control'), json, text };
}

const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();

/** The newest log entry once its token revocations are done (event-driven, no sleeping). */
function settledEntry(): Promise<BackchannelLogoutEntry> {
  return new Promise((resolve) => {
    const check = () => {
      const entry = clientApp.backchannelLogouts.entries()[0];
      if (entry && entry.tokensRevoked !== null) { unsubscribe(); resolve(entry); }
    };
    const unsubscribe = clientApp.backchannelLogouts.subscribe(check);
    check();
  });
}

describe('demo client app: back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0)', () => {
  it('ends every session of the token\'s sid and no other, revokes their tokens, answers 200 with no-store, and shows it without the token (§2.6-§2.8)', async () => {
    const a = await logIn();
    const tokensA = issued.at(-1)!;
    const b = await logIn();
    assert.ok(tokensA.sid && issued.at(-1)!.sid && tokensA.sid !== issued.at(-1)!.sid, 'two browsers, two Gatehouse sessions');
    const token = await logoutToken({ sid: tokensA.sid, sub: String(tokensA.claims.sub) });
    const answer = await postLogout(form(token));
    assert.equal(answer.status, 200);
    assert.equal(answer.cacheControl, 'no-store');
    assert.equal(answer.text, '');
    assert.equal((await a.browser.request(`${appUrl}/me`)).headers.get('location'), '/', 'the session of that sid is gone');
    assert.equal((await b.browser.request(`${appUrl}/me`)).status, 200, 'another Gatehouse session is untouched');

    const entry = await settledEntry();
    assert.deepEqual([entry.outcome, entry.sid, entry.sessionsEnded, entry.tokensRevoked], ['verified', tokensA.sid, 1, 2]);
    assert.equal((await introspect(tokensA.refreshToken!)).active, false, 'the refresh token (offline_access survives a Gatehouse logout) is revoked');
    assert.equal((await introspect(tokensA.accessToken)).active, false);
    const log = await a.browser.request(`${appUrl}/backchannel-logouts`);
    assert.match(log.body, new RegExp(`<code>${tokensA.sid}</code>`));
    assert.match(log.body, /verified/);
    const home = await a.browser.request(`${appUrl}/`);
    assert.match(home.body, /Last received: [^<]*<span class="status ok">verified<\/span>, sid <code>/);
    for (const page of [log.body, home.body]) {
      assert.ok(!page.includes(token) && !page.includes(token.split('.')[2]!), 'the token is never shown');
      assert.ok(!page.includes(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti), 'nor its whole jti');
    }
  });

  it('refuses a replayed logout token with 400, by its jti (§2.6 step 7, §2.8)', async () => {
    const { browser } = await logIn();
    const token = await logoutToken({ sid: 'sid-of-no-session' });
    assert.equal((await postLogout(form(token))).status, 200);
    const replay = await postLogout(form(token));
    assert.equal(replay.status, 400);
    assert.equal(replay.cacheControl, 'no-store');
    assert.equal(replay.json?.error, 'invalid_request');
    assert.match(String(replay.json?.error_description), /jti replay/);
    assert.equal((await browser.request(`${appUrl}/me`)).status, 200);
  });

  it('ends every session of the account when the token names only sub (§2.4, §2.7)', async () => {
    const a = await logIn();
    const b = await logIn();
    const sub = String(issued.at(-1)!.claims.sub);
    assert.equal((await postLogout(form(await logoutToken({ sub })))).status, 200);
    assert.equal((await a.browser.request(`${appUrl}/me`)).headers.get('location'), '/');
    assert.equal((await b.browser.request(`${appUrl}/me`)).headers.get('location'), '/');
    // Earlier tests' sessions of the same user end too.
    assert.ok((await settledEntry()).sessionsEnded >= 2);
  });

  const otherKey = generateKeyPair('RS256', { extractable: true });
  const refused: Array<{ name: string; body: () => Promise<string>; contentType?: string; reason: RegExp }> = [
    { name: 'an audience other than this client (§2.6 step 3)', body: async () => form(await logoutToken({ sid: 's' }, (c) => { c.aud = 'another-client'; })), reason: /aud/ },
    { name: 'another issuer (§2.6 step 3)', body: async () => form(await logoutToken({ sid: 's' }, (c) => { c.iss = 'https://evil.example'; })), reason: /iss/ },
    { name: 'an expired token (§2.6 step 3)', body: async () => form(await logoutToken({ sid: 's' }, (c) => { c.iat = Number(c.iat) - 3600; c.exp = Number(c.iat) + 120; })), reason: /exp|iat|age/ },
    { name: 'a token issued too long ago (iat, §2.6 step 3)', body: async () => form(await logoutToken({ sid: 's' }, (c) => { c.iat = Number(c.iat) - 3600; })), reason: /iat|age/ },
    { name: 'no back-channel logout event (§2.6 step 5)', body: async () => form(await logoutToken({ sid: 's' }, (c) => { c.events = { 'http://schemas.openid.net/event/other': {} }; })), reason: /event/ },
    { name: 'a nonce, as an ID token would carry (§2.6 step 6)', body: async () => form(await logoutToken({ sid: 's' }, (c) => { c.nonce = 'n'; })), reason: /nonce/ },
    { name: 'neither sid nor sub (§2.6 step 4)', body: async () => form(await logoutToken({ sid: 's' }, (c) => { delete c.sid; })), reason: /neither sub nor sid/ },
    { name: 'a token whose typ is not logout+jwt (§2.4)', body: async () => form(await logoutToken({ sid: 's' }, () => {}, { typ: 'JWT' })), reason: /typ/ },
    {
      name: 'a forged signature: right claims and kid, another key (§2.6 step 2)',
      body: async () => {
        const { privateKey } = await otherKey;
        const kid = (await server.keys.signingKey()).kid;
        const claims = logoutTokenClaims({ issuer: server.issuer, clientId: demoClient.clientId, sid: 's', sub: null, jti: randomToken(18), now: server.clock(), ttl: 120 });
        return form(await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt' }).sign(privateKey));
      },
      reason: /signature/,
    },
    {
      name: 'an unsigned token (alg none)',
      body: async () => {
        const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const claims = logoutTokenClaims({ issuer: server.issuer, clientId: demoClient.clientId, sid: 's', sub: null, jti: randomToken(18), now: server.clock(), ttl: 120 });
        return form(`${segment({ alg: 'none', typ: 'logout+jwt' })}.${segment(claims)}.`);
      },
      reason: /invalid/,
    },
    { name: 'something that is not a JWT', body: async () => form('not-a-jwt'), reason: /invalid/ },
    { name: 'a form without logout_token (§2.5)', body: async () => 'token=x', reason: /logout_token/ },
    { name: 'a JSON body instead of a form (§2.5)', body: async () => JSON.stringify({ logout_token: await logoutToken({ sid: 's' }) }), contentType: 'application/json', reason: /logout_token/ },
  ];
  for (const { name, body, contentType, reason } of refused) {
    it(`answers 400 with a JSON error and ends no session for ${name} (§2.8)`, async () => {
      const { browser } = await logIn();
      const answer = await postLogout(await body(), contentType);
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.cacheControl, 'no-store');
      assert.equal(answer.json?.error, 'invalid_request');
      assert.match(String(answer.json?.error_description), reason);
      assert.equal((await browser.request(`${appUrl}/me`)).status, 200, 'still signed in');
      const entry = clientApp.backchannelLogouts.entries()[0]!;
      assert.deepEqual([entry.outcome, entry.sid, entry.sessionsEnded], ['refused', undefined, 0]);
    });
  }
});
