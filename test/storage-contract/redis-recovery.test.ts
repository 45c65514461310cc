// The Redis layer when Redis goes away: calls fail fast with StorageUnavailableError (no queueing
// behind a dead link) and the same storage serves again once Redis is back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { withRedis } from '../../src/storage/redis/redis-storage.js';
import { StorageUnavailableError, type Storage } from '../../src/storage/ports.js';
import { nowSeconds, sessionRecord } from './fixtures.js';
import {
  deleteRedisKeys, dropSchema, postgresUrl, redisUrl, startTcpProxy, uniqueKeyPrefix, uniqueSchema, type TcpProxy,
} from './postgres-fixture.js';

describe('Redis layer failure and recovery', () => {
  const schema = uniqueSchema();
  const keyPrefix = uniqueKeyPrefix();
  let proxy: TcpProxy;
  let storage: Storage;

  before(async () => {
    proxy = await startTcpProxy(Number(new URL(redisUrl).port || 6379));
    const url = new URL(redisUrl);
    url.port = String(proxy.port);
    storage = await withRedis(await openPostgresStorage(postgresUrl, { schema }), url.toString(), { keyPrefix });
  });
  after(async () => {
    await storage.close();
    await proxy.close();
    await dropSchema(schema);
    await deleteRedisKeys(keyPrefix);
  });

  it('fails fast while Redis is unreachable and serves again once it returns, without reopening', async () => {
    const now = nowSeconds();
    const session = sessionRecord(now);
    await storage.sessions.insert(session);
    await proxy.cut();
    const started = Date.now();
    const outcomes = await Promise.allSettled([
      storage.sessions.find(session.sessionDigest, now), storage.ping(), storage.loginThrottle.reserve('k', now, { free: 1, delays: [], forgetAfter: 60 }),
    ]);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.ok(outcome.reason instanceof StorageUnavailableError, String(outcome.reason));
    }
    // They failed while Redis was still cut, so they did not wait for it; the bound is the 2 s
    // command timeout plus generous room for a loaded machine, far below a hang.
    assert.ok(Date.now() - started < 2000 + 10_000, 'requests fail within the command timeout');
    await proxy.restore();
    // Reconnection is awaited by polling, with a deadline only against a hang.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        assert.equal((await storage.sessions.find(session.sessionDigest, now))?.accountId, session.accountId);
        break;
      } catch (error) {
        if (!(error instanceof StorageUnavailableError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  it('refuses to open with StorageUnavailableError when Redis is unreachable at start', async () => {
    const base = await openPostgresStorage(postgresUrl, { schema });
    try {
      await assert.rejects(withRedis(base, 'redis://127.0.0.1:1', { keyPrefix, timeoutMillis: 500 }), StorageUnavailableError);
    } finally {
      await base.close();
    }
  });
});
