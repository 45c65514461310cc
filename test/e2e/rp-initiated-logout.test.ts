// RP-Initiated Logout 1.0 in a real browser (Debian chromium via playwright-core): sign in to a
// small relying party, log out through end_session_endpoint, land back on the relying party with
// its state, and the next sign-in asks for the password. A logout link without a hint asks first.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import * as oidc from 'openid-client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { pkcePair, tokenRequest } from '../support/flow.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('RP-Initiated Logout 1.0 in Chromium', () => {
  let server: TestServer;
  let client: TestClient;
  let user: { username: string; password: string };
  let rp: Server;
  let rpOrigin: string;
  let browser: Browser;
  let config: oidc.Configuration;
  const pkce = pkcePair();
  let idToken = '';

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
    server = await startGatehouse();
    const rpPort = await freePort();
    rpOrigin = `http://localhost:${rpPort}`;
    client = await server.createClient({
      clientName: 'Logout RP', redirectUris: [`${rpOrigin}/callback`], postLogoutRedirectUris: [`${rpOrigin}/signed-out`],
    });
    user = await server.createUser({ username: 'chromium-lou' });
    config = await oidc.discovery(new URL(server.issuer), client.clientId, undefined,
      oidc.ClientSecretBasic(client.clientSecret!), { execute: [oidc.allowInsecureRequests] });

    // The relying party: exchanges the code on its back channel, logs out with the ID token as hint.
    rp = createServer((request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', rpOrigin);
        if (url.pathname === '/callback') {
          const tokens = await tokenRequest(server, {
            grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: `${rpOrigin}/callback`,
            code_verifier: pkce.verifier,
          }, { clientId: client.clientId, clientSecret: client.clientSecret! });
          idToken = String(tokens.body.id_token ?? '');
          response.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>${idToken ? 'Signed in to the RP' : 'Sign-in failed'}</h1><a href="/logout">Log out</a>`);
        } else if (url.pathname === '/logout') {
          const location = oidc.buildEndSessionUrl(config, {
            id_token_hint: idToken, post_logout_redirect_uri: `${rpOrigin}/signed-out`, state: 'rp-state-42',
          });
          response.writeHead(303, { location: location.href }).end();
        } else if (url.pathname === '/signed-out') {
          response.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Back on the RP</h1><p id="state">${url.searchParams.get('state') ?? ''}</p>`);
        } else {
          response.writeHead(404).end();
        }
      })().catch(() => { response.writeHead(500).end(); });
    });
    await new Promise<void>((resolve) => rp.listen(rpPort, '127.0.0.1', resolve));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => rp?.close(resolve));
    await server?.close();
  });

  function authorizeUrl(): string {
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${rpOrigin}/callback`, scope: 'openid profile', state: 's', nonce: 'n',
      code_challenge: pkce.challenge, code_challenge_method: 'S256',
    }).href;
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(authorizeUrl());
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const allow = page.getByRole('button', { name: 'Allow' });
    if (await allow.isVisible().catch(() => false)) await allow.click();
    await page.getByRole('heading', { name: 'Signed in to the RP' }).waitFor();
  }

  it('logs in, logs out through end_session, returns to the RP with state, and the next sign-in asks for the password (§2, §3)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text()); });
    await signIn(page);

    await page.getByRole('link', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Back on the RP' }).waitFor();
    assert.equal(await page.locator('#state').textContent(), 'rp-state-42');
    assert.equal(new URL(page.url()).origin, rpOrigin);

    await page.goto(authorizeUrl());
    await page.getByLabel('Password').waitFor();
    assert.ok(await page.getByLabel('Password').isVisible(), 'the next sign-in asks for the password');
    assert.deepEqual(cspErrors, []);
    await context.close();
  });

  it('asks before signing out on a logout link without a hint, then shows the signed-out page (§2, §6)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page);
    await page.goto(oidc.buildEndSessionUrl(config).href);
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await page.goto(authorizeUrl());
    await page.getByLabel('Password').waitFor();
    await context.close();
  });
});
