// Contract for the long-lived directory records: clients, accounts and consents.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuplicateError } from '../../src/storage/ports.js';
import type { ContractContext } from './contract.js';
import { accountRecord, clientRecord, grantRecord, nowSeconds, sessionRecord, tokenRecord, uid } from './fixtures.js';

const isDuplicate = (error: unknown): boolean => error instanceof DuplicateError;

export function describeDirectoryContract({ storage }: ContractContext): void {
  describe('clients', () => {
    it('returns a confidential client exactly as registered (RFC 6749 §2)', async () => {
      const client = clientRecord();
      await storage().clients.insert(client);
      assert.deepEqual(await storage().clients.find(client.clientId), client);
    });

    it('keeps a public client without secret and a trusted flag (RFC 6749 §2.1)', async () => {
      const client = clientRecord({ secretDigest: null, skipConsent: true, tokenEndpointAuthMethod: 'none', scopes: [] });
      await storage().clients.insert(client);
      assert.deepEqual(await storage().clients.find(client.clientId), client);
    });

    it('keeps and updates the logout URI and session requirement of a client (Back-Channel Logout 1.0 §2.2)', async () => {
      const client = clientRecord({ backchannelLogoutUri: 'https://rp.example/backchannel?tenant=1', backchannelLogoutSessionRequired: true });
      await storage().clients.insert(client);
      assert.deepEqual(await storage().clients.find(client.clientId), client);
      const changed = { ...client, backchannelLogoutUri: null, backchannelLogoutSessionRequired: false };
      assert.equal(await storage().clients.update(changed), true);
      assert.deepEqual(await storage().clients.find(client.clientId), changed);
    });

    it('keeps and updates the front-channel logout URI and session requirement of a client (Front-Channel Logout 1.0 §2)', async () => {
      const client = clientRecord({ frontchannelLogoutUri: 'https://rp.example/frontchannel?tenant=1', frontchannelLogoutSessionRequired: true });
      await storage().clients.insert(client);
      assert.deepEqual(await storage().clients.find(client.clientId), client);
      assert.deepEqual((await storage().clients.list()).find((c) => c.clientId === client.clientId), client);
      const changed = { ...client, frontchannelLogoutUri: 'https://rp.example/v2/frontchannel', frontchannelLogoutSessionRequired: false };
      assert.equal(await storage().clients.update(changed), true);
      assert.deepEqual(await storage().clients.find(client.clientId), changed);
      const removed = { ...changed, frontchannelLogoutUri: null };
      assert.equal(await storage().clients.update(removed), true);
      assert.deepEqual(await storage().clients.find(client.clientId), removed);
    });

    it('keeps and replaces the client metadata document (OIDC Dynamic Client Registration 1.0 §2)', async () => {
      const client = clientRecord({ metadata: {
        applicationType: 'native', logoUri: 'https://rp.example/logo.png', contacts: ['ops@rp.example'],
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }, defaultMaxAge: 3600, requirePkce: false,
        clientNameLocalized: { 'ja-Jpan-JP': 'クライアント' },
      } });
      await storage().clients.insert(client);
      assert.deepEqual(await storage().clients.find(client.clientId), client);
      assert.deepEqual((await storage().clients.list()).find((c) => c.clientId === client.clientId), client);
      const changed = { ...client, metadata: { subjectType: 'pairwise' as const, sectorIdentifierUri: 'https://rp.example/sector.json' } };
      assert.equal(await storage().clients.update(changed), true);
      assert.deepEqual(await storage().clients.find(client.clientId), changed);
    });

    it('answers null for an unknown client id', async () => {
      assert.equal(await storage().clients.find(uid('client')), null);
    });

    it('rejects a second client with the same id with DuplicateError', async () => {
      const client = clientRecord();
      await storage().clients.insert(client);
      await assert.rejects(storage().clients.insert({ ...client, clientName: 'Impostor' }), isDuplicate);
      assert.equal((await storage().clients.find(client.clientId))?.clientName, client.clientName);
    });

    it('lists registered clients', async () => {
      const a = clientRecord();
      const b = clientRecord();
      await storage().clients.insert(a);
      await storage().clients.insert(b);
      const listed = await storage().clients.list();
      assert.deepEqual(listed.find((c) => c.clientId === a.clientId), a);
      assert.deepEqual(listed.find((c) => c.clientId === b.clientId), b);
    });

    it('updates every field of a client but its id and creation time, and reads the update at once (issue 9)', async () => {
      const client = clientRecord();
      await storage().clients.insert(client);
      assert.deepEqual(await storage().clients.find(client.clientId), client); // a cached read, where one exists
      const changed = {
        ...client, clientName: 'Renamed', secretDigest: null, redirectUris: ['https://new.example/cb', 'com.example.app:/cb'],
        grantTypes: ['authorization_code'], responseTypes: ['code'], scopes: ['openid'], skipConsent: true,
        tokenEndpointAuthMethod: 'none' as const, postLogoutRedirectUris: ['https://new.example/bye', 'https://new.example/bye?x=1'],
      };
      assert.equal(await storage().clients.update({ ...changed, createdAt: client.createdAt + 999 }), true);
      assert.deepEqual(await storage().clients.find(client.clientId), changed);
      assert.deepEqual((await storage().clients.list()).find((c) => c.clientId === client.clientId), changed);
      assert.equal(await storage().clients.update(clientRecord()), false, 'an unknown client is not created');
    });

    it('rotating the secret digest replaces the old one: only the new digest is stored (issue 9)', async () => {
      const client = clientRecord();
      await storage().clients.insert(client);
      await storage().clients.find(client.clientId);
      const secretDigest = 'f'.repeat(64);
      assert.equal(await storage().clients.update({ ...client, secretDigest }), true);
      assert.equal((await storage().clients.find(client.clientId))?.secretDigest, secretDigest);
    });

    it('deletes only the client row: what it held is revoked by the core policy, not by the adapter', async () => {
      const now = nowSeconds();
      const client = clientRecord();
      await storage().clients.insert(client);
      const grant = grantRecord({ clientId: client.clientId });
      await storage().grants.insert(grant);
      const access = tokenRecord(grant, 'access_token', now);
      await storage().tokens.insert([access]);
      const consent = { accountId: uid('acct'), clientId: client.clientId, scopes: ['openid'], createdAt: now, updatedAt: now };
      await storage().consents.save(consent);

      assert.equal(await storage().clients.delete(client.clientId), true);
      assert.equal(await storage().clients.find(client.clientId), null);
      assert.equal((await storage().grants.find(grant.grantId))?.revokedAt, null);
      assert.equal((await storage().tokens.find(access.tokenDigest))?.revokedAt, null);
      assert.deepEqual(await storage().consents.find(consent.accountId, client.clientId), consent);
      assert.equal(await storage().clients.delete(client.clientId), false);
    });
  });

  describe('accounts', () => {
    it('finds an account by id and by username', async () => {
      const account = accountRecord();
      await storage().accounts.insert(account);
      assert.deepEqual(await storage().accounts.findById(account.accountId), account);
      assert.deepEqual(await storage().accounts.findByUsername(account.username), account);
    });

    it('keeps optional claims as null and an unverified email as false', async () => {
      const account = accountRecord({ email: null, emailVerified: false, name: null });
      await storage().accounts.insert(account);
      assert.deepEqual(await storage().accounts.findById(account.accountId), account);
    });

    it('keeps the profile document and replaces the claims with updateClaims, stamping updatedAt (OIDC Core §5.1)', async () => {
      const profile = {
        givenName: 'Ada', familyName: 'Lovelace', birthdate: '1815-12-10', locale: 'en-GB', phoneNumber: '+44 20 7946 0000',
        phoneNumberVerified: true, address: { streetAddress: '12 St James\'s Square', locality: 'London', country: 'GB' },
      };
      const account = accountRecord({ profile });
      await storage().accounts.insert(account);
      assert.deepEqual(await storage().accounts.findById(account.accountId), account);
      const claims = { email: 'countess@example.com', emailVerified: false, name: 'Augusta Ada King', profile: { nickname: 'Ada' } };
      assert.equal(await storage().accounts.updateClaims(account.accountId, claims, account.updatedAt + 60), true);
      const changed = { ...account, ...claims, updatedAt: account.updatedAt + 60 };
      assert.deepEqual(await storage().accounts.findById(account.accountId), changed);
      assert.deepEqual(await storage().accounts.findByUsername(account.username), changed);
      assert.equal(await storage().accounts.updateClaims(uid('acct'), claims, account.updatedAt), false);
    });

    it('answers null for an unknown id or username', async () => {
      assert.equal(await storage().accounts.findById(uid('acct')), null);
      assert.equal(await storage().accounts.findByUsername(uid('user')), null);
    });

    it('rejects a taken username with DuplicateError', async () => {
      const account = accountRecord();
      await storage().accounts.insert(account);
      await assert.rejects(storage().accounts.insert(accountRecord({ username: account.username })), isDuplicate);
      assert.equal((await storage().accounts.findByUsername(account.username))?.accountId, account.accountId);
    });

    it('lists accounts', async () => {
      const account = accountRecord();
      await storage().accounts.insert(account);
      assert.deepEqual((await storage().accounts.list()).find((a) => a.accountId === account.accountId), account);
    });

    it('replaces the password hash and stamps updatedAt; false for an unknown account', async () => {
      const account = accountRecord();
      await storage().accounts.insert(account);
      assert.equal(await storage().accounts.setPasswordHash(account.accountId, '$argon2id$new', account.updatedAt + 30), true);
      const updated = await storage().accounts.findById(account.accountId);
      assert.equal(updated?.passwordHash, '$argon2id$new');
      assert.equal(updated?.updatedAt, account.updatedAt + 30);
      assert.equal(updated?.createdAt, account.createdAt);
      assert.equal(await storage().accounts.setPasswordHash(uid('acct'), '$argon2id$x', 1), false);
    });

    it('changes only the hash: sessions, grants and tokens are ended by the core policy, not by the adapter', async () => {
      const now = nowSeconds();
      const account = accountRecord();
      await storage().accounts.insert(account);
      const session = sessionRecord(now, { accountId: account.accountId });
      await storage().sessions.insert(session);
      const grant = grantRecord({ accountId: account.accountId });
      await storage().grants.insert(grant);
      const token = tokenRecord(grant, 'refresh_token', now);
      await storage().tokens.insert([token]);

      assert.equal(await storage().accounts.setPasswordHash(account.accountId, '$argon2id$new', now + 1), true);
      assert.deepEqual(await storage().sessions.find(session.sessionDigest, now + 1), session);
      assert.equal((await storage().tokens.find(token.tokenDigest))?.revokedAt, null);
    });

    it('deletes an account row once and frees its username, leaving its sessions to the core policy', async () => {
      const account = accountRecord();
      await storage().accounts.insert(account);
      const session = sessionRecord(nowSeconds(), { accountId: account.accountId });
      await storage().sessions.insert(session);
      assert.equal(await storage().accounts.delete(account.accountId), true);
      assert.deepEqual(await storage().sessions.find(session.sessionDigest, nowSeconds()), session);
      assert.equal(await storage().accounts.findById(account.accountId), null);
      assert.equal(await storage().accounts.findByUsername(account.username), null);
      assert.equal(await storage().accounts.delete(account.accountId), false);
      await assert.doesNotReject(storage().accounts.insert(accountRecord({ username: account.username })));
    });
  });

  describe('consents', () => {
    it('answers null before consent is given', async () => {
      assert.equal(await storage().consents.find(uid('acct'), uid('client')), null);
    });

    it('saves a consent and replaces it on a second save for the same account and client', async () => {
      const now = nowSeconds();
      const accountId = uid('acct');
      const clientId = uid('client');
      const first = { accountId, clientId, scopes: ['openid'], createdAt: now, updatedAt: now };
      await storage().consents.save(first);
      assert.deepEqual(await storage().consents.find(accountId, clientId), first);
      const second = { ...first, scopes: ['openid', 'email', 'profile'], updatedAt: now + 10 };
      await storage().consents.save(second);
      assert.deepEqual(await storage().consents.find(accountId, clientId), second);
    });

    it('keeps consents per (account, client) pair and deletes only the one named', async () => {
      const now = nowSeconds();
      const accountId = uid('acct');
      const a = { accountId, clientId: uid('client'), scopes: ['openid'], createdAt: now, updatedAt: now };
      const b = { ...a, clientId: uid('client'), scopes: ['email'] };
      await storage().consents.save(a);
      await storage().consents.save(b);
      await storage().consents.delete(accountId, a.clientId);
      assert.equal(await storage().consents.find(accountId, a.clientId), null);
      assert.deepEqual(await storage().consents.find(accountId, b.clientId), b);
    });

    const forgetting = [
      { by: 'client', forget: (id: string) => storage().consents.deleteByClient(id), owned: (id: string) => ({ clientId: id, accountId: uid('acct') }) },
      { by: 'account', forget: (id: string) => storage().consents.deleteByAccount(id), owned: (id: string) => ({ accountId: id, clientId: uid('client') }) },
    ];
    for (const { by, forget, owned } of forgetting) {
      it(`forgets every consent of one ${by}, and only those`, async () => {
        const now = nowSeconds();
        const id = uid(by);
        const consent = (ids: { accountId: string; clientId: string }) => ({ ...ids, scopes: ['openid'], createdAt: now, updatedAt: now });
        const given = [consent(owned(id)), consent(owned(id))];
        const elsewhere = consent({ accountId: uid('acct'), clientId: uid('client') });
        for (const c of [...given, elsewhere]) await storage().consents.save(c);
        await forget(id);
        for (const c of given) assert.equal(await storage().consents.find(c.accountId, c.clientId), null);
        assert.deepEqual(await storage().consents.find(elsewhere.accountId, elsewhere.clientId), elsewhere);
      });
    }
  });
}
