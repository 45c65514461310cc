// `gatehouse user create|list|delete|set-password|unlock` against a real SQLite file, through the compiled bin.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, tempDatabase, parseJson } from './cli-harness.js';
import { createStorage } from '../../src/storage/create-storage.js';
import { verifyPassword } from '../../src/accounts/password.js';
import { silentLogger } from '../../src/lib/logger.js';
import { usernameSchedule, usernameThrottleKey } from '../../src/accounts/login-throttle.js';

interface UserJson {
  sub: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  name: string | null;
}

describe('gatehouse user', () => {
  const db = tempDatabase();
  const user = (...args: string[]) => runCli(['user', ...args, '--database', db.database]);
  const userWithStdin = (stdin: string, ...args: string[]) => runCli(['user', ...args, '--database', db.database], { stdin });
  after(() => db.remove());

  async function storedHash(username: string): Promise<string> {
    const storage = await createStorage({ databaseUrl: db.database, logger: silentLogger() });
    try {
      const account = await storage.accounts.findByUsername(username);
      assert.ok(account, `account ${username} exists`);
      return account.passwordHash;
    } finally {
      await storage.close();
    }
  }

  it('creates a user from the first line of stdin and stores an argon2id hash of it', async () => {
    const made = parseJson<UserJson>(await userWithStdin('correct horse\nignored line\n',
      'create', '--username', 'alice', '--password-stdin', '--email', 'alice@example.com', '--email-verified', '--name', 'Alice Liddell', '--json'));
    assert.match(made.sub, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...made, sub: 'x' }, { sub: 'x', username: 'alice', email: 'alice@example.com', email_verified: true, name: 'Alice Liddell' });
    const hash = await storedHash('alice');
    assert.match(hash, /^\$argon2id\$/);
    assert.equal(await verifyPassword(hash, 'correct horse'), true);
    assert.equal(await verifyPassword(hash, 'correct horse\nignored line'), false);
  });

  it('creates a user from --password and says so in text', async () => {
    const result = await user('create', '--username', 'bob.smith+test@corp', '--password', 'hunter2hunter2');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Created user 'bob\.smith\+test@corp'/);
    assert.equal(await verifyPassword(await storedHash('bob.smith+test@corp'), 'hunter2hunter2'), true);
  });

  it('refuses a duplicate username with one line and exit code 1', async () => {
    await user('create', '--username', 'carol', '--password', 'password-one');
    assertOneLineError(await user('create', '--username', 'carol', '--password', 'password-two'), 1, /username 'carol' is already taken/);
  });

  const refused: Array<{ name: string; args: string[]; stdin?: string; message: RegExp }> = [
    { name: 'a missing password', args: ['--username', 'dave'], message: /missing password/ },
    { name: 'both password options', args: ['--username', 'dave', '--password', 'longenough', '--password-stdin'], message: /not both/ },
    { name: 'an empty stdin', args: ['--username', 'dave', '--password-stdin'], stdin: '', message: /no password on stdin/ },
    { name: 'a password under 8 characters', args: ['--username', 'dave', '--password', 'short'], message: /at least 8 characters/ },
    { name: 'a username with a space', args: ['--username', 'da ve', '--password', 'longenough'], message: /may contain only/ },
    { name: 'a username over 64 characters', args: ['--username', 'd'.repeat(65), '--password', 'longenough'], message: /at most 64/ },
    { name: 'a missing --username', args: ['--password', 'longenough'], message: /missing --username/ },
    { name: 'a malformed email', args: ['--username', 'dave', '--email', 'dave', '--password', 'longenough'], message: /malformed email/ },
  ];
  for (const { name, args, stdin, message } of refused) {
    it(`refuses ${name} with exit code 2`, async () => {
      assertOneLineError(await userWithStdin(stdin ?? '', 'create', ...args), 2, message);
    });
  }

  it('lists users without password hashes', async () => {
    await user('create', '--username', 'erin', '--password', 'erin-password');
    const listed = parseJson<Array<Record<string, unknown>>>(await user('list', '--json'));
    assert.ok(listed.some((u) => u.username === 'erin'));
    assert.ok(!JSON.stringify(listed).includes('argon2'));
    const table = await user('list');
    assert.match(table.stdout, /^USERNAME\s+SUB/m);
    assert.match(table.stdout, /^erin\s/m);
  });

  it('replaces a password with set-password; the old one stops working', async () => {
    await user('create', '--username', 'frank', '--password', 'old-password');
    const changed = await userWithStdin('new-password\n', 'set-password', 'frank', '--password-stdin');
    assert.equal(changed.code, 0, changed.stderr);
    const hash = await storedHash('frank');
    assert.equal(await verifyPassword(hash, 'new-password'), true);
    assert.equal(await verifyPassword(hash, 'old-password'), false);
  });

  it('refuses set-password for an unknown user (exit 1) or without a password (exit 2)', async () => {
    assertOneLineError(await user('set-password', 'nobody', '--password', 'whatever-1'), 1, /unknown user 'nobody'/);
    assertOneLineError(await user('set-password', 'frank'), 2, /missing password/);
    assertOneLineError(await user('set-password', 'frank', '--password', 'short'), 2, /at least 8/);
  });

  it('deletes a user by username, and fails for an unknown one', async () => {
    await user('create', '--username', 'gina', '--password', 'gina-password');
    const deleted = await user('delete', 'gina');
    assert.equal(deleted.code, 0, deleted.stderr);
    const listed = parseJson<UserJson[]>(await user('list', '--json'));
    assert.equal(listed.some((u) => u.username === 'gina'), false);
    assertOneLineError(await user('delete', 'gina'), 1, /^gatehouse: unknown user 'gina'$/);
  });

  it('unlocks a throttled username so its next sign-in is checked at once, and fails for an unknown one (issue 9)', async () => {
    await user('create', '--username', 'Hank', '--password', 'hank-password');
    const policy = { maxFailures: 5, delay: 30, maxDelay: 900, window: 900, maxFailuresPerAddress: 50 };
    const now = Math.floor(Date.now() / 1000);
    const reserve = async () => {
      const storage = await createStorage({ databaseUrl: db.database, logger: silentLogger() });
      try {
        return await storage.loginThrottle.reserve(usernameThrottleKey('hank'), now, usernameSchedule(policy));
      } finally {
        await storage.close();
      }
    };
    for (let i = 0; i < policy.maxFailures; i++) assert.equal((await reserve()).allowed, true);
    assert.deepEqual(await reserve(), { allowed: false, retryAfter: 30 });
    const result = await user('unlock', 'Hank');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Unlocked 'Hank'/);
    assert.deepEqual(await reserve(), { allowed: true, attempts: 1 });
    assertOneLineError(await user('unlock', 'nobody'), 1, /^gatehouse: unknown user 'nobody'$/);
  });
});
