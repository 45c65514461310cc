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

    it('finds a session by its sid and lists an account\'s live sessions, oldest first (Back-Channel Logout 1.0 §2.1, issue 10)', async () => {
      const now = nowSeconds();
      const accountId = uid('acct');
      const older = sessionRecord(now - 10, { accountId, expiresAt: now + 600 });
      const newer = sessionRecord(now, { accountId, expiresAt: now + 600 });
      const expired = sessionRecord(now - 100, { accountId, expiresAt: now - 1 });
      const stranger = sessionRecord(now);
      for (const s of [newer, older, expired, stranger]) await storage().sessions.insert(s);
      assert.deepEqual(await storage().sessions.findBySid(older.sid, now), older);
      assert.equal(await storage().sessions.findBySid(expired.sid, now), null, 'an expired session is not found by sid');
      assert.equal(await storage().sessions.findBySid('no-such-sid', now), null);
      assert.deepEqual(await storage().sessions.listByAccount(accountId, now), [older, newer]);
      await storage().sessions.delete(older.sessionDigest);
      assert.equal(await storage().sessions.findBySid(older.sid, now), null, 'a deleted session is not found by sid');
      assert.deepEqual(await storage().sessions.listByAccount(accountId, now), [newer]);
    });

    it('remembers each client a session signed into once, in order, also under concurrent appends (issue 10)', async () => {
      const now = nowSeconds();
      const session = sessionRecord(now);
      await storage().sessions.insert(session);
      await storage().sessions.addClient(session.sessionDigest, 'client-a');
      await Promise.all(['client-b', 'client-c', 'client-a', 'client-b'].map((c) => storage().sessions.addClient(session.sessionDigest, c)));
      const found = await storage().sessions.find(session.sessionDigest, now);
      assert.equal(found?.clientIds[0], 'client-a');
      assert.deepEqual([...found!.clientIds].sort(), ['client-a', 'client-b', 'client-c']);
      assert.equal(found?.expiresAt, session.expiresAt, 'appending keeps the expiry');
      await storage().sessions.addClient(randomDigest(), 'client-a');
      assert.equal(await storage().sessions.find(randomDigest(), now), null, 'appending to an unknown session creates nothing');
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
    // 3 free attempts, then 10 s, 20 s, 40 s (repeating); forgotten 100 s after the wait ends.
    const schedule = { free: 3, delays: [10, 20, 40], forgetAfter: 100 };

    it('counts free attempts, then refuses until each growing wait is over (RFC 6819 §4.4.3.1, issue 9)', async () => {
      const now = nowSeconds();
      const key = uid('user');
      const throttle = storage().loginThrottle;
      for (let i = 1; i <= 3; i += 1) assert.deepEqual(await throttle.reserve(key, now, schedule), { allowed: true, attempts: i });
      assert.deepEqual(await throttle.reserve(key, now + 4, schedule), { allowed: false, retryAfter: 6 });
      assert.deepEqual(await throttle.reserve(key, now + 10, schedule), { allowed: true, attempts: 4 });
      assert.deepEqual(await throttle.reserve(key, now + 29, schedule), { allowed: false, retryAfter: 1 });
      assert.deepEqual(await throttle.reserve(key, now + 30, schedule), { allowed: true, attempts: 5 });
      assert.deepEqual(await throttle.reserve(key, now + 70, schedule), { allowed: true, attempts: 6 });
      assert.deepEqual(await throttle.reserve(key, now + 71, schedule), { allowed: false, retryAfter: 39 });
      // The last delay repeats; a key quiet for its wait plus forgetAfter starts afresh.
      assert.deepEqual(await throttle.reserve(key, now + 110, schedule), { allowed: true, attempts: 7 });
      assert.deepEqual(await throttle.reserve(key, now + 110 + 40 + 100, schedule), { allowed: true, attempts: 1 });
    });

    it('lets at most the free attempts through among 20 concurrent reservations (issue 9: reserve before hashing)', async () => {
      const now = nowSeconds();
      const key = uid('user');
      const results = await Promise.all(Array.from({ length: 20 }, () => storage().loginThrottle.reserve(key, now, schedule)));
      const allowed = results.filter((r) => r.allowed);
      assert.equal(allowed.length, 3);
      assert.deepEqual(allowed.map((r) => r.allowed && r.attempts).sort(), [1, 2, 3]);
      for (const r of results) if (!r.allowed) assert.equal(r.retryAfter, 10);
    });

    it('gives one attempt back on release and forgets a key on clear, keeping keys apart', async () => {
      const now = nowSeconds();
      const [alice, bob] = [uid('user'), uid('user')];
      const throttle = storage().loginThrottle;
      for (let i = 0; i < 3; i += 1) await throttle.reserve(alice, now, schedule);
      await throttle.reserve(bob, now, schedule);
      assert.equal((await throttle.reserve(alice, now, schedule)).allowed, false);
      await throttle.release(alice);
      assert.deepEqual(await throttle.reserve(alice, now, schedule), { allowed: true, attempts: 3 });
      await throttle.clear(alice);
      assert.deepEqual(await throttle.reserve(alice, now, schedule), { allowed: true, attempts: 1 });
      assert.deepEqual(await throttle.reserve(bob, now, schedule), { allowed: true, attempts: 2 });
      await throttle.release(uid('user'));
      await throttle.clear(uid('user'));
    });

    it('purges forgotten keys within the limit and keeps live ones', async () => {
      const now = nowSeconds();
      const throttle = storage().loginThrottle;
      const live = uid('user');
      for (let i = 0; i < 3; i += 1) await throttle.reserve(uid('user'), now - 1000, schedule);
      await throttle.reserve(live, now, schedule);
      // Redis counters expire by TTL (its purge finds nothing); SQL stores delete in batches.
      await purgeAll((limit) => throttle.purgeExpired(now, limit), 2, false);
      assert.deepEqual(await throttle.reserve(live, now, schedule), { allowed: true, attempts: 2 });
    });
  });
}
