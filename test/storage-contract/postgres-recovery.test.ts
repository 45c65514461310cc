// PostgreSQL adapter when connections die: errors surface as StorageUnavailableError and the
// pool recovers by itself, without reopening the storage.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { StorageUnavailableError, type Storage } from '../../src/storage/ports.js';
import { adminQuery, dropSchema, postgresUrl, startTcpProxy, uniqueSchema } from './postgres-fixture.js';
import { clientRecord } from './fixtures.js';

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

  it('fails fast while the database is unreachable and serves again once it returns, without reopening', async () => {
    const proxy = await startTcpProxy(5432);
    const url = new URL(postgresUrl);
    url.port = String(proxy.port);
    const viaProxy = await openPostgresStorage(url.toString(), { schema, poolSize: 4 });
    try {
      const client = clientRecord();
      await viaProxy.clients.insert(client);
      await proxy.cut();
      const started = Date.now();
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => viaProxy.clients.find(client.clientId)));
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'rejected');
        assert.ok(outcome.reason instanceof StorageUnavailableError, String(outcome.reason));
      }
      // They failed while the server was still cut, so they did not wait for it; the bound is the
      // 2 s connection timeout plus generous room for a loaded machine, far below a hang.
      assert.ok(Date.now() - started < 2000 + 10_000, 'requests fail within the connection timeout');
      await proxy.restore();
      // Reconnection is awaited by polling, with a deadline only against a hang.
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          assert.equal((await viaProxy.clients.find(client.clientId))?.clientId, client.clientId);
          break;
        } catch (error) {
          if (!(error instanceof StorageUnavailableError) || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('fails fast with StorageUnavailableError when the server is unreachable at start', async () => {
    const started = Date.now();
    await assert.rejects(
      openPostgresStorage('postgres://postgres@127.0.0.1:1/test', { schema, connectionTimeoutMillis: 500 }),
      StorageUnavailableError,
    );
    assert.ok(Date.now() - started < 500 + 10_000, 'refused within the 500 ms connection timeout (plus room for a loaded machine)');
  });
});
