// The pages of the mail-based account flows in real Chromium: each passes axe-core with no serious
// or critical violation (WCAG 2.1 AA rules), at 390 px wide, and works without JavaScript
// (the reset request is submitted by the browser's own form handling).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { startSmtpServer, linkIn, type TestSmtpServer } from '../support/smtp.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation { id: string; impact: string | null; help: string }

async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('account email pages in Chromium: accessible, without JavaScript', () => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let browser: Browser;

  before(async () => {
    smtp = await startSmtpServer();
    server = await startGatehouse({ mailUrl: smtp.url, signup: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('the reset request, the new-password form and the sign-up page pass axe-core (no serious violations) at 390 px', async () => {
    const user = await server.createUser();
    // Scripts off for the flow (the pages need none); axe runs in a second, script-enabled context.
    const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await noScript.newPage();
    await page.goto(`${server.issuer}/reset`);
    await page.fill('#identifier', user.username);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Check your mail');
    const link = linkIn(await smtp.nextMail(), `${server.issuer}/reset?token=`);
    await noScript.close();

    const checking = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
    const audit = await checking.newPage();
    for (const url of [`${server.issuer}/reset`, link, `${server.issuer}/signup`, `${server.issuer}/verify-email?token=unknown`]) {
      await audit.goto(url);
      assert.deepEqual(await seriousViolations(audit), [], url.replace(/token=[^&]+/, 'token=…'));
      const overflow = await audit.evaluate('document.documentElement.scrollWidth > window.innerWidth');
      assert.equal(overflow, false, 'no horizontal scrolling at 390 px');
    }
    await checking.close();
  });
});
