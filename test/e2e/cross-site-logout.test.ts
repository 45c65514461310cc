// RP-Initiated Logout 1.0 §2 says the OP must accept the logout request by POST as well as GET.
// An RP on another site that POSTs its logout form gets no SameSite=Lax session cookie sent with
// it, so the OP cannot see the session it is asked to end. In real Chromium, with the RP on
// 127.0.0.1 and Gatehouse on localhost (different sites): the POSTed logout must still end the
// session at the OP — back-channel logout and token revocation depend on it — and return to the RP.
// The second test is the conformance suite's own flow (a GET from its site, then prompt=none).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { freePort, startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { tokenRequest } from '../support/flow.js';
import { escapeHtml } from '../../src/interaction/views/html.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('RP-Initiated Logout 1.0 from another site (SameSite=Lax cookies), in Chromium', () => {
  let server: TestServer;
  let client: TestClient;
  let user: { username: string; password: string };
  let rp: Server;
  let rpOrigin: string;
  let browser: Browser;
  let idToken = '';

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
    server = await startGatehouse();
    const rpPort = await freePort();
    // 127.0.0.1 is another site than Gatehouse's localhost: SameSite rules apply between them.
    rpOrigin = `http://127.0.0.1:${rpPort}`;
    client = await server.createClient({
      clientName: 'POST logout RP', redirectUris: [`${rpOrigin}/callback`], postLogoutRedirectUris: [`${rpOrigin}/signed-out`], skipConsent: true,
      // Like the conformance suite's RP: a nonce, no PKCE.
      metadata: { requirePkce: false },
    });
    user = await server.createUser({ username: 'post-lou' });
    rp = createServer((request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', rpOrigin);
        if (url.pathname === '/callback') {
          const tokens = await tokenRequest(server, {
            grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: `${rpOrigin}/callback`,
          }, { clientId: client.clientId, clientSecret: client.clientSecret! });
          idToken = String(tokens.body.id_token ?? '');
          // The RP's logout button: a form POSTed to the end_session_endpoint (§2).
          response.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Signed in to the RP</h1>
<form method="post" action="${escapeHtml(`${server.issuer}/end_session`)}">
<input type="hidden" name="id_token_hint" value="${escapeHtml(idToken)}">
<input type="hidden" name="post_logout_redirect_uri" value="${escapeHtml(`${rpOrigin}/signed-out`)}">
<input type="hidden" name="state" value="post-state-7">
<button id="logout">Log out</button></form>`);
        } else if (url.pathname === '/suite') {
          response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>A page of the RP (or the conformance suite)</h1>');
        } else if (url.pathname === '/signed-out') {
          response.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Back on the RP</h1><p id="state">${escapeHtml(url.searchParams.get('state') ?? '')}</p>`);
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

  it('ends the OP session the POSTed id_token_hint names and returns to the RP with state (RP-Initiated Logout 1.0 §2, §3)', async () => {
    const page = await browser.newPage();
    const authorize = new URL(`${server.issuer}/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code', client_id: client.clientId, redirect_uri: `${rpOrigin}/callback`, scope: 'openid', state: 's', nonce: 'n',
    }).toString();
    await page.goto(authorize.href);
    await page.fill('input[name="username"]', user.username);
    await page.fill('input[name="password"]', user.password);
    await Promise.all([page.waitForURL(`${rpOrigin}/callback**`), page.click('button[type="submit"]')]);
    assert.equal(await page.textContent('h1'), 'Signed in to the RP');
    const sid = String(decodeJwt(idToken).sid);
    assert.ok(await server.storage.sessions.findBySid(sid, server.clock()), 'signed in at the OP');

    await Promise.all([page.waitForURL(`${rpOrigin}/signed-out**`), page.click('#logout')]);
    assert.equal(await page.textContent('#state'), 'post-state-7', '§3: back on the RP with its state');
    assert.equal(await server.storage.sessions.findBySid(sid, server.clock()), null,
      'the session at the OP is ended, not only its cookie dropped');
    await page.close();
  });

  it('as the conformance suite does it from its own site: a GET to end_session ends the session, and prompt=none then says login_required (RP-Initiated Logout 1.0 §2, §3; OIDC Core §3.1.2.6)', async () => {
    const page = await browser.newPage();
    const authorize = (extra: Record<string, string> = {}) => {
      const url = new URL(`${server.issuer}/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code', client_id: client.clientId, redirect_uri: `${rpOrigin}/callback`, scope: 'openid', state: 's', nonce: 'n', ...extra,
      }).toString();
      return url.href;
    };
    await page.goto(authorize());
    await page.fill('input[name="username"]', user.username);
    await page.fill('input[name="password"]', user.password);
    await Promise.all([page.waitForURL(`${rpOrigin}/callback**`), page.click('button[type="submit"]')]);
    const sid = String(decodeJwt(idToken).sid);

    // The suite redirects the browser from its own site (BuildRedirectToEndSessionEndpoint).
    const logout = new URL(`${server.issuer}/end_session`);
    logout.search = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: `${rpOrigin}/signed-out`, state: 'suite-state' }).toString();
    await page.goto(`${rpOrigin}/suite`);
    await Promise.all([page.waitForURL(`${rpOrigin}/signed-out**`), page.evaluate(`location.href = ${JSON.stringify(logout.href)}`)]);
    assert.equal(await page.textContent('#state'), 'suite-state');
    assert.equal(await server.storage.sessions.findBySid(sid, server.clock()), null, 'the session at the OP is ended');

    // The second authorization, prompt=none, is a navigation from the suite's site too.
    let errorUrl = '';
    page.on('request', (request) => { if (request.url().startsWith(`${rpOrigin}/callback`)) errorUrl = request.url(); });
    await page.evaluate(`location.href = ${JSON.stringify(authorize({ prompt: 'none' }))}`);
    await page.waitForURL(`${rpOrigin}/callback**`);
    assert.equal(new URL(errorUrl).searchParams.get('error'), 'login_required');
    await page.close();
  });
});
