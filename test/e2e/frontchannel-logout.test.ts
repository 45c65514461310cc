// Front-Channel Logout 1.0 in a real browser (Debian chromium via playwright-core). Relying
// parties are small HTTP servers on loopback: two sign into one Gatehouse session, one of them
// with a frontchannel_logout_uri; a third has one too but never signs in. Logging out through
// end_session renders the first one's URI in an iframe with iss and sid (§3), whose response
// clears the RP's cookie (§2); only then does the browser go on to the post_logout_redirect_uri
// (RP-Initiated Logout 1.0 §3) — by script once every iframe loaded, by the Continue link without
// JavaScript, and by script after frontchannelLogoutTimeout when an RP never answers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort, startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { pkcePair, tokenRequest } from '../support/flow.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const passwordOf = new Map<string, string>();

interface FrontchannelHit { iss: string | null; sid: string | null; tenant: string | null; cookie: string }

interface RelyingParty {
  name: string;
  origin: string;
  client: TestClient;
  config: oidc.Configuration;
  idToken: string;
  hits: FrontchannelHit[];
  /** Resolves with the next front-channel request's details, when it arrives. */
  nextHit(): Promise<FrontchannelHit>;
  /** Front-channel requests wait, unanswered, until `release` (or forever). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/**
 * A relying party on its own loopback port: /callback exchanges the code and sets its session
 * cookie, /logout sends the browser to end_session with the ID token as hint, /frontchannel is its
 * front-channel logout URI (§2: clears its session, answers no-cache, no-store), /signed-out is
 * its post_logout_redirect_uri. `log` records the order of what the RPs see.
 */
async function startRelyingParty(server: TestServer, name: string, log: string[], options: {
  frontchannel?: boolean; sessionRequired?: boolean; postLogout?: boolean;
} = {}): Promise<RelyingParty> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const cookieName = `rp_${name.toLowerCase()}`;
  const client = await server.createClient({
    clientName: `RP ${name}`, redirectUris: [`${origin}/callback`], skipConsent: true,
    postLogoutRedirectUris: options.postLogout ? [`${origin}/signed-out`] : [],
    frontchannelLogoutUri: options.frontchannel ? `${origin}/frontchannel?tenant=t-${name}` : null,
    frontchannelLogoutSessionRequired: options.sessionRequired ?? false,
  });
  const config = await oidc.discovery(new URL(server.issuer), client.clientId, undefined,
    oidc.ClientSecretBasic(client.clientSecret!), { execute: [oidc.allowInsecureRequests] });
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const waiting: Array<(hit: FrontchannelHit) => void> = [];
  const pkce = new Map<string, string>();

  const rp: RelyingParty = {
    name, origin, client, config, idToken: '', hits: [],
    // A deadline against a hang only (a blocked iframe never asks): generous, never a budget.
    nextHit: () => new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`RP ${name}: no front-channel logout request within 120 s`)), 120_000);
      waiting.push((hit) => { clearTimeout(deadline); resolve(hit); });
    }),
    hold() { gate = new Promise((resolve) => { open = resolve; }); },
    release() { open(); },
    close: async () => {
      open();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };

  const http: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', origin);
      if (url.pathname === '/login') {
        const { verifier, challenge } = pkcePair();
        const state = `s-${pkce.size}`;
        pkce.set(state, verifier);
        const location = oidc.buildAuthorizationUrl(config, {
          redirect_uri: `${origin}/callback`, scope: 'openid', state, code_challenge: challenge, code_challenge_method: 'S256',
        });
        response.writeHead(303, { location: location.href }).end();
      } else if (url.pathname === '/callback') {
        const tokens = await tokenRequest(server, {
          grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: `${origin}/callback`,
          code_verifier: pkce.get(url.searchParams.get('state') ?? '') ?? '',
        }, { clientId: client.clientId, clientSecret: client.clientSecret! });
        rp.idToken = String(tokens.body.id_token ?? '');
        response.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `${cookieName}=signed-in; Path=/; HttpOnly; SameSite=Lax` })
          .end(`<h1>${rp.idToken ? `Signed in to ${name}` : 'Sign-in failed'}</h1><a href="/logout">Log out</a>`);
      } else if (url.pathname === '/logout') {
        const location = oidc.buildEndSessionUrl(config, {
          id_token_hint: rp.idToken, post_logout_redirect_uri: `${origin}/signed-out`, state: `state-${name}`,
        });
        response.writeHead(303, { location: location.href }).end();
      } else if (url.pathname === '/frontchannel') {
        const hit = {
          iss: url.searchParams.get('iss'), sid: url.searchParams.get('sid'), tenant: url.searchParams.get('tenant'),
          cookie: request.headers.cookie ?? '',
        };
        rp.hits.push(hit);
        log.push(`frontchannel:${name}`);
        waiting.splice(0).forEach((resolve) => resolve(hit));
        await gate;
        log.push(`frontchannel-answered:${name}`);
        // §2: the RP clears its session and keeps the answer out of every cache.
        response.writeHead(200, {
          'content-type': 'text/html', 'cache-control': 'no-cache, no-store', pragma: 'no-cache',
          'set-cookie': `${cookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`,
        }).end('<p>signed out</p>');
      } else if (url.pathname === '/signed-out') {
        log.push(`signed-out:${name}`);
        response.writeHead(200, { 'content-type': 'text/html' })
          .end(`<h1>Back on ${name}</h1><p id="state">${url.searchParams.get('state') ?? ''}</p>`);
      } else {
        response.writeHead(404).end();
      }
    })().catch(() => { if (!response.headersSent) response.writeHead(500).end(); });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return rp;
}

