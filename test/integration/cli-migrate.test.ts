// `gatehouse migrate --status`, starting without migrating (`start --no-migrate`, `"migrate": false`)
// and the refusal of a schema newer than the code, on SQLite and on PostgreSQL (issue 9).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrations as sqliteMigrations } from '../../src/storage/sqlite/migrations.js';
import { migrations as postgresMigrations } from '../../src/storage/postgres/migrations.js';
import { freePort } from '../support/free-port.js';
import { testKeyEncryptionKey } from '../support/gatehouse.js';
import { adminQuery, dropSchema, postgresUrl, uniqueSchema } from '../storage-contract/postgres-fixture.js';
import { assertOneLineError, cleanEnv, cliPath, parseJson, runCli, tempDatabase } from './cli-harness.js';

interface StatusJson {
  backend: string;
  database_version: number;
  code_version: number;
  applied: Array<{ version: number; applied_at: string | null }>;
  pending: Array<{ version: number }>;
  unknown: Array<{ version: number }>;
}

interface Backend {
  name: string;
  database: string;
  codeVersion: number;
  /** Whether anything exists yet: the SQLite file, or the PostgreSQL schema. */
  created(): Promise<boolean>;
  /** Records a migration this code does not know, as a newer Gatehouse would have. */
  recordFutureMigration(version: number): Promise<void>;
  remove(): Promise<void>;
}

function sqliteBackend(): Backend & { dir: string } {
  const db = tempDatabase();
  return {
    name: 'SQLite', database: db.database, dir: db.dir, codeVersion: Math.max(...sqliteMigrations.map((m) => m.version)),
    created: async () => existsSync(db.file),
    async recordFutureMigration(version) {
      const file = new Database(db.file);
      try {
        file.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, 'from the future', 1);
      } finally {
        file.close();
      }
    },
    remove: async () => db.remove(),
  };
}

function postgresBackend(): Backend & { dir: string } {
  const schema = uniqueSchema();
  const files = tempDatabase();
  return {
    name: 'PostgreSQL', database: `${postgresUrl}?schema=${schema}`, dir: files.dir, codeVersion: postgresMigrations.length,
    created: async () => (await adminQuery('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).length > 0,
    recordFutureMigration: async (version) => { await adminQuery(`INSERT INTO ${schema}.schema_migrations (version) VALUES ($1)`, [version]); },
    async remove() {
      files.remove();
      await dropSchema(schema);
    },
  };
}

/** Runs `gatehouse start`: resolves 'ready' once it logs its issuer (then stops it), or its exit code and output. */
async function start(args: string[]): Promise<{ ready: boolean; code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'start', '--port', String(port), ...args], {
    // PostgreSQL requires a key-encryption key for the signing keys; SQLite uses it too when given.
    env: cleanEnv({ GATEHOUSE_KEY_ENCRYPTION_KEY: testKeyEncryptionKey }), stdio: 'pipe',
  });
  let output = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    return await new Promise((resolve) => {
      let ready = false;
      const onData = (d: Buffer) => {
        output += d.toString();
        if (!ready && output.includes('Gatehouse ready')) {
          ready = true;
          child.kill('SIGTERM');
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => resolve({ ready, code, output }));
    });
  } finally {
    clearTimeout(killer);
  }
}

for (const backend of [sqliteBackend(), postgresBackend()]) {
  describe(`gatehouse migrate and start on ${backend.name}`, () => {
    const db = ['--database', backend.database];
    const noMigrateConfig = join(backend.dir, 'no-migrate.json');
    writeFileSync(noMigrateConfig, JSON.stringify({ migrate: false }));
    after(() => backend.remove());

    it('migrate --status lists every migration as pending on a fresh database, and creates nothing', async () => {
      const text = await runCli(['migrate', '--status', ...db]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^VERSION\s+NAME\s+STATUS$/m);
      assert.match(text.stdout, /^1\s+.*pending$/m);
      const pendingCount = backend.codeVersion === 1 ? '1 migration' : `${backend.codeVersion} migrations`;
      assert.ok(text.stdout.includes(`${pendingCount} pending (run 'gatehouse migrate')`), text.stdout);
      const json = parseJson<StatusJson>(await runCli(['migrate', '--status', '--json', ...db]));
      assert.equal(json.database_version, 0);
      assert.equal(json.code_version, backend.codeVersion);
      assert.deepEqual(json.pending.map((m) => m.version), Array.from({ length: backend.codeVersion }, (_, i) => i + 1));
      assert.deepEqual(json.applied, []);
      assert.equal(await backend.created(), false);
    });

    it('start --no-migrate and "migrate": false refuse a database with pending migrations, naming gatehouse migrate', async () => {
      for (const args of [['--no-migrate'], ['--config', noMigrateConfig]]) {
        const result = await start([...args, ...db]);
        assert.equal(result.ready, false, result.output);
        assert.equal(result.code, 1, result.output);
        assert.match(result.output, /^gatehouse: .*migrating on open is off .*: run 'gatehouse migrate' first\n$/);
      }
      assertOneLineError(await runCli(['user', 'list', '--config', noMigrateConfig, ...db]), 1, /migrating on open is off/);
      assert.equal(await backend.created(), false, 'refusing created nothing');
    });

    it('after gatehouse migrate, --status lists them applied and start --no-migrate serves', async () => {
      assert.equal((await runCli(['migrate', ...db])).code, 0);
      const json = parseJson<StatusJson>(await runCli(['migrate', '--status', '--json', ...db]));
      assert.equal(json.database_version, backend.codeVersion);
      assert.deepEqual(json.pending, []);
      assert.equal(json.applied.length, backend.codeVersion);
      for (const m of json.applied) assert.match(m.applied_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match((await runCli(['migrate', '--status', ...db])).stdout, /up to date/);
      const started = await start(['--no-migrate', ...db]);
      assert.equal(started.ready, true, started.output);
      assert.equal(started.code, 0, started.output);
    });

    it('refuses a schema newer than the code everywhere, naming both versions, and --status shows why', async () => {
      const future = backend.codeVersion + 1;
      await backend.recordFutureMigration(future);
      const message = new RegExp(`is at schema version ${future}, newer than this Gatehouse, which knows versions up to ${backend.codeVersion}`);
      for (const args of [[], ['--no-migrate']]) {
        const result = await start([...args, ...db]);
        assert.equal(result.ready, false, result.output);
        assert.equal(result.code, 1);
        assert.match(result.output, message);
      }
      assertOneLineError(await runCli(['migrate', ...db]), 1, message);
      assertOneLineError(await runCli(['user', 'list', ...db]), 1, message);
      const status = await runCli(['migrate', '--status', ...db]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, new RegExp(`^${future}\\s+.*unknown to this Gatehouse$`, 'm'));
      const json = parseJson<StatusJson>(await runCli(['migrate', '--status', '--json', ...db]));
      assert.deepEqual(json.unknown.map((m) => m.version), [future]);
    });
  });
}
