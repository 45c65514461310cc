// Back-Channel Logout 1.0 in the whole demo (`npm run demo`'s runner) and a real browser (Debian
// chromium via playwright-core): the demo app and a second relying party (a second instance of the
// demo client app, registered with its own client and backchannel_logout_uri) share one Gatehouse
// session; logging out of either delivers a logout token to both, which each verifies and uses to
// drop its sessions; the next sign-in asks for the password. The demo's endpoint refuses a forged
// token, a token for another client and a replayed one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, SignJWT } from 'jose';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildClientApp, type ClientApp } from '../../demo/client-app/app.js';
import type { BackchannelLogoutEntry } from '../../demo/client-app/backchannel-logout.js';
import { createRelyingParty, type RelyingParty } from '../../demo/client-app/relying-party.js';
import type { SignedInUser } from '../../demo/client-app/session-store.js';
import { buildDemoApi } from '../../demo/api/app.js';
import type { DemoCredentials } from '../../demo/first-run.js';
import { loadConfig } from '../../src/config/load.js';
import { openSigningKeys } from '../../src/keys/open-signing-keys.js';
import { createSigningKeySet } from '../../src/keys/signing-keys.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { randomToken } from '../../src/lib/random.js';
import { logoutTokenClaims, signLogoutToken } from '../../src/oidc/backchannel-logout.js';
import { createAccessTokenVerifier } from '../../src/resource-server/index.js';
import { createStorage } from '../../src/storage/create-storage.js';
import { freePort } from '../support/free-port.js';
import { startDemo, type RunningDemo } from './demo-process.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const now = () => Math.floor(Date.now() / 1000);
/** Against a hang only: a busy machine is slow, a missing delivery fails here instead of never. */
const patience = 120_000;

let demo: RunningDemo;
let credentials: DemoCredentials;
let browser: Browser;
let second: { app: ClientApp; api: FastifyInstance; apiUrl: string; url: string; clientId: string; clientSecret: string; users: SignedInUser[]; logoutTokens: string[] };

/** Polls `probe` until it returns a value, for up to `patience` ms; fails with `what` otherwise. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + patience;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${patience / 1000} s:\n${demo.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The second RP's first log entry that `match` accepts, as soon as it is there (event-driven). */
function secondLogEntry(match: (entry: BackchannelLogoutEntry) => boolean): Promise<BackchannelLogoutEntry> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { unsubscribe(); reject(new Error(`no matching back-channel logout at the second RP within ${patience / 1000} s`)); }, patience);
    const check = () => {
      const entry = second.app.backchannelLogouts.entries().find(match);
      if (entry) { clearTimeout(timer); unsubscribe(); resolve(entry); }
    };
    const unsubscribe = second.app.backchannelLogouts.subscribe(check);
    check();
  });
}

/** The demo's log page once it shows a verified logout for `sid`. */
function demoLogShowing(sid: string, extra?: RegExp): Promise<string> {
  return eventually(`the demo app showed no verified back-channel logout for the session`, async () => {
    const page = await (await fetch(`${demo.appUrl}/backchannel-logouts`)).text();
    const row = page.split('<tr>').find((r) => r.includes(`<code>${sid}</code>`) && r.includes('verified'));
    return row && (!extra || extra.test(row)) ? page : undefined;
  });
}

/**
 * RFC 7662 §2.1: by default as the demo API's resource (access tokens for it); refresh tokens only
 * by the client they were issued to.
 */
async function introspect(token: string, caller = { id: credentials.api.client_id, secret: credentials.api.client_secret }): Promise<boolean> {
  const basic = Buffer.from(`${encodeURIComponent(caller.id)}:${encodeURIComponent(caller.secret)}`).toString('base64');
  const response = await fetch(`${demo.issuer}/introspect`, {
    method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  return ((await response.json()) as { active: boolean }).active;
}

async function postToDemo(body: string): Promise<{ status: number; cacheControl: string | null; json: Record<string, unknown> }> {
  const response = await fetch(`${demo.appUrl}/backchannel-logout`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
  });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), json: await response.json().catch(() => ({})) as Record<string, unknown> };
}

