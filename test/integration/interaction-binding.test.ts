// Interactions are bound to the browser that started them, one path-scoped cookie each
// (RFC 6749 §10.12, RFC 9700 §4.7), and Back after a finished sign-in leads somewhere useful.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ScriptedBrowser, type Page } from '../support/browser.js';
import { authorizeUrl, pkcePair, tokenRequest } from '../support/flow.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

let server: TestServer;
let client: TestClient;
let user: { username: string; password: string };

before(async () => {
  server = await startGatehouse();
  client = await server.createClient();
  user = await server.createUser();
});
after(async () => server?.close());

interface Started {
  browser: ScriptedBrowser;
  interactionId: string;
  path: string;
  setCookie: string;
  pkce: { verifier: string; challenge: string };
  page: Page;
}

/** GET /authorize in a fresh browser, stopping on the login page. */
async function start(target = server, forClient = client): Promise<Started> {
  const browser = new ScriptedBrowser();
  const pkce = pkcePair();
  const url = authorizeUrl(target, forClient, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  const first = await browser.request(url);
  assert.equal(first.status, 303);
  const path = first.headers.get('location')!;
  const interactionId = /^\/interaction\/([^/?]+)$/.exec(path)?.[1];
  assert.ok(interactionId, `redirected to an interaction page, not ${path}`);
  const setCookie = first.headers.getSetCookie().find((c) => c.startsWith('gh_interaction='))!;
  const page = await browser.request(new URL(path, target.issuer).toString());
  assert.match(page.body, /name="password"/);
  return { browser, interactionId, path, setCookie, pkce, page };
}

function cookieValue(setCookie: string): string {
  return setCookie.split(';')[0]!.slice(setCookie.indexOf('=') + 1);
}

/** A request with exactly the cookies given, as another browser (or a tampered one) would send. */
async function send(path: string, cookie: string | undefined, form?: Record<string, string>) {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(`${server.issuer}${path}`, {
    method: form ? 'POST' : 'GET', headers, redirect: 'manual', ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

function csrfToken(page: Page): string {
  return /name="csrf_token" value="([^"]+)"/.exec(page.body)![1]!;
}

async function finishFlow(started: Started, decision: 'approve' | 'deny' = 'approve'): Promise<URL> {
  const consent = await started.browser.submitForm(started.page, { username: user.username, password: user.password });
  const done = consent.leftTo ? consent : await started.browser.submitForm(consent, { decision });
  assert.ok(done.leftTo, `the flow reached the client: ${done.status} ${done.body.slice(0, 200)}`);
  return new URL(done.leftTo);
}

describe('interaction binding (RFC 6749 §10.12, RFC 9700 §4.7)', () => {
  it('sets one HttpOnly SameSite=Lax cookie per interaction, path-scoped to it, holding a secret the URL does not reveal (RFC 9700 §4.7)', async () => {
    const a = await start();
    const b = await start();
    assert.notEqual(a.interactionId, b.interactionId);
    for (const started of [a, b]) {
      const attributes = started.setCookie.split(';').map((s) => s.trim());
      assert.ok(attributes.includes(`Path=/interaction/${started.interactionId}`), started.setCookie);
      assert.ok(attributes.includes('HttpOnly'));
      assert.ok(attributes.includes('SameSite=Lax'));
      assert.ok(attributes.includes(`Max-Age=${server.config.interactionTtl}`));
      assert.ok(!attributes.includes('Secure'), 'no Secure on an http issuer');
      const secret = cookieValue(started.setCookie);
      assert.notEqual(secret, started.interactionId, 'the cookie is not the id from the URL');
      assert.ok(!started.path.includes(secret));
      assert.equal(createHash('sha256').update(secret).digest('hex'), started.interactionId, 'the id commits to the secret');
    }
  });

  it('marks the interaction cookie Secure when the issuer is https (RFC 6749 §10.12)', async () => {
    const https = await startGatehouse({ issuer: 'https://login.example.test' });
    try {
      const secureClient = await https.createClient();
      const url = authorizeUrl(https, secureClient, { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })
        .replace('https://login.example.test', `http://127.0.0.1:${https.config.port}`);
      const response = await fetch(url, { redirect: 'manual' });
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('gh_interaction='));
      assert.match(cookie ?? '', /; Path=\/interaction\/[0-9a-f]{64}; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    } finally {
      await https.close();
    }
  });

  it('refuses to continue an interaction without its own cookie: none, another interaction\'s, or the id from the URL (RFC 6749 §10.12)', async () => {
    const a = await start();
    const b = await start();
    const aCookie = `gh_interaction=${cookieValue(a.setCookie)}`;
    const bCookie = `gh_interaction=${cookieValue(b.setCookie)}`;
    const form = { csrf_token: csrfToken(a.page), username: user.username, password: user.password };
    for (const [name, cookie] of [['no cookie', undefined], ['interaction B\'s cookie', bCookie], ['the URL id as cookie', `gh_interaction=${a.interactionId}`]] as const) {
      const page = await send(a.path, cookie);
      assert.equal(page.status, 400, name);
      assert.doesNotMatch(page.body, /name="password"/, name);
      assert.match(page.body, /no longer valid in this browser/, name);
      const login = await send(`${a.path}/login`, cookie, form);
      assert.equal(login.status, 400, name);
      assert.equal(login.headers.getSetCookie().some((c) => c.startsWith('gh_session=')), false, `${name}: no session started`);
      const stored = await server.storage.interactions.find(a.interactionId, server.clock());
      assert.equal(stored?.accountId, null, `${name}: the interaction holds no login`);
    }
    // The browser that started it still can, with B's cookie sent alongside (as under a shared path).
    const login = await send(`${a.path}/login`, `${bCookie}; ${aCookie}`, form);
    assert.equal(login.status, 303);
    assert.equal(login.headers.get('location'), a.path);
  });

  it('clears the interaction cookie when the interaction finishes, and the code redeems (RFC 6749 §4.1.2)', async () => {
    const a = await start();
    const consent = await a.browser.submitForm(a.page, { username: user.username, password: user.password });
    const form = /<form[^>]*action="([^"]*)"/.exec(consent.body)![1]!;
    const response = await fetch(new URL(form, server.issuer), {
      method: 'POST', redirect: 'manual',
      headers: { cookie: a.browser.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrfToken(consent), decision: 'approve' }).toString(),
    });
    assert.equal(response.status, 303);
    const cookies = response.headers.getSetCookie();
    assert.ok(cookies.includes(`gh_interaction=; Path=${a.path}; HttpOnly; SameSite=Lax; Max-Age=0`), cookies.join('\n'));
    assert.equal(new Set(cookies).size, cookies.length, `each Set-Cookie line once (RFC 6265 §4.1): ${cookies.join('\n')}`);
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
    const tokens = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: a.pkce.verifier },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(tokens.status, 200);
  });
});

