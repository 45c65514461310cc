// A browser app in Chromium: oidc-client-ts (its browser build, as served to real SPAs) in a page
// on a loopback origin other than Gatehouse's signs in as a PUBLIC client with the code flow and
// PKCE, loads UserInfo and refreshes its tokens — every call to Gatehouse cross-origin, so each
// works only because of CORS (OAuth 2.0 for Browser-Based Apps §6.1; Fetch Standard §3.2).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freePort, startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const require = createRequire(import.meta.url);
// The IIFE build exposes the library as the global `oidc`.
// The package exports no path to it: found next to the package's main entry.
const packageDir = dirname(dirname(dirname(require.resolve('oidc-client-ts'))));
const oidcClientBundle = readFileSync(join(packageDir, 'dist', 'browser', 'oidc-client-ts.js'), 'utf8');

// The SPA's own script: no framework, the library's documented UserManager calls only.
const appScript = `
const manager = new oidc.UserManager({
  authority: spaConfig.issuer, client_id: spaConfig.clientId, redirect_uri: location.origin + '/callback.html',
  response_type: 'code', scope: 'openid profile offline_access', loadUserInfo: true, automaticSilentRenew: false,
});
const show = (id, value) => { document.getElementById(id).textContent = typeof value === 'string' ? value : JSON.stringify(value); };
async function main() {
  if (location.pathname !== '/callback.html') {
    document.getElementById('sign-in').addEventListener('click', () => manager.signinRedirect().catch((e) => show('error', String(e))));
    document.getElementById('ready').textContent = 'ready';
    return;
  }
  try {
    const user = await manager.signinRedirectCallback();
    show('signed-in', { sub: user.profile.sub, name: user.profile.name, preferred_username: user.profile.preferred_username,
      has_refresh_token: Boolean(user.refresh_token), scope: user.scope });
    const refreshed = await manager.signinSilent();
    show('refreshed', { sub: refreshed.profile.sub, new_access_token: refreshed.access_token !== user.access_token,
      new_refresh_token: refreshed.refresh_token !== user.refresh_token });
    const response = await fetch(spaConfig.issuer + '/userinfo', { headers: { authorization: 'Bearer ' + refreshed.access_token } });
    show('userinfo', await response.json());
  } catch (e) {
    show('error', String((e && e.message) || e));
  }
}
main();
`;

function html(body: string, issuer: string, clientId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SPA</title>
<script src="/oidc-client-ts.js"></script>
<script src="/config.js?issuer=${encodeURIComponent(issuer)}&client_id=${encodeURIComponent(clientId)}"></script>
<script src="/app.js" defer></script></head><body>${body}
<p id="ready"></p><pre id="signed-in"></pre><pre id="refreshed"></pre><pre id="userinfo"></pre><pre id="error"></pre></body></html>`;
}

describe('a browser app (oidc-client-ts in Chromium) against Gatehouse, cross-origin', () => {
  let server: TestServer;
  let client: TestClient;
  let spa: Server;
  let spaOrigin: string;
  let browser: Browser;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
    server = await startGatehouse();
    const spaPort = await freePort();
    // Gatehouse is at http://localhost:<port>: the app's 127.0.0.1 origin is another site's.
    spaOrigin = `http://127.0.0.1:${spaPort}`;
    client = await server.createClient({
      public: true, clientName: 'Browser App', redirectUris: [`${spaOrigin}/callback.html`],
      scopes: ['openid', 'profile', 'offline_access'],
    });
    user = await server.createUser({ username: 'spa-user', name: 'Grace Hopper' });

    spa = createServer((request, response) => {
      const url = new URL(request.url ?? '/', spaOrigin);
      const js = { 'content-type': 'text/javascript; charset=utf-8' };
      if (url.pathname === '/oidc-client-ts.js') return void response.writeHead(200, js).end(oidcClientBundle);
      if (url.pathname === '/app.js') return void response.writeHead(200, js).end(appScript);
      if (url.pathname === '/config.js') {
        const config = { issuer: url.searchParams.get('issuer'), clientId: url.searchParams.get('client_id') };
        return void response.writeHead(200, js).end(`window.spaConfig = ${JSON.stringify(config)};`);
      }
      const page = { 'content-type': 'text/html; charset=utf-8' };
      if (url.pathname === '/') return void response.writeHead(200, page).end(html('<button id="sign-in">Sign in</button>', server.issuer, client.clientId));
      if (url.pathname === '/callback.html') return void response.writeHead(200, page).end(html('', server.issuer, client.clientId));
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => spa.listen(spaPort, '127.0.0.1', resolve));
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => spa?.close(resolve));
    await server?.close();
  });

  it('signs in as a public client with code + PKCE, reads UserInfo and refreshes, all cross-origin (RFC 7636, OIDC Core §5.3, RFC 6749 §6)', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') failures.push(message.text()); });
    try {
      await page.goto(`${spaOrigin}/`);
      await page.waitForSelector('#ready:has-text("ready")');
      await page.click('#sign-in');

      // Gatehouse's own pages: sign in, then approve.
      await page.waitForURL((url) => url.origin === server.issuer);
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('button[value=approve]');
      await page.click('button[value=approve]');

      await page.waitForURL((url) => url.origin === spaOrigin && url.pathname === '/callback.html');
      await page.waitForFunction("['userinfo', 'error'].some((id) => document.getElementById(id).textContent)", undefined, { timeout: 30_000 });
      assert.equal(await page.textContent('#error'), '', `no error in the app (console: ${failures.join(' | ')})`);

      const signedIn = JSON.parse((await page.textContent('#signed-in'))!) as Record<string, unknown>;
      assert.equal(signedIn.sub, user.accountId);
      assert.equal(signedIn.name, 'Grace Hopper', 'the profile claim came from UserInfo (loadUserInfo)');
      assert.equal(signedIn.preferred_username, user.username);
      assert.equal(signedIn.has_refresh_token, true);

      const refreshed = JSON.parse((await page.textContent('#refreshed'))!) as Record<string, unknown>;
      assert.deepEqual(refreshed, { sub: user.accountId, new_access_token: true, new_refresh_token: true }, 'rotated (RFC 9700 §4.14.2)');

      const userinfo = JSON.parse((await page.textContent('#userinfo'))!) as Record<string, unknown>;
      assert.equal(userinfo.sub, user.accountId);
      assert.equal(userinfo.name, 'Grace Hopper');
    } finally {
      await page.close();
    }
  });

  it('a page on an origin the client did not register cannot read the token endpoint’s answers (Fetch §3.2.5)', async () => {
    const page = await browser.newPage();
    try {
      // Gatehouse's own origin stands in for a foreign site: it is no origin of this client.
      await page.goto(`${server.issuer}/.well-known/openid-configuration`);
      const outcome = await page.evaluate(async ({ issuer, clientId }) => {
        try {
          const answer = await fetch(`${issuer.replace('localhost', '127.0.0.1')}/token`, {
            method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: clientId }).toString(),
          });
          return `read ${answer.status}`;
        } catch (error) {
          return `blocked: ${(error as Error).name}`;
        }
      }, { issuer: server.issuer, clientId: client.clientId });
      assert.equal(outcome, 'blocked: TypeError');
    } finally {
      await page.close();
    }
  });
});
