// Configuration as an operator meets it through the compiled bin: --version, refused issuers and
// database URLs, strict booleans, and which database a command opened or created (issue 9).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { runCli, assertOneLineError, tempDatabase, cliPath, cleanEnv, parseJson } from './cli-harness.js';
import { freePort } from '../support/free-port.js';

describe('gatehouse configuration and database location', () => {
  const temp = tempDatabase();
  const dir = realpathSync(temp.dir);
  after(() => temp.remove());

  it('prints the version from package.json with --version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `gatehouse ${pkg.version}\n`);
  });

  const refusedStarts: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'an ftp issuer (OIDC Discovery §3)', args: ['--issuer', 'ftp://login.example.com'], message: /issuer: must use https, not ftp/ },
    { name: 'a non-loopback http issuer without the development flag (OIDC Discovery §3, Core §2)', args: ['--issuer', 'http://login.example.com'], message: /issuer: must use https .*allowHttpIssuer/ },
    { name: 'port 0 without an issuer (no issuer with port 0)', args: ['--port', '0'], message: /issuer: port 0 picks a free port/ },
  ];
  for (const { name, args, message } of refusedStarts) {
    it(`start refuses ${name} with one line and exit code 1`, async () => {
      assertOneLineError(await runCli(['start', '--database', temp.database, ...args]), 1, message);
    });
  }

  it("refuses --database sqlite: (an empty path) instead of writing to a throwaway database", async () => {
    assertOneLineError(await runCli(['client', 'list', '--database', 'sqlite:'], { cwd: dir }), 1, /databaseUrl: sqlite: needs a path/);
    assertOneLineError(await runCli(['migrate', '--database', 'sqlite:'], { cwd: dir }), 1, /databaseUrl: sqlite: needs a path/);
  });

  it('refuses "false" for implicitFlow in the config file, and an unknown key, naming both (issue 9)', async () => {
    const file = join(dir, 'strings.json');
    writeFileSync(file, JSON.stringify({ implicitFlow: 'false', implicitFlows: true }));
    assertOneLineError(await runCli(['client', 'list', '--config', file, '--database', temp.database]), 1,
      /implicitFlows: unknown option \(did you mean 'implicitFlow'\?\).*implicitFlow: must be true or false|implicitFlow: must be true or false.*implicitFlows: unknown option/);
    assertOneLineError(await runCli(['client', 'list', '--database', temp.database], { env: { GATEHOUSE_IMPLICIT_FLOW: 'no' } }), 1,
      /GATEHOUSE_IMPLICIT_FLOW: must be true, false, 1 or 0, not 'no'/);
  });

  it('a command that creates a database says so with its absolute path, once (issue 9)', async () => {
    const elsewhere = join(dir, 'another-folder');
    mkdirSync(elsewhere);
    const expected = join(elsewhere, 'data', 'gatehouse.db');
    // The default sqlite:./data/gatehouse.db, run from a folder that has none.
    const first = await runCli(['client', 'create', '--name', 'Here', '--redirect-uri', 'https://a.example/cb', '--json'], { cwd: elsewhere });
    parseJson(first);
    assert.equal(first.stderr, `gatehouse: created a new database at ${expected}\n`);
    assert.ok(existsSync(expected));
    const second = await runCli(['client', 'list', '--json'], { cwd: elsewhere });
    assert.equal(parseJson<unknown[]>(second).length, 1);
    assert.equal(second.stderr, '', 'an existing database is not announced');
  });

  it('start logs the absolute database path, announces a new one, and takes an http issuer with --allow-http-issuer', async () => {
    const port = await freePort();
    const cwd = join(dir, 'server-folder');
    mkdirSync(cwd);
    const issuer = `http://gatehouse.test:${port}`;
    const child = spawn(process.execPath, [cliPath, 'start', '--port', String(port), '--issuer', issuer, '--allow-http-issuer',
      '--database', 'sqlite:./db/server.db'], { env: cleanEnv(), cwd, stdio: 'pipe' });
    let output = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          if (output.includes('Gatehouse ready')) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`start exited early: ${output}`)));
      });
      const file = join(cwd, 'db', 'server.db');
      const lines = output.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; database?: string });
      assert.ok(lines.some((l) => l.msg === `Created a new database at ${file}` && l.database === file), output);
      const ready = lines.find((l) => l.msg.startsWith('Gatehouse ready'));
      assert.equal(ready?.database, file);
      assert.match(ready?.msg ?? '', new RegExp(`issuer ${issuer} .*database ${file}$`));
      const metadata = await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json() as { issuer: string };
      assert.equal(metadata.issuer, issuer);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0, output);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});
