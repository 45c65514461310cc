// `--password-stdin` for real: a pipe gives the first line, no prompt; a terminal (a real
// pseudo-terminal made by util-linux `script`) gets a prompt, twice, and nothing typed is echoed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { runCli, tempDatabase, cliPath, cleanEnv } from './cli-harness.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { verifyPassword } from '../../src/accounts/password.js';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

interface TerminalRun { code: number | null; output: string }

/**
 * Runs the bin inside `script`, so its stdin, stdout and stderr are a pseudo-terminal; answers
 * each prompt with the next of `answers` once it shows, and returns everything the terminal showed.
 */
function runOnTerminal(args: string[], answers: string[]): Promise<TerminalRun> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, cliPath, ...args].map(quote).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env: cleanEnv({ SHELL: '/bin/sh' }), stdio: 'pipe' });
    let output = '';
    let prompts = 0;
    const onData = (d: Buffer) => {
      output += d.toString();
      // Answer each prompt once it has appeared ("Password: ", then "Repeat password: ").
      const shown = output.match(/[Pp]assword: /g)?.length ?? 0;
      while (prompts < shown && prompts < answers.length) child.stdin.write(answers[prompts++] ?? '');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('gatehouse user --password-stdin', () => {
  const db = tempDatabase();
  before(async () => {
    const migrated = await runCli(['migrate', '--database', db.database]);
    assert.equal(migrated.code, 0, migrated.stderr);
  });
  after(() => db.remove());

  async function storedHash(username: string): Promise<string> {
    const storage = await openSqliteStorage(db.file);
    try {
      return (await storage.accounts.findByUsername(username))?.passwordHash ?? '';
    } finally {
      await storage.close();
    }
  }

  it('reads the first line of a pipe, without a prompt', async () => {
    const result = await runCli(['user', 'create', '--username', 'piped', '--password-stdin', '--database', db.database],
      { stdin: 'first-line-password\r\nsecond line\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no prompt when stdin is not a terminal');
    assert.ok(await verifyPassword(await storedHash('piped'), 'first-line-password'));
  });

  it('prompts twice on a terminal and echoes nothing typed (issue 9)', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
    // Backspace (DEL) edits: "terminal-secrex" minus one, plus "t1".
    const run = await runOnTerminal(['user', 'create', '--username', 'typed', '--password-stdin', '--database', db.database],
      ['terminal-secrex\u007ft1\r', 'terminal-secret1\r']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Password: /);
    assert.match(run.output, /Repeat password: /);
    assert.doesNotMatch(run.output, /secre/, 'nothing typed appears on the terminal');
    assert.ok(await verifyPassword(await storedHash('typed'), 'terminal-secret1'));
  });

  it('echoes nothing when both answers are pasted at once, ahead of the second prompt', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
    const run = await runOnTerminal(['user', 'create', '--username', 'pasted', '--password-stdin', '--database', db.database],
      ['pasted-secret-9\rpasted-secret-9\r']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Repeat password: /);
    assert.doesNotMatch(run.output, /pasted-secret/, 'nothing typed appears on the terminal');
    assert.ok(await verifyPassword(await storedHash('pasted'), 'pasted-secret-9'));
  });

  it('refuses two different passwords on a terminal and stores nothing', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
    const run = await runOnTerminal(['user', 'set-password', 'typed', '--password-stdin', '--database', db.database],
      ['another-password\r', 'another-passwort\r']);
    assert.equal(run.code, 2, run.output);
    assert.match(run.output, /gatehouse: the two passwords do not match/);
    assert.ok(await verifyPassword(await storedHash('typed'), 'terminal-secret1'), 'the old password stays');
  });

  it("takes '--' before a username that starts with '-', in set-password and delete (issue 9)", async () => {
    const created = await runCli(['user', 'create', '--username=-dash', '--password-stdin', '--database', db.database], { stdin: 'dash-password-1\n' });
    assert.equal(created.code, 0, created.stderr);
    const changed = await runCli(['user', 'set-password', '--password-stdin', '--database', db.database, '--', '-dash'], { stdin: 'dash-password-2\n' });
    assert.equal(changed.code, 0, changed.stderr);
    assert.ok(await verifyPassword(await storedHash('-dash'), 'dash-password-2'));
    const deleted = await runCli(['user', 'delete', '--database', db.database, '--', '-dash']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(await storedHash('-dash'), '');
  });
});