describe('Back after a finished sign-in', () => {
  it('shows that the sign-in finished, who is signed in, and links to the client\'s registered origin', async () => {
    const a = await start();
    const callback = await finishFlow(a);
    assert.ok(callback.searchParams.get('code'));
    const back = await a.browser.request(`${server.issuer}${a.path}`);
    assert.equal(back.status, 200);
    assert.match(back.body, /<h1>Sign-in complete<\/h1>/);
    assert.match(back.body, new RegExp(`signed in as <strong>${user.username}</strong>`));
    assert.match(back.body, /<a class="button primary" href="http:\/\/localhost:8765\/">Return to Test client<\/a>/);
    assert.doesNotMatch(back.body, /name="password"|name="decision"/, 'nothing to submit again');
    // Still single-use: the finished page issues nothing, and a POST cannot revive the interaction.
    const again = await a.browser.request(`${server.issuer}${a.path}/consent`, { form: { csrf_token: 'x', decision: 'approve' } });
    assert.equal(again.headers.get('location'), null);
  });

  it('says the request was declined after a denial (RFC 6749 §4.1.2.1)', async () => {
    const denier = await server.createUser();
    const started = await start();
    const consent = await started.browser.submitForm(started.page, { username: denier.username, password: denier.password });
    const denied = await started.browser.submitForm(consent, { decision: 'deny' });
    assert.equal(new URL(denied.leftTo!).searchParams.get('error'), 'access_denied');
    const back = await started.browser.request(`${server.issuer}${started.path}`);
    assert.match(back.body, /<h1>Access declined<\/h1>/);
    assert.match(back.body, /href="http:\/\/localhost:8765\/"/);
  });

  it('never links to a redirect URI the client has not registered, whatever the browser sends back (RFC 9700 §4.11 open redirection)', async () => {
    const a = await start();
    await finishFlow(a);
    const forged = (clientId: string, redirectUri: string) =>
      `gh_interaction_done=${Buffer.from(JSON.stringify([clientId, redirectUri, 'approved'])).toString('base64url')}`;
    const unregistered = await send(a.path, forged(client.clientId, 'https://evil.example/callback'));
    assert.equal(unregistered.status, 200);
    assert.doesNotMatch(unregistered.body, /evil\.example|href="http/);
    assert.match(unregistered.body, /Go back to <strong>Test client<\/strong>/);
    const unknownClient = await send(a.path, forged('no-such-client', 'https://evil.example/callback'));
    assert.equal(unknownClient.status, 400);
    assert.doesNotMatch(unknownClient.body, /evil\.example/);
    const garbage = await send(a.path, 'gh_interaction_done=%%%not-base64');
    assert.equal(garbage.status, 400);
    // Another browser, without the note, learns nothing about the finished sign-in.
    const other = await send(a.path, undefined);
    assert.equal(other.status, 400);
    assert.doesNotMatch(other.body, /Test client/);
  });
});
