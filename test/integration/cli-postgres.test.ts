// The same `gatehouse` commands against real PostgreSQL (and Redis), in a schema of their own.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, parseJson } from './cli-harness.js';
import { postgresUrl, redisUrl, uniqueSchema, dropSchema, adminQuery } from '../storage-contract/postgres-fixture.js';
import { freePort, testKeyEncryptionKey } from '../support/gatehouse.js';

describe('gatehouse on PostgreSQL', () => {
  const schema = uniqueSchema();
  const database = `${postgresUrl}?schema=${schema}`;
  const kek = { GATEHOUSE_KEY_ENCRYPTION_KEY: testKeyEncryptionKey };
  const cli = (...args: string[]) => runCli([...args, '--database', database, '--redis', redisUrl], { env: kek });
  after(() => dropSchema(schema));

  it('migrates into the named schema', async () => {
    const result = await cli('migrate');
    assert.equal(result.code, 0, result.stderr);
    const tables = await adminQuery('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
    assert.ok(tables.length > 0, 'tables were created');
  });

  it('creates and lists a client, a user and a signing key; the secret is stored only as a digest', async () => {
    const client = parseJson<{ client_id: string; client_secret: string }>(
      await cli('client', 'create', '--name', 'PG App', '--redirect-uri', 'https://pg.example/cb', '--json'));
    const user = await runCli(['user', 'create', '--username', 'pg-user', '--password-stdin', '--database', database], { stdin: 'pg-password\n', env: kek });
    assert.equal(user.code, 0, user.stderr);
    const clients = parseJson<Array<{ client_id: string }>>(await cli('client', 'list', '--json'));
    assert.deepEqual(clients.map((c) => c.client_id), [client.client_id]);
    const users = parseJson<Array<{ username: string }>>(await cli('user', 'list', '--json'));
    assert.deepEqual(users.map((u) => u.username), ['pg-user']);
    const keys = parseJson<Array<{ status: string }>>(await cli('keys', 'list', '--json'));
    assert.deepEqual(keys.map((k) => k.status), ['active', 'active', 'active', 'active'], 'one key per signing algorithm');

    const dump = await adminQuery(`SELECT row_to_json(c)::text AS row FROM ${schema}.clients c`);
    const text = dump.map((r) => String(r.row)).join('\n');
    assert.ok(text.includes(client.client_id));
    assert.ok(!text.includes(client.client_secret));
  });

  it('stores the signing keys sealed: their rows hold no private key material (issue 9)', async () => {
    const rows = await adminQuery(`SELECT row_to_json(k)::text AS row, private_key FROM ${schema}.signing_keys k`);
    assert.equal(rows.length, 4, 'one key per signing algorithm');
    for (const row of rows) {
      const text = String(row.row);
      assert.match(String(row.private_key), /^gh1\.[0-9a-f]{16}\./);
      assert.ok(!text.includes('\\"d\\"') && !text.includes('"d":') && !text.includes('PRIVATE KEY'), text);
    }
  });

  it('refuses to start or open the keys without a key-encryption key, saying which option to set (issue 9)', async () => {
    const port = String(await freePort());
    const started = await runCli(['start', '--port', port, '--database', database]);
    assertOneLineError(started, 1, /key-encryption key is required with postgres: set keyEncryptionKey \(env GATEHOUSE_KEY_ENCRYPTION_KEY/);
    assertOneLineError(await runCli(['keys', 'rotate', '--database', database]), 1, /key-encryption key is required/);
  });

  it('refuses a duplicate username with exit code 1', async () => {
    assertOneLineError(await cli('user', 'create', '--username', 'pg-user', '--password', 'another-pass'), 1, /already taken/);
  });

  it('reports an unreachable database on one line with exit code 1, without the password', async () => {
    const result = await runCli(['user', 'list', '--database', 'postgres://root:s3cret@127.0.0.1:1/test']);
    assertOneLineError(result, 1, /^gatehouse: cannot open postgres:\/\/root:\*\*\*@127\.0\.0\.1:1\/test/);
    assert.ok(!result.stderr.includes('s3cret'));
  });
});
