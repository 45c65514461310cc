// Two sign-ins at once in ONE real browser profile (Debian chromium via playwright-core): two tabs,
// started one after the other, finished one after the other. Each interaction has its own binding
// to the browser (RFC 6749 §10.12, RFC 9700 §4.7), so the second never breaks the first; both codes
// redeem. Then Back to a finished sign-in leads on to the application.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { authorizeUrl, pkcePair, tokenRequest } from '../support/flow.js';
import { freePort, startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: TestServer;
let browser: Browser;
let app: Server;
let appOrigin = '';
let user: { username: string; password: string };

before(async () => {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
  server = await startGatehouse();
  user = await server.createUser();
  // The applications' side: a plain page at every path, on another host than Gatehouse.
  const port = await freePort();
  appOrigin = `http://127.0.0.1:${port}`;
  app = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>App</title><h1>App page ${request.url?.split('?')[0]}</h1>`);
  });
  await new Promise<void>((resolve) => app.listen(port, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => app?.close(resolve));
  await server?.close();
});

interface Tab {
  page: Page;
  client: TestClient;
  verifier: string;
}

async function startSignIn(page: Page, client: TestClient): Promise<Tab> {
  const pkce = pkcePair();
  await page.goto(authorizeUrl(server, client, { code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
  await page.getByLabel('Username').waitFor();
  assert.ok(page.url().startsWith(`${server.issuer}/interaction/`));
  return { page, client, verifier: pkce.verifier };
}

/** Signs in on the tab's (possibly stale) login page, allows if asked, and returns the code. */
async function finishSignIn(tab: Tab): Promise<string> {
  const { page, client } = tab;
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The next page is consent, the application (consent remembered), or an error: wait for one of them.
  const allow = page.getByRole('button', { name: 'Allow' });
  const arrived = page.getByRole('heading', { name: /^App page / });
  const problem = page.getByRole('alert');
  await allow.or(arrived).or(problem).first().waitFor();
  if (await problem.isVisible()) assert.fail(`sign-in refused: ${await problem.textContent()}`);
  if (await allow.isVisible()) {
    await allow.click();
    await arrived.or(problem).first().waitFor();
    if (await problem.isVisible()) assert.fail(`consent refused: ${await problem.textContent()}`);
  }
  assert.ok(page.url().startsWith(`${client.redirectUri}?`), page.url());
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('error'), null, `no error: ${url.searchParams.get('error_description')}`);
  assert.equal(url.searchParams.get('state'), 'state-123');
  assert.equal(url.searchParams.get('iss'), server.issuer);
  return url.searchParams.get('code')!;
}

async function redeem(tab: Tab, code: string): Promise<void> {
  const response = await tokenRequest(server, {
    grant_type: 'authorization_code', code, redirect_uri: tab.client.redirectUri, code_verifier: tab.verifier,
  }, { clientId: tab.client.clientId, clientSecret: tab.client.clientSecret! });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(typeof response.body.access_token, 'string');
  assert.equal(typeof response.body.id_token, 'string');
}

describe('two sign-ins in one browser (RFC 6749 §10.12, RFC 9700 §4.7)', () => {
  for (const variant of ['two applications', 'one application'] as const) {
    it(`completes two interleaved authorizations in two tabs of one browser, ${variant}, and both codes redeem (RFC 6749 §10.12, RFC 9700 §4.7)`, async () => {
      const first = await server.createClient({ redirectUris: [`${appOrigin}/a/callback`], clientName: 'App A' });
      const second = variant === 'two applications'
        ? await server.createClient({ redirectUris: [`${appOrigin}/b/callback`], clientName: 'App B' })
        : first;
      const context = await browser.newContext({ locale: 'en-GB' });
      // Playwright's 30 s default wait is a budget a busy machine can exceed; waits here are for events.
      context.setDefaultTimeout(120_000);
      try {
        const a = await startSignIn(await context.newPage(), first);
        const b = await startSignIn(await context.newPage(), second);
        assert.notEqual(a.page.url(), b.page.url(), 'each sign-in has its own interaction');
        const bindings = (await context.cookies()).filter((c) => c.name === 'gh_interaction');
        assert.equal(bindings.length, 2, 'one binding cookie per interaction, side by side');
        assert.deepEqual(bindings.map((c) => c.path).sort(), [new URL(a.page.url()).pathname, new URL(b.page.url()).pathname].sort(),
          'each cookie is scoped to its own interaction\'s path');
        for (const cookie of bindings) assert.deepEqual([cookie.httpOnly, cookie.sameSite], [true, 'Lax']);

        const codeA = await finishSignIn(a);
        const codeB = await finishSignIn(b);
        assert.notEqual(codeA, codeB);
        await redeem(a, codeA);
        await redeem(b, codeB);
        assert.deepEqual((await context.cookies()).filter((c) => c.name === 'gh_interaction'), [],
          'each binding is cleared when its interaction finishes');
      } finally {
        await context.close();
      }
    });
  }

  it('leads Back from the application to a page that says the sign-in finished and links to the application', async () => {
    const client = await server.createClient({ redirectUris: [`${appOrigin}/c/callback`], clientName: 'App C' });
    const context = await browser.newContext({ locale: 'en-GB' });
    // Playwright's 30 s default wait is a budget a busy machine can exceed; waits here are for events.
    context.setDefaultTimeout(120_000);
    try {
      const tab = await startSignIn(await context.newPage(), client);
      await redeem(tab, await finishSignIn(tab));
      await tab.page.goBack();
      await tab.page.getByRole('heading', { name: 'Sign-in complete' }).waitFor();
      assert.match(await tab.page.textContent('main') ?? '', new RegExp(`signed in as ${user.username}`));
      const link = tab.page.getByRole('link', { name: 'Return to App C' });
      assert.equal(await link.getAttribute('href'), `${appOrigin}/`);
      await link.focus();
      await tab.page.keyboard.press('Enter');
      await tab.page.waitForURL(`${appOrigin}/`);
    } finally {
      await context.close();
    }
  });
});