async function signIn(page: Page, rp: RelyingParty, user: { username: string }): Promise<void> {
  await page.goto(`${rp.origin}/login`);
  const password = page.getByLabel('Password');
  const signedIn = page.getByRole('heading', { name: `Signed in to ${rp.name}` });
  await password.or(signedIn).waitFor();
  if (await password.isVisible()) {
    await page.getByLabel('Username').fill(user.username);
    await password.fill(passwordOf.get(user.username)!);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await signedIn.waitFor();
}

function frameSources(csp: string): string[] | null {
  const found = csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === 'frame-src');
  return found ? found.slice(1) : null;
}

describe('Front-Channel Logout 1.0 in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let user: { username: string; password: string };
  const log: string[] = [];
  let framed: RelyingParty;
  let plain: RelyingParty;
  let absent: RelyingParty;

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
    // The page waits for its iframes far longer than any test holds one.
    server = await startGatehouse({ frontchannelLogoutTimeout: 600 });
    user = await server.createUser({ username: 'chromium-fcl' });
    passwordOf.set(user.username, user.password);
    framed = await startRelyingParty(server, 'Framed', log, { frontchannel: true, sessionRequired: true });
    plain = await startRelyingParty(server, 'Plain', log, { postLogout: true });
    absent = await startRelyingParty(server, 'Absent', log, { frontchannel: true });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    for (const rp of [framed, plain, absent]) await rp?.close();
    await server?.close();
  });

  /** A context whose pages record the logout page's CSP and any CSP violation. */
  async function newContext(options: { javaScriptEnabled?: boolean } = {}) {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    const seen = { csp: [] as string[], cspErrors: [] as string[] };
    page.on('response', (response) => {
      if (response.url().startsWith(`${server.issuer}/end_session`) && response.status() === 200) {
        seen.csp.push(response.headers()['content-security-policy'] ?? '');
      }
    });
    page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) seen.cspErrors.push(message.text()); });
    return { context, page, seen };
  }

  async function rpCookies(context: BrowserContext, rp: RelyingParty): Promise<string[]> {
    return (await context.cookies(rp.origin)).filter((c) => c.name === `rp_${rp.name.toLowerCase()}`).map((c) => c.value);
  }

  it('renders the session\'s front-channel URI with iss and sid, frames only its origin, and goes on to the post_logout_redirect_uri only after the iframe loaded (§2, §3)', async () => {
    const { context, page, seen } = await newContext();
    await signIn(page, framed, user);
    await signIn(page, plain, user);
    const sid = String(decodeJwt(framed.idToken).sid);
    assert.equal(decodeJwt(plain.idToken).sid, sid, 'both relying parties signed into one session');
    assert.deepEqual(await rpCookies(context, framed), ['signed-in']);

    log.length = 0;
    framed.hold();
    const hit = framed.nextHit();
    await page.goto(`${plain.origin}/logout`, { waitUntil: 'commit' });
    const { cookie, ...parameters } = await hit;
    assert.deepEqual(parameters, { iss: server.issuer, sid, tenant: 't-Framed' }, 'the iframe request carries iss, sid and the URI\'s own query');
    // Cookies ignore ports, so the loopback RPs see each other's: what matters is that this RP's is there to clear.
    assert.match(cookie, /(^|; )rp_framed=signed-in(;|$)/, 'the iframe request carries the RP\'s session cookie');
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    assert.equal(await page.getByTitle('Signing you out of RP Framed').count(), 1, 'the iframe has a title');
    const box = await page.getByTitle('Signing you out of RP Framed').boundingBox();
    assert.ok(box && box.width <= 1 && box.height <= 1, `visually hidden: ${JSON.stringify(box)}`);
    assert.equal(new URL(page.url()).origin, server.issuer, 'still on the logout page while the iframe has not loaded');
    assert.equal(log.includes('signed-out:Plain'), false);

    framed.release();
    await page.getByRole('heading', { name: 'Back on Plain' }).waitFor();
    assert.equal(await page.locator('#state').textContent(), 'state-Plain');
    assert.deepEqual(log, ['frontchannel:Framed', 'frontchannel-answered:Framed', 'signed-out:Plain'], 'the redirect came after the iframe loaded');
    assert.deepEqual(await rpCookies(context, framed), [], 'the RP cleared its session in the iframe');

    assert.equal(seen.csp.length, 1);
    assert.deepEqual(frameSources(seen.csp[0]!), [framed.origin], 'the page may frame that origin and nothing else');
    assert.deepEqual(seen.cspErrors, [], 'no CSP violation: the iframe and the script were allowed');
    assert.equal(absent.hits.length, 0, 'a client the session never signed into gets no iframe');
    assert.equal(plain.hits.length, 0);
    await context.close();
  });

  it('without JavaScript: the iframe loads, the page stays, and Continue goes to the post_logout_redirect_uri; session_required false still gets iss and sid (§3)', async () => {
    framed.release();
    await server.storage.clients.update({ ...framed.client.record, frontchannelLogoutSessionRequired: false });
    framed.hits.length = 0;
    const { context, page, seen } = await newContext({ javaScriptEnabled: false });
    await signIn(page, framed, user);
    await signIn(page, plain, user);
    const sid = String(decodeJwt(plain.idToken).sid);

    log.length = 0;
    await page.goto(`${plain.origin}/logout`, { waitUntil: 'load' });
    assert.deepEqual(framed.hits.map((h) => [h.iss, h.sid]), [[server.issuer, sid]]);
    assert.deepEqual(log, ['frontchannel:Framed', 'frontchannel-answered:Framed']);
    // The page has loaded, iframe included; without script nothing moves on by itself.
    assert.equal(new URL(page.url()).origin, server.issuer);
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    assert.equal(await page.locator('#frontchannel-auto').isVisible(), false, 'the "continues by itself" note needs the script');
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Back on Plain' }).waitFor();
    assert.equal(await page.locator('#state').textContent(), 'state-Plain');
    assert.deepEqual(frameSources(seen.csp[0] ?? ''), [framed.origin]);
    assert.equal(absent.hits.length, 0);
    await context.close();
  });
});

