// Apache httpd with mod_auth_openidc (Debian's libapache2-mod-auth-openidc) against Gatehouse, set
// up as its documentation tells a new user, in Chromium: a protected location signs in at Gatehouse
// and hands the application the ID token's claims; `OIDCRedirectURI?logout=<url>` logs out through
// Gatehouse's end_session_endpoint (RP-Initiated Logout 1.0 §2-3: id_token_hint and
// post_logout_redirect_uri) and the next visit asks for the password; and mod_auth_openidc's
// back-channel logout endpoint (`OIDCRedirectURI?logout=backchannel`) accepts Gatehouse's logout
// tokens, ending the Apache session when the Gatehouse session ends (Back-Channel Logout 1.0
// §2.5-2.8). Skips only when apache2 or mod_auth_openidc is not installed. Recipe:
// docs/relying-parties.md.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../support/gatehouse.js';
import { startWiredGatehouse, type WiredGatehouse } from '../support/wired-gatehouse.js';
import { apacheMissing, startApache, type RunningApache } from './apache.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = apacheMissing();

describe('mod_auth_openidc signs in and logs out through Gatehouse', { skip: missing ?? false }, () => {
  let gatehouse: WiredGatehouse;
  let user: { accountId: string; username: string; password: string };
  let apache: RunningApache;
  let origin: string;
  let browser: Browser;

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
    gatehouse = await startWiredGatehouse();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const redirectUri = `${origin}/protected/redirect_uri`;
    const loggedOut = `${origin}/logged-out.html`;
    const client = await gatehouse.createClient({
      clientName: 'Apache app', redirectUris: [redirectUri], postLogoutRedirectUris: [loggedOut],
      backchannelLogoutUri: `${redirectUri}?logout=backchannel`, backchannelLogoutSessionRequired: true,
    });
    user = await gatehouse.createUser({ username: 'apache-ada' });

    apache = await startApache({
      port,
      directives: (root) => [
        `OIDCProviderMetadataURL ${gatehouse.issuer}/.well-known/openid-configuration`,
        `OIDCClientID ${client.clientId}`,
        `OIDCClientSecret ${client.clientSecret!}`,
        `OIDCRedirectURI ${redirectUri}`,
        'OIDCCryptoPassphrase a-long-random-passphrase-for-the-state-and-session-0123456789',
        'OIDCScope "openid profile email"',
        'OIDCPKCEMethod S256',
        // The default session store, named: back-channel logout finds the session by sid in it.
        'OIDCSessionType server-cache',
        'OIDCCacheType shm',
        `ScriptAlias /protected/whoami "${root}/cgi-bin/whoami"`,
        '<Location /protected>',
        '  AuthType openid-connect',
        '  Require valid-user',
        '</Location>',
      ].join('\n'),
      documents: { 'logged-out.html': '<!doctype html><title>Logged out</title><h1>Logged out of the Apache app</h1>\n' },
      scripts: {
        // What the application behind mod_auth_openidc sees: REMOTE_USER and OIDC_CLAIM_* variables.
        whoami: [
          '#!/bin/sh',
          "printf 'Content-Type: text/html\\r\\n\\r\\n'",
          `printf '<!doctype html><title>Protected</title><h1>Protected page</h1><p id="sub">%s</p><p id="username">%s</p><p id="user">%s</p><p id="sid">%s</p>' "$OIDC_CLAIM_sub" "$OIDC_CLAIM_preferred_username" "$REMOTE_USER" "$OIDC_CLAIM_sid"`,
          // The logout link of mod_auth_openidc's documentation: the redirect URI with logout=<where to land>.
          `echo '<a href="/protected/redirect_uri?logout=${encodeURIComponent(loggedOut)}">Log out</a>'`,
          '',
        ].join('\n'),
      },
    });
    browser = await chromium.launch({
      executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    if (apache) {
      // What mod_auth_openidc refused, if anything, is in its error log.
      const errors = apache.errorLog().split('\n').filter((line) => /auth_openidc:error/.test(line));
      if (errors.length > 0) console.log(`mod_auth_openidc errors:\n${errors.join('\n')}`);
    }
    await apache?.stop();
    await gatehouse?.close();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(120_000);
    return { context, page: await context.newPage() };
  }

  /** How many logout tokens mod_auth_openidc has accepted (POSTs to the redirect URI answered 200). */
  const accepted = () => apache.accessLog().split('\n').filter((line) => line === 'POST /protected/redirect_uri 200').length;

  /** Waits until mod_auth_openidc has accepted `count` logout tokens in all, up to 120 s. */
  async function backchannelAccepted(count: number): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (accepted() < count) {
      assert.ok(Date.now() < deadline, `logout token #${count} not accepted within 120 s; access log:\n${apache.accessLog()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function signIn(page: Page): Promise<string> {
    await page.goto(`${origin}/protected/whoami`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const heading = page.getByRole('heading', { name: 'Protected page' });
    const allow = page.getByRole('button', { name: 'Allow' });
    await heading.or(allow).waitFor();
    if (await allow.isVisible()) await allow.click();
    await heading.waitFor();
    assert.equal(await page.locator('#sub').textContent(), user.accountId, 'OIDC_CLAIM_sub is the account');
    assert.equal(await page.locator('#username').textContent(), user.username, 'OIDC_CLAIM_preferred_username');
    // mod_auth_openidc's default OIDCRemoteUserClaim is "sub@": the sub, then @ and the issuer without https://.
    assert.equal(await page.locator('#user').textContent(), `${user.accountId}@${gatehouse.issuer}`);
    return (await page.locator('#sid').textContent())!;
  }

  it('hands the application the ID token claims, logs out through end_session with id_token_hint and post_logout_redirect_uri, and the next visit asks for the password (RP-Initiated Logout 1.0 §2, §3)', async () => {
    const { context, page } = await newPage();
    const sid = await signIn(page);
    assert.match(sid, /^[A-Za-z0-9_-]+$/, 'OIDC_CLAIM_sid names the Gatehouse session');
    const tokensBefore = accepted();

    const endSessionRequests: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/end_session') endSessionRequests.push(url);
    });
    await page.getByRole('link', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Logged out of the Apache app' }).waitFor();
    assert.equal(endSessionRequests.length, 1, 'mod_auth_openidc sent the browser to Gatehouse once');
    const logout = endSessionRequests[0]!;
    assert.equal(`${logout.origin}${logout.pathname}`, `${gatehouse.issuer}/end_session`, 'the end_session_endpoint from discovery');
    assert.equal(logout.searchParams.get('post_logout_redirect_uri'), `${origin}/logged-out.html`);
    assert.ok(logout.searchParams.get('id_token_hint'), 'id_token_hint is the ID token, so Gatehouse logs out without asking');

    await page.goto(`${origin}/protected/whoami`);
    await page.getByLabel('Password').waitFor();
    assert.ok(page.url().startsWith(`${gatehouse.issuer}/interaction/`), 'both sessions are over: Gatehouse asks for the password');
    // Gatehouse also sent this client a logout token; the session it names is already gone, and
    // mod_auth_openidc still answers 200 (§2.8).
    await backchannelAccepted(tokensBefore + 1);
    await context.close();
  });

  it('ends the Apache session when the Gatehouse session ends elsewhere: mod_auth_openidc accepts the logout token (Back-Channel Logout 1.0 §2.5-2.8)', async () => {
    const { context, page } = await newPage();
    await signIn(page);
    const tokensBefore = accepted();

    // The user signs out at Gatehouse itself, not through Apache (a link without a hint asks first).
    await page.goto(`${gatehouse.issuer}/end_session`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();

    // The outbox delivers within moments; Apache's access log shows the accepted POST.
    await backchannelAccepted(tokensBefore + 1);
    // The browser still holds mod_auth_openidc's session cookie; the session behind it is gone.
    assert.ok((await context.cookies(origin)).some((cookie) => cookie.name === 'mod_auth_openidc_session'));
    const again = await context.request.get(`${origin}/protected/whoami`, { maxRedirects: 0 });
    assert.equal(again.status(), 302, 'mod_auth_openidc sends the browser to Gatehouse again');
    assert.ok(again.headers().location?.startsWith(`${gatehouse.issuer}/authorize?`));
    await page.goto(`${origin}/protected/whoami`);
    await page.getByLabel('Password').waitFor();
    await context.close();
  });
});
