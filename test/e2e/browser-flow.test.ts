// The seed's seven steps in a real browser (Debian chromium via playwright-core) against the
// whole demo started by the `npm run demo` runner: log in, consent, claims, API call, refresh,
// log out; and that no token ever reaches the browser. Screenshots go to a temp folder, or to
// SCREENSHOTS_DIR (e.g. docs/img) to refresh the committed ones.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from './demo-process.js';
import { findTokens } from './token-leaks.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotsDir = process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), 'gatehouse-shots-'));

let demo: RunningDemo;
let browser: Browser;

/** A fresh browser profile that records every URL it requests and every page it receives. */
async function openContext(): Promise<{ context: BrowserContext; page: Page; urls: string[]; documents: Promise<string>[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 820 }, locale: 'en-GB' });
  // Playwright's 30 s default wait is a budget a busy machine can exceed; waits here are for events.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  const urls: string[] = [];
  const documents: Promise<string>[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('response', (response) => {
    urls.push(response.url());
    const location = response.headers().location;
    if (location) urls.push(new URL(location, response.url()).href);
    if (['document', 'xhr', 'fetch'].includes(response.request().resourceType()) && response.status() < 300) {
      documents.push(response.text().catch(() => ''));
    }
  });
  return { context, page, urls, documents };
}

/** Every place a browser-visible token could hide: URLs (the one-time code is allowed), cookies, HTML, storage. */
async function assertNoTokenVisible(context: BrowserContext, page: Page, urls: string[], documents: Promise<string>[]): Promise<void> {
  const leaks: string[] = [];
  for (const url of urls) leaks.push(...findTokens(`URL ${new URL(url).pathname}`, url));
  for (const cookie of await context.cookies()) leaks.push(...findTokens(`cookie ${cookie.name}`, cookie.value));
  for (const body of await Promise.all(documents)) leaks.push(...findTokens('page HTML', body));
  leaks.push(...findTokens('current page HTML', await page.content()));
  // A string expression: this file is compiled without the DOM lib.
  const storage = await page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })');
  leaks.push(...findTokens('web storage', storage));
  assert.deepEqual(leaks, []);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

before(async () => {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
  mkdirSync(screenshotsDir, { recursive: true });
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  const code = await demo?.stop();
  assert.equal(code, 0, 'the runner stops all three servers and exits 0 on SIGTERM');
});

