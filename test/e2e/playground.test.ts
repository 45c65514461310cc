// The playground (issue 11) in a real browser with JavaScript off, against the whole demo started by
// the `npm run demo` runner: a newcomer signs in from the playground, and every step shows the values
// of that very sign-in; each "why" button yields Gatehouse's real refusal. On every page: no usable
// token, no live code, never the client secret. Screenshots go to SCREENSHOTS_DIR (docs/img) if set.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from './demo-process.js';
import { findCodes, findTokens } from './token-leaks.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotsDir = process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), 'gatehouse-shots-'));

let demo: RunningDemo;
let browser: Browser;
let credentials: { client: { client_id: string; client_secret: string }; api: { client_id: string; client_secret: string } };

before(async () => {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
  mkdirSync(screenshotsDir, { recursive: true });
  demo = await startDemo({ DEMO_LOG_LEVEL: 'info' });
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

/** What the browser saw, in order: every URL it requested or was sent to, every document it received. */
interface Seen { urls: string[]; documents: { url: string; body: Promise<string> }[] }

async function openContext(width = 1100): Promise<{ context: BrowserContext; page: Page; seen: Seen }> {
  // No JavaScript at all: the flow and the playground must work without it.
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-GB', javaScriptEnabled: false });
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  const seen: Seen = { urls: [], documents: [] };
  page.on('request', (request) => seen.urls.push(request.url()));
  page.on('response', (response) => {
    const location = response.headers().location;
    if (location) seen.urls.push(new URL(location, response.url()).href);
    if (response.request().resourceType() === 'document' && response.status() < 300) {
      seen.documents.push({ url: response.url(), body: response.text().catch(() => '') });
    }
  });
  return { context, page, seen };
}

async function shot(page: Page, name: string, selector?: string): Promise<void> {
  const path = join(screenshotsDir, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

const codesDelivered = (seen: Seen) => seen.urls.filter((u) => u.startsWith(`${demo.appUrl}/callback?`)).map((u) => new URL(u).searchParams.get('code')!);

/** The seed's point, on every page the browser received: no token, no secret, codes only once spent. */
async function assertNothingUsable(context: BrowserContext, page: Page, seen: Seen): Promise<string[]> {
  const secret = credentials.client.client_secret;
  const basic = Buffer.from(`${credentials.client.client_id}:${secret}`).toString('base64');
  const leaks: string[] = [];
  const shownCodes = new Set<string>();
  for (const url of seen.urls) leaks.push(...findTokens(`URL ${new URL(url).pathname}`, url));
  for (const cookie of await context.cookies()) leaks.push(...findTokens(`cookie ${cookie.name}`, cookie.value));
  const bodies = [...await Promise.all(seen.documents.map((d) => d.body)), await page.content()];
  for (const body of bodies) {
    leaks.push(...findTokens('page HTML', body));
    if (body.includes(secret) || body.includes(basic)) leaks.push('page HTML: the client secret');
    for (const code of findCodes(body)) shownCodes.add(code);
  }
  assert.deepEqual(leaks, []);
  // A code on a page must be one the browser already delivered to the Client-Server...
  const delivered = codesDelivered(seen);
  for (const code of shownCodes) assert.ok(delivered.includes(code), 'a code on a page came back through the callback first');
  return [...shownCodes];
}

/** ...and Gatehouse must refuse it as spent (RFC 6749 §4.1.2). */
async function assertSpent(code: string): Promise<void> {
  const basic = Buffer.from(`${credentials.client.client_id}:${credentials.client.client_secret}`).toString('base64');
  const response = await fetch(`${demo.issuer}/token`, {
    method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${demo.appUrl}/callback` }),
  });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
}

/** The playground, with or without a fragment naming the experiment just run. */
const backOnPlayground = (page: Page) => page.waitForURL((url) => url.href.startsWith(`${demo.appUrl}/playground`) && /^\/playground$/.test(url.pathname));

async function signInFromPlayground(page: Page, withPassword: boolean): Promise<void> {
  await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
  if (withPassword) {
    await page.waitForURL(`${demo.issuer}/interaction/**`);
    await page.getByLabel('Username').fill(demo.username);
    await page.getByLabel('Password').fill(demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Consent is asked only the first time for this user and client.
    const allow = page.getByRole('button', { name: 'Allow' });
    const consent = await Promise.race([allow.waitFor().then(() => true), backOnPlayground(page).then(() => false)].map((p) => p.catch(() => false)));
    if (consent) await allow.click();
  }
  await backOnPlayground(page);
}

const logoutKid = (shown: string) => /"kid": "([^"]+)"/.exec(shown)?.[1];
const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? '';

describe('the playground in a real browser, JavaScript off (issue 11)', () => {
  it('shows each of the seven steps with the values of this very sign-in, and each "why" button gets Gatehouse\'s real refusal (RFC 6749 §4.1, RFC 7636, RFC 9207, OIDC Core §3.1.3.6)', async () => {
    const { context, page, seen } = await openContext();
    await page.goto(demo.appUrl);
    await page.getByRole('link', { name: /Open the playground/ }).click();
    await backOnPlayground(page);
    await shot(page, 'playground-00-start');
    await signInFromPlayground(page, true);

    // Step 1: the authorization request the browser really carried.
    const authorize = new URL(seen.urls.find((u) => u.startsWith(`${demo.issuer}/authorize?`))!);
    const step1 = await text(page, '#step-1');
    for (const name of ['state', 'nonce', 'code_challenge', 'client_id', 'redirect_uri']) {
      assert.ok(step1.includes(authorize.searchParams.get(name)!), `step 1 shows the ${name} sent`);
    }
    assert.match(step1, /= the code_challenge sent/);
    // Step 3: the spent code on screen is the one the browser brought to the Client-Server.
    const [code] = codesDelivered(seen);
    assert.ok(code);
    const step3 = await text(page, '#step-3');
    assert.ok(step3.includes(code), 'the code shown is the one redeemed');
    assert.match(step3, /spent in step 5/);
    assert.equal((step3.match(/passed/g) ?? []).length, 3, 'state, iss and no error checked');
    // Step 5: the token request with that code and the verifier; the secret masked.
    const step5 = await text(page, '#step-5');
    assert.ok(step5.includes(code));
    assert.match(step5, /code_verifier/);
    assert.match(step5, new RegExp(`Basic base64\\(${credentials.client.client_id}:•••••\\)`));
    assert.match(step5, /secret masked \(\d+ characters, never shown\)/);
    // Step 6: the kid shown is the one in Gatehouse's JWKS; signature and at_hash pass.
    const jwks = await (await fetch(`${demo.issuer}/jwks`)).json() as { keys: { kid: string }[] };
    const kid = await text(page, '#step-6 code.kid');
    assert.ok(jwks.keys.some((key) => key.kid === kid), `kid ${kid} is in the JWKS`);
    const step6 = await text(page, '#step-6');
    assert.match(step6, /"kid":/);
    assert.match(step6, /"at_hash":/);
    assert.equal((step6.match(/passed/g) ?? []).length, 3, 'signature, at_hash and the claims checked');
    assert.match(step6, /"access_token": "gh_at_\S{4}… \(\d+ characters\)"/);
    // Step 7: the API answered, and shows its own introspection request to Gatehouse (RFC 7662 §2.1),
    // authenticated with the API's credentials (masked) and answered active.
    const step7 = await text(page, '#step-7');
    assert.match(step7, /introspection \(RFC 7662\)/);
    assert.match(step7, /The API's own request to Gatehouse/);
    assert.ok(step7.includes(`${demo.issuer}/introspect`), 'the introspection endpoint');
    assert.match(step7, new RegExp(`Basic base64\\(${credentials.api.client_id}:•••••\\)`));
    assert.match(step7, /"active": true/);
    assert.ok(!step7.includes(credentials.api.client_secret), 'the API secret is never shown');
    await shot(page, 'playground-01-sequence');
    for (let step = 1; step <= 7; step++) await shot(page, `playground-step-${step}`, `#step-${step}`);

    // Swap the PKCE verifier: a fresh sign-in (Gatehouse remembers the session and consent).
    await page.getByRole('button', { name: /wrong verifier/ }).click();
    await backOnPlayground(page);
    const swap = await text(page, '#why-swap-verifier');
    assert.match(swap, /Refused, as the rule demands: invalid_grant/);
    await shot(page, 'playground-why-swap-verifier', '#why-swap-verifier');

    // Tamper with state (RFC 6749 §10.12): Gatehouse's callback comes back to the browser as a form
    // with state altered; the browser sends it, and the Client-Server refuses before any token request.
    await page.getByRole('button', { name: /changed state/ }).click();
    await page.waitForURL(`${demo.appUrl}/callback?**`);
    const forged = await page.getByLabel('state, as your browser will send it').inputValue();
    assert.match(forged, /EVIL$/);
    await page.getByRole('button', { name: 'Send the callback' }).click();
    await backOnPlayground(page);
    const tamper = await text(page, '#why-tamper-state');
    assert.match(tamper, /Refused, as the rule demands: unknown state/);
    assert.ok(tamper.includes(forged), 'the state the browser brought back');
    assert.match(tamper, /never sent: the code was not redeemed/);
    await shot(page, 'playground-why-tamper-state', '#why-tamper-state');

    // An unregistered redirect URI: Gatehouse's own error page, no redirect.
    await page.getByRole('link', { name: /attacker\.example/ }).click();
    await page.waitForURL(`${demo.issuer}/authorize?**`);
    assert.match(await text(page, 'main'), /redirect_uri is not registered for this client/);
    assert.equal(seen.urls.some((u) => u.startsWith('https://attacker.example')), false, 'never sent there');
    await shot(page, 'playground-why-unregistered-redirect');
    await page.goto(`${demo.appUrl}/playground`);

    // Replay the code: invalid_grant, and the tokens it issued are revoked.
    await page.getByRole('button', { name: 'Send the spent code again' }).click();
    await backOnPlayground(page);
    const replay = await text(page, '#why-replay-code');
    assert.match(replay, /Refused, as the rule demands: invalid_grant/);
    assert.ok(replay.includes(code), 'the code replayed is the spent one');
    assert.equal((replay.match(/active: false \(revoked\)/g) ?? []).length, 2, 'access and refresh token revoked');
    await shot(page, 'playground-why-replay-code', '#why-replay-code');

    // A rotated refresh token used again: the family is revoked.
    await signInFromPlayground(page, false);
    await page.getByRole('button', { name: /replay the old refresh token/ }).click();
    await backOnPlayground(page);
    const reuse = await text(page, '#why-reuse-refresh');
    assert.match(reuse, /Refused, as the rule demands: invalid_grant/);
    assert.equal((reuse.match(/active: false \(revoked\)/g) ?? []).length, 2, 'the successor and its access token revoked');
    await shot(page, 'playground-why-reuse-refresh', '#why-reuse-refresh');

    // Sign out: revocations, then RP-initiated logout at Gatehouse, then back.
    await signInFromPlayground(page, false);
    const sid = /"sid": "([^"]+)"/.exec(await text(page, '#step-6'))?.[1];
    assert.ok(sid, 'the ID token of step 6 carries a sid');
    await page.getByRole('button', { name: 'Sign out here and at Gatehouse' }).click();
    await page.waitForURL(`${demo.issuer}/end_session?**`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${demo.appUrl}/?logged_out=1`);
    await page.getByRole('link', { name: /Open the playground/ }).click();
    const signOut = await text(page, '#why-sign-out');
    assert.match(signOut, /Signed out/);
    assert.equal((signOut.match(/\/revoke/g) ?? []).length >= 2, true, 'both revocations shown');
    assert.match(signOut, /post_logout_redirect_uri/);
    // The back-channel logout token comes from Gatehouse's outbox, asynchronously: reload until it is there.
    const deadline = Date.now() + 120_000;
    while (await page.locator('#logout-token').count() === 0) {
      if (Date.now() >= deadline) {
        const received = await (await fetch(`${demo.appUrl}/backchannel-logouts`)).text();
        assert.fail(`the logout token for sid ${sid} did not arrive within 120 s.\nThe demo's log of received logout tokens:\n${received.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 4000)}\nThe demo's output:\n${demo.output().slice(-8000)}`);
      }
      assert.equal(await page.locator('#logout-token-pending').count(), 1, 'the page says it has not arrived yet');
      await new Promise((done) => setTimeout(done, 500));
      // The link must load the page again: one differing from this URL only in its fragment would be
      // a same-document navigation (HTML §7.4.2.2) that never shows a token arriving after the first load.
      const refresh = new URL(await page.getByRole('link', { name: 'Refresh' }).getAttribute('href') ?? '', page.url());
      const here = new URL(page.url());
      assert.notEqual(`${refresh.pathname}${refresh.search}`, `${here.pathname}${here.search}`, 'Refresh loads the page again');
      await page.getByRole('link', { name: 'Refresh' }).click();
      await page.waitForURL((url) => url.search === refresh.search);
      await page.waitForLoadState();
    }
    const logoutToken = await text(page, '#logout-token');
    assert.equal(await text(page, '#logout-token code.logout-sid'), sid, 'the logout token is for the session of step 6 (Back-Channel Logout 1.0 §2.4)');
    assert.match(logoutToken, /"sid": /);
    assert.match(logoutToken, /"typ": "logout\+jwt"/);
    assert.match(logoutToken, /http:\/\/schemas\.openid\.net\/event\/backchannel-logout/);
    assert.ok(jwks.keys.some((key) => key.kid === kid) && (await (await fetch(`${demo.issuer}/jwks`)).json() as { keys: { kid: string }[] }).keys.some((key) => key.kid === logoutKid(logoutToken)), 'the logout token\'s kid is in the JWKS');
    assert.equal((logoutToken.match(/passed/g) ?? []).length, 4, 'signature, claims, jti and sid');
    await shot(page, 'playground-why-sign-out', '#why-sign-out');

    const shown = await assertNothingUsable(context, page, seen);
    assert.ok(shown.includes(code));
    for (const spent of shown) await assertSpent(spent);
    await context.close();
  });

  it('fits a 390 px wide screen with no sideways scrolling, and every "why" control is reachable by keyboard', async () => {
    const { context, page, seen } = await openContext(390);
    await page.goto(`${demo.appUrl}/playground`);
    await signInFromPlayground(page, true);
    // This demo runs without the implicit flow: its section says how to turn it on and offers no link.
    const implicit = page.locator('section[aria-labelledby="implicit"]');
    assert.match((await implicit.textContent()) ?? '', /start it with GATEHOUSE_IMPLICIT_FLOW=true npm run demo/);
    assert.equal(await implicit.getByRole('link', { name: 'Try the implicit flow' }).count(), 0);
    // A string expression: this file is compiled without the DOM lib.
    const wider = await page.evaluate<string[]>(`[...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((e) => e.tagName + '.' + e.className).slice(0, 5)`);
    assert.deepEqual(wider, [], 'nothing reaches past the right edge');
    // Keyboard only: Tab reaches every "why" control, in reading order.
    const reached: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate<string>('(document.activeElement && document.activeElement.textContent || "").trim()'));
    }
    const controls = ['Send the spent code again', 'Sign in again, redeem with a wrong verifier', 'Sign in again, come back with a changed state',
      'Refresh, then replay the old refresh token', 'Ask Gatehouse to send the code to https://attacker.example/callback', 'Sign out here and at Gatehouse'];
    assert.deepEqual([...new Set(reached.filter((name) => controls.includes(name)))], controls);
    await shot(page, 'playground-02-narrow');
    await assertNothingUsable(context, page, seen);
    await context.close();
  });
});
