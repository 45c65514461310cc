// signingKeys.watch: a key written through another connection — another node, the CLI — is
// reported within about a second on SQLite (PRAGMA data_version) and PostgreSQL (LISTEN/NOTIFY,
// surviving a dropped connection), so every JWKS shows a rotation at once (issue 9).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { adminQuery, dropSchema, postgresUrl, uniqueSchema } from './postgres-fixture.js';
import { nowSeconds, signingKeyRecord } from './fixtures.js';

/** Generous on a shared machine; the notices themselves come within ~250 ms. */
const deadlineMs = 10_000;

/** Counts notices and waits for the next one. */
function watcher(storage: Storage) {
  let count = 0;
  let wake: (() => void) | undefined;
  const stop = storage.signingKeys.watch(() => { count++; wake?.(); });
  return {
    get count() { return count; },
    stop,
    /** Resolves once `count` exceeds `seen`, rejects after the deadline. */
    async after(seen: number, what: string): Promise<void> {
      const deadline = Date.now() + deadlineMs;
      while (count <= seen) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no change notice within ${deadlineMs} ms after ${what}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => { clearTimeout(timer); resolve(); };
        });
      }
    },
  };
}

/** Lets notices in flight arrive, so a test starts from a quiet watcher. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe('signing key change notices on SQLite (issue 9)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-key-changes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a key inserted or retired through another connection to the file, and its own writes', async () => {
    const file = join(dir, 'shared.db');
    const node = await openSqliteStorage(file);
    const cli = await openSqliteStorage(file);
    try {
      const seen = watcher(node);
      await settle();
      const before = seen.count;
      const key = signingKeyRecord(nowSeconds());
      await cli.signingKeys.insert(key);
      await seen.after(before, 'an insert by another connection');
      const afterInsert = seen.count;
      await cli.signingKeys.retire(key.kid, nowSeconds() + 60, nowSeconds() + 600);
      await seen.after(afterInsert, 'a retirement by another connection');
      const afterRetire = seen.count;
      await node.signingKeys.insert(signingKeyRecord(nowSeconds()));
      assert.ok(seen.count > afterRetire, 'its own insert is reported at once');
      seen.stop();
    } finally {
      await cli.close();
      await node.close();
    }
  });
});

describe('signing key change notices on PostgreSQL (issue 9)', () => {
  const schema = uniqueSchema();
  const other = uniqueSchema();
  after(async () => {
    await dropSchema(schema);
    await dropSchema(other);
  });

  it('reports a key written by another node through NOTIFY, not one of another schema, and again after its listening connection is killed', async () => {
    const node = await openPostgresStorage(postgresUrl, { schema, applicationName: schema, poolSize: 2 });
    const cli = await openPostgresStorage(postgresUrl, { schema, poolSize: 1 });
    const elsewhere = await openPostgresStorage(postgresUrl, { schema: other, poolSize: 1 });
    try {
      const seen = watcher(node);
      // The first connect counts as a change (anything before LISTEN went unannounced).
      await seen.after(0, 'the listener connected');
      await settle();
      const quiet = seen.count;
      await elsewhere.signingKeys.insert(signingKeyRecord(nowSeconds()));
      await settle();
      assert.equal(seen.count, quiet, 'a key of another schema is not this store\'s change');

      await cli.signingKeys.insert(signingKeyRecord(nowSeconds()));
      await seen.after(quiet, 'an insert by another node');

      await settle();
      const beforeKill = seen.count;
      const killed = await adminQuery<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1', [`${schema}:key-changes`]);
      assert.equal(killed[0]!.n, 1, 'one listening connection');
      // Reconnecting counts as a change: notices sent while it was away are lost.
      await seen.after(beforeKill, 'the listener reconnected');
      await settle();
      const reconnected = seen.count;
      await cli.signingKeys.insert(signingKeyRecord(nowSeconds()));
      await seen.after(reconnected, 'an insert after the reconnect');
      seen.stop();
    } finally {
      await elsewhere.close();
      await cli.close();
      await node.close();
    }
  });
});