/** Registers the second relying party through the CLI on the demo's database, and starts it in-process. */
async function startSecondRelyingParty(): Promise<typeof second> {
  const port = await freePort();
  // Another host name than the demo's localhost: cookies ignore ports, and both apps name theirs demo_session.
  const url = `http://127.0.0.1:${port}`;
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'client', 'create', '--name', 'Second app',
    '--redirect-uri', `${url}/callback`, '--post-logout-redirect-uri', `${url}/?logged_out=1`,
    '--backchannel-logout-uri', `${url}/backchannel-logout`, '--backchannel-logout-session-required',
    // Its tokens are for the demo API's resource (RFC 8707), which introspects them (RFC 7662 §2.1).
    '--default-resource', credentials.api.client_id,
    '--scope', 'openid profile email offline_access', '--json', '--database', `sqlite:${join(demo.dataDir, 'demo.db')}`]);
  const client = JSON.parse(stdout) as { client_id: string; client_secret: string };
  // Its own copy of the protected API, the same resource.
  const api = buildDemoApi({
    logLevel: 'silent',
    verifier: createAccessTokenVerifier({
      issuer: demo.issuer, audience: credentials.api.client_id,
      introspection: { resource: credentials.api.client_id, resourceSecret: credentials.api.client_secret, cacheMaxTtlSeconds: 0 },
    }),
  });
  const apiAddress = await api.listen({ port: 0, host: '127.0.0.1' });
  const users: SignedInUser[] = [];
  const real = createRelyingParty({
    issuer: demo.issuer, clientId: client.client_id, clientSecret: client.client_secret, redirectUri: `${url}/callback`,
    scope: 'openid profile email offline_access', now, postLogoutRedirectUri: `${url}/?logged_out=1`,
  });
  const recording: RelyingParty = {
    ...real,
    async finishLogin(...args) { const user = await real.finishLogin(...args); users.push(user); return user; },
  };
  const app = buildClientApp({ baseUrl: url, apiUrl: `${apiAddress}/api/profile`, relyingParty: recording, now, logLevel: 'silent' });
  // What Gatehouse POSTed, kept by the test alone, to replay it.
  const logoutTokens: string[] = [];
  app.addHook('preHandler', async (request) => {
    const token = (request.body as Record<string, unknown> | undefined)?.logout_token;
    if (request.method === 'POST' && request.url === '/backchannel-logout' && typeof token === 'string') logoutTokens.push(token);
  });
  await app.listen({ port, host: '127.0.0.1' });
  return { app, api, apiUrl: `${apiAddress}/api/profile`, url, clientId: client.client_id, clientSecret: client.client_secret, users, logoutTokens };
}

async function openContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  context.setDefaultTimeout(patience);
  return { context, page: await context.newPage() };
}

/** Signs in to the demo (password, consent the first time), then to the second RP by single sign-on. */
async function signInToBoth(page: Page): Promise<SignedInUser> {
  await page.goto(demo.appUrl);
  await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
  await page.waitForURL(`${demo.issuer}/interaction/**`);
  await page.getByLabel('Username').fill(demo.username);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const allow = page.getByRole('button', { name: 'Allow' });
  await Promise.race([allow.waitFor(), page.waitForURL(`${demo.appUrl}/me`)]);
  if (await allow.isVisible()) await allow.click();
  await page.waitForURL(`${demo.appUrl}/me`);
  assert.match(await page.textContent('main') ?? '', /Hello, Demo User/);

  const before = second.users.length;
  await page.goto(second.url);
  await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
  // Single sign-on: Gatehouse knows the browser; at most the consent page for the new client, never the password.
  await Promise.race([allow.waitFor(), page.waitForURL(`${second.url}/me`)]);
  assert.equal(await page.locator('input[name="password"]').count(), 0, 'the second sign-in asks for no password');
  if (await allow.isVisible()) await allow.click();
  await page.waitForURL(`${second.url}/me`);
  const main = await page.textContent('main') ?? '';
  assert.match(main, /Hello, Demo User/);
  assert.match(main, /API answered: 200 OK/);
  assert.equal(second.users.length, before + 1);
  return second.users.at(-1)!;
}

before(async () => {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
  demo = await startDemo();
  credentials = JSON.parse(readFileSync(join(demo.dataDir, 'demo-client.json'), 'utf8')) as DemoCredentials;
  second = await startSecondRelyingParty();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await second?.app.close();
  await second?.api.close();
  const code = await demo?.stop();
  assert.equal(code, 0);
});

