// Runs the storage contract against the SQLite adapter, on a file and in memory, and checks
// that a file database keeps its data and its migration history across a restart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { migrations } from '../../src/storage/sqlite/migrations.js';
import { describeStorageContract } from './contract.js';
import { accountRecord, clientRecord, grantRecord, nowSeconds, signingKeyRecord, tokenRecord } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describeStorageContract('sqlite file', () => openSqliteStorage(join(dir, 'nested', 'contract.db')));
describeStorageContract('sqlite :memory:', () => openSqliteStorage(':memory:'));

describe('sqlite file across a restart', () => {
  const path = join(dir, 'restart', 'gatehouse.db');
  const now = nowSeconds();
  const client = clientRecord();
  const account = accountRecord();
  const key = signingKeyRecord(now);
  const grant = grantRecord({ clientId: client.clientId, accountId: account.accountId });
  const token = tokenRecord(grant, 'refresh_token', now);

  before(async () => {
    const storage = await openSqliteStorage(path);
    await storage.clients.insert(client);
    await storage.accounts.insert(account);
    await storage.signingKeys.insert(key);
    await storage.grants.insert(grant);
    await storage.tokens.insert([token]);
    await storage.close();
  });

  it('keeps clients, users, keys, grants and live tokens after close and re-open', async () => {
    const storage = await openSqliteStorage(path);
    try {
      assert.deepEqual(await storage.clients.find(client.clientId), client);
      assert.deepEqual(await storage.accounts.findByUsername(account.username), account);
      assert.deepEqual(await storage.signingKeys.list(now), [key]);
      assert.deepEqual(await storage.grants.find(grant.grantId), grant);
      assert.deepEqual(await storage.tokens.find(token.tokenDigest), token);
    } finally {
      await storage.close();
    }
  });

  it('records each migration once, however often the file is opened', async () => {
    await (await openSqliteStorage(path)).close();
    await (await openSqliteStorage(path)).close();
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      assert.deepEqual(rows, migrations.map(({ version, name }) => ({ version, name })));
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('refuses work after close: ping reports the storage unavailable', async () => {
    const storage = await openSqliteStorage(path);
    await storage.close();
    await assert.rejects(storage.ping(), { name: 'StorageUnavailableError' });
  });
});
