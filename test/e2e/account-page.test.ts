// The account page in Chromium on a phone-sized screen: /account signs in through /authorize
// (keyboard only), the page fits 390 px, works without JavaScript, answers with a strict CSP, and
// axe-core finds no serious or critical accessibility violation; a password change with the
// keyboard shows its notice.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // The page's CSP forbids injected scripts: axe runs in the page through evaluate instead.
  await page.evaluate(axeSource);
  const result = await page.evaluate<{ violations: AxeViolation[] }>(
    '(window.axe.run(document, { resultTypes: ["violations"] }))');
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('the account page in Chromium at 390 px', () => {
  let server: TestServer;
  let browser: Browser;
  let user: { username: string; password: string; accountId: string };

  before(async () => {
    server = await startGatehouse();
    user = await server.createUser({ name: 'Ada Lovelace' });
    const client = await server.createClient({ clientName: 'Photo Printer' });
    // A connected app, so that section has an entry.
    await server.storage.consents.save({ accountId: user.accountId, clientId: client.clientId, scopes: ['openid', 'email'], createdAt: server.clock(), updatedAt: server.clock() });
    browser = await chromium.launch({
      executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in with the keyboard, fits 390 px, no serious axe violations, changes the password without JavaScript', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB', javaScriptEnabled: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (request) => { if (request.resourceType() === 'script') scripts.push(request.url()); });
    try {
      await page.goto(`${server.issuer}/account`);
      await page.getByLabel('Username').waitFor();
      await page.getByLabel('Username').focus();
      await page.keyboard.type(user.username);
      await page.keyboard.press('Tab');
      await page.keyboard.type(user.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/account');
      assert.deepEqual(scripts, [], 'the page loads no script');
      assert.ok(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), 'no horizontal scrolling at 390 px');
      const text = await page.locator('main').innerText();
      for (const heading of ['Profile', 'Change password', 'Where you are signed in', 'Connected apps', 'Recent security activity']) {
        assert.ok(text.includes(heading), heading);
      }
      assert.match(text, /Photo Printer/);
      assert.equal(await page.getByLabel('Name').inputValue(), 'Ada Lovelace');

      const violations = await seriousViolations(page);
      assert.deepEqual(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), []);

      await page.getByLabel('Current password').fill(user.password);
      await page.getByLabel('New password', { exact: true }).fill('a brand new password');
      await page.getByLabel('New password again').fill('a brand new password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('status').waitFor();
      assert.match(await page.getByRole('status').innerText(), /Your password was changed/);
      assert.match(await page.locator('main').innerText(), /Password changed/);
    } finally {
      await context.close();
    }
  });
});
