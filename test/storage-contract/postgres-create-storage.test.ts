// createStorage picks the adapter from the configured URLs: postgres:// (with ?schema=) for the
// durable records and, when a Redis URL is set, Redis for the short-lived ones.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createStorage } from '../../src/storage/create-storage.js';
import { silentLogger } from '../../src/lib/logger.js';
import { clientRecord, nowSeconds, sessionRecord } from './fixtures.js';
import { adminQuery, deleteRedisKeys, dropSchema, postgresUrl, redisUrl, uniqueKeyPrefix, uniqueSchema } from './postgres-fixture.js';

describe('createStorage with PostgreSQL and Redis URLs', () => {
  const schema = uniqueSchema();
  const redisKeyPrefix = uniqueKeyPrefix();
  after(async () => {
    await dropSchema(schema);
    await deleteRedisKeys(redisKeyPrefix);
  });

  it('stores clients in the PostgreSQL schema named in the URL and sessions in Redis', async () => {
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    const storage = await createStorage({
      databaseUrl: url.toString().replace(/^postgres:/, 'postgresql:'), redisUrl, redisKeyPrefix, logger: silentLogger(),
    });
    const redis = new Redis(redisUrl);
    try {
      const client = clientRecord();
      await storage.clients.insert(client);
      const session = sessionRecord(nowSeconds());
      await storage.sessions.insert(session);
      const rows = await adminQuery(`SELECT client_id FROM ${schema}.clients`);
      assert.deepEqual(rows, [{ client_id: client.clientId }]);
      assert.deepEqual(await adminQuery(`SELECT * FROM ${schema}.sessions`), []);
      assert.equal(await redis.exists(`${redisKeyPrefix}session:${session.sessionDigest}`), 1);
    } finally {
      redis.disconnect();
      await storage.close();
    }
  });

  it('rejects an unknown database URL scheme', async () => {
    await assert.rejects(createStorage({ databaseUrl: 'mysql://h/db', logger: silentLogger() }), /unsupported database URL scheme/);
  });
});
