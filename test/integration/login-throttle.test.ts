// Login throttling over real HTTP (issue 9; RFC 6819 §4.4.3.1 online guessing, OWASP ASVS
// V2.2.1): each attempt is reserved before the password is checked, per username and per client
// address, and the waits grow instead of locking the rightful user out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser, type Page } from '../support/browser.js';
import { authorizeUrl, pkcePair } from '../support/flow.js';
import { usernameSchedule, usernameThrottleKey } from '../../src/accounts/login-throttle.js';
import { createPasswordVerifier, type PasswordVerifier } from '../../src/accounts/password-verifier.js';
import { loginThrottlePolicy } from '../../src/interaction/login.js';
import { createLogger } from '../../src/lib/logger.js';

const pkce = pkcePair();
const withPkce = { code_challenge: pkce.challenge, code_challenge_method: 'S256' };

/** The alert text of a login page. */
const alertText = (body: string) => /role="alert"[^>]*>([^<]+)</.exec(body)?.[1];

/** The real argon2id verifier, counting the passwords it checks. */
function countingVerifier(): PasswordVerifier & { checked: number } {
  const real = createPasswordVerifier({ memoryCost: 1024, timeCost: 1, parallelism: 1 }, 2);
  const counting = {
    checked: 0,
    verify: (hash: string, password: string) => { counting.checked += 1; return real.verify(hash, password); },
    verifyUnknown: (password: string) => { counting.checked += 1; return real.verifyUnknown(password); },
  };
  return counting;
}

