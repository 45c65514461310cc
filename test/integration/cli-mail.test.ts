// `gatehouse mail test --to ADDRESS` through the compiled bin, against a real SMTP server run by the test.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cliPath, cleanEnv, runCli, tempDatabase, parseJson } from './cli-harness.js';
import { freePort } from '../support/free-port.js';
import { createStorage } from '../../src/storage/create-storage.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

describe('gatehouse mail test', () => {
  let smtp: TestSmtpServer;
  const db = tempDatabase();
  before(async () => { smtp = await startSmtpServer(); });
  after(async () => { await smtp.close(); db.remove(); });

  it('sends a test mail (text and HTML parts) through the SMTP server of GATEHOUSE_MAIL_URL', async () => {
    const result = await runCli(['mail', 'test', '--to', 'ops@example.com', '--database', db.database], {
      env: { GATEHOUSE_MAIL_URL: smtp.url, GATEHOUSE_MAIL_FROM: 'Login <login@example.com>' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Sent a test mail to ops@example\.com through smtp:\/\/127\.0\.0\.1:/);
    const mail = await smtp.nextMail();
    assert.deepEqual(mail.to, ['ops@example.com']);
    assert.equal(mail.from, 'login@example.com');
    assert.match(mail.decoded, /Content-Type: text\/plain/i);
    assert.match(mail.decoded, /Content-Type: text\/html/i);
    assert.match(mail.decoded, /gatehouse mail test/);
  });

  it('writes an .eml file (mode 0600) with a file: mail URL and names its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-mail-'));
    try {
      const result = await runCli(['mail', 'test', '--to', 'ops@example.com', '--database', db.database], { env: { GATEHOUSE_MAIL_URL: `file:${dir}/out` } });
      assert.equal(result.code, 0, result.stderr);
      const files = readdirSync(join(dir, 'out'));
      assert.equal(files.length, 1);
      assert.match(files[0]!, /\.eml$/);
      assert.equal(statSync(join(dir, 'out', files[0]!)).mode & 0o777, 0o600);
      assert.match(readFileSync(join(dir, 'out', files[0]!), 'utf8'), /To: ops@example\.com/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with one line when the SMTP server cannot be reached, and refuses a bad mail URL', async () => {
    const down = await runCli(['mail', 'test', '--to', 'ops@example.com', '--database', db.database], { env: { GATEHOUSE_MAIL_URL: 'smtp://127.0.0.1:1' } });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /mail to ops@example\.com through smtp:\/\/127\.0\.0\.1:1 failed/);
    const bad = await runCli(['mail', 'test', '--to', 'ops@example.com', '--database', db.database], { env: { GATEHOUSE_MAIL_URL: 'http://mail' } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /mailUrl must be smtp:\/\/, smtps:\/\/ or file:<dir>/);
  });

  it('OIDC Core §5.1 email_verified: user create --email-verified, and user verify-email marks an address verified and lets a self-registered account sign in', async () => {
    const created = parseJson<{ email_verified: boolean }>(await runCli(['user', 'create', '--username', 'verified-at-birth', '--password', 'long enough pass',
      '--email', 'v@example.com', '--email-verified', '--json', '--database', db.database]));
    assert.equal(created.email_verified, true);
    const storage = await createStorage({ databaseUrl: db.database, logger: silentLogger() });
    try {
      await storage.accounts.insert({
        accountId: 'self-registered-1', username: 'newcomer', passwordHash: 'x', email: 'n@example.com', emailVerified: false, name: null,
        profile: {}, verifyBeforeLogin: true, createdAt: 1, updatedAt: 1,
      });
    } finally {
      await storage.close();
    }
    const result = await runCli(['user', 'verify-email', 'newcomer', '--database', db.database]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Marked n@example\.com of 'newcomer' as verified/);
    const reopened = await createStorage({ databaseUrl: db.database, logger: silentLogger() });
    try {
      const account = await reopened.accounts.findByUsername('newcomer');
      assert.equal(account!.emailVerified, true);
      assert.equal(account!.verifyBeforeLogin ?? false, false);
    } finally {
      await reopened.close();
    }
    const unknown = await runCli(['user', 'verify-email', 'nobody', '--database', db.database]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown user 'nobody'/);
  });

  it('start --allow-signup serves /signup (off by default: 404), with the mails going to GATEHOUSE_MAIL_URL', async () => {
    for (const [flags, status] of [[[], 404], [['--allow-signup'], 200]] as const) {
      const port = await freePort();
      const child = spawn(process.execPath, [cliPath, 'start', '--port', String(port), '--database', db.database, ...flags],
        { env: cleanEnv({ GATEHOUSE_MAIL_URL: smtp.url }), stdio: 'pipe' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        let output = '';
        await new Promise<void>((resolve, reject) => {
          const onData = (d: Buffer) => { output += d.toString(); if (output.includes(`http://localhost:${port}`)) resolve(); };
          child.stdout.on('data', onData);
          child.stderr.on('data', onData);
          child.on('exit', () => reject(new Error(`start exited early: ${output}`)));
        });
        assert.equal((await fetch(`http://127.0.0.1:${port}/signup`)).status, status);
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      } finally {
        clearTimeout(killer);
        child.kill('SIGKILL');
      }
    }
  });
});