describe('Front-Channel Logout 1.0 in Chromium: a relying party that never answers', () => {
  let server: TestServer;
  let browser: Browser;
  const log: string[] = [];
  const parties: RelyingParty[] = [];

  before(async () => {
    server = await startGatehouse({ frontchannelLogoutTimeout: 1 });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    for (const rp of parties) await rp.close();
    await server?.close();
  });

  it('goes on to the post_logout_redirect_uri after frontchannelLogoutTimeout even though the iframe never loads (§3)', async () => {
    const user = await server.createUser({ username: 'chromium-fcl-hang' });
    passwordOf.set(user.username, user.password);
    const hanging = await startRelyingParty(server, 'Hanging', log, { frontchannel: true });
    const plain = await startRelyingParty(server, 'Plain', log, { postLogout: true });
    parties.push(hanging, plain);
    const context = await browser.newContext();
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    await signIn(page, hanging, user);
    await signIn(page, plain, user);

    hanging.hold();
    const hit = hanging.nextHit();
    await page.goto(`${plain.origin}/logout`, { waitUntil: 'commit' });
    await hit;
    await page.getByRole('heading', { name: 'Back on Plain' }).waitFor();
    assert.deepEqual(log, ['frontchannel:Hanging', 'signed-out:Plain'], 'went on while the iframe was still unanswered');
    await context.close();
  });
});
