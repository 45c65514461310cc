// Contract for Dynamic Client Registration storage (RFC 7591): the cap on self-registered clients,
// their expiry until first use, and initial access tokens spent atomically.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import { clientRecord, nowSeconds, randomDigest, uid } from './fixtures.js';
import type { ClientRecord } from '../../src/storage/records.js';

function registeredClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return clientRecord({ metadata: { registration: { accessTokenDigest: randomDigest(), via: 'open' } }, ...overrides });
}

export function describeRegistrationContract({ storage }: ContractContext): void {
  describe('dynamic registrations', () => {
    it('inserts self-registered clients only below the cap, even when registrations race (RFC 7591 §3)', async () => {
      const registered = (await storage().clients.list()).filter((c) => c.metadata.registration !== undefined).length;
      const limit = registered + 2;
      const attempts = Array.from({ length: 5 }, () => registeredClient());
      const results = await Promise.all(attempts.map((client) => storage().clients.insertRegistered(client, limit)));
      assert.equal(results.filter(Boolean).length, 2);
      const stored = await Promise.all(attempts.map((client) => storage().clients.find(client.clientId)));
      assert.equal(stored.filter((c) => c !== null).length, 2);
      // Operator-created clients do not count against the cap.
      await storage().clients.insert(clientRecord());
      assert.equal(await storage().clients.insertRegistered(registeredClient(), limit), false);
    });

    it('lists registrations past their expiry, oldest first within the limit, and keeps one once used', async () => {
      const now = nowSeconds();
      const old = registeredClient({ registrationExpiresAt: now - 100 });
      const older = registeredClient({ registrationExpiresAt: now - 200 });
      const fresh = registeredClient({ registrationExpiresAt: now + 100 });
      const used = registeredClient({ registrationExpiresAt: now - 300 });
      for (const client of [old, older, fresh, used]) assert.equal(await storage().clients.insertRegistered(client, 1_000_000), true);
      assert.deepEqual(await storage().clients.find(old.clientId), old);
      await storage().clients.keepRegistration(used.clientId);
      assert.equal((await storage().clients.find(used.clientId))?.registrationExpiresAt, null);
      const expired = await storage().clients.listExpiredRegistrations(now, 1_000);
      assert.ok(!expired.includes(fresh.clientId) && !expired.includes(used.clientId));
      assert.ok(expired.indexOf(older.clientId) !== -1 && expired.indexOf(older.clientId) < expired.indexOf(old.clientId));
      assert.equal((await storage().clients.listExpiredRegistrations(now, 1)).length, 1);
    });
  });

  describe('initial access tokens', () => {
    it('spends the uses of a token atomically: concurrent registrations never share its last use (RFC 7591 §3)', async () => {
      const now = nowSeconds();
      const token = { tokenId: uid('iat'), tokenDigest: randomDigest(), usesLeft: 2, expiresAt: now + 60, createdAt: now };
      await storage().initialAccessTokens.insert(token);
      assert.deepEqual(await storage().initialAccessTokens.find(token.tokenDigest, now), token);
      const uses = await Promise.all(Array.from({ length: 6 }, () => storage().initialAccessTokens.use(token.tokenDigest, now)));
      assert.equal(uses.filter(Boolean).length, 2);
      assert.equal(await storage().initialAccessTokens.find(token.tokenDigest, now), null);
      assert.equal((await storage().initialAccessTokens.list(now)).some((t) => t.tokenId === token.tokenId), false);
    });

    it('keeps an unlimited token usable until it expires, lists and revokes it, and purges spent and expired ones', async () => {
      const now = nowSeconds();
      const unlimited = { tokenId: uid('iat'), tokenDigest: randomDigest(), usesLeft: null, expiresAt: now + 60, createdAt: now };
      const forever = { tokenId: uid('iat'), tokenDigest: randomDigest(), usesLeft: null, expiresAt: null, createdAt: now };
      await storage().initialAccessTokens.insert(unlimited);
      await storage().initialAccessTokens.insert(forever);
      for (let i = 0; i < 3; i++) assert.equal(await storage().initialAccessTokens.use(unlimited.tokenDigest, now), true);
      assert.equal(await storage().initialAccessTokens.use(unlimited.tokenDigest, now + 60), false);
      assert.equal(await storage().initialAccessTokens.find(unlimited.tokenDigest, now + 60), null);
      const listed = (await storage().initialAccessTokens.list(now)).map((t) => t.tokenId);
      assert.ok(listed.includes(unlimited.tokenId) && listed.includes(forever.tokenId));
      assert.ok((await storage().initialAccessTokens.purgeExpired(now + 60, 1000)) >= 1);
      assert.equal((await storage().initialAccessTokens.list(now)).some((t) => t.tokenId === unlimited.tokenId), false);
      assert.equal(await storage().initialAccessTokens.revoke(forever.tokenId), true);
      assert.equal(await storage().initialAccessTokens.revoke(forever.tokenId), false);
      assert.equal(await storage().initialAccessTokens.use(forever.tokenDigest, now), false);
    });
  });
}
