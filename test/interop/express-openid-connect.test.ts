// express-openid-connect (Auth0's Express middleware, a widely used relying party) against Gatehouse,
// configured as its README tells a new user, in Chromium: sign in to a protected route, log out
// through Gatehouse's end_session_endpoint (RP-Initiated Logout 1.0 §2-3: id_token_hint and
// post_logout_redirect_uri), land back on the app signed out, and the next login asks for the
// password. Its back-channel logout route accepts Gatehouse's logout tokens (Back-Channel Logout
// 1.0 §2.4-2.8): a session ended at Gatehouse ends the app's session too. The recipe is in
// docs/relying-parties.md.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import express from 'express';
import eoc, { type SessionStore } from 'express-openid-connect';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../support/gatehouse.js';
import { startWiredGatehouse, type WiredGatehouse } from '../support/wired-gatehouse.js';

const { auth, requiresAuth } = eoc; // a CommonJS package: its exports come through the default import
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** An express-session style store (get/set/destroy with callbacks), kept in memory for one app. */
function memoryStore<Data>(): SessionStore<Data> {
  type Entry = Parameters<SessionStore<Data>['set']>[1];
  const entries = new Map<string, Entry>();
  return {
    get(id, done) { done(null, entries.get(id)); },
    set(id, value, done) { entries.set(id, value); done?.(); },
    destroy(id, done) { entries.delete(id); done?.(); },
  };
}

/** What the app's back-channel logout route answered, and a way to wait for the next answers. */
class BackchannelAnswers {
  readonly statuses: number[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  record(status: number): void {
    this.statuses.push(status);
    this.waiters = this.waiters.filter((w) => (this.statuses.length >= w.count ? (w.resolve(), false) : true));
  }
  /** Waits for the count-th answer, with a deadline far beyond any slow machine's outbox delay. */
  async waitFor(count: number): Promise<void> {
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.statuses.length >= count ? resolve() : this.waiters.push({ count, resolve }))),
      new Promise((_, reject) => { deadline = setTimeout(() => reject(new Error(`no logout token #${count} within 120 s`)), 120_000); }),
    ]).finally(() => clearTimeout(deadline));
  }
}

