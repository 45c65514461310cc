// Bad input gets an RFC-shaped error or a clear page: never a 500, a stack trace, or a redirect
// to an unregistered URI (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';
import { authorizeUrl, pkcePair, runAuthorization } from '../support/flow.js';

describe('robustness against malformed requests', () => {
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    server = await startGatehouse();
    client = await server.createClient();
  });
  after(() => server.close());

  const form = 'application/x-www-form-urlencoded';
  const cases: Array<{ name: string; path: string; method?: string; headers?: Record<string, string>; body?: string; status: number; error?: string }> = [
    { name: 'GET /token (RFC 9110 §15.5.6: 405, see http-answers.test.ts)', path: '/token', status: 405, error: 'invalid_request' },
    { name: 'an empty token request', path: '/token', method: 'POST', headers: { 'content-type': form }, body: '', status: 401, error: 'invalid_client' },
    { name: 'a JSON token request', path: '/token', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', status: 400, error: 'invalid_request' },
    { name: 'a token request without content type', path: '/token', method: 'POST', body: 'grant_type=x', status: 400, error: 'invalid_request' },
    { name: 'a bad percent-encoding in the body', path: '/token', method: 'POST', headers: { 'content-type': form }, body: 'grant_type=%zz&client_id=%ff', status: 401, error: 'invalid_client' },
    { name: 'a Basic header that is not base64', path: '/token', method: 'POST', headers: { 'content-type': form, authorization: 'Basic ***' }, body: 'grant_type=client_credentials', status: 401, error: 'invalid_client' },
    { name: 'a Basic header with a bad percent-encoding', path: '/token', method: 'POST', headers: { 'content-type': form, authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}` }, body: 'grant_type=client_credentials', status: 401, error: 'invalid_client' },
    { name: 'a Basic header without a colon', path: '/token', method: 'POST', headers: { 'content-type': form, authorization: `Basic ${Buffer.from('abc').toString('base64')}` }, body: 'grant_type=client_credentials', status: 401, error: 'invalid_client' },
    { name: 'a body over the size limit', path: '/token', method: 'POST', headers: { 'content-type': form }, body: `code=${'a'.repeat(70_000)}`, status: 413, error: 'invalid_request' },
    { name: 'a Bearer header with spaces inside', path: '/userinfo', headers: { authorization: 'Bearer a b c' }, status: 400, error: 'invalid_request' },
    { name: 'a token both in header and body', path: '/userinfo', method: 'POST', headers: { 'content-type': form, authorization: 'Bearer abc' }, body: 'access_token=abc', status: 400, error: 'invalid_request' },
    { name: 'introspection without a token', path: '/introspect', method: 'POST', headers: { 'content-type': form }, body: '', status: 401, error: 'invalid_client' },
    { name: 'an unknown interaction', path: '/interaction/does-not-exist', status: 400 },
    { name: 'a login POST to an unknown interaction', path: '/interaction/nope/login', method: 'POST', headers: { 'content-type': form }, body: 'username=a&password=b', status: 400 },
    { name: 'a JSON authorization POST', path: '/authorize', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":"x"}', status: 400 },
    { name: 'an authorization request with a bad percent-encoding', path: '/authorize?client_id=%ff%fe&redirect_uri=%zz', status: 400 },
    { name: 'an unknown asset', path: '/assets/../../etc/passwd', status: 404 },
  ];

  for (const c of cases) {
    it(`answers ${c.status}${c.error ? ` ${c.error}` : ''} without a stack trace for ${c.name}`, async () => {
      const init: RequestInit = { method: c.method ?? 'GET', redirect: 'manual' };
      if (c.headers) init.headers = c.headers;
      if (c.body !== undefined) init.body = c.body;
      const response = await fetch(`${server.issuer}${c.path}`, init);
      const text = await response.text();
      assert.equal(response.status, c.status, text.slice(0, 200));
      assert.equal(response.headers.get('location'), null);
      assert.doesNotMatch(text, /at .*\.js:\d+|Error:|stack/);
      if (c.error) assert.equal((JSON.parse(text) as { error: string }).error, c.error);
    });
  }

  it('marks the session cookie Secure and sends HSTS when the issuer is https', async () => {
    const https = await startGatehouse({ issuer: `https://login.example.test` });
    try {
      const secureClient = await https.createClient({ skipConsent: true });
      const user = await https.createUser();
      const pkce = pkcePair();
      const browser = new ScriptedBrowser();
      const url = authorizeUrl(https, secureClient, { code_challenge: pkce.challenge, code_challenge_method: 'S256' })
        .replace('https://login.example.test', `http://127.0.0.1:${https.config.port}`);
      const page = await browser.navigate(url);
      assert.match(page.headers.get('strict-transport-security') ?? '', /max-age=/);
      const interactionCookie = await fetch(url, { redirect: 'manual' });
      assert.match(interactionCookie.headers.getSetCookie().join('\n'), /gh_interaction=[^;]+;.*Secure/);
      const login = await browser.submitForm(page, { username: user.username, password: user.password }, `http://127.0.0.1:${https.config.port}`);
      assert.ok(login.status < 400, `login answered ${login.status}`);
      const session = browser.setCookieLines.filter((line) => line.startsWith('gh_session='));
      assert.equal(session.length, 1, 'the login started a session');
      assert.match(session[0]!, /;\s*Secure(;|$)/i, 'the session cookie is Secure (RFC 6265 §4.1.2.5)');
      assert.match(session[0]!, /;\s*HttpOnly(;|$)/i);
    } finally {
      await https.close();
    }
  });

  it('pre-fills the username from login_hint and accepts a valid id_token_hint with prompt=none (OIDC Core §3.1.2.1)', async () => {
    const user = await server.createUser();
    const pkce = { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, { ...pkce, login_hint: user.username }));
    assert.match(login.body, new RegExp(`name="username"[^>]*value="${user.username}"`));
    const run = await runAuthorization(server, client, user, pkce, browser);
    assert.ok(run.callback);
    const { obtainTokens } = await import('../support/flow.js');
    const tokens = await obtainTokens(server, client, user);
    const silent = await browser.request(authorizeUrl(server, client, { ...pkce, prompt: 'none', id_token_hint: tokens.id_token as string }));
    assert.ok(new URL(silent.headers.get('location')!).searchParams.get('code'), 'a code for the hinted, logged-in user');
  });
});
