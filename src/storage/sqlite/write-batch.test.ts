import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createWriteBatch } from './write-batch.js';

function database() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
  return db;
}

describe('SQLite group commit', () => {
  it('commits writes of one turn together, in order, each with its own result', async () => {
    const db = database();
    const batch = createWriteBatch(db);
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    const results = await Promise.all([1, 2, 3].map((v) => batch.run(() => insert.run(`k${v}`, v).changes)));
    assert.deepEqual(results, [1, 1, 1]);
    assert.deepEqual(db.prepare('SELECT v FROM t ORDER BY v').pluck().all(), [1, 2, 3]);
  });

  it('rolls back only the failing write and rejects only its caller', async () => {
    const db = database();
    const batch = createWriteBatch(db);
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    const outcomes = await Promise.allSettled([
      batch.run(() => insert.run('a', 1)),
      batch.run(() => { insert.run('b', 2); insert.run('a', 3); }),
      batch.run(() => insert.run('c', 4)),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(db.prepare('SELECT k FROM t ORDER BY k').pluck().all(), ['a', 'c'], "the failing write's first row is rolled back too");
  });

  it('is not in a transaction once the batch has settled, and flush commits at once', async () => {
    const db = database();
    const batch = createWriteBatch(db);
    const pending = batch.run(() => db.prepare("INSERT INTO t VALUES ('x', 1)").run());
    batch.flush();
    assert.equal(db.inTransaction, false);
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 1);
    await pending;
  });
});
