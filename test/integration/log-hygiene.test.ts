// Logs never contain a secret, code or token (RFC 6749 §10.3, §10.5; RFC 6819 §5.1.4.1.1; the
// issue's rule): Gatehouse runs at trace level with its real logger and redaction, a flow walks
// every path that handles a secret — failed and successful login, failed client authentication,
// code exchange and replay, refresh and reuse, introspection, UserInfo (also with a token in the
// query string, which a request log would copy), revocation — and the log is searched for each value.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import { ScriptedBrowser } from '../support/browser.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { authorizeUrl, pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';

describe('logs never carry a secret, code or token', () => {
  let server: TestServer;
  let client: TestClient;
  const lines: string[] = [];

  before(async () => {
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    server = await startGatehouse({ logLevel: 'trace' }, { logger: createLogger('trace', sink) });
    client = await server.createClient();
  });
  after(() => server?.close());

  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

  it('writes none of the passwords, client secrets, codes, verifiers, tokens or cookies a whole flow handles (RFC 6749 §10.3, §10.5)', async () => {
    const user = await server.createUser({ password: 'the-real-password-8f2d1c' });
    const wrongPassword = 'a-wrong-password-77e3b9';
    const wrongSecret = 'gh_cs_a-wrong-client-secret-4410aa';
    const secrets: Record<string, string> = {
      password: user.password, 'wrong password': wrongPassword, 'client secret': client.clientSecret!, 'wrong client secret': wrongSecret,
    };

    // A failed login, then a successful one (the form carries the password).
    const browser = new ScriptedBrowser();
    const pkce = pkcePair();
    const authorize = { code_challenge: pkce.challenge, code_challenge_method: 'S256' };
    const login = await browser.navigate(authorizeUrl(server, client, authorize));
    const failed = await browser.submitForm(login, { username: user.username, password: wrongPassword });
    assert.equal(failed.status, 401);
    const run = await runAuthorization(server, client, user, authorize, browser);
    const code = run.callback?.searchParams.get('code');
    assert.ok(code, 'the flow reached the client with a code');
    secrets.code = code;
    secrets['code verifier'] = pkce.verifier;
    for (const name of ['gh_session', 'gh_interaction', 'gh_interaction_done']) {
      const value = browser.cookie(name);
      if (value) secrets[`${name} cookie`] = value;
    }
    for (const line of browser.setCookieLines) {
      const value = /^[^=]+=([^;]*)/.exec(line)?.[1];
      if (value && value.length >= 16) secrets[`cookie ${line.split('=')[0]}`] = value;
    }

    // Failed client authentication: a wrong secret in Basic, then one in the body.
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier };
    assert.equal((await post('/token', exchange, basic(client.clientId, wrongSecret))).status, 401);
    assert.equal((await post('/token', { ...exchange, client_id: client.clientId, client_secret: wrongSecret })).status, 401);

    // The exchange, then a replay of the same code (logged as a warning, RFC 6749 §4.1.2).
    const tokens = await tokenRequest(server, exchange, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(tokens.status, 200);
    secrets['access token'] = tokens.body.access_token as string;
    secrets['refresh token'] = tokens.body.refresh_token as string;
    secrets['ID token'] = tokens.body.id_token as string;
    const replay = await tokenRequest(server, exchange, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(replay.body.error, 'invalid_grant');

    // A second grant: refresh, then reuse of the rotated refresh token (RFC 9700 §4.14.2).
    const second = await runAuthorization(server, client, user, authorize, browser);
    const secondCode = second.callback!.searchParams.get('code')!;
    secrets['second code'] = secondCode;
    const fresh = await tokenRequest(server, { ...exchange, code: secondCode }, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(fresh.status, 200);
    secrets['second access token'] = fresh.body.access_token as string;
    secrets['second refresh token'] = fresh.body.refresh_token as string;
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: fresh.body.refresh_token as string }, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refreshed.status, 200);
    secrets['refreshed access token'] = refreshed.body.access_token as string;
    secrets['refreshed refresh token'] = refreshed.body.refresh_token as string;
    const reuse = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: fresh.body.refresh_token as string }, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(reuse.body.error, 'invalid_grant');

    // Introspection, UserInfo (header, form body, and a query string a request log would copy), revocation.
    const live = await tokenRequest(server, { ...exchange, code: (await runAuthorization(server, client, user, authorize, browser)).callback!.searchParams.get('code')! }, { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(live.status, 200);
    secrets['live access token'] = live.body.access_token as string;
    secrets['live refresh token'] = live.body.refresh_token as string;
    assert.equal((await post('/introspect', { token: live.body.access_token as string }, basic(client.clientId, client.clientSecret!))).status, 200);
    assert.equal((await post('/introspect', { token: live.body.access_token as string }, basic(client.clientId, wrongSecret))).status, 401);
    assert.equal((await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${live.body.access_token as string}` } })).status, 200);
    assert.equal((await post('/userinfo', { access_token: live.body.access_token as string })).status, 200);
    // Whatever UserInfo answers to a token in the query (RFC 6750 §2.3), the URL must not reach the log.
    await (await fetch(`${server.issuer}/userinfo?access_token=${encodeURIComponent(live.body.access_token as string)}`)).text();
    assert.equal((await post('/revoke', { token: live.body.refresh_token as string }, basic(client.clientId, client.clientSecret!))).status, 200);

    const log = lines.join('');
    assert.ok(lines.length > 0, 'the logger received lines (the test reads the real log)');
    assert.match(log, /"level":40/, 'the replay and the reuse were logged as warnings');
    const leaks = Object.entries(secrets).filter(([, value]) => value && log.includes(value)).map(([name]) => name);
    assert.deepEqual(leaks, [], `found in the log: ${leaks.join(', ')}`);
  });

  it('writes none of the device codes, user codes, tokens or exchanged tokens of a device sign-in and a token exchange (RFC 8628 §5.2, RFC 8693 §5)', async () => {
    const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
    const exchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
    const api = 'https://hygiene.example/api';
    await server.storage.resources.insert({
      identifier: api, name: null, scopes: ['profile'], tokenFormat: 'opaque', accessTokenTtl: 300,
      introspectionSecretDigest: null, createdAt: server.clock(), updatedAt: server.clock(),
    });
    const device = await server.createClient({
      grantTypes: [deviceGrant, 'refresh_token', exchangeGrant], redirectUris: [], responseTypes: [], metadata: { tokenExchangeAudiences: [api] },
    });
    const user = await server.createUser();
    const auth = basic(device.clientId, device.clientSecret!);
    const started = await (await post('/device_authorization', { scope: 'openid profile offline_access' }, auth)).json() as { device_code: string; user_code: string };
    const secrets: Record<string, string> = { 'device code': started.device_code, 'user code': started.user_code, 'user code typed': started.user_code.replace('-', '') };
    assert.equal((await post('/token', { grant_type: deviceGrant, device_code: started.device_code }, auth)).status, 400);
    const browser = new ScriptedBrowser();
    const wrong = await browser.submitForm(await browser.navigate(`${server.issuer}/device?user_code=${started.user_code}`), { user_code: 'ZZZZ-ZZZZ' });
    assert.equal(wrong.status, 400);
    const login = await browser.submitForm(wrong, { user_code: started.user_code.replace('-', '').toLowerCase() });
    const consent = await browser.submitForm(login, { username: user.username, password: user.password });
    assert.match((await browser.submitForm(consent, { decision: 'approve' })).body, /Device connected/);
    const tokens = await tokenRequest(server, { grant_type: deviceGrant, device_code: started.device_code }, { clientId: device.clientId, clientSecret: device.clientSecret! });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    secrets['device access token'] = tokens.body.access_token as string;
    secrets['device refresh token'] = tokens.body.refresh_token as string;
    secrets['device ID token'] = tokens.body.id_token as string;
    const exchanged = await tokenRequest(server, {
      grant_type: exchangeGrant, subject_token: tokens.body.access_token as string, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', resource: api,
    }, { clientId: device.clientId, clientSecret: device.clientSecret! });
    assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
    secrets['exchanged token'] = exchanged.body.access_token as string;
    // A replay: the warning it logs names the grant, not the code.
    assert.equal((await post('/token', { grant_type: deviceGrant, device_code: started.device_code }, auth)).status, 400);

    const log = lines.join('');
    assert.match(log, /device authorization answered/, 'the device lines were written (the test reads the real log)');
    assert.match(log, /token exchange|token_exchange/i, 'the exchange was logged');
    const leaks = Object.entries(secrets).filter(([, value]) => value && log.includes(value)).map(([name]) => name);
    assert.deepEqual(leaks, [], `found in the log: ${leaks.join(', ')}`);
  });
});
