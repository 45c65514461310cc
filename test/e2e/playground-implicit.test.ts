// The playground's side by side of the legacy implicit flow (issue 11), in a real browser against
// the whole demo started by the `npm run demo` runner with GATEHOUSE_IMPLICIT_FLOW=true. Unlike
// every other demo test (token-leaks.ts: no token anywhere the browser can see), this one asserts
// the OPPOSITE on purpose: in the implicit flow Gatehouse puts the access token and ID token in
// the redirect's URL fragment (OIDC Core §3.2.2.5), so the browser holds them — that exposure is
// what the page demonstrates, and the reason the seed uses the code flow. What must still hold:
// the fragment never reaches the demo app's server, the page shows the token masked, and the
// fragment leaves the address bar. Screenshot to SCREENSHOTS_DIR as playground-implicit.png.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { startDemo, type RunningDemo } from './demo-process.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotsDir = process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), 'gatehouse-shots-'));

let demo: RunningDemo;
let browser: Browser;
let credentials: { implicit_client?: { client_id: string } };

before(async () => {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
  mkdirSync(screenshotsDir, { recursive: true });
  demo = await startDemo({ GATEHOUSE_IMPLICIT_FLOW: 'true' });
  credentials = JSON.parse(readFileSync(join(demo.dataDir, 'demo-client.json'), 'utf8')) as typeof credentials;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  assert.equal(await demo?.stop(), 0);
});

const onPlayground = (page: Page) => page.waitForURL((url) => url.href.startsWith(`${demo.appUrl}/playground`));

async function signInFromPlayground(page: Page): Promise<void> {
  await page.goto(`${demo.appUrl}/playground`);
  await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
  await page.waitForURL(`${demo.issuer}/interaction/**`);
  await page.getByLabel('Username').fill(demo.username);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const allow = page.getByRole('button', { name: 'Allow' });
  const consent = await Promise.race([allow.waitFor().then(() => true), onPlayground(page).then(() => false)].map((p) => p.catch(() => false)));
  if (consent) await allow.click();
  await onPlayground(page);
}

/** Everything a request carries to a server: its URL (never a fragment), headers and body. */
const carried = (request: Request) => [request.url(), JSON.stringify(request.headers()), request.postData() ?? ''].join('\n');

