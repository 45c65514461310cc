// The Redis layer across several nodes: single-use codes under a race, and a revocation on one
// node seen by the consume script on another (RFC 6749 §4.1.2).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { withRedis } from '../../src/storage/redis/redis-storage.js';
import type { Storage } from '../../src/storage/ports.js';
import { deleteAccount, deleteClient } from '../../src/oauth/lifecycle.js';
import { accountRecord, clientRecord, codeRecord, grantRecord, nowSeconds, sessionRecord } from './fixtures.js';
import { deleteRedisKeys, dropSchema, postgresUrl, redisUrl, uniqueKeyPrefix, uniqueSchema } from './postgres-fixture.js';

describe('PostgreSQL + Redis across several nodes', () => {
  const schema = uniqueSchema();
  const keyPrefix = uniqueKeyPrefix();
  const nodes: Storage[] = [];

  before(async () => {
    for (let i = 0; i < 3; i += 1) {
      nodes.push(await withRedis(await openPostgresStorage(postgresUrl, { schema, poolSize: 4 }), redisUrl, { keyPrefix }));
    }
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await dropSchema(schema);
    await deleteRedisKeys(keyPrefix);
  });

  it('lets exactly one of 50 concurrent redemptions across 3 connections use a code (RFC 6749 §4.1.2)', async () => {
    const now = nowSeconds();
    const code = codeRecord(grantRecord(), now);
    await nodes[0]!.authorizationCodes.insert(code);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      nodes[i % 3]!.authorizationCodes.consume(code.codeDigest, now + 1)));
    assert.equal(results.filter((r) => r?.firstUse === true).length, 1);
    assert.equal(results.filter((r) => r?.firstUse === false).length, 49);
    for (const r of results) assert.deepEqual(r?.code, { ...code, consumedAt: now + 1 });
  });

  it('treats a code as consumed once another node revoked its grant, even a code stored after it', async () => {
    const now = nowSeconds();
    const grant = grantRecord();
    await nodes[0]!.grants.insert(grant);
    const before = codeRecord(grant, now);
    await nodes[0]!.authorizationCodes.insert(before);
    await nodes[1]!.grants.revoke(grant.grantId, now + 2);
    const after = codeRecord(grant, now + 3);
    await nodes[0]!.authorizationCodes.insert(after);
    for (const code of [before, after]) {
      const result = await nodes[2]!.authorizationCodes.consume(code.codeDigest, now + 4);
      assert.equal(result?.firstUse, false);
      assert.equal(result?.code.consumedAt, now + 2);
    }
  });

  it('blocks codes and ends Redis sessions when an account or client is deleted on another node', async () => {
    const now = nowSeconds();
    const account = accountRecord();
    const client = clientRecord();
    await nodes[0]!.accounts.insert(account);
    await nodes[0]!.clients.insert(client);
    const session = sessionRecord(now, { accountId: account.accountId });
    await nodes[0]!.sessions.insert(session);
    const ofAccount = codeRecord(grantRecord({ accountId: account.accountId }), now);
    const ofClient = codeRecord(grantRecord({ clientId: client.clientId }), now);
    await nodes[0]!.authorizationCodes.insert(ofAccount);
    await nodes[0]!.authorizationCodes.insert(ofClient);
    assert.equal(await deleteAccount(account.accountId, { storage: nodes[1]!, clock: () => now }), true);
    assert.equal(await deleteClient(client.clientId, { storage: nodes[1]!, clock: () => now }), true);
    assert.equal(await nodes[2]!.sessions.find(session.sessionDigest, now), null);
    assert.equal((await nodes[2]!.authorizationCodes.consume(ofAccount.codeDigest, now + 1))?.firstUse, false);
    assert.equal((await nodes[2]!.authorizationCodes.consume(ofClient.codeDigest, now + 1))?.firstUse, false);
  });

  it('lets at most the free login attempts through among 50 concurrent reservations across 3 connections (issue 9)', async () => {
    const at = nowSeconds();
    const schedule = { free: 5, delays: [30, 60], forgetAfter: 900 };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      nodes[i % 3]!.loginThrottle.reserve('user:race', at, schedule)));
    assert.deepEqual(results.filter((r) => r.allowed).map((r) => r.allowed && r.attempts).sort(), [1, 2, 3, 4, 5]);
    assert.deepEqual(results.filter((r) => !r.allowed), Array(45).fill({ allowed: false, retryAfter: 30 }));
  });
});
