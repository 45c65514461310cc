// `gatehouse client delete`, `user delete` and `user set-password` go through the core's revocation
// policy (oauth/lifecycle.ts): what they print is what happened to the records (RFC 6819 §5.2.2.4).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createStorage } from '../../src/storage/create-storage.js';
import type { Storage } from '../../src/storage/ports.js';
import { silentLogger } from '../../src/lib/logger.js';
import { accountRecord, clientRecord, grantRecord, nowSeconds, sessionRecord, tokenRecord } from '../storage-contract/fixtures.js';
import { runCli, tempDatabase } from './cli-harness.js';

describe('gatehouse commands that revoke', () => {
  const db = tempDatabase();
  after(() => db.remove());

  async function withStorage<T>(use: (storage: Storage) => Promise<T>): Promise<T> {
    const storage = await createStorage({ databaseUrl: db.database, logger: silentLogger() });
    try {
      return await use(storage);
    } finally {
      await storage.close();
    }
  }

  /** A client and an account with a session, a consent and a live refresh token between them. */
  async function seed(clientId: string) {
    const now = nowSeconds();
    const client = clientRecord({ clientId });
    const account = accountRecord();
    const grant = grantRecord({ clientId, accountId: account.accountId });
    const token = tokenRecord(grant, 'refresh_token', now);
    const session = sessionRecord(now, { accountId: account.accountId });
    await withStorage(async (storage) => {
      await storage.clients.insert(client);
      await storage.accounts.insert(account);
      await storage.grants.insert(grant);
      await storage.tokens.insert([token]);
      await storage.sessions.insert(session);
      await storage.consents.save({ accountId: account.accountId, clientId, scopes: ['openid'], createdAt: now, updatedAt: now });
    });
    const state = () => withStorage(async (storage) => ({
      tokenRevoked: (await storage.tokens.find(token.tokenDigest))?.revokedAt !== null,
      session: (await storage.sessions.find(session.sessionDigest, nowSeconds())) !== null,
      consent: (await storage.consents.find(account.accountId, clientId)) !== null,
    }));
    return { account, state };
  }

  it('client delete revokes the client\'s tokens and forgets its consents', async () => {
    const { state } = await seed('cli-lifecycle-client');
    const result = await runCli(['client', 'delete', 'cli-lifecycle-client', '--database', db.database]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await state(), { tokenRevoked: true, session: true, consent: false });
  });

  it('user delete ends the account\'s sessions, revokes its tokens and forgets its consents', async () => {
    const { account, state } = await seed('cli-lifecycle-user');
    const result = await runCli(['user', 'delete', account.username, '--database', db.database]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await state(), { tokenRevoked: true, session: false, consent: false });
  });

  it('user set-password ends the account\'s sessions and revokes its tokens, keeping its consents', async () => {
    const { account, state } = await seed('cli-lifecycle-password');
    const result = await runCli(['user', 'set-password', account.username, '--password-stdin', '--database', db.database], { stdin: 'a new passphrase\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await state(), { tokenRevoked: true, session: false, consent: true });
    // The account page's recent activity shows the change (no client address: an operator made it).
    const events = await withStorage((storage) => storage.accountEvents.listByAccount(account.accountId, 10));
    assert.deepEqual(events.map((e) => [e.kind, e.address]), [['password_changed', null]]);
  });
});
