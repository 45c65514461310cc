// OpenID Connect RP-Initiated Logout 1.0 over real HTTP, with openid-client building the logout
// URLs: sessions with ids (Back-Channel Logout 1.0 §2.1), the confirmation page, the redirect back,
// and what a logout revokes (OIDC Core §11).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';
import { runAuthorization, pkcePair, tokenRequest } from '../support/flow.js';
import type { SessionEnded } from '../../src/oidc/logout-notifier.js';

const logoutUri = 'http://localhost:8765/logged-out';

describe('RP-Initiated Logout 1.0', () => {
  let server: TestServer;
  let other: TestServer;
  let client: TestClient;
  let secondClient: TestClient;
  let user: { accountId: string; username: string; password: string };
  let config: oidc.Configuration;
  const ended: SessionEnded[] = [];

  before(async () => {
    server = await startGatehouse({}, { logoutNotifier: { async sessionEnded(event) { ended.push(event); } } });
    other = await startGatehouse();
    client = await server.createClient({ clientName: 'Logout RP', postLogoutRedirectUris: [logoutUri, 'http://localhost:8765/bye?from=gh'] });
    secondClient = await server.createClient({ clientName: 'Second RP', redirectUris: ['http://localhost:8766/callback'] });
    user = await server.createUser({ username: 'lou' });
    config = await oidc.discovery(new URL(server.issuer), client.clientId, undefined,
      oidc.ClientSecretBasic(client.clientSecret!), { execute: [oidc.allowInsecureRequests] });
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  /** The code flow in `browser`, with the token response. */
  async function signIn(browser = new ScriptedBrowser(), scope = 'openid profile offline_access', rp = client) {
    const pkce = pkcePair();
    const run = await runAuthorization(server, rp, user, { scope, code_challenge: pkce.challenge, code_challenge_method: 'S256' }, browser);
    const code = run.callback?.searchParams.get('code');
    assert.ok(code, `no code: ${run.page.status}`);
    const response = await tokenRequest(server, {
      grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri, code_verifier: pkce.verifier,
    }, { clientId: rp.clientId, clientSecret: rp.clientSecret! });
    assert.equal(response.status, 200);
    return { browser, run, tokens: response.body as { id_token: string; access_token: string; refresh_token?: string } };
  }

  async function userinfoStatus(accessToken: string): Promise<number> {
    const response = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    await response.text();
    return response.status;
  }

  /** Whether the browser's next authorization needs the password again. */
  async function asksForPassword(browser: ScriptedBrowser): Promise<boolean> {
    const url = new URL(`${server.issuer}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'openid', state: 's',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    }).toString();
    const page = await browser.navigate(url.toString());
    return page.body.includes('name="password"');
  }

  function logoutUrl(params: Record<string, string>): string {
    return oidc.buildEndSessionUrl(config, params).toString();
  }

  it('advertises end_session_endpoint in discovery (RP-Initiated Logout 1.0 §2.1)', () => {
    assert.equal(config.serverMetadata().end_session_endpoint, `${server.issuer}/end_session`);
  });

  it('puts the session sid in ID tokens, the same on refresh, and never the cookie (Back-Channel Logout 1.0 §2.1)', async () => {
    const { tokens, browser } = await signIn();
    const sid = decodeJwt(tokens.id_token).sid;
    assert.equal(typeof sid, 'string');
    const sessions = await server.storage.sessions.listByAccount(user.accountId, server.clock());
    const session = sessions.find((s) => s.sid === sid);
    assert.ok(session, 'the ID token names a live session of the user');
    assert.deepEqual(session.clientIds, [client.clientId], 'the session remembers the client it signed into');
    const cookie = /gh_session=([^;]+)/.exec(browser.cookieHeader())![1]!;
    assert.ok(!cookie.includes(String(sid)) && session.sessionDigest !== sid, 'sid is neither the cookie nor its digest');

    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refreshed.status, 200);
    assert.equal(decodeJwt(refreshed.body.id_token as string).sid, sid, 'a refreshed ID token keeps the sid');

    // A second client signed into the same session is remembered too.
    await signIn(browser, 'openid', secondClient);
    const again = await server.storage.sessions.findBySid(String(sid), server.clock());
    assert.deepEqual(again?.clientIds, [client.clientId, secondClient.clientId]);
  });

  it('logs out with a valid id_token_hint and returns to the registered URI with state; the next sign-in asks for the password (§2, §3)', async () => {
    const { tokens, browser } = await signIn();
    const sid = String(decodeJwt(tokens.id_token).sid);
    ended.length = 0;
    const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri, state: 'st 1&x' }));
    assert.equal(page.status, 303);
    assert.equal(page.leftTo, `${logoutUri}?state=st+1%26x`);
    assert.equal(new URL(page.leftTo!).searchParams.get('state'), 'st 1&x');
    assert.equal(browser.hasCookie('gh_session'), false, 'the session cookie is cleared');
    assert.equal(await server.storage.sessions.findBySid(sid, server.clock()), null, 'the session is ended');
    assert.deepEqual(ended, [{ sid, accountId: user.accountId, clientIds: [client.clientId] }], 'the logout notifier is told once');
    assert.equal(await asksForPassword(browser), true);
  });

  it('keeps a registered URI\'s own query and appends state (§3)', async () => {
    const { tokens, browser } = await signIn();
    const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://localhost:8765/bye?from=gh', state: 'abc' }));
    assert.equal(page.leftTo, 'http://localhost:8765/bye?from=gh&state=abc');
  });

  it('accepts an expired id_token_hint (§2)', async () => {
    const { tokens, browser } = await signIn();
    server.clock.advance(server.config.idTokenTtl + 600);
    try {
      const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri }));
      assert.equal(page.leftTo, logoutUri);
      assert.equal(await asksForPassword(browser), true);
    } finally {
      server.clock.advance(-(server.config.idTokenTtl + 600));
    }
  });

  it('revokes the session\'s tokens without offline_access and keeps offline_access ones (OIDC Core §11)', async () => {
    const browser = new ScriptedBrowser();
    const online = await signIn(browser, 'openid profile');
    const offline = await signIn(browser, 'openid profile offline_access');
    assert.equal(await userinfoStatus(online.tokens.access_token), 200);
    const page = await browser.navigate(logoutUrl({ id_token_hint: offline.tokens.id_token, post_logout_redirect_uri: logoutUri }));
    assert.equal(page.leftTo, logoutUri);
    assert.equal(await userinfoStatus(online.tokens.access_token), 401, 'the access token of the online grant is revoked');
    assert.equal(await userinfoStatus(offline.tokens.access_token), 200, 'offline_access tokens survive');
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: offline.tokens.refresh_token! },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refreshed.status, 200, 'the offline_access refresh token still works');
  });

  it('refuses a code issued in the session before the logout and redeemed after it (OIDC Core §11)', async () => {
    const { tokens, browser } = await signIn();
    const pkce = pkcePair();
    const run = await runAuthorization(server, client, user, { scope: 'openid profile', code_challenge: pkce.challenge, code_challenge_method: 'S256' }, browser);
    const code = run.callback!.searchParams.get('code')!;
    await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri }));
    const response = await tokenRequest(server, {
      grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier,
    }, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_grant');
  });

  it('shows the signed-out page when no post_logout_redirect_uri is given (§2)', async () => {
    const { tokens, browser } = await signIn();
    const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token }));
    assert.equal(page.status, 200);
    assert.match(page.body, /You are signed out/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(await asksForPassword(browser), true);
  });

  it('accepts the logout request as a POST form (§2)', async () => {
    const { tokens, browser } = await signIn();
    const page = await browser.navigate(`${server.issuer}/end_session`, {
      method: 'POST', form: { id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri, state: 'p' },
    });
    assert.equal(page.leftTo, `${logoutUri}?state=p`);
  });

  it('sends a POST that came without the session cookie (a cross-site form: SameSite=Lax) on as the same GET, which the cookie accompanies, and the session ends (§2)', async () => {
    const { tokens, browser } = await signIn();
    const sid = String(decodeJwt(tokens.id_token).sid);
    const form = { id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri, state: 'x-site', ignored: 'y' };
    const posted = await fetch(`${server.issuer}/end_session`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(),
    });
    await posted.text();
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.get('cache-control'), 'no-store');
    const location = new URL(posted.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, `${server.issuer}/end_session`);
    assert.deepEqual(Object.fromEntries(location.searchParams), { id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri, state: 'x-site' });
    assert.ok(await server.storage.sessions.findBySid(sid, server.clock()), 'nothing ended yet');

    const page = await browser.navigate(location.toString());
    assert.equal(page.leftTo, `${logoutUri}?state=x-site`);
    assert.equal(await server.storage.sessions.findBySid(sid, server.clock()), null, 'the session is ended');

    const invalid = await fetch(`${server.issuer}/end_session`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ post_logout_redirect_uri: 'https://evil.example/' }).toString(),
    });
    await invalid.text();
    assert.equal(invalid.status, 400, 'an invalid request is refused at once, not passed on');
  });

  it('speaks the language asked for by ui_locales (§2)', async () => {
    const { tokens, browser } = await signIn();
    const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, ui_locales: 'fr de-CH' }));
    assert.match(page.body, /<html lang="de">/);
    assert.match(page.body, /Sie sind abgemeldet/);
  });

  describe('confirmation (§2, §6)', () => {
    it('asks before signing out when there is no id_token_hint, and signs out on the confirmed form', async () => {
      const { browser } = await signIn();
      const page = await browser.navigate(logoutUrl({ post_logout_redirect_uri: logoutUri, state: 'c' }));
      assert.equal(page.status, 200);
      assert.match(page.body, /Sign out\?/);
      assert.match(page.body, /name="csrf_token"/);
      assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self' http:\/\/localhost:8765/);
      assert.equal(await asksForPassword(browser), false, 'nothing ends before the answer');
      const done = await browser.submitForm(page, { decision: 'logout' });
      assert.equal(done.leftTo, `${logoutUri}?state=c`);
      assert.equal(await asksForPassword(browser), true);
    });

    it('asks when the hint names another user than the one signed in', async () => {
      const { tokens } = await signIn();
      const someoneElse = await server.createUser();
      const run = await runAuthorization(server, client, someoneElse, { scope: 'openid' });
      assert.ok(run.callback);
      const page = await run.browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri }));
      assert.equal(page.status, 200);
      assert.match(page.body, /Sign out\?/);
      assert.match(page.body, new RegExp(someoneElse.username), 'the page names who would be signed out');
    });

    it('asks when the hint comes from another session of the same user', async () => {
      const { tokens } = await signIn();
      const second = await signIn(new ScriptedBrowser());
      const page = await second.browser.navigate(logoutUrl({ id_token_hint: tokens.id_token }));
      assert.equal(page.status, 200);
      assert.match(page.body, /Sign out\?/);
    });

    it('asks when logout_hint names somebody else than the signed-in user', async () => {
      const { tokens, browser } = await signIn();
      const page = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, logout_hint: 'somebody-else' }));
      assert.match(page.body, /Sign out\?/);
      const same = await browser.navigate(logoutUrl({ id_token_hint: tokens.id_token, logout_hint: user.username }));
      assert.match(same.body, /You are signed out/);
    });

    it('refuses the confirmation POST without, or with a wrong, CSRF token and keeps the session', async () => {
      const { browser } = await signIn();
      const page = await browser.navigate(logoutUrl({ post_logout_redirect_uri: logoutUri }));
      const confirm = `${server.issuer}/end_session/confirm`;
      const missing = await browser.request(confirm, { form: { client_id: client.clientId, post_logout_redirect_uri: logoutUri, decision: 'logout' } });
      assert.equal(missing.status, 403);
      assert.equal(missing.headers.get('location'), null);
      const wrong = await browser.submitForm(page, { decision: 'logout', csrf_token: 'forged' });
      assert.equal(wrong.status, 403);
      assert.equal(await asksForPassword(browser), false, 'still signed in');
    });

    it('stays signed in when the user declines', async () => {
      const { browser } = await signIn();
      const page = await browser.navigate(logoutUrl({ post_logout_redirect_uri: logoutUri }));
      const stay = await browser.submitForm(page, { decision: 'stay' });
      assert.equal(stay.status, 200);
      assert.match(stay.body, /still signed in/);
      assert.equal(await asksForPassword(browser), false);
    });
  });

  describe('bad requests get an error page, never a redirect (§2, §3)', () => {
    async function refused(url: string, browser = new ScriptedBrowser()) {
      const page = await browser.request(url);
      assert.equal(page.status, 400, page.body.slice(0, 300));
      assert.equal(page.headers.get('location'), null);
      assert.match(page.body, /This sign-out request cannot continue/);
      return page;
    }

    it('rejects an unregistered post_logout_redirect_uri (§3)', async () => {
      await refused(logoutUrl({ post_logout_redirect_uri: 'https://evil.example/' }));
    });

    it('rejects near-miss post_logout_redirect_uris: exact match only (§3)', async () => {
      for (const nearMiss of [`${logoutUri}/`, `${logoutUri}?x=1`, 'http://localhost:8766/logged-out', 'http://LOCALHOST:8765/logged-out', 'http://localhost:8765/Logged-out', `${logoutUri}#f`]) {
        await refused(logoutUrl({ post_logout_redirect_uri: nearMiss }));
      }
    });

    it('rejects a post_logout_redirect_uri when no client is identified (§3)', async () => {
      await refused(`${server.issuer}/end_session?post_logout_redirect_uri=${encodeURIComponent(logoutUri)}`);
    });

    it('rejects an id_token_hint signed by another key (§2)', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const jwk = await exportJWK(publicKey);
      const ours = (await server.keys.publicJwks()).keys.find((k) => k.alg === 'RS256')!;
      const forged = await new SignJWT({ sub: user.accountId, aud: client.clientId, iss: server.issuer })
        .setProtectedHeader({ alg: 'RS256', kid: ours.kid ?? 'x', typ: 'JWT' }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
      assert.ok(jwk.n !== ours.n);
      const page = await refused(logoutUrl({ id_token_hint: forged, post_logout_redirect_uri: logoutUri }));
      assert.match(page.body, /id_token_hint is not an ID token issued by this server/);
    });

    it('rejects an id_token_hint from another issuer (§2)', async () => {
      const foreignClient = await other.createClient();
      const foreignUser = await other.createUser();
      const pkce = pkcePair();
      const run = await runAuthorization(other, foreignClient, foreignUser, { scope: 'openid', code_challenge: pkce.challenge, code_challenge_method: 'S256' });
      const response = await tokenRequest(other, {
        grant_type: 'authorization_code', code: run.callback!.searchParams.get('code')!, redirect_uri: foreignClient.redirectUri, code_verifier: pkce.verifier,
      }, { clientId: foreignClient.clientId, clientSecret: foreignClient.clientSecret! });
      await refused(logoutUrl({ id_token_hint: response.body.id_token as string }));
    });

    it('rejects a client_id that is not the hint\'s audience (§2)', async () => {
      const { tokens } = await signIn();
      const page = await refused(`${server.issuer}/end_session?${new URLSearchParams({
        id_token_hint: tokens.id_token, client_id: secondClient.clientId, post_logout_redirect_uri: logoutUri,
      })}`);
      assert.match(page.body, /client_id does not match the audience of id_token_hint/);
    });

    it('rejects an unknown client_id and a repeated parameter', async () => {
      await refused(`${server.issuer}/end_session?client_id=nobody`);
      await refused(`${server.issuer}/end_session?client_id=${client.clientId}&state=a&state=b`);
    });
  });
});
