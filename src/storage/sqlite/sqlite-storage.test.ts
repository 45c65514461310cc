// SQLite-specific behaviour beyond the storage contract: migrations that
// apply once, and single use holding across separate connections racing on one file.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openSqliteStorage } from './sqlite-storage.js';
import type { Storage } from '../ports.js';
import { applyMigrations, migrations } from './migrations.js';
import { accountRecord, clientRecord, codeRecord, grantRecord, nowSeconds, sessionRecord, tokenRecord } from '../../../test/storage-contract/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-unit-'));
// Client and account lookups see another connection's commits from the next event-loop turn on.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A server's and the CLI's connections to one file, as when `gatehouse client delete` runs beside a node. */
async function withTwoConnections(name: string, work: (server: Storage, cli: Storage) => Promise<void>): Promise<void> {
  const path = join(dir, `${name}.db`);
  const server = await openSqliteStorage(path);
  const cli = await openSqliteStorage(path);
  try {
    await work(server, cli);
  } finally {
    await server.close();
    await cli.close();
  }
}
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite adapter', () => {
  it('applies every migration on a new database and nothing on the next run', () => {
    const db = new Database(':memory:');
    try {
      assert.deepEqual(applyMigrations(db, 1), migrations.map((m) => m.version));
      assert.deepEqual(applyMigrations(db, 2), []);
    } finally {
      db.close();
    }
  });

  it('migration 4 gives sessions opened before it a random sid each and no clients, and they still sign in (issue 10)', async () => {
    const path = join(dir, 'v3.db');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const m of migrations.filter((m) => m.version <= 3)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(m.version, m.name);
    }
    const now = nowSeconds();
    const insert = db.prepare('INSERT INTO sessions (session_digest, account_id, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('a'.repeat(64), 'acct-1', now, now, now + 600);
    insert.run('b'.repeat(64), 'acct-1', now, now, now + 600);
    db.close();

    const storage = await openSqliteStorage(path);
    try {
      const [first, second] = await storage.sessions.listByAccount('acct-1', now);
      assert.ok(first && second);
      assert.match(first.sid, /^[0-9a-f]{32}$/);
      assert.notEqual(first.sid, second.sid);
      assert.notEqual(first.sid, first.sessionDigest);
      assert.deepEqual(first.clientIds, []);
      assert.deepEqual(await storage.sessions.findBySid(first.sid, now), first);
    } finally {
      await storage.close();
    }
  });

  it('sees a client deleted or registered through another connection, as by the CLI, from the next turn on (RFC 6749 §2.3)', async () => {
    await withTwoConnections('client-cache', async (server, cli) => {
      const client = clientRecord();
      await cli.clients.insert(client);
      assert.equal((await server.clients.find(client.clientId))?.clientId, client.clientId);
      assert.equal((await server.clients.find(client.clientId))?.clientId, client.clientId);
      assert.equal(await cli.clients.delete(client.clientId), true);
      await nextTurn();
      assert.equal(await server.clients.find(client.clientId), null);
      // A lookup that missed must not hide a client registered afterwards either.
      await cli.clients.insert(client);
      await nextTurn();
      assert.equal((await server.clients.find(client.clientId))?.clientId, client.clientId);
      assert.equal(await server.clients.delete(client.clientId), true);
      assert.equal(await server.clients.find(client.clientId), null);
    });
  });

  it('sees an account changed or deleted through another connection from the next turn on (OIDC Core §5.3.2)', async () => {
    await withTwoConnections('account-cache', async (server, cli) => {
      const account = accountRecord();
      await cli.accounts.insert(account);
      assert.equal((await server.accounts.findById(account.accountId))?.passwordHash, account.passwordHash);
      assert.equal(await cli.accounts.setPasswordHash(account.accountId, 'new-hash', nowSeconds()), true);
      await nextTurn();
      assert.equal((await server.accounts.findById(account.accountId))?.passwordHash, 'new-hash');
      assert.equal(await cli.accounts.delete(account.accountId), true);
      await nextTurn();
      assert.equal(await server.accounts.findById(account.accountId), null);
      await server.accounts.insert(account);
      assert.equal((await server.accounts.findById(account.accountId))?.username, account.username);
      assert.equal(await server.accounts.setPasswordHash(account.accountId, 'newer-hash', nowSeconds()), true);
      assert.equal((await server.accounts.findById(account.accountId))?.passwordHash, 'newer-hash');
    });
  });

  it('hands out client records nobody can change for the next caller', async () => {
    const storage = await openSqliteStorage(':memory:');
    const client = clientRecord();
    await storage.clients.insert(client);
    const found = (await storage.clients.find(client.clientId))!;
    assert.throws(() => { (found.redirectUris as string[]).push('https://evil.example/cb'); }, TypeError);
    assert.deepEqual((await storage.clients.find(client.clientId))?.redirectUris, client.redirectUris);
    await storage.close();
  });

  it('never rotates an access token as if it were a refresh token', async () => {
    const storage = await openSqliteStorage(':memory:');
    const now = nowSeconds();
    const grant = grantRecord();
    await storage.grants.insert(grant);
    const access = tokenRecord(grant, 'access_token', now);
    await storage.tokens.insert([access]);
    assert.deepEqual(await storage.tokens.rotateRefreshToken(access.tokenDigest, now, []), { outcome: 'not_found' });
    assert.equal((await storage.tokens.find(access.tokenDigest))?.rotatedAt, null);
    await storage.close();
  });

  it('consumes each code exactly once while two connections contend for one file (RFC 6749 §4.1.2)', async () => {
    const path = join(dir, 'race.db');
    const storage = await openSqliteStorage(path);
    const now = nowSeconds();
    const grant = grantRecord();
    await storage.grants.insert(grant);
    const codes = Array.from({ length: 1000 }, () => codeRecord(grant, now));
    for (const code of codes) await storage.authorizationCodes.insert(code);
    await storage.close();

    const digests = codes.map((c) => c.codeDigest);
    const start = new Int32Array(new SharedArrayBuffer(4));
    // The same order keeps both on the same code at once: a read-then-write (deferred)
    // transaction fails here with SQLITE_BUSY, an immediate one waits its turn.
    const workers = [0, 1].map(() => redeemInWorker(path, digests, now, start));
    await Promise.all(workers.map((w) => w.ready));
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    const [a, b] = await Promise.all(workers.map((w) => w.won));
    assert.equal(a! + b!, codes.length);
  });
});

// Each worker opens its own connection, waits on a shared flag so both start together, then
// redeems every code and reports how many it won.
function redeemInWorker(path: string, digests: string[], now: number, start: Int32Array): { ready: Promise<void>; won: Promise<number> } {
  const adapter = new URL('./sqlite-storage.js', import.meta.url).href;
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.adapter).then(async ({ openSqliteStorage }) => {
      const storage = await openSqliteStorage(workerData.path);
      parentPort.postMessage('ready');
      Atomics.wait(workerData.start, 0, 0, 10000);
      let won = 0;
      for (const digest of workerData.digests) {
        const result = await storage.authorizationCodes.consume(digest, workerData.now);
        if (result && result.firstUse) won += 1;
      }
      await storage.close();
      parentPort.postMessage(won);
    });`;
  const worker = new Worker(source, { eval: true, workerData: { adapter, path, digests, now, start } });
  const failed = new Promise<never>((_, reject) => {
    worker.on('error', reject);
    worker.on('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with ${code}`)); });
  });
  const ready = Promise.race([failed, new Promise<void>((resolve) => worker.once('message', () => resolve()))]);
  const won = Promise.race([failed, ready.then(() => new Promise<number>((resolve) => worker.once('message', resolve)))]);
  return { ready, won };
}