describe('the implicit flow side by side, GATEHOUSE_IMPLICIT_FLOW=true (issue 11)', () => {
  it('first-run registered a public implicit client with response type "id_token token" and grant type implicit (RFC 7591 §2.1, OIDC Core §3.2)', async () => {
    const clientId = credentials.implicit_client?.client_id;
    assert.ok(clientId, 'demo-client.json keeps the implicit client id');
    const discovery = await (await fetch(`${demo.issuer}/.well-known/openid-configuration`)).json() as { response_types_supported: string[] };
    assert.ok(discovery.response_types_supported.includes('id_token token'));
  });

  it('puts the tokens in the browser\'s URL fragment, which the demo server never receives; the page shows them masked, checks nonce and state, and removes the fragment (OIDC Core §3.2.2.5, §3.2.2.11)', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-GB' });
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    const navigated: string[] = [];
    const locations: string[] = [];
    const toDemoServer: Request[] = [];
    const toGatehouse: Request[] = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigated.push(frame.url()); });
    page.on('response', (response) => { const location = response.headers().location; if (location) locations.push(location); });
    context.on('request', (request) => {
      if (request.url().startsWith(demo.appUrl)) toDemoServer.push(request);
      if (request.url().startsWith(demo.issuer)) toGatehouse.push(request);
    });

    await signInFromPlayground(page);
    const section = page.locator('section[aria-labelledby="implicit"]');
    await section.getByRole('link', { name: 'Try the implicit flow' }).click();
    // First use of this client: Gatehouse asks for consent to "openid profile".
    const allow = page.getByRole('button', { name: 'Allow' });
    const callback = page.waitForURL(`${demo.appUrl}/implicit-callback**`);
    const consent = await Promise.race([allow.waitFor().then(() => true), callback.then(() => false)].map((p) => p.catch(() => false)));
    if (consent) await allow.click();
    await page.getByRole('heading', { name: 'Access token (masked)' }).waitFor();

    // The browser arrived with the tokens in its URL: deliberate here, it is the implicit flow.
    const arrival = navigated.find((url) => url.startsWith(`${demo.appUrl}/implicit-callback#`));
    assert.ok(arrival, `the browser arrived at the callback with a fragment; navigations: ${navigated.join(' ')}`);
    const fragment = new URLSearchParams(new URL(arrival).hash.slice(1));
    assert.match(arrival, /#access_token=/, 'Gatehouse answers the implicit flow in the fragment, access token first');
    assert.ok(locations.some((location) => location.startsWith(`${demo.appUrl}/implicit-callback#`) && location.includes('access_token=')),
      "Gatehouse's redirect Location carries the token in the fragment");
    const accessToken = fragment.get('access_token')!;
    const idToken = fragment.get('id_token')!;
    assert.match(accessToken, /^gh_at_/);
    assert.equal(fragment.get('token_type'), 'Bearer');

    // ...and the demo app's server never received it: fragments are not sent (RFC 3986 §3.5).
    assert.ok(toDemoServer.some((request) => new URL(request.url()).pathname === '/implicit-callback'));
    for (const request of toDemoServer) {
      const sent = carried(request);
      assert.ok(!sent.includes(accessToken) && !sent.includes(idToken), `${request.method()} ${new URL(request.url()).pathname} carried no token`);
      assert.ok(!sent.includes('access_token='), 'no request to the demo server names the token');
    }

    // The request the demo started: response_type "id_token token", its state and nonce.
    const authorize = toGatehouse.map((request) => new URL(request.url()))
      .find((url) => url.pathname === '/authorize' && url.searchParams.get('client_id') === credentials.implicit_client!.client_id);
    assert.ok(authorize);
    assert.equal(authorize.searchParams.get('response_type'), 'id_token token');
    assert.equal(authorize.searchParams.get('scope'), 'openid profile');
    assert.equal(fragment.get('state'), authorize.searchParams.get('state'));
    const nonce = authorize.searchParams.get('nonce')!;
    const result = page.locator('#implicit-result');
    assert.equal(await result.getAttribute('data-state'), authorize.searchParams.get('state'), 'the server rendered the state it kept');

    // The page: the fragment's names, the token masked (prefix and length), the ID token decoded with this nonce.
    const shown = (await result.textContent()) ?? '';
    for (const name of ['access_token', 'token_type', 'expires_in', 'id_token', 'state']) {
      assert.ok(await result.locator('ul.names code', { hasText: new RegExp(`^${name}$`) }).count() === 1, `names ${name}`);
    }
    assert.ok(shown.includes(`${accessToken.slice(0, 10)}…`), 'the masked prefix');
    assert.ok(shown.includes(`${accessToken.length} characters`), 'the length');
    assert.ok(!(await page.content()).includes(accessToken), 'the whole access token is never on the page');
    assert.match(shown, /state matches/);
    assert.ok(shown.includes(`nonce in the ID token matches the one this app sent: ${nonce}`));
    const payload = JSON.parse((await result.getByLabel('ID token payload').textContent())!) as Record<string, unknown>;
    assert.equal(payload.nonce, nonce);
    assert.equal(payload.iss, demo.issuer);
    assert.equal(payload.aud, credentials.implicit_client!.client_id);
    const header = JSON.parse((await result.getByLabel('ID token header').textContent())!) as Record<string, unknown>;
    assert.equal(typeof header.alg, 'string');
    assert.match(shown, /The whole access token .* are in this browser: they were in the address bar/);

    // The script removed the fragment from the address bar and from this history entry.
    assert.equal(page.url(), `${demo.appUrl}/implicit-callback`);
    await page.screenshot({ path: join(screenshotsDir, 'playground-implicit.png'), fullPage: true });

    // The access token does work at Gatehouse: the browser really holds a live credential.
    const { userinfo_endpoint: userinfoEndpoint } = await (await fetch(`${demo.issuer}/.well-known/openid-configuration`)).json() as { userinfo_endpoint: string };
    const userinfo = await fetch(userinfoEndpoint, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(userinfo.status, 200);
    await context.close();
  });

  it('without JavaScript, the page says the token is in the address bar after # and that the server never received it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB', javaScriptEnabled: false });
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    await signInFromPlayground(page);
    await page.getByRole('link', { name: 'Try the implicit flow' }).click();
    // Consent was given in the test above: Gatehouse redirects straight back.
    await page.waitForURL(`${demo.appUrl}/implicit-callback**`);
    // No script ran, so the fragment stays: the token is in the address bar (deliberately, see above).
    assert.match(page.url(), /#access_token=/);
    const body = (await page.locator('main').textContent()) ?? '';
    assert.match(body, /JavaScript is off/);
    assert.match(body, /the access token and the ID token are there, after #/);
    assert.match(body, /This app's server never received them \(fragments are not sent\)/);
    assert.match(body, /GET \/implicit-callback: no token/);
    // 390 px: nothing reaches past the right edge (a string expression: no DOM lib here).
    const wider = await page.evaluate<string[]>(`[...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((e) => e.tagName + '.' + e.className).slice(0, 5)`);
    assert.deepEqual(wider, [], 'nothing reaches past the right edge');
    await context.close();
  });
});
