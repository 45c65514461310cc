// Contract for access and refresh tokens: lookup by digest, revocation, and refresh token
// rotation with reuse detection (RFC 6749 §10.4, RFC 9700 §4.14.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../src/storage/ports.js';
import type { GrantRecord, TokenRecord } from '../../src/storage/records.js';
import type { ContractContext } from './contract.js';
import { grantRecord, nowSeconds, randomDigest, tokenRecord } from './fixtures.js';

async function liveRefreshToken(storage: Storage, now: number): Promise<{ grant: GrantRecord; refresh: TokenRecord }> {
  const grant = grantRecord();
  await storage.grants.insert(grant);
  const refresh = tokenRecord(grant, 'refresh_token', now);
  await storage.tokens.insert([tokenRecord(grant, 'access_token', now), refresh]);
  return { grant, refresh };
}

function replacementsFor(grant: GrantRecord, now: number): TokenRecord[] {
  return [tokenRecord(grant, 'access_token', now), tokenRecord(grant, 'refresh_token', now)];
}

async function assertAbsent(storage: Storage, tokens: TokenRecord[]): Promise<void> {
  for (const token of tokens) assert.equal(await storage.tokens.find(token.tokenDigest), null);
}

export function describeTokenContract({ storage, options }: ContractContext): void {
  describe('tokens', () => {
    it('finds each token of a batch exactly as inserted', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const machine = grantRecord({ accountId: null });
      await storage().grants.insert(machine);
      const batch = [
        tokenRecord(grant, 'access_token', now),
        tokenRecord(grant, 'refresh_token', now),
        tokenRecord(machine, 'access_token', now, { authTime: null, scopes: [] }),
      ];
      await storage().tokens.insert(batch);
      for (const token of batch) assert.deepEqual(await storage().tokens.find(token.tokenDigest), token);
    });

    it('keeps the claims request a token carries, through insert, rotation and the redemption of a code (OIDC Core §5.5)', async () => {
      const now = nowSeconds();
      const claims = JSON.stringify({ userinfo: { given_name: { essential: true } }, id_token: { address: null } });
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const refresh = tokenRecord(grant, 'refresh_token', now, { claims });
      await storage().tokens.insert([tokenRecord(grant, 'access_token', now, { claims }), refresh]);
      assert.equal((await storage().tokens.find(refresh.tokenDigest))?.claims, claims);
      const replacements = [tokenRecord(grant, 'access_token', now + 1, { claims }), tokenRecord(grant, 'refresh_token', now + 1, { claims })];
      const rotated = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 1, replacements);
      assert.equal(rotated.outcome === 'rotated' && rotated.previous.claims, claims);
      for (const token of replacements) assert.deepEqual(await storage().tokens.find(token.tokenDigest), token);
    });

    it('keeps an exchanged access token\'s act, nested delegation included, through insert and rotation (RFC 8693 §4.1)', async () => {
      const now = nowSeconds();
      const act = { sub: 'gateway', client_id: 'gateway', act: { sub: 'https://idp.example#svc', act: { sub: 'first' } } };
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const refresh = tokenRecord(grant, 'refresh_token', now);
      const delegated = tokenRecord(grant, 'access_token', now, { act });
      await storage().tokens.insert([delegated, refresh]);
      assert.deepEqual((await storage().tokens.find(delegated.tokenDigest))?.act, act);
      const replacements = [tokenRecord(grant, 'access_token', now + 1, { act: { sub: 'other' } }), tokenRecord(grant, 'refresh_token', now + 1)];
      await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 1, replacements);
      for (const token of replacements) assert.deepEqual(await storage().tokens.find(token.tokenDigest), token);
      assert.equal((await storage().tokens.find(refresh.tokenDigest))?.act, null, 'a token without act reads back null');
    });

    it('keeps the external subject of an exchanged token with no local account (RFC 8693 §3)', async () => {
      const now = nowSeconds();
      const grant = grantRecord({ accountId: null });
      await storage().grants.insert(grant);
      const exchanged = tokenRecord(grant, 'access_token', now, { authTime: null, subject: 'https://idp.example#248289761001', act: { sub: grant.clientId } });
      await storage().tokens.insert([exchanged]);
      assert.deepEqual(await storage().tokens.find(exchanged.tokenDigest), exchanged);
    });

    it('answers null for an unknown token digest', async () => {
      assert.equal(await storage().tokens.find(randomDigest()), null);
    });

    it('still returns an expired token, leaving expiry to the caller', { skip: options.expiresByTtl && 'records expire by TTL' }, async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const expired = tokenRecord(grant, 'access_token', now - 700, { expiresAt: now - 100 });
      await storage().tokens.insert([expired]);
      assert.deepEqual(await storage().tokens.find(expired.tokenDigest), expired);
    });

    it('revokes one token without touching its siblings (RFC 7009 §2.1)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const [access, sibling] = [tokenRecord(grant, 'access_token', now), tokenRecord(grant, 'access_token', now)];
      await storage().tokens.insert([access!, sibling!]);
      await storage().tokens.revoke(access!.tokenDigest, now + 4);
      assert.equal((await storage().tokens.find(access!.tokenDigest))?.revokedAt, now + 4);
      assert.equal((await storage().tokens.find(sibling!.tokenDigest))?.revokedAt, null);
      assert.equal((await storage().grants.find(grant.grantId))?.revokedAt, null);
    });
  });

  describe('refresh token rotation', () => {
    it('rotates a live refresh token: marks it and inserts the replacements (RFC 9700 §4.14.2)', async () => {
      const now = nowSeconds();
      const { grant, refresh } = await liveRefreshToken(storage(), now);
      const replacements = replacementsFor(grant, now + 10);
      const result = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 10, replacements);
      assert.equal(result.outcome, 'rotated');
      assert.equal(result.outcome === 'rotated' && result.previous.tokenDigest, refresh.tokenDigest);
      assert.equal((await storage().tokens.find(refresh.tokenDigest))?.rotatedAt, now + 10);
      for (const token of replacements) assert.deepEqual(await storage().tokens.find(token.tokenDigest), token);
    });

    it('reports a second use as reused and inserts nothing (RFC 6749 §10.4)', async () => {
      const now = nowSeconds();
      const { grant, refresh } = await liveRefreshToken(storage(), now);
      await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now, replacementsFor(grant, now));
      const second = replacementsFor(grant, now + 1);
      const result = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 1, second);
      assert.equal(result.outcome, 'reused');
      assert.equal(result.outcome === 'reused' && result.previous.grantId, grant.grantId);
      assert.equal(result.outcome === 'reused' && result.previous.rotatedAt, now);
      await assertAbsent(storage(), second);
    });

    it('answers not_found for an unknown refresh token and inserts nothing', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      const replacements = replacementsFor(grant, now);
      assert.deepEqual(await storage().tokens.rotateRefreshToken(randomDigest(), now, replacements), { outcome: 'not_found' });
      await assertAbsent(storage(), replacements);
    });

    it('returns a token of a revoked grant with revokedAt set and inserts nothing (RFC 9700 §4.14.2)', async () => {
      const now = nowSeconds();
      const { grant, refresh } = await liveRefreshToken(storage(), now);
      await storage().grants.revoke(grant.grantId, now + 1);
      const replacements = replacementsFor(grant, now + 2);
      const result = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 2, replacements);
      assert.notEqual(result.outcome, 'not_found');
      assert.equal(result.outcome !== 'not_found' && result.previous.revokedAt, now + 1);
      await assertAbsent(storage(), replacements);
    });

    it('returns a revoked refresh token with revokedAt set and inserts nothing (RFC 7009 §2.1)', async () => {
      const now = nowSeconds();
      const { grant, refresh } = await liveRefreshToken(storage(), now);
      await storage().tokens.revoke(refresh.tokenDigest, now + 1);
      const replacements = replacementsFor(grant, now + 2);
      const result = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 2, replacements);
      assert.equal(result.outcome !== 'not_found' && result.previous.revokedAt, now + 1);
      await assertAbsent(storage(), replacements);
    });

    it('returns an expired refresh token for the caller to reject and inserts nothing', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const refresh = tokenRecord(grant, 'refresh_token', now, { expiresAt: now + 30 });
      await storage().tokens.insert([refresh]);
      const replacements = replacementsFor(grant, now + 60);
      const result = await storage().tokens.rotateRefreshToken(refresh.tokenDigest, now + 60, replacements);
      assert.notEqual(result.outcome, 'not_found');
      assert.equal(result.outcome !== 'not_found' && result.previous.expiresAt, now + 30);
      await assertAbsent(storage(), replacements);
    });

    it('lets exactly one of 20 concurrent rotations win; only its replacements exist (RFC 9700 §4.14.2)', async () => {
      const now = nowSeconds();
      const { grant, refresh } = await liveRefreshToken(storage(), now);
      const attempts = Array.from({ length: 20 }, () => replacementsFor(grant, now));
      const results = await Promise.all(
        attempts.map((replacements) => storage().tokens.rotateRefreshToken(refresh.tokenDigest, now, replacements)),
      );
      assert.equal(results.filter((r) => r.outcome === 'rotated').length, 1);
      assert.equal(results.filter((r) => r.outcome === 'reused').length, 19);
      for (const [i, replacements] of attempts.entries()) {
        const won = results[i]?.outcome === 'rotated';
        for (const token of replacements) assert.equal((await storage().tokens.find(token.tokenDigest)) !== null, won);
      }
    });
  });
}
