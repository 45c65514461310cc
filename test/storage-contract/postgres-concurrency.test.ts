// PostgreSQL adapter under concurrency: migrations from several nodes at once, and the atomic
// rules (single-use codes, single rotation of refresh tokens) raced across separate pools.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { migrations } from '../../src/storage/postgres/migrations.js';
import type { Storage } from '../../src/storage/ports.js';
import type { AuthorizationCodeRecord, TokenRecord } from '../../src/storage/records.js';
import { adminQuery, dropSchema, postgresUrl, uniqueSchema } from './postgres-fixture.js';

const now = 1_900_000_000;

function code(codeDigest: string, grantId: string): AuthorizationCodeRecord {
  return {
    codeDigest, grantId, clientId: 'client-1', accountId: 'account-1', redirectUri: 'https://rp.example/cb',
    scopes: ['openid'], codeChallenge: null, codeChallengeMethod: null, nonce: null, authTime: now, sid: null,
    createdAt: now, expiresAt: now + 60, consumedAt: null,
  };
}

function token(tokenDigest: string, kind: TokenRecord['kind'], grantId: string): TokenRecord {
  return {
    tokenDigest, kind, grantId, clientId: 'client-1', accountId: 'account-1', scopes: ['openid', 'offline_access'],
    authTime: now, nonce: null, sid: null, createdAt: now, expiresAt: now + 3600, revokedAt: null, rotatedAt: null,
  };
}

describe('PostgreSQL adapter across several nodes', () => {
  const schema = uniqueSchema();
  const nodes: Storage[] = [];

  before(async () => {
    // Three nodes starting together on a fresh schema: all must open, each step applied once.
    const opened = await Promise.all([1, 2, 3].map(() => openPostgresStorage(postgresUrl, { schema, poolSize: 20 })));
    nodes.push(...opened);
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await dropSchema(schema);
  });

  it('applies every migration exactly once when three nodes open a fresh schema at once', async () => {
    const rows = await adminQuery<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    assert.deepEqual(rows.map((r) => r.version), migrations.map((_, i) => i + 1));
  });

  it('lets exactly one of 50 concurrent redemptions across 3 pools use a code (RFC 6749 §4.1.2)', async () => {
    await nodes[0]!.authorizationCodes.insert(code('race-code', 'grant-race'));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      nodes[i % 3]!.authorizationCodes.consume('race-code', now + 1)));
    assert.equal(results.filter((r) => r?.firstUse === true).length, 1);
    assert.equal(results.filter((r) => r?.firstUse === false).length, 49);
    for (const r of results) assert.equal(r?.code.consumedAt, now + 1);
  });

  it('rotates a refresh token exactly once among 50 concurrent uses across 3 pools (RFC 9700 §4.14.2)', async () => {
    await nodes[0]!.tokens.insert([token('race-refresh', 'refresh_token', 'grant-rotate')]);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      nodes[i % 3]!.tokens.rotateRefreshToken('race-refresh', now + 1, [
        token(`race-new-refresh-${i}`, 'refresh_token', 'grant-rotate'),
        token(`race-new-access-${i}`, 'access_token', 'grant-rotate'),
      ])));
    const winners = results.flatMap((r, i) => (r.outcome === 'rotated' ? [i] : []));
    assert.equal(winners.length, 1);
    assert.equal(results.filter((r) => r.outcome === 'reused').length, 49);
    const inserted = await adminQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.tokens WHERE token_digest LIKE 'race-new-%'`);
    assert.equal(inserted[0]!.n, 2, 'only the winner inserted its replacements');
    assert.ok(await nodes[2]!.tokens.find(`race-new-refresh-${winners[0]}`));
  });

  it('lets at most the free login attempts through among 50 concurrent reservations across 3 pools (issue 9)', async () => {
    const at = now;
    const schedule = { free: 5, delays: [30, 60], forgetAfter: 900 };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      nodes[i % 3]!.loginThrottle.reserve('user:race', at, schedule)));
    assert.deepEqual(results.filter((r) => r.allowed).map((r) => r.allowed && r.attempts).sort(), [1, 2, 3, 4, 5]);
    assert.deepEqual(results.filter((r) => !r.allowed), Array(45).fill({ allowed: false, retryAfter: 30 }));
  });
});
