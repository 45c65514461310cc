// The Device Authorization Grant (RFC 8628) end to end: oauth4webapi as the device, a scripted
// browser as the user on the verification page, and each rule with the request it must refuse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser, decodeEntities, type Page } from '../support/browser.js';
import { pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';
import { normalizeUserCode, userCodeDigest } from '../../src/oauth/device-authorization.js';

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('device authorization grant (RFC 8628)', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let device: TestClient;
  let publicDevice: TestClient;
  let trusted: TestClient;
  let webOnly: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse({ deviceCodeTtl: 300, devicePollInterval: 5, loginMaxFailuresPerAddress: 6 });
    const grantTypes = [deviceGrant, 'refresh_token'];
    device = await server.createClient({ grantTypes, redirectUris: [], responseTypes: [], clientName: 'Living-room TV' });
    publicDevice = await server.createClient({ public: true, grantTypes, redirectUris: [], responseTypes: [], clientName: 'CLI tool' });
    trusted = await server.createClient({ grantTypes, redirectUris: [], responseTypes: [], skipConsent: true, clientName: 'First-party box' });
    webOnly = await server.createClient();
    user = await server.createUser();
    as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), insecure));
  });
  after(() => server.close());

  const auth = (c: TestClient) => (c.clientSecret ? oauth.ClientSecretBasic(c.clientSecret) : oauth.None());
  // The server's clock is moved by the tests; the ID token's iat follows it.
  const asClient = (c: TestClient): oauth.Client => ({ client_id: c.clientId, [oauth.clockSkew]: server.clock() - Math.floor(Date.now() / 1000) });

  async function startDevice(c: TestClient = device, scope = 'openid profile offline_access') {
    const response = await oauth.deviceAuthorizationRequest(as, asClient(c), auth(c), { scope }, insecure);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    return oauth.processDeviceAuthorizationResponse(as, asClient(c), response);
  }

  /** One poll, as the device makes it: the token response, or the error code. */
  async function poll(deviceCode: string, c: TestClient = device): Promise<oauth.TokenEndpointResponse | string> {
    const response = await oauth.deviceCodeGrantRequest(as, asClient(c), auth(c), deviceCode, insecure);
    try {
      return await oauth.processDeviceCodeResponse(as, asClient(c), response);
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) {
        assert.equal(error.status, 400, `${error.error} answers 400 (RFC 6749 §5.2)`);
        return error.error;
      }
      throw error;
    }
  }

  /** Submits the code form as a person would: what is filled in (from verification_uri_complete), or what they type. */
  function confirm(browser: ScriptedBrowser, entry: Page, typed?: string) {
    const filled = /id="user_code"[^>]*value="([^"]*)"/.exec(entry.body)?.[1] ?? '';
    return browser.submitForm(entry, { user_code: typed ?? decodeEntities(filled) });
  }

  /** The user's side: open the verification page, confirm the code, sign in, answer the consent. */
  async function answer(url: string, decision: 'approve' | 'deny' = 'approve', browser = new ScriptedBrowser(), typed?: string) {
    const entry = await browser.navigate(url);
    assert.equal(entry.status, 200);
    let page: Page & { leftTo?: string } = await confirm(browser, entry, typed);
    for (let step = 0; step < 3; step++) {
      if (page.body.includes('name="password"')) page = await browser.submitForm(page, { username: user.username, password: user.password });
      else if (page.body.includes('name="decision"')) {
        assert.match(page.body, /A device using <strong>/, 'the consent page says a device is signing in (RFC 8628 §5.4)');
        page = await browser.submitForm(page, { decision });
      } else break;
    }
    return { browser, page };
  }

  it('RFC 8628 §4: the metadata advertises the device authorization endpoint and the grant type', () => {
    assert.equal(as.device_authorization_endpoint, `${server.issuer}/device_authorization`);
    assert.ok(as.grant_types_supported?.includes(deviceGrant));
  });

  it('RFC 8628 §3.1-3.5: oauth4webapi polls, the user approves on verification_uri_complete, the device gets ID, access and refresh tokens', async () => {
    const started = await startDevice();
    assert.match(started.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/, '§6.1: short, unambiguous characters');
    assert.equal(started.verification_uri, `${server.issuer}/device`);
    assert.equal(started.verification_uri_complete, `${server.issuer}/device?user_code=${encodeURIComponent(started.user_code)}`);
    assert.equal(started.expires_in, 300);
    assert.equal(started.interval, 5);
    assert.ok(started.device_code.length >= 43);

    assert.equal(await poll(started.device_code), 'authorization_pending');
    server.clock.advance(5);

    const { page } = await answer(started.verification_uri_complete!);
    assert.equal(page.status, 200, page.body.slice(0, 400));
    assert.match(page.body, /Device connected/);
    assert.match(page.body, /Living-room TV/);

    server.clock.advance(5);
    const tokens = await poll(started.device_code);
    assert.ok(typeof tokens === 'object', `tokens: ${String(tokens)}`);
    assert.equal(tokens.token_type, 'bearer');
    assert.ok(tokens.refresh_token, 'offline_access with refresh_token: a refresh token');
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    assert.equal(claims.aud, device.clientId);
    assert.equal(claims.sub, user.accountId);
    assert.equal(claims.sid, undefined, 'the device is not part of the approving browser\'s session');

    const userinfo = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(userinfo.status, 200);
    assert.equal((await userinfo.json() as { sub: string }).sub, user.accountId);

    const refreshed = await oauth.processRefreshTokenResponse(as, asClient(device),
      await oauth.refreshTokenGrantRequest(as, asClient(device), auth(device), tokens.refresh_token!, insecure));
    assert.ok(refreshed.access_token);
  });

  it('RFC 8628 §3.5, RFC 9700 §4.2.4: the device code is redeemed once; a replay revokes what it issued', async () => {
    const started = await startDevice();
    await answer(started.verification_uri_complete!);
    const tokens = await poll(started.device_code);
    assert.ok(typeof tokens === 'object');
    server.clock.advance(5);
    assert.equal(await poll(started.device_code), 'invalid_grant');
    const introspected = await fetch(`${server.issuer}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${device.clientId}:${device.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token: tokens.access_token }).toString(),
    });
    assert.deepEqual(await introspected.json(), { active: false });
    const refresh = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { clientId: device.clientId, clientSecret: device.clientSecret! });
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  it('RFC 8628 §3.5: polling faster than the interval answers slow_down, and the interval grows by 5 seconds each time', async () => {
    const started = await startDevice();
    assert.equal(await poll(started.device_code), 'authorization_pending');
    server.clock.advance(1);
    assert.equal(await poll(started.device_code), 'slow_down');
    server.clock.advance(5);
    assert.equal(await poll(started.device_code), 'slow_down', '5 s is too soon once the interval is 10 s');
    server.clock.advance(14);
    assert.equal(await poll(started.device_code), 'slow_down', '14 s is too soon once the interval is 15 s');
    server.clock.advance(20);
    assert.equal(await poll(started.device_code), 'authorization_pending', 'waiting the grown interval is fine');
  });

  it('RFC 8628 §3.5: a denial answers access_denied, and the code cannot be answered again', async () => {
    const started = await startDevice();
    const { page } = await answer(started.verification_uri_complete!, 'deny');
    assert.match(page.body, /Device not connected/);
    assert.equal(await poll(started.device_code), 'access_denied');
    const again = await new ScriptedBrowser().navigate(started.verification_uri_complete!);
    const submitted = await confirm(new ScriptedBrowser(), again);
    assert.equal(submitted.status, 403, 'a form without this browser\'s cookie is refused');
    const browser = new ScriptedBrowser();
    const retry = await confirm(browser, await browser.navigate(started.verification_uri_complete!));
    assert.equal(retry.status, 400);
    assert.match(decodeEntities(retry.body), /not valid, or it has expired/);
  });

  it('RFC 8628 §3.5: an expired device code answers expired_token, and its user code is no longer accepted', async () => {
    const started = await startDevice();
    server.clock.advance(301);
    assert.equal(await poll(started.device_code), 'expired_token');
    const browser = new ScriptedBrowser();
    const page = await confirm(browser, await browser.navigate(started.verification_uri_complete!));
    assert.equal(page.status, 400);
  });

  it('RFC 8628 §3.3: one answer wins: a second browser that reached the consent with the same code is told it was answered', async () => {
    const started = await startDevice();
    const first = new ScriptedBrowser();
    const second = new ScriptedBrowser();
    const consentOf = async (browser: ScriptedBrowser) => {
      const login = await confirm(browser, await browser.navigate(started.verification_uri_complete!));
      const consent = await browser.submitForm(login, { username: user.username, password: user.password });
      assert.match(consent.body, /name="decision"/);
      return consent;
    };
    const [one, two] = [await consentOf(first), await consentOf(second)];
    assert.match((await first.submitForm(one, { decision: 'approve' })).body, /Device connected/);
    const late = await second.submitForm(two, { decision: 'deny' });
    assert.equal(late.status, 400);
    assert.match(late.body, /Code expired/);
    assert.ok(typeof (await poll(started.device_code)) === 'object', 'the first answer stands');
  });

  it('RFC 8628 §3.3: a code that expires during the sign-in approves nothing', async () => {
    const started = await startDevice();
    const browser = new ScriptedBrowser();
    const login = await confirm(browser, await browser.navigate(started.verification_uri_complete!));
    assert.match(login.body, /name="password"/);
    server.clock.advance(301);
    const late = await browser.submitForm(login, { username: user.username, password: user.password });
    assert.equal(late.status, 400);
    assert.match(late.body, /expired/);
    assert.equal(await poll(started.device_code), 'expired_token');
  });

  it('RFC 8628 §3.4, RFC 6749 §5.2: a device code is only good for its own client; an unknown one is invalid_grant', async () => {
    const started = await startDevice();
    const other = await server.createClient({ grantTypes: [deviceGrant], redirectUris: [], responseTypes: [] });
    assert.equal(await poll(started.device_code, other), 'invalid_grant');
    assert.equal(await poll('not-a-device-code'), 'invalid_grant');
    const missing = await tokenRequest(server, { grant_type: deviceGrant }, { clientId: device.clientId, clientSecret: device.clientSecret! });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
  });

  it('RFC 8628 §3.1: a client not registered for the device grant gets unauthorized_client; an unknown scope invalid_scope', async () => {
    const refused = await oauth.deviceAuthorizationRequest(as, asClient(webOnly), auth(webOnly), { scope: 'openid' }, insecure);
    assert.equal(refused.status, 400);
    assert.equal((await refused.json() as { error: string }).error, 'unauthorized_client');
    const badScope = await oauth.deviceAuthorizationRequest(as, asClient(device), auth(device), { scope: 'openid admin:all' }, insecure);
    assert.equal((await badScope.json() as { error: string }).error, 'invalid_scope');
    const badSecret = await oauth.deviceAuthorizationRequest(as, asClient(device), oauth.ClientSecretBasic('wrong'), { scope: 'openid' }, insecure);
    assert.equal(badSecret.status, 401);
    const polledByWeb = await tokenRequest(server, { grant_type: deviceGrant, device_code: 'x' }, { clientId: webOnly.clientId, clientSecret: webOnly.clientSecret! });
    assert.equal(polledByWeb.body.error, 'unauthorized_client');
  });

  it('RFC 8628 §3.1: a public client (no secret) runs the whole flow with client_id alone', async () => {
    const started = await startDevice(publicDevice, 'openid');
    // §6.1: what the user types is compared without case or dashes.
    await answer(started.verification_uri, 'approve', new ScriptedBrowser(), started.user_code.replace('-', '').toLowerCase());
    const tokens = await poll(started.device_code, publicDevice);
    assert.ok(typeof tokens === 'object', String(tokens));
    assert.equal(tokens.refresh_token, undefined, 'no offline_access asked: no refresh token');
  });

  it('RFC 8628 §5.4: the user always confirms on a consent page, even for a client trusted to skip consent, and verification_uri_complete only fills the form in', async () => {
    const started = await startDevice(trusted);
    const browser = new ScriptedBrowser();
    const entry = await browser.navigate(started.verification_uri_complete!);
    assert.match(entry.body, new RegExp(`value="${started.user_code}"`), 'the code is filled in');
    assert.match(entry.body, /<form method="post"/, 'and waits for the user to submit it');
    assert.equal(await poll(started.device_code, trusted), 'authorization_pending', 'opening the link approved nothing');
    const login = await confirm(browser, entry);
    const consent = await browser.submitForm(login, { username: user.username, password: user.password });
    assert.match(consent.body, /name="decision"/, 'consent is asked of a skip-consent client');
    assert.match(consent.body, /First-party box/);
  });

  it('RFC 8628 §3.3: the parameter naming a device record cannot be smuggled through /authorize', async () => {
    const started = await startDevice();
    const digest = userCodeDigest(normalizeUserCode(started.user_code)!);
    const pkce = pkcePair();
    const run = await runAuthorization(server, webOnly, user, {
      gatehouse_device_authorization: digest, code_challenge: pkce.challenge, code_challenge_method: 'S256',
    });
    assert.ok(run.callback, 'an ordinary authorization, redirected to the web client');
    assert.ok(run.callback.searchParams.get('code'));
    assert.equal(await poll(started.device_code), 'authorization_pending', 'the device record was not answered');
  });

  it('RFC 8628 §3.3: the verification page is a no-store page under a strict CSP, framed by nobody', async () => {
    const page = await new ScriptedBrowser().navigate(`${server.issuer}/device?user_code=<script>`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.doesNotMatch(page.body, /<script>/);
    assert.match(page.body, /<label for="user_code">/);
  });
});

describe('device user code entry throttling (RFC 8628 §5.1)', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let device: TestClient;

  before(async () => {
    server = await startGatehouse({ loginMaxFailuresPerAddress: 6 });
    device = await server.createClient({ grantTypes: [deviceGrant], redirectUris: [], responseTypes: [] });
    as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), insecure));
  });
  after(() => server.close());

  it('RFC 8628 §5.1: wrong user codes are throttled per client address; 429 with Retry-After once the budget is spent', async () => {
    const browser = new ScriptedBrowser();
    const entry = await browser.navigate(`${server.issuer}/device`);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await browser.submitForm(entry, { user_code: 'BBBB-BBBB' })).status);
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 400, 429]);
    const refused = await browser.submitForm(entry, { user_code: 'BBBB-BBBB' });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    // Even a right code waits: the budget is the address's, not the code's.
    const started = await oauth.processDeviceAuthorizationResponse(as, { client_id: device.clientId },
      await oauth.deviceAuthorizationRequest(as, { client_id: device.clientId }, oauth.ClientSecretBasic(device.clientSecret!), { scope: 'openid' }, insecure));
    assert.equal((await browser.submitForm(entry, { user_code: started.user_code })).status, 429);
    server.clock.advance(server.config.loginFailureWindow);
    const fresh = await oauth.processDeviceAuthorizationResponse(as, { client_id: device.clientId },
      await oauth.deviceAuthorizationRequest(as, { client_id: device.clientId }, oauth.ClientSecretBasic(device.clientSecret!), { scope: 'openid' }, insecure));
    const accepted = await browser.submitForm(entry, { user_code: fresh.user_code });
    assert.equal(accepted.status, 200, 'once the window has passed, a right code goes on to the sign-in');
    assert.match(accepted.body, /name="password"/);
  });
});
