// The account page (/account) over real HTTP: it signs in through Gatehouse's own /authorize as
// the built-in client (state + PKCE, the code redeemed at /account/callback), then its forms:
// password change, sessions, connected apps, and the CSRF check every form has.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deleteAccount } from '../../src/oauth/lifecycle.js';
import { ScriptedBrowser, type Page } from '../support/browser.js';
import { obtainTokens, runAuthorization, tokenRequest, pkcePair } from '../support/flow.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

describe('the account page', () => {
  let server: TestServer;
  let client: TestClient;
  before(async () => {
    server = await startGatehouse();
    client = await server.createClient({ clientName: 'Photo Printer' });
  });
  after(() => server.close());

  const accountUrl = () => `${server.issuer}/account`;

  /** Opens /account; signs in on the login page when asked. Returns the account page. */
  async function openAccount(browser: ScriptedBrowser, user: { username: string; password: string }): Promise<Page> {
    let page = await browser.navigate(accountUrl());
    if (page.body.includes('name="password"') && page.body.includes('name="username"') && !page.body.includes('current_password')) {
      page = await browser.submitForm(page, { username: user.username, password: user.password });
    }
    return page;
  }

  const csrfOf = (page: Page) => /name="csrf_token" value="([^"]+)"/.exec(page.body)![1]!;
  /** The connected apps section only (a session also names the apps it signed in to). */
  const appsOf = (page: Page) => /<section aria-labelledby="apps-heading">([\s\S]*?)<\/section>/.exec(page.body)![1]!;
  const post = (browser: ScriptedBrowser, path: string, form: Record<string, string>) => browser.request(`${server.issuer}${path}`, { form });

  it('sends a browser without a session through /authorize (built-in client, PKCE, state) and back to /account (RFC 6749 §4.1, RFC 7636)', async () => {
    const user = await server.createUser({ name: 'Ada Lovelace' });
    const browser = new ScriptedBrowser();
    const first = await browser.request(accountUrl());
    assert.equal(first.status, 303);
    const to = new URL(first.headers.get('location')!);
    assert.equal(to.pathname, '/authorize');
    assert.equal(to.searchParams.get('client_id'), 'gatehouse-account');
    assert.equal(to.searchParams.get('redirect_uri'), `${server.issuer}/account/callback`);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(to.searchParams.get('state'));
    assert.match(browser.setCookieLines.at(-1)!, /^gh_account_signin=.*Path=\/account; HttpOnly; SameSite=Lax/);

    const page = await openAccount(browser, user);
    assert.equal(page.status, 200, page.body.slice(0, 300));
    assert.match(page.body, /Your account/);
    assert.match(page.body, new RegExp(user.username));
    assert.match(page.body, /value="Ada Lovelace"/);
    assert.match(page.body, /href="\/account\/email"/);
    assert.match(page.body, /href="\/end_session"/);
    assert.match(page.headers.get('content-security-policy')!, /default-src 'none'/);
    assert.ok(browser.setCookieLines.some((l) => /^gh_account=[^;]+; Path=\/account; HttpOnly; SameSite=Lax; Max-Age=900/.test(l)));
    // The recent activity lists the sign-in.
    assert.match(page.body, /Signed in · <time/);
  });

  it('refuses a callback whose state is not the browser\'s own (RFC 6749 §10.12)', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    await openAccount(browser, user);
    const forged = await browser.request(`${server.issuer}/account/callback?code=abc&state=forged`);
    assert.equal(forged.status, 400);
    assert.match(forged.body, /Sign-in did not complete/);
  });

  it('refuses a code whose PKCE verifier does not match the challenge (RFC 7636 §4.6)', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    const first = await browser.request(accountUrl());
    const [state] = browser.cookie('gh_account_signin')!.split('.');
    browser.plantCookie('gh_account_signin', `${state}.another-verifier-entirely`);
    let page = await browser.navigate(first.headers.get('location')!);
    page = await browser.submitForm(page, { username: user.username, password: user.password });
    assert.equal(page.status, 400);
    assert.match(page.body, /Sign-in did not complete/);
    assert.equal(browser.hasCookie('gh_account'), false);
  });

  it('the account cookie opens nothing without its own browser session', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    await openAccount(browser, user);
    const thief = new ScriptedBrowser();
    thief.plantCookie('gh_account', browser.cookie('gh_account')!);
    const page = await thief.request(accountUrl());
    assert.equal(page.status, 303, 'sent to sign in');
  });

  it('signs out through /end_session (RP-Initiated Logout 1.0 §2, §6): after confirming, /account asks to sign in again', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    await openAccount(browser, user);
    const confirm = await browser.navigate(`${server.issuer}/end_session`);
    assert.match(confirm.body, /Sign out\?/);
    const out = await browser.submitForm(confirm, { decision: 'logout' });
    assert.match(out.body, /You are signed out/);
    assert.equal((await browser.request(accountUrl())).status, 303);
  });

  it('deleting the account forgets its security events', async () => {
    const user = await server.createUser();
    await openAccount(new ScriptedBrowser(), user);
    assert.equal((await server.storage.accountEvents.listByAccount(user.accountId, 10)).length, 1);
    await deleteAccount(user.accountId, { storage: server.storage, clock: server.clock });
    assert.deepEqual(await server.storage.accountEvents.listByAccount(user.accountId, 10), []);
  });

  it('saves the name', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    const page = await openAccount(browser, user);
    const saved = await post(browser, '/account/profile', { csrf_token: csrfOf(page), name: 'Grace Hopper' });
    assert.equal(saved.status, 303);
    const again = await browser.navigate(new URL(saved.headers.get('location')!, server.issuer).toString());
    assert.match(again.body, /value="Grace Hopper"/);
    assert.match(again.body, /Your name was saved/);
    assert.equal((await server.storage.accounts.findById(user.accountId))!.name, 'Grace Hopper');
  });

  it('refuses every form without the page\'s CSRF token with 403 (RFC 6749 §10.12)', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    await openAccount(browser, user);
    for (const path of ['/account/profile', '/account/password', '/account/sessions/end', '/account/apps/revoke']) {
      const missing = await post(browser, path, { name: 'x', sid: 'others', client_id: client.clientId });
      assert.equal(missing.status, 403, path);
      const wrong = await post(browser, path, { csrf_token: 'forged', name: 'x', sid: 'others' });
      assert.equal(wrong.status, 403, path);
    }
    assert.equal((await server.storage.accounts.findById(user.accountId))!.name, 'Test User');
  });

  it('changes the password only with the right current one; other sessions and tokens end, this one stays', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    const page = await openAccount(browser, user);
    // Another browser, signed in to a client with a refresh token.
    const tokens = await obtainTokens(server, client, user);
    const other = new ScriptedBrowser();
    assert.equal((await openAccount(other, user)).status, 200);

    const wrong = await post(browser, '/account/password', {
      csrf_token: csrfOf(page), current_password: 'not the password', new_password: 'a brand new password', confirm_password: 'a brand new password',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /The current password is not right/);
    const mismatch = await post(browser, '/account/password', {
      csrf_token: csrfOf(page), current_password: user.password, new_password: 'a brand new password', confirm_password: 'another one entirely',
    });
    assert.equal(mismatch.status, 400);
    const short = await post(browser, '/account/password', {
      csrf_token: csrfOf(page), current_password: user.password, new_password: 'short', confirm_password: 'short',
    });
    assert.equal(short.status, 400);
    assert.match(short.body, /at least 8/);

    const changed = await post(browser, '/account/password', {
      csrf_token: csrfOf(page), current_password: user.password, new_password: 'a brand new password', confirm_password: 'a brand new password',
    });
    assert.equal(changed.status, 303);
    const after = await browser.navigate(new URL(changed.headers.get('location')!, server.issuer).toString());
    assert.equal(after.status, 200, 'this browser stays signed in');
    assert.match(after.body, /Your password was changed/);
    assert.match(after.body, /Password changed · <time/);
    assert.equal((await other.request(accountUrl())).status, 303, 'the other browser is signed out');
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
    // The new password signs in; the old one does not. (With Redis an account's revocation marker
    // blocks codes issued up to its second: the next sign-in is a second later.)
    server.clock.advance(1);
    const fresh = new ScriptedBrowser();
    assert.equal((await openAccount(fresh, { username: user.username, password: user.password })).status, 401);
    assert.equal((await openAccount(new ScriptedBrowser(), { username: user.username, password: 'a brand new password' })).status, 200);
  });

  it('throttles guesses at the current password (429 with Retry-After, RFC 6585 §4)', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    const page = await openAccount(browser, user);
    let last: Page | undefined;
    for (let i = 0; i < 12; i++) {
      last = await post(browser, '/account/password', {
        csrf_token: csrfOf(page), current_password: `guess ${i}`, new_password: 'a brand new password', confirm_password: 'a brand new password',
      });
      if (last.status === 429) break;
    }
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
  });

  it('lists the account\'s sessions and ends another one: that browser is signed out', async () => {
    const user = await server.createUser();
    const a = new ScriptedBrowser();
    const b = new ScriptedBrowser();
    await openAccount(b, user);
    const page = await openAccount(a, user);
    assert.match(page.body, /This browser/);
    const sids = [...page.body.matchAll(/name="sid" value="([^"]+)"/g)].map((m) => m[1]!).filter((s) => s !== 'others');
    assert.equal(sids.length, 1, 'one other session, with its own form');
    const ended = await post(a, '/account/sessions/end', { csrf_token: csrfOf(page), sid: sids[0]! });
    assert.equal(ended.status, 303);
    assert.equal((await b.request(accountUrl())).status, 303, 'b must sign in again');
    assert.equal((await a.request(accountUrl())).status, 200, 'a stays');
    // A sid of another account is not this account's to end.
    const stranger = new ScriptedBrowser();
    const strangerUser = await server.createUser();
    await openAccount(stranger, strangerUser);
    const theirSid = (await server.storage.sessions.listByAccount(strangerUser.accountId, server.clock()))[0]!.sid;
    const refused = await post(a, '/account/sessions/end', { csrf_token: csrfOf(page), sid: theirSid });
    assert.equal(refused.headers.get('location'), '/account?done=sessionGone');
    assert.equal((await stranger.request(accountUrl())).status, 200);
  });

  it('"sign out all other sessions" ends every other one', async () => {
    const user = await server.createUser();
    const others = [new ScriptedBrowser(), new ScriptedBrowser()];
    for (const b of others) await openAccount(b, user);
    const a = new ScriptedBrowser();
    const page = await openAccount(a, user);
    assert.equal((await post(a, '/account/sessions/end', { csrf_token: csrfOf(page), sid: 'others' })).status, 303);
    for (const b of others) assert.equal((await b.request(accountUrl())).status, 303);
    assert.equal((await server.storage.sessions.listByAccount(user.accountId, server.clock())).length, 1);
  });

  it('revokes a connected app: its refresh token stops working and consent is asked again', async () => {
    const user = await server.createUser();
    const browser = new ScriptedBrowser();
    const pkce = pkcePair();
    const run = await runAuthorization(server, client, user, {
      scope: 'openid offline_access', code_challenge: pkce.challenge, code_challenge_method: 'S256',
    }, browser);
    const code = run.callback!.searchParams.get('code')!;
    const tokens = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(tokens.status, 200);

    const page = await openAccount(browser, user);
    assert.match(appsOf(page), /Photo Printer/);
    assert.doesNotMatch(appsOf(page), /Gatehouse account/, 'the built-in client is not a connected app');
    const revoked = await post(browser, '/account/apps/revoke', { csrf_token: csrfOf(page), client_id: client.clientId });
    assert.equal(revoked.status, 303);
    const after = await browser.navigate(accountUrl());
    assert.doesNotMatch(appsOf(after), /Photo Printer/);
    assert.match(appsOf(after), /No app has access/);

    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refreshed.body.error, 'invalid_grant');
    const again = await runAuthorization(server, client, user, { scope: 'openid offline_access', code_challenge: pkce.challenge, code_challenge_method: 'S256' },
      browser, { consent: 'deny' });
    assert.ok(again.callback, 'came back to the client');
    assert.equal(again.callback!.searchParams.get('error'), 'access_denied', 'the consent page was shown again (and denied)');
  });
});
