// The mail-based account flows end to end, through a real SMTP server run by the test
// (smtp-server on 127.0.0.1): email verification (OIDC Core §5.1 email_verified), password reset
// (OWASP ASVS V2.5: same answer for unknown accounts, no mail for them, single use, 30 minutes,
// sessions and tokens revoked), email change with confirmation, self-registration (off by default,
// verification before the first sign-in), and logs that never carry a link's token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import { ScriptedBrowser, decodeEntities } from '../support/browser.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { authorizeUrl, obtainTokens, pkceParams, runAuthorization, tokenRequest } from '../support/flow.js';
import { linkIn, startSmtpServer, type CapturedMail, type TestSmtpServer } from '../support/smtp.js';
import { sendVerificationMail } from '../../src/accounts/email-links.js';
import { emailLinkDeps } from '../../src/interaction/email-link-deps.js';
import { createMailer } from '../../src/mail/transport.js';
import type { ServerDeps } from '../../src/http/server-deps.js';

function decodeJwt(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

describe('email verification, password reset, email change and sign-up through real SMTP', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let client: TestClient;
  const lines: string[] = [];
  const links: string[] = [];

  before(async () => {
    smtp = await startSmtpServer();
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    server = await startGatehouse({ mailUrl: smtp.url, mailFrom: 'Login <login@example.test>', signup: true, logLevel: 'trace' },
      { logger: createLogger('trace', sink) });
    client = await server.createClient();
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });

  /** Waits for the next mail, checks it has both parts, returns it and the link it carries. */
  async function mailWithLink(path: string): Promise<{ mail: CapturedMail; link: string }> {
    const mail = await smtp.nextMail();
    assert.match(mail.decoded, /Content-Type: text\/plain/i);
    assert.match(mail.decoded, /Content-Type: text\/html/i);
    const link = linkIn(mail, `${server.issuer}${path}?token=`);
    links.push(link);
    return { mail, link };
  }

  /** No mail arrives within a moment (mails go out in the background). */
  async function noMail(): Promise<void> {
    await assert.rejects(smtp.nextMail(400), /no mail arrived/);
  }

  async function askReset(identifier: string, browser = new ScriptedBrowser()) {
    const form = await browser.request(`${server.issuer}/reset`);
    assert.equal(form.status, 200);
    return browser.submitForm(form, { identifier });
  }

  it('OIDC Core §5.1 email_verified: following the verification link makes the claim true in the ID token and UserInfo', async () => {
    const user = await server.createUser();
    const account = (await server.storage.accounts.findById(user.accountId))!;
    await server.storage.accounts.updateClaims(user.accountId, { email: account.email, emailVerified: false, name: account.name, profile: {} }, server.clock());
    const before = await obtainTokens(server, client, user);
    assert.equal(decodeJwt(before.id_token as string).email_verified, false);

    // The link is sent as the server sends it (after a sign-up, or a refused sign-in), through the same SMTP server.
    const links = emailLinkDeps({
      storage: server.storage, clock: server.clock, config: server.config, logger: createLogger('silent'),
      logoutNotifier: { async sessionEnded() {} }, mailer: createMailer(server.config, createLogger('silent')),
    } as unknown as ServerDeps);
    assert.equal(await sendVerificationMail((await server.storage.accounts.findById(user.accountId))!, links, { wait: true }), 'sent');
    const { mail, link } = await mailWithLink('/verify-email');
    assert.deepEqual(mail.to, [account.email]);
    assert.equal(mail.from, 'login@example.test');

    const browser = new ScriptedBrowser();
    const landing = await browser.request(link);
    assert.equal(landing.status, 200, 'the GET only shows a button: a mail scanner spends nothing');
    assert.equal((await server.storage.accounts.findById(user.accountId))!.emailVerified, false);
    const done = await browser.submitForm(landing, {});
    assert.equal(done.status, 200);
    assert.match(done.body, /E-mail address confirmed/);

    const after = await obtainTokens(server, client, user);
    assert.equal(decodeJwt(after.id_token as string).email_verified, true);
    const info = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${after.access_token as string}` } });
    assert.equal(((await info.json()) as Record<string, unknown>).email_verified, true);

    const again = await new ScriptedBrowser().request(link);
    assert.equal(again.status, 400, 'a verification link works once');
  });

  it('ASVS V2.5.6: an unknown username or address gets the same page as a known one, and no mail', async () => {
    const unknownName = await askReset('nobody-here');
    const unknownAddress = await askReset('nobody@example.invalid');
    await noMail();
    const user = await server.createUser();
    const known = await askReset(user.username);
    for (const page of [unknownName, unknownAddress, known]) assert.equal(page.status, 200);
    const strip = (body: string) => body.replace(/name="csrf_token" value="[^"]*"/g, '');
    assert.equal(strip(unknownName.body), strip(known.body));
    assert.equal(strip(unknownAddress.body), strip(known.body));
    const { mail } = await mailWithLink('/reset');
    assert.deepEqual(mail.to, [`${user.username}@example.com`], 'only the known account got a mail');
    assert.equal(smtp.mails.length, 2, 'one verification mail before, one reset mail now');
  });

  it('ASVS V2.5.2: the reset link works once, signs out every session and revokes every token; the old password stops working', async () => {
    const user = await server.createUser();
    const signedIn = await runAuthorization(server, client, user, pkceParams());
    assert.ok(signedIn.callback?.searchParams.get('code'), 'signed in');
    const tokens = await obtainTokens(server, client, user);

    await askReset(`${user.username}@EXAMPLE.com`);
    const { link } = await mailWithLink('/reset');
    const browser = new ScriptedBrowser();
    const form = await browser.request(link);
    assert.equal(form.status, 200);
    assert.match(form.body, /Choose a new password/);

    const common = await browser.submitForm(form, { password: 'password123', password_confirm: 'password123' });
    assert.equal(common.status, 400, 'a common password is refused (password policy)');
    assert.match(decodeEntities(common.body), /too common/);
    const mismatch = await browser.submitForm(common, { password: 'a new and long passphrase', password_confirm: 'something else entirely' });
    assert.equal(mismatch.status, 400);
    const done = await browser.submitForm(mismatch, { password: 'a new and long passphrase', password_confirm: 'a new and long passphrase' });
    assert.equal(done.status, 200, done.body);
    assert.match(done.body, /Password changed/);

    // Sessions end: the browser that was signed in must sign in again.
    const reauth = await signedIn.browser.navigate(authorizeUrl(server, client, pkceParams()));
    assert.match(reauth.body, /name="password"/);
    // Tokens are revoked (refresh and access).
    const refresh = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refresh.status, 400);
    assert.equal(refresh.body.error, 'invalid_grant');
    const info = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token as string}` } });
    assert.equal(info.status, 401);
    // The old password is gone, the new one works.
    const old = await runAuthorization(server, client, user, pkceParams());
    assert.equal(old.callback, undefined);
    assert.ok((await runAuthorization(server, client, { username: user.username, password: 'a new and long passphrase' }, pkceParams())).callback?.searchParams.get('code'));

    // ASVS V2.5.1: used twice, the link fails (GET and POST).
    const second = await new ScriptedBrowser().request(link);
    assert.equal(second.status, 400);
    assert.match(second.body, /This link does not work/);
    const replay = await fetch(`${server.issuer}/reset/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
      body: new URLSearchParams({ token: tokenOf(link), password: 'yet another passphrase', password_confirm: 'yet another passphrase',
        csrf_token: /name="csrf_token" value="([^"]*)"/.exec(form.body)![1]! }).toString(),
    });
    assert.equal(replay.status, 400);
    assert.ok((await runAuthorization(server, client, { username: user.username, password: 'a new and long passphrase' }, pkceParams())).callback?.searchParams.get('code'), 'the replay changed nothing');
  });

  it('ASVS V2.5.7: a reset link expires after 30 minutes (manual clock)', async () => {
    const user = await server.createUser();
    await askReset(user.username);
    const { link } = await mailWithLink('/reset');
    server.clock.advance(29 * 60);
    assert.equal((await new ScriptedBrowser().request(link)).status, 200, 'still live at 29 minutes');
    server.clock.advance(61);
    const late = await new ScriptedBrowser().request(link);
    assert.equal(late.status, 400);
    assert.match(late.body, /Ask for a new reset link/);
  });

  it('reset requests are throttled per account: a fourth within the hour sends no mail, yet gets the same page', async () => {
    const user = await server.createUser();
    for (let i = 0; i < 3; i++) {
      await askReset(user.username);
      await mailWithLink('/reset');
    }
    const fourth = await askReset(user.username);
    assert.equal(fourth.status, 200);
    assert.match(fourth.body, /Check your mail/);
    await noMail();
  });

  it('the login page links to /reset keeping the way back to this sign-in; a forged return_to is dropped', async () => {
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, pkceParams()));
    const href = decodeEntities(/href="(\/reset\?return_to=[^"]+)"/.exec(login.body)![1]!);
    const returnTo = new URL(href, server.issuer).searchParams.get('return_to')!;
    assert.match(returnTo, /^\/interaction\//);
    const reset = await browser.request(`${server.issuer}${href}`);
    assert.ok(reset.body.includes(`href="${returnTo}"`), 'Back to sign in');
    const sent = await browser.submitForm(reset, { identifier: 'nobody-at-all' });
    assert.ok(sent.body.includes(`href="${returnTo}"`));
    const forged = await browser.request(`${server.issuer}/reset?return_to=${encodeURIComponent('https://evil.example/')}`);
    assert.ok(!forged.body.includes('evil.example'));
  });

  it('an email change is applied only once the link mailed to the new address is followed (CSRF-checked, session required)', async () => {
    const user = await server.createUser();
    const anonymous = await new ScriptedBrowser().request(`${server.issuer}/account/email`);
    assert.equal(anonymous.status, 401);
    const { browser } = await runAuthorization(server, client, user, pkceParams());
    const form = await browser.request(`${server.issuer}/account/email`);
    assert.equal(form.status, 200);
    const forged = await browser.request(`${server.issuer}/account/email`, { form: { email: 'evil@example.com', csrf_token: 'forged' } });
    assert.equal(forged.status, 403);
    const sent = await browser.submitForm(form, { email: 'new-address@example.org' });
    assert.equal(sent.status, 200);
    const { mail, link } = await mailWithLink('/account/email/confirm');
    assert.deepEqual(mail.to, ['new-address@example.org']);
    assert.equal((await server.storage.accounts.findById(user.accountId))!.email, `${user.username}@example.com`, 'not applied yet');
    const landing = await new ScriptedBrowser().request(link);
    const done = await new ScriptedBrowser().submitForm(landing, {});
    assert.equal(done.status, 200);
    const changed = (await server.storage.accounts.findById(user.accountId))!;
    assert.equal(changed.email, 'new-address@example.org');
    assert.equal(changed.emailVerified, true);
    assert.equal((await new ScriptedBrowser().submitForm(landing, {})).status, 400, 'the link works once');
  });

  it('sign-up: the account cannot sign in until the mailed link is followed; the refused sign-in resends it', async () => {
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, pkceParams()));
    const signUpHref = decodeEntities(/href="(\/signup\?return_to=[^"]+)"/.exec(login.body)![1]!);
    const form = await browser.request(`${server.issuer}${signUpHref}`);
    assert.equal(form.status, 200);
    const weak = await browser.submitForm(form, { username: 'newcomer', email: 'newcomer@example.org', password: 'qwertyuiop' });
    assert.equal(weak.status, 400, 'a common password is refused');
    assert.match(decodeEntities(weak.body), /too common/);
    const created = await browser.submitForm(weak, { username: 'newcomer', email: 'newcomer@example.org', password: 'a fine long passphrase' });
    assert.equal(created.status, 201, created.body);
    const first = await mailWithLink('/verify-email');
    assert.deepEqual(first.mail.to, ['newcomer@example.org']);
    const taken = await browser.submitForm(await browser.request(`${server.issuer}/signup`), { username: 'newcomer', email: 'x@example.org', password: 'another fine passphrase' });
    assert.equal(taken.status, 409);

    const user = { username: 'newcomer', password: 'a fine long passphrase' };
    const signIn = new ScriptedBrowser();
    const refused = await signIn.submitForm(await signIn.navigate(authorizeUrl(server, client, pkceParams())), user);
    assert.equal(refused.leftTo, undefined);
    assert.equal(refused.status, 403);
    assert.match(decodeEntities(refused.body), /confirm your e-mail address first/);
    const resent = await mailWithLink('/verify-email');
    const wrongPassword = await signIn.submitForm(refused, { username: 'newcomer', password: 'not the password at all' });
    assert.equal(wrongPassword.status, 401, 'a wrong password learns nothing about verification');
    assert.doesNotMatch(decodeEntities(wrongPassword.body), /confirm your e-mail/);
    await noMail();

    const landing = await new ScriptedBrowser().request(resent.link);
    assert.equal((await new ScriptedBrowser().submitForm(landing, {})).status, 200);
    const run = await runAuthorization(server, client, user, pkceParams());
    assert.ok(run.callback?.searchParams.get('code'), 'signed in after verification');
  });

  it('logs carry no link and no token of any mail sent', () => {
    assert.ok(links.length >= 8);
    const log = lines.join('');
    for (const link of links) {
      assert.ok(!log.includes(tokenOf(link)), 'a token appears in the log');
      assert.ok(!log.includes(encodeURIComponent(tokenOf(link))));
    }
    assert.match(log, /password reset mail requested/);
    assert.match(log, /"messageId"/);
  });
});

describe('self-registration is off by default', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse(); });
  after(() => server?.close());

  it('GET and POST /signup answer 404 and the login page offers no sign-up link', async () => {
    assert.equal((await fetch(`${server.issuer}/signup`)).status, 404);
    const post = await fetch(`${server.issuer}/signup`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a&email=a%40b.c&password=long+enough+pass' });
    assert.equal(post.status, 404);
    assert.equal((await server.storage.accounts.findByUsername('a')), null);
    const client = await server.createClient();
    const login = await new ScriptedBrowser().navigate(authorizeUrl(server, client, pkceParams()));
    assert.ok(!login.body.includes('/signup'));
    assert.ok(login.body.includes('Forgot password?'));
  });
});