describe('login throttling', () => {
  let server: TestServer;
  let client: TestClient;
  const passwords = countingVerifier();

  before(async () => {
    // trustProxy lets a test speak for several client addresses through X-Forwarded-For.
    server = await startGatehouse({ trustProxy: true }, { passwords });
    client = await server.createClient({ redirectUris: ['https://app.example.com/callback'] });
  });
  after(() => server.close());

  async function loginPage(browser: ScriptedBrowser): Promise<Page> {
    const page = await browser.navigate(authorizeUrl(server, client, withPkce));
    assert.equal(page.status, 200);
    return page;
  }

  /** Posts the login form of `page` as if from `address`, without following redirects. */
  async function postLogin(browser: ScriptedBrowser, page: Page, address: string, username: string, password: string) {
    const action = new URL(/action="([^"]+)"/.exec(page.body)![1]!.replace(/&amp;/g, '&'), page.url);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)![1]!;
    const response = await fetch(action, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader(), 'x-forwarded-for': address },
      body: new URLSearchParams({ csrf_token: csrf, username, password }).toString(),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
  }

  it('evaluates at most loginMaxFailures of 20 concurrent wrong passwords for one username (issue 9: reserve before hashing)', async () => {
    const victim = await server.createUser();
    const browser = new ScriptedBrowser();
    const page = await loginPage(browser);
    const checkedBefore = passwords.checked;
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      postLogin(browser, page, '198.51.100.1', victim.username, 'wrong password')));
    assert.equal(passwords.checked - checkedBefore, server.config.loginMaxFailures, 'argon2id verifications');
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, server.config.loginMaxFailures, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 20 - server.config.loginMaxFailures);
    // The counter holds exactly loginMaxFailures: the first delay, not a longer one, is owed.
    const schedule = usernameSchedule(loginThrottlePolicy(server.config));
    assert.deepEqual(await server.storage.loginThrottle.reserve(usernameThrottleKey(victim.username), server.clock(), schedule),
      { allowed: false, retryAfter: server.config.loginThrottleDelay });
  });

  it('lets the rightful user in once the short delay after an attacker\'s 5 failures has passed, and doubles it for the attacker (issue 9: growing delays, no hard lock)', async () => {
    const victim = await server.createUser();
    const attacker = new ScriptedBrowser();
    const attackerPage = await loginPage(attacker);
    for (let i = 0; i < server.config.loginMaxFailures; i++) {
      assert.equal((await postLogin(attacker, attackerPage, '198.51.100.2', victim.username, `guess ${i}`)).status, 401);
    }
    const owner = new ScriptedBrowser();
    const ownerPage = await loginPage(owner);
    const refused = await postLogin(owner, ownerPage, '192.0.2.7', victim.username, victim.password);
    assert.equal(refused.status, 429, 'while the delay runs even the right password waits');
    assert.equal(refused.retryAfter, String(server.config.loginThrottleDelay));
    assert.equal(alertText(refused.body), 'Too many failed sign-in attempts. Please wait 30 seconds and try again.');
    assert.match(refused.body, /aria-describedby="login-error"/);

    server.clock.advance(server.config.loginThrottleDelay);
    const signedIn = await postLogin(owner, ownerPage, '192.0.2.7', victim.username, victim.password);
    assert.equal(signedIn.status, 303, 'the correct password works once the delay has passed');

    // The success cleared the username: the attacker starts over, and each failure past the free ones doubles the wait.
    for (let i = 0; i < server.config.loginMaxFailures; i++) {
      assert.equal((await postLogin(attacker, attackerPage, '198.51.100.2', victim.username, `again ${i}`)).status, 401);
    }
    server.clock.advance(server.config.loginThrottleDelay);
    assert.equal((await postLogin(attacker, attackerPage, '198.51.100.2', victim.username, 'one more')).status, 401);
    const doubled = await postLogin(attacker, attackerPage, '198.51.100.2', victim.username, 'and another');
    assert.equal(doubled.status, 429);
    assert.equal(doubled.retryAfter, String(2 * server.config.loginThrottleDelay));
  });

  it('spends one address\'s budget of loginMaxFailuresPerAddress across 200 usernames, and no other address\'s (issue 9)', async () => {
    const browser = new ScriptedBrowser();
    const page = await loginPage(browser);
    const checkedBefore = passwords.checked;
    const statuses: number[] = [];
    for (let batch = 0; batch < 200; batch += 20) {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        postLogin(browser, page, '2001:db8:1:2::10', `sprayed-${batch + i}`, 'Winter2026!')));
      statuses.push(...results.map((r) => r.status));
    }
    assert.equal(passwords.checked - checkedBefore, server.config.loginMaxFailuresPerAddress, 'argon2id verifications');
    assert.equal(statuses.filter((s) => s === 401).length, server.config.loginMaxFailuresPerAddress);
    assert.equal(statuses.filter((s) => s === 429).length, 200 - server.config.loginMaxFailuresPerAddress);
    // Another host of the same IPv6 /64 shares the budget; another network does not.
    const sameNetwork = await postLogin(browser, page, '2001:db8:1:2::99', 'sprayed-new', 'Winter2026!');
    assert.equal(sameNetwork.status, 429);
    assert.equal(sameNetwork.retryAfter, String(server.config.loginFailureWindow));
    const user = await server.createUser();
    const elsewhere = await postLogin(browser, page, '2001:db8:9:9::10', user.username, user.password);
    assert.equal(elsewhere.status, 303);
  });

  describe('log lines (issue 9: failed logins with username and client address, throttling decisions)', () => {
    let logged: TestServer;
    let logClient: TestClient;
    const lines: Array<Record<string, unknown>> = [];
    let raw = '';

    before(async () => {
      const logger = createLogger('info', { write: (line: string) => { raw += line; lines.push(JSON.parse(line) as Record<string, unknown>); } });
      logged = await startGatehouse({ trustProxy: true }, { logger });
      logClient = await logged.createClient({ redirectUris: ['https://app.example.com/callback'] });
    });
    after(() => logged.close());

    it('logs each failure at info with username and address, each refusal and new delay at warn, never the password', async () => {
      const browser = new ScriptedBrowser();
      const page = await browser.navigate(authorizeUrl(logged, logClient, withPkce));
      const post = async (password: string) => {
        const action = new URL(/action="([^"]+)"/.exec(page.body)![1]!, page.url);
        const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)![1]!;
        const response = await fetch(action, {
          method: 'POST', redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader(), 'x-forwarded-for': '203.0.113.77' },
          body: new URLSearchParams({ csrf_token: csrf, username: 'mallory-target', password }).toString(),
        });
        await response.text();
        return response.status;
      };
      for (let i = 0; i < logged.config.loginMaxFailures; i++) assert.equal(await post(`SecretGuess-${i}`), 401);
      assert.equal(await post('SecretGuess-refused'), 429);

      const failed = lines.filter((l) => l.msg === 'login failed');
      assert.equal(failed.length, logged.config.loginMaxFailures);
      for (const line of failed) {
        assert.equal(line.level, 30, 'info');
        assert.equal(line.username, 'mallory-target');
        assert.equal(line.address, '203.0.113.77');
      }
      const delayed = lines.filter((l) => l.msg === 'login throttled: username must wait');
      assert.deepEqual(delayed.map((l) => [l.level, l.username, l.delay]), [[40, 'mallory-target', logged.config.loginThrottleDelay]]);
      const refused = lines.filter((l) => l.msg === 'login refused: throttled');
      assert.deepEqual(refused.map((l) => [l.level, l.username, l.address, l.limitedBy, l.retryAfter]),
        [[40, 'mallory-target', '203.0.113.77', 'username', logged.config.loginThrottleDelay]]);
      assert.doesNotMatch(raw, /SecretGuess/);
    });
  });
});