describe('express-openid-connect signs in and logs out through Gatehouse', () => {
  let gatehouse: WiredGatehouse;
  let user: { accountId: string; username: string; password: string };
  let app: Server;
  let baseURL: string;
  let browser: Browser;
  let clientId: string;
  const backchannel = new BackchannelAnswers();

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
    gatehouse = await startWiredGatehouse();
    const port = await freePort();
    // 127.0.0.1 while Gatehouse is on localhost: another site, as in production, so the cookies'
    // SameSite rules are the ones a real deployment meets.
    baseURL = `http://127.0.0.1:${port}`;
    // As `gatehouse client create --redirect-uri … --post-logout-redirect-uri … --backchannel-logout-uri …` registers it.
    const client = await gatehouse.createClient({
      clientName: 'Express app', redirectUris: [`${baseURL}/callback`],
      // express-openid-connect returns to routes.postLogoutRedirect, by default its baseURL exactly as configured.
      postLogoutRedirectUris: [baseURL],
      backchannelLogoutUri: `${baseURL}/backchannel-logout`, backchannelLogoutSessionRequired: true,
    });
    clientId = client.clientId;
    user = await gatehouse.createUser({ username: 'express-erin' });

    const web = express();
    web.use('/backchannel-logout', (_request, response, next) => {
      response.on('finish', () => backchannel.record(response.statusCode));
      next();
    });
    web.use(auth({
      issuerBaseURL: gatehouse.issuer, baseURL, clientID: client.clientId, clientSecret: client.clientSecret!,
      secret: 'a-long-random-secret-for-the-app-session-cookie-0123456789',
      // Gatehouse runs the authorization code flow only (RFC 9700 §2.1.2: no implicit id_token).
      authorizationParams: { response_type: 'code', scope: 'openid profile email' },
      authRequired: false, idpLogout: true,
      backchannelLogout: { store: memoryStore() },
    }));
    web.get('/', (request, response) => {
      response.send(`<!doctype html><title>App</title><h1>${request.oidc.isAuthenticated() ? 'Signed in to the app' : 'Signed out of the app'}</h1>`);
    });
    web.get('/profile', requiresAuth(), (request, response) => {
      const claims = request.oidc.idTokenClaims!;
      response.send(`<!doctype html><title>Profile</title><h1>Profile</h1><p id="sub">${claims.sub}</p>`
        + `<p id="username">${String(claims.preferred_username)}</p><p id="sid">${String(claims.sid)}</p><a href="/logout">Log out</a>`);
    });
    app = await new Promise<Server>((resolve) => { const server = web.listen(port, '127.0.0.1', () => resolve(server)); });
    browser = await chromium.launch({
      executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    app?.closeAllConnections();
    await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
    await gatehouse?.close();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(120_000);
    return { context, page: await context.newPage() };
  }

  /** Opens the protected route, signs in at Gatehouse and approves the consent page when it comes. */
  async function signIn(page: Page): Promise<string> {
    await page.goto(`${baseURL}/profile`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const profile = page.getByRole('heading', { name: 'Profile' });
    const allow = page.getByRole('button', { name: 'Allow' });
    await profile.or(allow).waitFor();
    if (await allow.isVisible()) await allow.click();
    await profile.waitFor();
    assert.equal(await page.locator('#sub').textContent(), user.accountId);
    assert.equal(await page.locator('#username').textContent(), user.username);
    return (await page.locator('#sid').textContent())!;
  }

  it('logs out through end_session with id_token_hint and post_logout_redirect_uri, lands on the app signed out, and the next login asks for the password (RP-Initiated Logout 1.0 §2, §3)', async () => {
    const { context, page } = await newPage();
    const sid = await signIn(page);
    assert.match(sid, /^[A-Za-z0-9_-]+$/, 'the ID token names the Gatehouse session (sid)');

    const endSessionRequests: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/end_session') endSessionRequests.push(url);
    });
    const answered = backchannel.statuses.length;
    await page.getByRole('link', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Signed out of the app' }).waitFor();
    assert.equal(new URL(page.url()).origin, baseURL);

    assert.equal(endSessionRequests.length, 1, 'the app sent the browser to Gatehouse once');
    const logout = endSessionRequests[0]!;
    assert.equal(`${logout.origin}${logout.pathname}`, `${gatehouse.issuer}/end_session`, 'the end_session_endpoint from discovery');
    assert.equal(logout.searchParams.get('post_logout_redirect_uri'), baseURL);
    assert.ok(logout.searchParams.get('id_token_hint'), 'id_token_hint is the ID token, so Gatehouse logs out without asking');
    assert.equal(logout.searchParams.get('client_id'), clientId);

    // Gatehouse's session is over: signing in again asks for the password.
    await page.goto(`${baseURL}/login`);
    await page.getByLabel('Password').waitFor();
    assert.ok(new URL(page.url()).href.startsWith(`${gatehouse.issuer}/interaction/`));

    // The logout also reached the app's back channel, which accepted the token (§2.8: 2xx).
    await backchannel.waitFor(answered + 1);
    assert.equal(backchannel.statuses[answered], 204);
    await context.close();
  });

  it('ends the app session when the Gatehouse session ends elsewhere: the app accepts the logout token (Back-Channel Logout 1.0 §2.5-2.8)', async () => {
    const { context, page } = await newPage();
    await signIn(page);
    const answered = backchannel.statuses.length;

    // The user signs out at Gatehouse itself, not through the app (a link without a hint asks first).
    await page.goto(`${gatehouse.issuer}/end_session`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();

    await backchannel.waitFor(answered + 1);
    assert.equal(backchannel.statuses[answered], 204, 'express-openid-connect verified and accepted the logout token');
    // The browser still holds the app's session cookie; the app no longer honours it.
    assert.ok((await context.cookies(baseURL)).some((cookie) => cookie.name === 'appSession'));
    await page.goto(`${baseURL}/`);
    await page.getByRole('heading', { name: 'Signed out of the app' }).waitFor();
    await page.goto(`${baseURL}/profile`);
    await page.getByLabel('Password').waitFor();
    await context.close();
  });

  it('logs out of an app whose own session already ended: no id_token_hint, so Gatehouse asks, then returns to the app (RP-Initiated Logout 1.0 §2, §3)', async () => {
    const { context, page } = await newPage();
    await signIn(page);
    // The app's session is gone (expired, or its cookie cleared); Gatehouse's is not.
    await context.clearCookies({ name: 'appSession' });
    const endSessionRequests: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/end_session') endSessionRequests.push(url);
    });
    await page.goto(`${baseURL}/logout`);
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    const logout = endSessionRequests[0]!;
    assert.equal(logout.searchParams.get('id_token_hint'), null);
    assert.equal(logout.searchParams.get('client_id'), clientId, 'the client is still named, so the return can be checked');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Signed out of the app' }).waitFor();
    await page.goto(`${baseURL}/login`);
    await page.getByLabel('Password').waitFor();
    await context.close();
  });
});