describe('back-channel logout across the demo and a second relying party, in Chromium (Back-Channel Logout 1.0)', () => {
  it('logging out of the demo delivers a verified logout token to the demo and the second RP, which drops its session and revokes its tokens; the next sign-in asks for the password (§2.5-§2.8)', async () => {
    const { context, page } = await openContext();
    const rp2 = await signInToBoth(page);
    assert.ok(rp2.sid, 'the ID token names the Gatehouse session (sid)');

    await page.goto(`${demo.appUrl}/me`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${demo.issuer}/end_session?**`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${demo.appUrl}/?logged_out=1`);
    assert.match(await page.textContent('main') ?? '', /You are logged out/);

    // The demo app (another process): its endpoint received and verified a token for this session.
    // Its own session was already gone (its Log out dropped it first), so none ended there.
    await demoLogShowing(rp2.sid!, /0 ended/);
    // The second RP dropped its session of that sid and revoked its tokens at Gatehouse.
    const entry = await secondLogEntry((e) => e.sid === rp2.sid && e.tokensRevoked !== null);
    assert.deepEqual([entry.outcome, entry.sessionsEnded, entry.tokensRevoked], ['verified', 1, 2]);
    await page.goto(`${second.url}/me`);
    await page.waitForURL(`${second.url}/`);
    assert.match(await page.textContent('header') ?? '', /Not signed in/);
    assert.match(await page.textContent('#backchannel-last') ?? '', new RegExp(`verified, sid ${rp2.sid}; 1 session ended, 2 tokens revoked`));
    // Its tokens are dead: introspection says so, and the API (introspecting every call) refuses the access token.
    assert.equal(await introspect(rp2.accessToken), false);
    assert.equal(await introspect(rp2.refreshToken!, { id: second.clientId, secret: second.clientSecret }), false);
    const api = await fetch(second.apiUrl, { headers: { authorization: `Bearer ${rp2.accessToken}` } });
    assert.equal(api.status, 401);
    assert.match(api.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

    // No Gatehouse session survived: signing in again asks for the password.
    await page.goto(demo.appUrl);
    await page.getByRole('link', { name: 'Log in with Gatehouse' }).click();
    await page.waitForURL(`${demo.issuer}/interaction/**`);
    assert.equal(await page.locator('input[name="password"]').count(), 1);
    await context.close();
  });

  it('logging out of the second RP ends the demo app\'s session through its back-channel endpoint (§2.7)', async () => {
    const { context, page } = await openContext();
    const rp2 = await signInToBoth(page);
    await page.goto(`${second.url}/me`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${demo.issuer}/end_session?**`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${second.url}/?logged_out=1`);

    // The demo app ended its session of that sid and revoked its two tokens.
    await demoLogShowing(rp2.sid!, /1 ended; 2 tokens revoked/);
    await page.goto(`${demo.appUrl}/me`);
    await page.waitForURL(`${demo.appUrl}/`);
    assert.match(await page.textContent('header') ?? '', /Not signed in/);
    assert.match(await page.textContent('#backchannel-last') ?? '', /verified, sid \S+; 1 session ended, 2 tokens revoked/);
    await context.close();
  });

  it('refuses a forged logout token, a token for another client and a replayed one with 400 (§2.6, §2.8)', async () => {
    // For the demo client, naming a session it does not have, so an accepted token ends nothing.
    const tokenInput = () => ({
      issuer: demo.issuer, clientId: credentials.client.client_id, sid: 'no-such-session', sub: null, jti: randomToken(18), now: now(), ttl: 120,
    });
    const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();

    // Forged: the right claims and Gatehouse's kid, signed with another key.
    const { kid } = ((await (await fetch(`${demo.issuer}/jwks`)).json()) as { keys: Array<{ kid: string; alg: string }> }).keys.find((k) => k.alg === 'RS256')!;
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(logoutTokenClaims(tokenInput())).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt' }).sign(privateKey);
    const refusedForged = await postToDemo(form(forged));
    assert.deepEqual([refusedForged.status, refusedForged.cacheControl, refusedForged.json.error], [400, 'no-store', 'invalid_request']);
    assert.match(String(refusedForged.json.error_description), /signature/);

    // A genuine token Gatehouse sent to the second RP is not for the demo (aud).
    const forSecond = second.logoutTokens.at(-1);
    assert.ok(forSecond, 'the second RP received logout tokens in the tests above');
    const refusedAudience = await postToDemo(form(forSecond));
    assert.equal(refusedAudience.status, 400);
    assert.match(String(refusedAudience.json.error_description), /aud/);

    // Replayed: a token signed with Gatehouse's own key (opened from the demo's database and its
    // key-encryption key file, as `gatehouse keys` would), accepted once, then refused by its jti.
    const config = loadConfig({ env: {}, overrides: { databaseUrl: `sqlite:${join(demo.dataDir, 'demo.db')}`, logLevel: 'silent' } });
    const storage = await createStorage({ databaseUrl: config.databaseUrl, logger: silentLogger(), clock: systemClock });
    let genuine: string;
    try {
      const { sealer } = await openSigningKeys(storage.signingKeys, systemClock, config);
      const keys = createSigningKeySet(storage.signingKeys, systemClock, config.keyCacheTtl, sealer);
      try {
        genuine = await signLogoutToken(tokenInput(), keys);
      } finally {
        keys.close();
      }
    } finally {
      await storage.close();
    }
    assert.equal((await postToDemo(form(genuine))).status, 200, 'a genuine token is accepted once');
    const replay = await postToDemo(form(genuine));
    assert.deepEqual([replay.status, replay.cacheControl, replay.json.error], [400, 'no-store', 'invalid_request']);
    assert.match(String(replay.json.error_description), /jti replay/);
    // And the second RP (the same code) refuses the token it already used.
    const replayAtSecond = await fetch(`${second.url}/backchannel-logout`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(forSecond),
    });
    assert.equal(replayAtSecond.status, 400);
  });
});
