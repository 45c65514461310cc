// The `gatehouse` command as a whole: help, usage errors, global options, migrate and start.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { runCli, assertOneLineError, tempDatabase, parseJson, cliPath, cleanEnv } from './cli-harness.js';

describe('gatehouse', () => {
  const db = tempDatabase();
  after(() => db.remove());

  const helps = [
    [], ['start'], ['migrate'], ['client'], ['client', 'create'], ['client', 'list'], ['client', 'delete'],
    ['user'], ['user', 'create'], ['user', 'list'], ['user', 'delete'], ['user', 'set-password'],
    ['keys'], ['keys', 'list'], ['keys', 'rotate'],
  ];
  for (const command of helps) {
    it(`prints usage for 'gatehouse ${[...command, '--help'].join(' ')}' and exits 0`, async () => {
      const result = await runCli([...command, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^Usage: gatehouse ${command.join(' ')}`));
      assert.equal(result.stderr, '');
    });
  }

  it('shows the global options in every command help', async () => {
    const result = await runCli(['client', 'list', '--help']);
    for (const option of ['--database', '--redis', '--config', 'GATEHOUSE_DATABASE_URL']) assert.ok(result.stdout.includes(option), option);
  });

  const usageErrors: Array<{ args: string[]; message: RegExp }> = [
    { args: [], message: /missing command/ },
    { args: ['frobnicate'], message: /unknown command 'frobnicate'/ },
    { args: ['client'], message: /missing command after 'client'/ },
    { args: ['client', 'frobnicate'], message: /unknown command 'client frobnicate'/ },
    { args: ['keys', 'list', '--verbose'], message: /unknown option '--verbose' \(see 'gatehouse keys list --help'\)/ },
    { args: ['user', 'list', '--database'], message: /option '--database' needs a value/ },
    { args: ['migrate', 'now'], message: /unexpected argument 'now'/ },
    { args: ['start', '--port', 'http'], message: /--port must be a number/ },
  ];
  for (const { args, message } of usageErrors) {
    it(`rejects 'gatehouse ${args.join(' ')}' with one line and exit code 2`, async () => {
      assertOneLineError(await runCli(args), 2, message);
    });
  }

  it('migrate creates the schema and is idempotent', async () => {
    const first = await runCli(['migrate', '--database', db.database]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /schema is up to date/);
    assert.ok(existsSync(db.file));
    const second = await runCli(['migrate', '--database', db.database]);
    assert.equal(second.code, 0, second.stderr);
  });

  it('reads the database from GATEHOUSE_DATABASE_URL, and --database wins over it', async () => {
    const other = tempDatabase();
    try {
      await runCli(['user', 'create', '--username', 'env-user', '--password', 'env-password'], { env: { GATEHOUSE_DATABASE_URL: db.database } });
      const fromEnv = parseJson<Array<{ username: string }>>(await runCli(['user', 'list', '--json'], { env: { GATEHOUSE_DATABASE_URL: db.database } }));
      assert.ok(fromEnv.some((u) => u.username === 'env-user'));
      const fromFlag = parseJson<unknown[]>(await runCli(['user', 'list', '--json', '--database', other.database], { env: { GATEHOUSE_DATABASE_URL: db.database } }));
      assert.deepEqual(fromFlag, []);
    } finally {
      other.remove();
    }
  });

  it('reports an invalid configuration file and an unsupported database on one line with exit code 1', async () => {
    const config = join(db.dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ port: 'eighty', logLevel: 'loud' }));
    assertOneLineError(await runCli(['user', 'list', '--config', config]), 1, /invalid configuration: port: .*; logLevel: /);
    assertOneLineError(await runCli(['user', 'list', '--config', join(db.dir, 'missing.json')]), 1, /cannot read config file/);
    assertOneLineError(await runCli(['user', 'list', '--database', 'mysql://localhost/x']), 1, /cannot open mysql:\/\/localhost\/x/);
  });

  async function freePort(): Promise<number> {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    return port;
  }

  it('start serves the issuer, and SIGTERM drains and exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [cliPath, 'start', '--port', String(port), '--database', db.database], { env: cleanEnv(), stdio: 'pipe' });
    let output = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          if (output.includes(`http://localhost:${port}`)) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`start exited early: ${output}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
      assert.equal(response.status, 200);
      const metadata = (await response.json()) as { issuer: string; jwks_uri: string };
      assert.equal(metadata.issuer, `http://localhost:${port}`);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, output);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});
