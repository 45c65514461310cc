// Issue 9: the purge of expired rows runs in slices, each its own short transaction with the
// event loop free between them, so one purge never holds the write lock for long. Live rows stay.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openSqliteStorage } from './sqlite-storage.js';
import { purgeInSlices, purgeSliceRows, sweepWindowRows } from './purge-slices.js';
import { grantRecord, nowSeconds, tokenRecord } from '../../../test/storage-contract/fixtures.js';

describe('SQLite purge in slices', () => {
  it('purges N expired tokens in at least N / slice transactions, committing each, and leaves live tokens alone (issue 9)', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage.grants.insert(grant);
      const expired = Array.from({ length: 1000 }, () => tokenRecord(grant, 'access_token', now, { expiresAt: now - 10 }));
      const live = Array.from({ length: 50 }, () => tokenRecord(grant, 'access_token', now, { expiresAt: now + 3600 }));
      await storage.tokens.insert([...expired, ...live]);

      // Between slices the loop runs: count what is left each turn, as a request would see it.
      const left: number[] = [];
      let done = false;
      const purge = storage.tokens.purgeExpired(now, 5000).finally(() => { done = true; });
      while (!done) {
        let count = 0;
        for (const t of expired) if (await storage.tokens.find(t.tokenDigest)) count++;
        left.push(count);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(await purge, 1000);
      const steps = new Set(left.filter((n) => n > 0 && n < 1000));
      assert.ok(steps.size >= 1000 / purgeSliceRows - 2, `saw ${steps.size} intermediate states: ${[...new Set(left)].join(', ')}`);
      for (const t of expired) assert.equal(await storage.tokens.find(t.tokenDigest), null);
      for (const t of live) assert.equal((await storage.tokens.find(t.tokenDigest))?.tokenDigest, t.tokenDigest);
    } finally {
      await storage.close();
    }
  });

  it('walks the grants a window at a time to find unused ones, the loop free between windows, and keeps grants in use (issue 9)', async () => {
    const storage = await openSqliteStorage(':memory:');
    try {
      const now = nowSeconds();
      const old = now - 7200;
      const used = Array.from({ length: 2000 }, () => grantRecord({ createdAt: old }));
      const unused = Array.from({ length: 30 }, () => grantRecord({ createdAt: old }));
      const recent = grantRecord({ createdAt: now });
      await Promise.all([...used, ...unused, recent].map((g) => storage.grants.insert(g)));
      await storage.tokens.insert(used.map((g) => tokenRecord(g, 'refresh_token', now)));

      let turns = 0;
      let done = false;
      const count = () => { turns++; if (!done) setImmediate(count); };
      setImmediate(count);
      const purged = await storage.grants.purgeUnused(now - 3600, 500);
      done = true;
      assert.equal(purged, unused.length);
      // Before, one statement scanned all 2031 grants under the write lock with the loop stopped.
      assert.ok(turns >= used.length / sweepWindowRows - 1, `only ${turns} event-loop turns during the sweep`);
      for (const g of unused) assert.equal(await storage.grants.find(g.grantId), null);
      for (const g of [...used, recent]) assert.notEqual(await storage.grants.find(g.grantId), null);
    } finally {
      await storage.close();
    }
  });

  it('runs one statement per slice and stops at the limit or at a short slice', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, expires_at INTEGER)');
    const insert = db.prepare('INSERT INTO t (expires_at) VALUES (?)');
    for (let i = 0; i < 450; i++) insert.run(i < 430 ? 1 : 100);
    const remove = db.prepare<[number, number]>('DELETE FROM t WHERE k IN (SELECT k FROM t WHERE expires_at <= ? LIMIT ?)');
    const slices: number[] = [];
    const slice = (now: number, limit: number) => { slices.push(limit); return remove.run(now, limit).changes; };
    assert.equal(await purgeInSlices(slice, 10, 250), 250);
    assert.deepEqual(slices, [100, 100, 50]);
    slices.length = 0;
    assert.equal(await purgeInSlices(slice, 10, 1000), 180);
    assert.deepEqual(slices, [100, 100]);
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 20);
    db.close();
  });
});
