// PostgreSQL adapter when connections die: errors surface as StorageUnavailableError and the
// pool recovers by itself, without reopening the storage.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { StorageUnavailableError, type Storage } from '../../src/storage/ports.js';
import { adminQuery, dropSchema, postgresUrl, uniqueSchema } from './postgres-fixture.js';

describe('PostgreSQL adapter failure and recovery', () => {
  const schema = uniqueSchema();
  let storage: Storage;

  before(async () => { storage = await openPostgresStorage(postgresUrl, { schema, poolSize: 4, applicationName: schema }); });
  after(async () => {
    await storage.close();
    await dropSchema(schema);
  });

  it('serves again after its server connections are terminated (pg_terminate_backend)', async () => {
    await Promise.all([storage.ping(), storage.ping(), storage.ping()]);
    const killed = await adminQuery<{ n: number }>(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1', [schema]);
    assert.ok(killed[0]!.n >= 1, 'terminated at least one pooled connection');
    // The first calls may land on a dead connection; each must fail cleanly or succeed.
    for (let i = 0; i < 5; i += 1) {
      await storage.ping().catch((error: unknown) => assert.ok(error instanceof StorageUnavailableError, String(error)));
    }
    await storage.ping();
    assert.equal(await storage.clients.find('nobody'), null);
  });

  it('fails fast with StorageUnavailableError when the server is unreachable', async () => {
    const started = Date.now();
    await assert.rejects(
      openPostgresStorage('postgres://postgres@127.0.0.1:1/test', { schema, connectionTimeoutMillis: 500 }),
      StorageUnavailableError,
    );
    assert.ok(Date.now() - started < 3000);
  });
});
