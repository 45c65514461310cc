// The authorization endpoint and the interaction pages (RFC 6749 §4.1.1-4.1.2.1, OIDC Core
// §3.1.2, RFC 9207, RFC 9700 §4.1.3, §4.16).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';
import { authorizeUrl, pkcePair, runAuthorization } from '../support/flow.js';

describe('authorization endpoint', () => {
  let server: TestServer;
  let client: TestClient;
  let user: { accountId: string; username: string; password: string };
  const pkce = pkcePair();
  const withPkce = { code_challenge: pkce.challenge, code_challenge_method: 'S256' };

  before(async () => {
    server = await startGatehouse();
    client = await server.createClient({ redirectUris: ['https://app.example.com/callback'] });
    user = await server.createUser();
  });
  after(() => server.close());

  async function get(url: string, browser = new ScriptedBrowser()) {
    return browser.request(url);
  }

  function errorRedirect(location: string | null) {
    assert.ok(location, 'expected a redirect');
    const url = new URL(location);
    assert.equal(`${url.origin}${url.pathname}`, client.redirectUri);
    return url.searchParams;
  }

  describe('never redirects before the client and redirect_uri are verified (RFC 6749 §4.1.2.1)', () => {
    const cases: Array<{ name: string; params: Record<string, string | undefined> }> = [
      { name: 'an unknown client', params: { client_id: 'no-such-client' } },
      { name: 'a missing client_id', params: { client_id: undefined } },
      { name: 'a missing redirect_uri', params: { redirect_uri: undefined } },
      { name: 'an unregistered redirect_uri', params: { redirect_uri: 'https://evil.example.com/callback' } },
      { name: 'a redirect_uri with a trailing slash', params: { redirect_uri: 'https://app.example.com/callback/' } },
      { name: 'a redirect_uri with another port', params: { redirect_uri: 'https://app.example.com:8443/callback' } },
      { name: 'a redirect_uri with other case', params: { redirect_uri: 'https://app.example.com/Callback' } },
      { name: 'a redirect_uri with an added query', params: { redirect_uri: 'https://app.example.com/callback?next=/' } },
      { name: 'a redirect_uri with a fragment', params: { redirect_uri: 'https://app.example.com/callback#x' } },
      { name: 'a redirect_uri on another scheme', params: { redirect_uri: 'http://app.example.com/callback' } },
      { name: 'a redirect_uri on a sub-domain', params: { redirect_uri: 'https://evil.app.example.com/callback' } },
    ];
    for (const { name, params } of cases) {
      it(`shows an error page for ${name} (RFC 9700 §4.1.3 exact matching)`, async () => {
        const page = await get(authorizeUrl(server, client, { ...withPkce, ...params }));
        assert.equal(page.status, 400);
        assert.equal(page.headers.get('location'), null);
        assert.match(page.headers.get('content-type') ?? '', /text\/html/);
        assert.match(page.body, /cannot continue/);
      });
    }

    it('shows an error page when redirect_uri is repeated (RFC 6749 §3.1)', async () => {
      const url = `${authorizeUrl(server, client, withPkce)}&redirect_uri=${encodeURIComponent('https://evil.example.com/cb')}`;
      const page = await get(url);
      assert.equal(page.status, 400);
      assert.equal(page.headers.get('location'), null);
    });
  });

  describe('redirects errors with error, state and iss once the redirect_uri is trusted (RFC 6749 §4.1.2.1, RFC 9207)', () => {
    const cases: Array<{ name: string; params: Record<string, string | undefined>; error: string }> = [
      { name: 'a missing response_type', params: { response_type: undefined }, error: 'invalid_request' },
      { name: 'response_type=token (implicit disabled)', params: { response_type: 'token' }, error: 'unsupported_response_type' },
      { name: 'response_type=id_token (implicit disabled)', params: { response_type: 'id_token' }, error: 'unsupported_response_type' },
      { name: 'an unknown scope', params: { scope: 'openid admin' }, error: 'invalid_scope' },
      { name: 'PKCE method plain (RFC 7636 §4.2, RFC 9700 §2.1.1)', params: { code_challenge_method: 'plain' }, error: 'invalid_request' },
      { name: 'a malformed code_challenge (RFC 7636 §4.2)', params: { code_challenge: 'short' }, error: 'invalid_request' },
      { name: 'no PKCE and no nonce (OAuth 2.1 §7.5.1)', params: { code_challenge: undefined, code_challenge_method: undefined, nonce: undefined }, error: 'invalid_request' },
      { name: 'prompt=none combined with login (OIDC Core §3.1.2.1)', params: { prompt: 'none login' }, error: 'invalid_request' },
      { name: 'a negative max_age', params: { max_age: '-1' }, error: 'invalid_request' },
      { name: 'an unsigned request object, refused by default (RFC 9101 §10.2)', params: { request: 'eyJhbGciOiJub25lIn0.e30.' }, error: 'invalid_request_object' },
      { name: 'a forged id_token_hint', params: { id_token_hint: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }, error: 'invalid_request' },
      { name: 'a repeated scope parameter (RFC 6749 §3.1)', params: {}, error: 'invalid_request' },
    ];
    for (const { name, params, error } of cases) {
      it(`answers ${error} for ${name}`, async () => {
        let url = authorizeUrl(server, client, { ...withPkce, ...params });
        if (name.startsWith('a repeated')) url += '&scope=openid';
        const page = await get(url);
        assert.equal(page.status, 303);
        const query = errorRedirect(page.headers.get('location'));
        assert.equal(query.get('error'), error);
        assert.equal(query.get('state'), 'state-123');
        assert.equal(query.get('iss'), server.issuer);
        assert.equal(query.get('code'), null);
      });
    }

    it('says which response_type to use when refusing one, e.g. the id_token that express-openid-connect sends by default (RFC 6749 §4.1.2.1 error_description)', async () => {
      const page = await get(authorizeUrl(server, client, { ...withPkce, response_type: 'id_token', response_mode: 'query' }));
      const query = errorRedirect(page.headers.get('location'));
      assert.equal(query.get('error'), 'unsupported_response_type');
      assert.equal(query.get('error_description'), 'response_type must be code (the implicit flow is not enabled)');
    });

    it('refuses the implicit flow to a client registered for it while the switch is off: unsupported_response_type (RFC 9700 §2.1.2, OIDC Core §3.2)', async () => {
      const implicitClient = await server.createClient({
        public: true, grantTypes: ['implicit'], responseTypes: ['id_token token'], redirectUris: ['https://spa.example.com/implicit-callback'],
      });
      const page = await get(authorizeUrl(server, implicitClient, { response_type: 'id_token token', nonce: 'n-1' }));
      assert.equal(page.status, 303);
      const location = new URL(page.headers.get('location')!);
      const answer = location.hash ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
      assert.equal(answer.get('error'), 'unsupported_response_type');
      assert.equal(answer.get('access_token'), null);
    });

    it('requires PKCE from public clients even with a nonce (RFC 7636, OAuth 2.1 §4.1.1)', async () => {
      const publicClient = await server.createClient({ public: true, redirectUris: ['https://spa.example.com/cb'] });
      const page = await get(authorizeUrl(server, publicClient, {}));
      assert.equal(page.status, 303);
      assert.equal(new URL(page.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    });
  });

  it('answers login_required for prompt=none without a session (OIDC Core §3.1.2.6)', async () => {
    const page = await get(authorizeUrl(server, client, { ...withPkce, prompt: 'none' }));
    assert.equal(errorRedirect(page.headers.get('location')).get('error'), 'login_required');
  });

  it('answers consent_required for prompt=none when consent is missing (OIDC Core §3.1.2.6)', async () => {
    const consenting = await server.createClient({ redirectUris: ['https://app.example.com/callback'] });
    const run = await runAuthorization(server, client, user, withPkce);
    assert.ok(run.callback?.searchParams.get('code'));
    const page = await run.browser.request(authorizeUrl(server, consenting, { ...withPkce, prompt: 'none' }));
    const location = new URL(page.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'consent_required');
  });

  it('returns a code silently for prompt=none with session and consent, and asks again with prompt=login (OIDC Core §3.1.2.1)', async () => {
    const run = await runAuthorization(server, client, user, withPkce);
    const silent = await run.browser.request(authorizeUrl(server, client, { ...withPkce, prompt: 'none' }));
    assert.ok(new URL(silent.headers.get('location')!).searchParams.get('code'));
    const forced = await run.browser.navigate(authorizeUrl(server, client, { ...withPkce, prompt: 'login' }));
    assert.match(forced.body, /name="password"/);
    // OIDC Core §3.1.2.1: re-authenticate when the elapsed time is *greater* than max_age; none has passed yet.
    const sameSecond = await run.browser.navigate(authorizeUrl(server, client, { ...withPkce, max_age: '0' }));
    assert.ok(sameSecond.leftTo && new URL(sameSecond.leftTo).searchParams.get('code'), 'max_age=0 within the login second is met');
    server.clock.advance(2);
    try {
      const again = await run.browser.navigate(authorizeUrl(server, client, { ...withPkce, max_age: '1' }));
      assert.match(again.body, /name="password"/, 'max_age exceeded forces a login');
    } finally {
      server.clock.advance(-2);
    }
  });

  it('honours prompt=consent even when consent was remembered (OIDC Core §3.1.2.1)', async () => {
    const run = await runAuthorization(server, client, user, withPkce);
    const page = await run.browser.navigate(authorizeUrl(server, client, { ...withPkce, prompt: 'consent' }));
    assert.match(page.body, /name="decision"/);
  });

  it('remembers consent per user and client, and skip-consent clients never ask', async () => {
    const first = await runAuthorization(server, client, user, withPkce);
    const second = await first.browser.navigate(authorizeUrl(server, client, withPkce));
    assert.ok(second.leftTo && new URL(second.leftTo).searchParams.get('code'), 'no consent page the second time');
    const otherClient = await server.createClient({ redirectUris: ['https://app.example.com/callback'] });
    const sameUserOtherClient = await first.browser.navigate(authorizeUrl(server, otherClient, withPkce));
    assert.equal(sameUserOtherClient.leftTo, undefined, 'another client is asked for again');
    assert.match(sameUserOtherClient.body, /name="decision"/);
    const otherUser = await server.createUser();
    const otherBrowser = new ScriptedBrowser();
    const otherLogin = await otherBrowser.navigate(authorizeUrl(server, client, withPkce));
    const otherUserSameClient = await otherBrowser.submitForm(otherLogin, { username: otherUser.username, password: otherUser.password });
    assert.equal(otherUserSameClient.leftTo, undefined, 'another user is asked for the same client');
    assert.match(otherUserSameClient.body, /name="decision"/);
    const trusted = await server.createClient({ skipConsent: true, redirectUris: ['https://app.example.com/callback'] });
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, trusted, withPkce));
    const after = await browser.submitForm(login, { username: user.username, password: user.password });
    assert.ok(after.leftTo?.includes('code='), 'straight back with a code after login');
  });

  it('redirects access_denied when the user denies consent (RFC 6749 §4.1.2.1)', async () => {
    const newcomer = await server.createUser();
    const run = await runAuthorization(server, client, newcomer, withPkce, new ScriptedBrowser(), { consent: 'deny' });
    assert.equal(run.callback?.searchParams.get('error'), 'access_denied');
    assert.equal(run.callback?.searchParams.get('iss'), server.issuer);
    assert.equal(run.callback?.searchParams.get('code'), null);
  });

  it('delivers the response by form_post when asked (OAuth 2.0 Form Post Response Mode)', async () => {
    const browser = new ScriptedBrowser();
    await runAuthorization(server, client, user, withPkce, browser);
    const page = await browser.request(authorizeUrl(server, client, { ...withPkce, response_mode: 'form_post' }));
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`action="${client.redirectUri}"`));
    assert.match(page.body, /name="code" value="gh_ac_/);
    assert.match(page.body, /name="state" value="state-123"/);
    assert.match(page.body, /name="iss"/);
    assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self' https:\/\/app\.example\.com/);
  });

  it('shows the same error for an unknown user and a wrong password, and never reaches the client', async () => {
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, withPkce));
    const wrong = await browser.submitForm(login, { username: user.username, password: 'wrong password' });
    const unknown = await browser.submitForm(login, { username: 'nobody-here', password: 'wrong password' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.leftTo, undefined);
    assert.equal(unknown.leftTo, undefined);
    const message = (body: string) => /role="alert"[^>]*>([^<]+)</.exec(body)?.[1];
    assert.equal(message(wrong.body), message(unknown.body));
  });

  it('throttles repeated failed logins for a username', async () => {
    const victim = await server.createUser();
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, withPkce));
    for (let i = 0; i < server.config.loginMaxFailures; i++) {
      await browser.submitForm(login, { username: victim.username, password: 'wrong' });
    }
    const blocked = await browser.submitForm(login, { username: victim.username, password: victim.password });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.leftTo, undefined, 'even the right password is refused while throttled');
  });

  it('refuses a login POST without the CSRF token, or from another browser', async () => {
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, withPkce));
    const action = /action="([^"]+)"/.exec(login.body)![1]!;
    const noToken = await browser.request(new URL(action, server.issuer).toString(), { form: { username: user.username, password: user.password } });
    assert.equal(noToken.status, 403);
    const stranger = new ScriptedBrowser();
    const elsewhere = await stranger.submitForm(login, { username: user.username, password: user.password });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.leftTo, undefined);
  });

  it('forbids framing and inline script on the login page, and sets a HttpOnly SameSite=Lax session cookie (RFC 9700 §4.16)', async () => {
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, withPkce));
    assert.equal(login.headers.get('x-frame-options'), 'DENY');
    const csp = login.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(login.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(login.body, /<script>|style=/);
    const afterLogin = await browser.submitForm(login, { username: user.username, password: user.password });
    assert.ok(afterLogin.leftTo || afterLogin.body.includes('name="decision"'), 'the login succeeded');
    const cookie = browser.setCookieLines.find((c) => c.startsWith('gh_session='));
    assert.ok(cookie, 'the login set the session cookie');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
  });

  describe('a session id that was in the browser before login is never the one after it (session fixation: OWASP ASVS 4.0 V3.2.1, OWASP Session Management Cheat Sheet "renew the session ID")', () => {
    /** What /authorize?prompt=none answers a browser that holds only this session cookie (OIDC Core §3.1.2.6). */
    async function silentAuthorization(sessionValue: string): Promise<{ code: string | null; error: string | null }> {
      const browser = new ScriptedBrowser();
      browser.plantCookie('gh_session', sessionValue);
      const page = await browser.request(authorizeUrl(server, client, { ...withPkce, prompt: 'none' }));
      const query = errorRedirect(page.headers.get('location'));
      return { code: query.get('code'), error: query.get('error') };
    }

    it('replaces a session id an attacker planted in the browser before login', async () => {
      const planted = 'planted-by-an-attacker-0123456789abcdefghij';
      const browser = new ScriptedBrowser();
      browser.plantCookie('gh_session', planted);
      const run = await runAuthorization(server, client, user, withPkce, browser);
      assert.ok(run.callback?.searchParams.get('code'), 'the victim signed in');
      const afterLogin = browser.cookie('gh_session');
      assert.ok(afterLogin, 'the browser holds a session');
      assert.notEqual(afterLogin, planted, 'login issued a new session id');
      assert.equal((await silentAuthorization(planted)).error, 'login_required', 'the planted id does not carry the login');
      assert.ok((await silentAuthorization(afterLogin)).code, 'the new id does');
    });

    it('gives a new id on every login, and the session the browser held before (another user\'s) ends', async () => {
      const attacker = await server.createUser();
      const attackerRun = await runAuthorization(server, client, attacker, withPkce);
      const attackerSession = attackerRun.browser.cookie('gh_session');
      assert.ok(attackerSession && (await silentAuthorization(attackerSession)).code, 'the attacker holds a live session');

      const victim = new ScriptedBrowser();
      victim.plantCookie('gh_session', attackerSession);
      const run = await runAuthorization(server, client, user, { ...withPkce, prompt: 'login' }, victim);
      assert.ok(run.callback?.searchParams.get('code'), 'the victim signed in');
      const victimSession = victim.cookie('gh_session');
      assert.ok(victimSession);
      assert.notEqual(victimSession, attackerSession, 'login issued a new session id');
      assert.equal((await silentAuthorization(attackerSession)).error, 'login_required', 'the id held before login is no longer a session');
      assert.ok((await silentAuthorization(victimSession)).code);
    });
  });
});
