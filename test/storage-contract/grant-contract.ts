// Contract for grants and authorization codes: single use under concurrency and revocation of
// the whole family (RFC 6749 §4.1.2, §10.5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import { codeRecord, grantRecord, nowSeconds, randomDigest, tokenRecord, uid } from './fixtures.js';

export function describeGrantContract({ storage }: ContractContext): void {
  describe('grants', () => {
    it('returns a grant as stored, including a client_credentials grant without account', async () => {
      const grant = grantRecord();
      const machine = grantRecord({ accountId: null, scopes: [] });
      await storage().grants.insert(grant);
      await storage().grants.insert(machine);
      assert.deepEqual(await storage().grants.find(grant.grantId), grant);
      assert.deepEqual(await storage().grants.find(machine.grantId), machine);
      assert.equal(await storage().grants.find(uid('grant')), null);
    });

    it('lists the grants made in one browser session, revoked or not, and carries the sid on codes and tokens (issue 10)', async () => {
      const now = nowSeconds();
      const sid = uid('sid');
      const first = grantRecord({ sid, createdAt: now - 5 });
      const second = grantRecord({ sid, createdAt: now, scopes: ['openid'] });
      const elsewhere = grantRecord({ sid: uid('sid') });
      for (const g of [second, first, elsewhere]) await storage().grants.insert(g);
      await storage().grants.revoke(second.grantId, now);
      const listed = await storage().grants.listBySid(sid);
      assert.deepEqual(listed.map((g) => g.grantId), [first.grantId, second.grantId]);
      assert.equal(listed[0]?.sid, sid);
      assert.equal(listed[1]?.revokedAt, now);
      assert.deepEqual(await storage().grants.listBySid(uid('sid')), []);

      const code = codeRecord(first, now);
      await storage().authorizationCodes.insert(code);
      assert.equal((await storage().authorizationCodes.find(code.codeDigest))?.sid, sid);
      const token = tokenRecord(first, 'refresh_token', now);
      await storage().tokens.insert([token]);
      assert.equal((await storage().tokens.find(token.tokenDigest))?.sid, sid);
    });

    it('redeeming a code stores the sid on its grant and tokens (issue 10)', async () => {
      const now = nowSeconds();
      const grant = grantRecord({ sid: uid('sid') });
      const code = codeRecord(grant, now);
      await storage().authorizationCodes.insert(code);
      const tokens = [tokenRecord(grant, 'access_token', now), tokenRecord(grant, 'refresh_token', now)];
      const result = await storage().authorizationCodes.redeem(code.codeDigest, now, grant, tokens);
      assert.equal(result?.firstUse, true);
      assert.equal((await storage().grants.find(grant.grantId))?.sid, grant.sid);
      assert.deepEqual((await storage().grants.listBySid(grant.sid!)).map((g) => g.grantId), [grant.grantId]);
      for (const t of tokens) assert.equal((await storage().tokens.find(t.tokenDigest))?.sid, grant.sid);
    });

    it('revoking a grant revokes every token and code it issued, and nothing else (RFC 6749 §4.1.2)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      const other = grantRecord();
      await storage().grants.insert(grant);
      await storage().grants.insert(other);
      const code = codeRecord(grant, now);
      const otherCode = codeRecord(other, now);
      await storage().authorizationCodes.insert(code);
      await storage().authorizationCodes.insert(otherCode);
      const family = [tokenRecord(grant, 'access_token', now), tokenRecord(grant, 'refresh_token', now)];
      const bystander = tokenRecord(other, 'access_token', now);
      await storage().tokens.insert([...family, bystander]);

      await storage().grants.revoke(grant.grantId, now + 1);

      assert.equal((await storage().grants.find(grant.grantId))?.revokedAt, now + 1);
      for (const token of family) assert.equal((await storage().tokens.find(token.tokenDigest))?.revokedAt, now + 1);
      assert.equal((await storage().authorizationCodes.consume(code.codeDigest, now + 2))?.firstUse, false);
      assert.equal((await storage().grants.find(other.grantId))?.revokedAt, null);
      assert.equal((await storage().tokens.find(bystander.tokenDigest))?.revokedAt, null);
      assert.equal((await storage().authorizationCodes.consume(otherCode.codeDigest, now + 2))?.firstUse, true);
    });

    for (const by of ['client', 'account'] as const) {
      const revokeAll = (id: string, now: number) =>
        by === 'client' ? storage().grants.revokeByClient(id, now) : storage().grants.revokeByAccount(id, now);
      const owned = (id: string) => (by === 'client' ? { clientId: id } : { accountId: id });

      it(`revokes every grant, token and pending code of one ${by} in one step, and nothing of others (RFC 6819 §5.2.2.4)`, async () => {
        const now = nowSeconds();
        const id = uid(by);
        const grants = [grantRecord(owned(id)), grantRecord(owned(id))];
        const other = grantRecord();
        for (const g of [...grants, other]) await storage().grants.insert(g);
        const tokens = grants.flatMap((g) => [tokenRecord(g, 'access_token', now), tokenRecord(g, 'refresh_token', now)]);
        const bystander = tokenRecord(other, 'refresh_token', now);
        await storage().tokens.insert([...tokens, bystander]);
        // A code not redeemed yet: its grant row is written only at redemption.
        const pending = codeRecord(grantRecord(owned(id)), now);
        const otherCode = codeRecord(other, now);
        await storage().authorizationCodes.insert(pending);
        await storage().authorizationCodes.insert(otherCode);

        await revokeAll(id, now + 1);

        for (const g of grants) assert.equal((await storage().grants.find(g.grantId))?.revokedAt, now + 1);
        for (const t of tokens) assert.equal((await storage().tokens.find(t.tokenDigest))?.revokedAt, now + 1);
        assert.equal((await storage().authorizationCodes.consume(pending.codeDigest, now + 2))?.firstUse, false);
        assert.equal((await storage().grants.find(other.grantId))?.revokedAt, null);
        assert.equal((await storage().tokens.find(bystander.tokenDigest))?.revokedAt, null);
        assert.equal((await storage().authorizationCodes.consume(otherCode.codeDigest, now + 2))?.firstUse, true);
      });

      it(`keeps the first revocation time when every grant of a ${by} is revoked again`, async () => {
        const now = nowSeconds();
        const id = uid(by);
        const grant = grantRecord(owned(id));
        await storage().grants.insert(grant);
        const token = tokenRecord(grant, 'access_token', now);
        await storage().tokens.insert([token]);
        await storage().grants.revoke(grant.grantId, now);
        await revokeAll(id, now + 50);
        assert.equal((await storage().grants.find(grant.grantId))?.revokedAt, now);
        assert.equal((await storage().tokens.find(token.tokenDigest))?.revokedAt, now);
        await assert.doesNotReject(revokeAll(uid(by), now), 'an id without grants is fine');
      });
    }

    it('purges old grants no token refers to, and keeps recent ones and those with tokens', async () => {
      const now = nowSeconds();
      const old = now - 7200;
      const orphan = grantRecord({ createdAt: old });
      const withToken = grantRecord({ createdAt: old });
      const recent = grantRecord({ createdAt: now });
      for (const g of [orphan, withToken, recent]) await storage().grants.insert(g);
      await storage().tokens.insert([tokenRecord(withToken, 'refresh_token', now)]);
      // Other suites share the database: purge until nothing is left, then look at ours.
      while ((await storage().grants.purgeUnused(now - 3600, 500)) > 0);
      assert.equal(await storage().grants.find(orphan.grantId), null);
      assert.notEqual(await storage().grants.find(withToken.grantId), null);
      assert.notEqual(await storage().grants.find(recent.grantId), null);
      assert.equal(await storage().grants.purgeUnused(now - 3600, 0), 0, 'the limit is respected');
    });

    it('keeps the first revocation time when a grant is revoked again', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      await storage().grants.revoke(grant.grantId, now);
      await storage().grants.revoke(grant.grantId, now + 50);
      assert.equal((await storage().grants.find(grant.grantId))?.revokedAt, now);
    });

    it('reports a token inserted after its grant was revoked as revoked', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      await storage().grants.revoke(grant.grantId, now);
      const late = tokenRecord(grant, 'access_token', now + 1);
      await storage().tokens.insert([late]);
      assert.equal((await storage().tokens.find(late.tokenDigest))?.revokedAt, now);
    });
  });

  describe('authorization codes', () => {
    it('redeems a code once: consumes it and stores its grant and tokens in one step (RFC 6749 §4.1.2)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      const code = codeRecord(grant, now);
      await storage().authorizationCodes.insert(code);
      assert.equal((await storage().authorizationCodes.find(code.codeDigest))?.consumedAt, null, 'find does not consume');
      const tokens = [tokenRecord(grant, 'access_token', now), tokenRecord(grant, 'refresh_token', now)];
      const first = await storage().authorizationCodes.redeem(code.codeDigest, now, grant, tokens);
      assert.equal(first?.firstUse, true);
      assert.deepEqual(await storage().grants.find(grant.grantId), grant);
      for (const token of tokens) assert.equal((await storage().tokens.find(token.tokenDigest))?.revokedAt, null);
      assert.equal((await storage().authorizationCodes.find(code.codeDigest))?.consumedAt, now);

      const late = [tokenRecord(grant, 'access_token', now)];
      const replay = await storage().authorizationCodes.redeem(code.codeDigest, now + 1, grant, late);
      assert.equal(replay?.firstUse, false);
      assert.equal(await storage().tokens.find(late[0]!.tokenDigest), null, 'a replay stores nothing');
      assert.equal(await storage().authorizationCodes.redeem(randomDigest(), now, grantRecord(), []), null);
      assert.equal(await storage().authorizationCodes.find(randomDigest()), null);
    });

    it('lets exactly one of 20 concurrent redemptions store tokens (RFC 6749 §4.1.2)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      const code = codeRecord(grant, now);
      await storage().authorizationCodes.insert(code);
      const attempts = Array.from({ length: 20 }, () => [tokenRecord(grant, 'access_token', now)]);
      const results = await Promise.all(attempts.map((t) => storage().authorizationCodes.redeem(code.codeDigest, now, grant, t)));
      assert.equal(results.filter((r) => r?.firstUse).length, 1);
      const stored = await Promise.all(attempts.map((t) => storage().tokens.find(t[0]!.tokenDigest)));
      assert.equal(stored.filter(Boolean).length, 1);
    });

    it('reports the code of a revoked grant as consumed through find', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const code = codeRecord(grant, now);
      await storage().authorizationCodes.insert(code);
      await storage().grants.revoke(grant.grantId, now + 1);
      assert.notEqual((await storage().authorizationCodes.find(code.codeDigest))?.consumedAt, null);
    });

    it('consumes a code once and returns every bound field (RFC 6749 §4.1.2)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const code = codeRecord(grant, now);
      await storage().authorizationCodes.insert(code);
      const result = await storage().authorizationCodes.consume(code.codeDigest, now + 3);
      assert.deepEqual(result, { firstUse: true, code: { ...code, consumedAt: now + 3 } });
    });

    it('keeps the claims request a code carries and hands it back on redemption (OIDC Core §5.5)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      const code = codeRecord(grant, now, { claims: JSON.stringify({ id_token: { email: { essential: true } } }) });
      await storage().authorizationCodes.insert(code);
      assert.deepEqual(await storage().authorizationCodes.find(code.codeDigest), code);
      const redeemed = await storage().authorizationCodes.redeem(code.codeDigest, now + 1, grant, []);
      assert.deepEqual(redeemed, { firstUse: true, code: { ...code, consumedAt: now + 1 } });
    });

    it('keeps a code without PKCE or nonce as null fields', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const code = codeRecord(grant, now, { codeChallenge: null, codeChallengeMethod: null, nonce: null });
      await storage().authorizationCodes.insert(code);
      assert.deepEqual(await storage().authorizationCodes.consume(code.codeDigest, now), { firstUse: true, code: { ...code, consumedAt: now } });
    });

    it('reports a replayed code as firstUse false with the original consumption time (RFC 6749 §4.1.2)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const code = codeRecord(grant, now);
      await storage().authorizationCodes.insert(code);
      await storage().authorizationCodes.consume(code.codeDigest, now);
      const replay = await storage().authorizationCodes.consume(code.codeDigest, now + 7);
      assert.equal(replay?.firstUse, false);
      assert.equal(replay?.code.consumedAt, now);
      assert.equal(replay?.code.grantId, grant.grantId);
    });

    it('answers null for an unknown code', async () => {
      assert.equal(await storage().authorizationCodes.consume(randomDigest(), nowSeconds()), null);
    });

    it('lets exactly one of 20 concurrent redemptions win (RFC 6749 §4.1.2, RFC 9700 §4.5)', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const code = codeRecord(grant, now);
      await storage().authorizationCodes.insert(code);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => storage().authorizationCodes.consume(code.codeDigest, now)),
      );
      assert.equal(results.filter((r) => r?.firstUse === true).length, 1);
      assert.equal(results.filter((r) => r?.firstUse === false).length, 19);
    });

    it('still detects the replay of an expired code, leaving expiry to the caller', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const code = codeRecord(grant, now, { expiresAt: now + 30 });
      await storage().authorizationCodes.insert(code);
      const late = await storage().authorizationCodes.consume(code.codeDigest, now + 120);
      assert.equal(late?.firstUse, true);
      assert.equal(late?.code.expiresAt, now + 30);
      assert.equal((await storage().authorizationCodes.consume(code.codeDigest, now + 121))?.firstUse, false);
    });
  });
}
