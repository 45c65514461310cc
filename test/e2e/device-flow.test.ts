// The device sign-in (RFC 8628 §3.3) in a real browser on a phone-sized screen: the user opens
// verification_uri_complete, confirms the filled-in code with the keyboard, signs in, sees a
// consent naming the device's client, allows it; the device (oauth4webapi) then gets its tokens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { chromium, type Browser } from 'playwright-core';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('device sign-in in Chromium (RFC 8628 §3.3)', () => {
  let server: TestServer;
  let browser: Browser;
  let device: TestClient;
  let user: { username: string; password: string; accountId: string };

  before(async () => {
    server = await startGatehouse();
    device = await server.createClient({
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'], redirectUris: [], responseTypes: [], clientName: 'Kitchen speaker',
    });
    user = await server.createUser();
    browser = await chromium.launch({
      executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('RFC 8628 §3.3, §5.4: keyboard only at 390 px: confirm the code, sign in, allow the named device; the device polls its tokens', async () => {
    const as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), insecure));
    const client: oauth.Client = { client_id: device.clientId };
    const auth = oauth.ClientSecretBasic(device.clientSecret!);
    const started = await oauth.processDeviceAuthorizationResponse(as, client,
      await oauth.deviceAuthorizationRequest(as, client, auth, { scope: 'openid profile' }, insecure));

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (request) => { if (request.resourceType() === 'script') scripts.push(request.url()); });
    try {
      await page.goto(started.verification_uri_complete!);
      const codeField = page.getByLabel('Code from your device');
      assert.equal(await codeField.inputValue(), started.user_code, 'filled in from verification_uri_complete');
      const fitsWidth = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
      assert.ok(await fitsWidth(), 'no horizontal scrolling at 390 px');
      // The field has focus (autofocus): Enter submits.
      await page.keyboard.press('Enter');
      await page.getByLabel('Username').waitFor();
      await page.keyboard.type(user.username);
      await page.keyboard.press('Tab');
      await page.keyboard.type(user.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      assert.match(await page.locator('main').innerText(), /A device using Kitchen speaker wants to sign in as you/);
      assert.ok(await fitsWidth());
      await page.getByRole('button', { name: 'Allow' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Device connected' }).waitFor();
      assert.deepEqual(scripts, [], 'the pages run no script');
    } finally {
      await context.close();
    }

    const tokens = await oauth.processDeviceCodeResponse(as, client, await oauth.deviceCodeGrantRequest(as, client, auth, started.device_code, insecure));
    assert.equal(oauth.getValidatedIdTokenClaims(tokens)?.sub, user.accountId);
  });
});