describe('the demo in a real browser (the seed\'s seven steps)', () => {
  it('starts the demo MCP server: a 401 names its protected resource metadata, which names Gatehouse (RFC 9728 §5.1, §2)', async () => {
    const refused = await fetch(demo.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(refused.status, 401);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(refused.headers.get('www-authenticate') ?? '')?.[1];
    assert.equal(metadataUrl, `${new URL(demo.mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`);
    const metadata = await (await fetch(metadataUrl!)).json() as { resource: string; authorization_servers: string[]; scopes_supported: string[] };
    assert.deepEqual([metadata.resource, metadata.authorization_servers, metadata.scopes_supported], [demo.mcpUrl, [demo.issuer], ['mcp:tools']]);
    const registration = await fetch(`${demo.issuer}/.well-known/oauth-authorization-server`);
    assert.ok(((await registration.json()) as { registration_endpoint?: string }).registration_endpoint, 'MCP clients can register themselves');
  });

  it('logs in through Gatehouse, shows verified claims and the API answer, refreshes, logs out; no token ever reaches the browser (RFC 6749 §4.1)', async () => {
    const { context, page, urls, documents } = await openContext();
    await page.goto(demo.appUrl);
    await shot(page, '01-client-home');

    // Step 1: the Client-Server redirects the browser to the authorization server.
    await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
    await page.waitForURL(`${demo.issuer}/interaction/**`);
    assert.match(await page.textContent('body') ?? '', /Demo app/);
    await shot(page, '02-gatehouse-login');

    // Step 2: Gatehouse authenticates the user, then asks for consent.
    await signIn(page, demo.username, demo.password);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const consent = await page.textContent('main') ?? '';
    assert.match(consent, /Demo app/);
    assert.match(consent, /See your name, username and profile details/);
    await shot(page, '03-gatehouse-consent');

    // Steps 3-7: code to the browser, on to the Client-Server, exchanged server-side for tokens.
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${demo.appUrl}/me`);
    const callbacks = urls.filter((u) => u.startsWith(`${demo.appUrl}/callback`));
    assert.ok(callbacks.length > 0 && callbacks.every((u) => /[?&]code=gh_ac_/.test(u)), 'the browser carried only the one-time code');
    const profile = await page.textContent('main') ?? '';
    assert.match(profile, /Hello, Demo User/);
    assert.match(profile, /openid-client verified its signature/);
    assert.match(profile, /demo@example\.com/);
    assert.match(profile, /API answered: 200 OK/);
    assert.match(profile, /introspection \(RFC 7662\)/);
    await shot(page, '04-client-profile');

    await page.getByRole('button', { name: 'Refresh tokens now' }).click();
    await page.waitForURL(`${demo.appUrl}/me`);
    assert.doesNotMatch(await page.textContent('main') ?? '', /Last refreshed\s*not yet/);
    assert.match(await page.textContent('main') ?? '', /API answered: 200 OK/);
    await shot(page, '05-client-refreshed');

    // Cookies ignore ports, so Gatehouse's own session cookie on localhost shows up here too.
    const session = (await context.cookies(demo.appUrl)).find((c) => c.name === 'demo_session');
    assert.deepEqual([session?.httpOnly, session?.sameSite], [true, 'Lax']);

    await page.getByRole('button', { name: 'Log out' }).click();
    // RP-initiated logout: Gatehouse asks before ending its own session, then returns to the app.
    await page.waitForURL(`${demo.issuer}/end_session?**`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${demo.appUrl}/?logged_out=1`);
    assert.match(await page.textContent('main') ?? '', /You are logged out/);
    assert.equal((await context.cookies(demo.appUrl)).find((c) => c.name === 'demo_session'), undefined);
    await shot(page, '06-client-logged-out');
    // The Gatehouse session ended too: signing in again asks for the password.
    await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
    await page.waitForURL(`${demo.issuer}/interaction/**`);
    assert.equal(await page.locator('input[name="password"]').count(), 1);

    await assertNoTokenVisible(context, page, urls, documents);
    await context.close();
  });

  it('shows an error on the login page for a wrong password and never reaches the callback', async () => {
    const { context, page, urls, documents } = await openContext();
    await page.goto(demo.appUrl);
    await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
    await page.waitForURL(`${demo.issuer}/interaction/**`);
    await signIn(page, demo.username, `${demo.password}-wrong`);
    await page.getByRole('alert').waitFor();
    assert.ok(page.url().startsWith(`${demo.issuer}/`));
    assert.equal(await page.getByLabel('Password').count(), 1, 'the form is shown again');
    await shot(page, '07-gatehouse-wrong-password');
    assert.deepEqual(urls.filter((u) => u.startsWith(`${demo.appUrl}/callback`)), []);
    await assertNoTokenVisible(context, page, urls, documents);
    await context.close();
  });

  it('shows access_denied cleanly in the client app when consent is denied (RFC 6749 §4.1.2.1)', async () => {
    // A user of its own, so an approval remembered by the first test cannot skip the consent page.
    const username = 'denier';
    const password = 'denier-password-1';
    const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
    const create = promisify(execFile)(process.execPath, [cli, 'user', 'create', '--username', username, '--name', 'Dee Nier',
      '--password-stdin', '--database', `sqlite:${join(demo.dataDir, 'demo.db')}`]);
    create.child.stdin!.end(`${password}\n`);
    await create;

    const { context, page, urls, documents } = await openContext();
    await page.goto(demo.appUrl);
    await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
    await signIn(page, username, password);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${demo.appUrl}/callback**`);
    const alert = await page.getByRole('alert').textContent() ?? '';
    assert.match(alert, /access_denied/);
    assert.match(alert, /You chose not to let the Demo app use your Gatehouse account/);
    assert.match(await page.title(), /You are not logged in/);
    await shot(page, '08-client-access-denied');
    await assertNoTokenVisible(context, page, urls, documents);
    await context.close();
  });

  it('recognises tokens in what the browser could see (the detector above can fail)', () => {
    assert.equal(findTokens('x', 'Bearer gh_at_0123456789abcdef').length, 1);
    assert.equal(findTokens('x', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln').length, 1);
    assert.equal(findTokens('x', '/callback?code=gh_ac_0123456789abcdef&state=s').length, 0);
  });
});
