// Contract for expiring records: sessions and interactions are hidden once expired, and every
// purgeExpired removes at most `limit` expired records and keeps live ones. Also login throttling.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import { codeRecord, grantRecord, interactionRecord, nowSeconds, randomDigest, sessionRecord, tokenRecord, uid } from './fixtures.js';

/** Purges with `limit` until nothing is left, checking every call respects the limit. */
async function purgeAll(purge: (limit: number) => Promise<number>, limit: number, firstMustBeFull: boolean): Promise<void> {
  const first = await purge(limit);
  assert.ok(first <= limit, `purged ${first} > limit ${limit}`);
  if (firstMustBeFull) assert.equal(first, limit);
  for (let round = 0, n = first; n > 0; round += 1) {
    assert.ok(round < 10_000, 'purge never finished');
    n = await purge(limit);
    assert.ok(n <= limit, `purged ${n} > limit ${limit}`);
  }
}

export function describeShortLivedContract({ storage, options }: ContractContext): void {
  const sql = !options.expiresByTtl;

  describe('sessions', () => {
    it('finds a live session and hides it from its expiry time on', async () => {
      const now = nowSeconds();
      const session = sessionRecord(now, { expiresAt: now + 60 });
      await storage().sessions.insert(session);
      assert.deepEqual(await storage().sessions.find(session.sessionDigest, now + 59), session);
      assert.equal(await storage().sessions.find(session.sessionDigest, now + 60), null);
      assert.equal(await storage().sessions.find(randomDigest(), now), null);
    });

    it('deletes a session (logout)', async () => {
      const now = nowSeconds();
      const session = sessionRecord(now);
      await storage().sessions.insert(session);
      await storage().sessions.delete(session.sessionDigest);
      assert.equal(await storage().sessions.find(session.sessionDigest, now), null);
    });

    it('ends every session of one account, except the one named, and no other account\'s', async () => {
      const now = nowSeconds();
      const accountId = uid('acct');
      const ended = [sessionRecord(now, { accountId }), sessionRecord(now, { accountId })];
      const kept = sessionRecord(now, { accountId });
      const bystander = sessionRecord(now);
      for (const s of [...ended, kept, bystander]) await storage().sessions.insert(s);
      await storage().sessions.deleteByAccount(accountId, kept.sessionDigest);
      for (const s of ended) assert.equal(await storage().sessions.find(s.sessionDigest, now), null);
      assert.deepEqual(await storage().sessions.find(kept.sessionDigest, now), kept);
      assert.deepEqual(await storage().sessions.find(bystander.sessionDigest, now), bystander);
      await storage().sessions.deleteByAccount(accountId);
      assert.equal(await storage().sessions.find(kept.sessionDigest, now), null);
      const later = sessionRecord(now, { accountId });
      await storage().sessions.insert(later);
      assert.deepEqual(await storage().sessions.find(later.sessionDigest, now), later, 'a later sign-in is unaffected');
    });

    it('purges expired sessions at most `limit` per call and keeps live ones', async () => {
      const now = nowSeconds();
      const doomed = [1, 2, 3].map(() => sessionRecord(now, { expiresAt: now + 5 }));
      const keeper = sessionRecord(now, { expiresAt: now + 3600 });
      for (const s of [...doomed, keeper]) await storage().sessions.insert(s);
      await purgeAll((limit) => storage().sessions.purgeExpired(now + 10, limit), 2, sql);
      if (sql) for (const s of doomed) assert.equal(await storage().sessions.find(s.sessionDigest, now), null);
      assert.deepEqual(await storage().sessions.find(keeper.sessionDigest, now + 10), keeper);
    });
  });

  describe('interactions', () => {
    it('keeps the request parameters and records a login inside the interaction', async () => {
      const now = nowSeconds();
      const interaction = interactionRecord(now);
      await storage().interactions.insert(interaction);
      assert.deepEqual(await storage().interactions.find(interaction.interactionId, now), interaction);
      await storage().interactions.setLogin(interaction.interactionId, 'acct-1', now + 3);
      assert.deepEqual(await storage().interactions.find(interaction.interactionId, now + 4),
        { ...interaction, accountId: 'acct-1', authTime: now + 3 });
    });

    it('hides an expired interaction and deletes a finished one', async () => {
      const now = nowSeconds();
      const expiring = interactionRecord(now, { expiresAt: now + 30 });
      const finished = interactionRecord(now);
      await storage().interactions.insert(expiring);
      await storage().interactions.insert(finished);
      assert.equal(await storage().interactions.find(expiring.interactionId, now + 30), null);
      await storage().interactions.delete(finished.interactionId);
      assert.equal(await storage().interactions.find(finished.interactionId, now), null);
      assert.equal(await storage().interactions.find(uid('ia'), now), null);
    });

    it('deletes the interactions one account has signed in to, and no others', async () => {
      const now = nowSeconds();
      const accountId = uid('acct');
      const viaLogin = interactionRecord(now);
      const signedInAtInsert = interactionRecord(now, { accountId, authTime: now });
      const anonymous = interactionRecord(now);
      const otherAccount = interactionRecord(now);
      for (const i of [viaLogin, signedInAtInsert, anonymous, otherAccount]) await storage().interactions.insert(i);
      await storage().interactions.setLogin(viaLogin.interactionId, accountId, now + 1);
      await storage().interactions.setLogin(otherAccount.interactionId, uid('acct'), now + 1);

      await storage().interactions.deleteByAccount(accountId);

      assert.equal(await storage().interactions.find(viaLogin.interactionId, now), null);
      assert.equal(await storage().interactions.find(signedInAtInsert.interactionId, now), null);
      assert.deepEqual(await storage().interactions.find(anonymous.interactionId, now), anonymous);
      assert.notEqual(await storage().interactions.find(otherAccount.interactionId, now), null);
    });

    it('purges expired interactions at most `limit` per call and keeps live ones', async () => {
      const now = nowSeconds();
      const doomed = [1, 2, 3].map(() => interactionRecord(now, { expiresAt: now + 5 }));
      const keeper = interactionRecord(now, { expiresAt: now + 3600 });
      for (const i of [...doomed, keeper]) await storage().interactions.insert(i);
      await purgeAll((limit) => storage().interactions.purgeExpired(now + 10, limit), 2, sql);
      if (sql) for (const i of doomed) assert.equal(await storage().interactions.find(i.interactionId, now), null);
      assert.deepEqual(await storage().interactions.find(keeper.interactionId, now), keeper);
    });
  });

  describe('purging codes and tokens', () => {
    it('purges expired authorization codes at most `limit` per call and keeps live ones', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const doomed = [1, 2, 3].map(() => codeRecord(grant, now, { expiresAt: now + 5 }));
      const keeper = codeRecord(grant, now, { expiresAt: now + 3600 });
      for (const c of [...doomed, keeper]) await storage().authorizationCodes.insert(c);
      await purgeAll((limit) => storage().authorizationCodes.purgeExpired(now + 10, limit), 2, sql);
      if (sql) for (const c of doomed) assert.equal(await storage().authorizationCodes.consume(c.codeDigest, now), null);
      assert.equal((await storage().authorizationCodes.consume(keeper.codeDigest, now))?.firstUse, true);
    });

    it('purges expired tokens at most `limit` per call and keeps live ones', async () => {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage().grants.insert(grant);
      const doomed = [1, 2, 3].map(() => tokenRecord(grant, 'access_token', now, { expiresAt: now + 5 }));
      const keeper = tokenRecord(grant, 'refresh_token', now, { expiresAt: now + 3600 });
      await storage().tokens.insert([...doomed, keeper]);
      await purgeAll((limit) => storage().tokens.purgeExpired(now + 10, limit), 2, sql);
      if (sql) for (const t of doomed) assert.equal(await storage().tokens.find(t.tokenDigest), null);
      assert.deepEqual(await storage().tokens.find(keeper.tokenDigest), keeper);
    });
  });

  describe('login throttle', () => {
    it('counts failures within the sliding window and forgets older ones (RFC 6819 §4.4.3.1)', async () => {
      const now = nowSeconds();
      const key = uid('user');
      assert.equal(await storage().loginThrottle.registerFailure(key, now, 60), 1);
      assert.equal(await storage().loginThrottle.registerFailure(key, now + 10, 60), 2);
      assert.equal(await storage().loginThrottle.registerFailure(key, now + 20, 60), 3);
      assert.equal(await storage().loginThrottle.failures(key, now + 20, 60), 3);
      assert.equal(await storage().loginThrottle.failures(key, now + 65, 60), 2);
      assert.equal(await storage().loginThrottle.failures(key, now + 200, 60), 0);
      assert.equal(await storage().loginThrottle.registerFailure(key, now + 200, 60), 1);
    });

    it('counts several failures within the same second', async () => {
      const now = nowSeconds();
      const key = uid('user');
      for (let i = 1; i <= 5; i += 1) assert.equal(await storage().loginThrottle.registerFailure(key, now, 300), i);
    });

    it('keeps keys apart and clears one key on successful login', async () => {
      const now = nowSeconds();
      const [alice, bob] = [uid('user'), uid('user')];
      await storage().loginThrottle.registerFailure(alice, now, 300);
      await storage().loginThrottle.registerFailure(alice, now, 300);
      await storage().loginThrottle.registerFailure(bob, now, 300);
      await storage().loginThrottle.clear(alice);
      assert.equal(await storage().loginThrottle.failures(alice, now, 300), 0);
      assert.equal(await storage().loginThrottle.failures(bob, now, 300), 1);
      assert.equal(await storage().loginThrottle.failures(uid('user'), now, 300), 0);
    });
  });
}
