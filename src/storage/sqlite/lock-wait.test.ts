// Issue 9, "SQLite work runs on the event loop": a write lock held by another connection (the
// CLI, another node) must not stall the server. Reads go on, writes wait asynchronously and
// complete once the lock is released, and a lock held past the bound fails as "unavailable"
// (503 temporarily_unavailable, RFC 6749 §5.2), never as a stalled loop or an unexpected error.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStorage } from './sqlite-storage.js';
import { StorageUnavailableError } from '../ports.js';
import { grantRecord, nowSeconds, tokenRecord } from '../../../test/storage-contract/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-locks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Another connection that takes the write lock, as `gatehouse client delete` does while it runs. */
function holdWriteLock(path: string): { release(): void } {
  const other = new Database(path);
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      other.exec('COMMIT');
      other.close();
    },
  };
}

/** The largest gap between event-loop turns while `work` runs: a synchronous busy wait shows up here. */
async function longestLoopStall<T>(work: Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  try {
    return { value: await work, stallMs };
  } finally {
    clearInterval(timer);
  }
}

describe('SQLite writes wait for a lock asynchronously', () => {
  it('keeps reading while another connection holds the write lock longer than the old 5 s busy timeout, and writes once it is released (issue 9)', async () => {
    const path = join(dir, 'held.db');
    const storage = await openSqliteStorage(path, undefined, { lockTimeout: 60_000 });
    try {
      const now = nowSeconds();
      const grant = grantRecord();
      await storage.grants.insert(grant);
      const existing = tokenRecord(grant, 'access_token', now);
      await storage.tokens.insert([existing]);

      const lock = holdWriteLock(path);
      let released = false;
      const fresh = tokenRecord(grant, 'access_token', now);
      const write = storage.tokens.insert([fresh]).then(() => released);
      const revoke = storage.tokens.revoke(existing.tokenDigest, now).then(() => released);

      // While the lock is held (5.5 s), reads answer and the loop keeps turning.
      const { value: reads, stallMs } = await longestLoopStall((async () => {
        const found: boolean[] = [];
        const until = performance.now() + 5500;
        while (performance.now() < until) {
          found.push((await storage.tokens.find(existing.tokenDigest))?.revokedAt === null);
          await storage.ping();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return found;
      })());
      assert.ok(reads.length > 10 && reads.every(Boolean), 'the existing token was read, still active, throughout');
      assert.equal(await storage.tokens.find(fresh.tokenDigest), null, 'the write has not happened behind the lock');
      // Generous: a blocked loop would show the whole 5 s; a loaded machine shows some hundreds of ms.
      assert.ok(stallMs < 2500, `the event loop stalled ${Math.round(stallMs)} ms`);

      released = true;
      lock.release();
      assert.equal(await write, true, 'the insert completed after the release');
      assert.equal(await revoke, true, 'the revocation completed after the release');
      assert.equal((await storage.tokens.find(fresh.tokenDigest))?.tokenDigest, fresh.tokenDigest);
      assert.equal((await storage.tokens.find(existing.tokenDigest))?.revokedAt, now);
    } finally {
      await storage.close();
    }
  });

  it('fails a write as "storage unavailable" (503) once the lock is held past the bound, and writes again afterwards', async () => {
    const path = join(dir, 'bound.db');
    const storage = await openSqliteStorage(path, undefined, { lockTimeout: 300 });
    try {
      const grant = grantRecord();
      const lock = holdWriteLock(path);
      let released = false;
      const attempt = storage.grants.insert(grant).then(() => released, (error: unknown) => error);
      const purge = storage.tokens.purgeExpired(nowSeconds(), 10).then(() => released, (error: unknown) => error);
      const outcome = await attempt;
      assert.ok(outcome instanceof StorageUnavailableError, `expected StorageUnavailableError, got ${String(outcome)}`);
      assert.ok(await purge instanceof StorageUnavailableError);
      released = true;
      lock.release();
      await storage.grants.insert(grant);
      assert.equal((await storage.grants.find(grant.grantId))?.grantId, grant.grantId);
    } finally {
      await storage.close();
    }
  });

  it('fails a waiting write at once when the storage closes', async () => {
    const path = join(dir, 'closing.db');
    const storage = await openSqliteStorage(path, undefined, { lockTimeout: 60_000 });
    const lock = holdWriteLock(path);
    try {
      const attempt = storage.grants.insert(grantRecord()).then(() => 'written', (error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await storage.close();
      assert.ok(await attempt instanceof StorageUnavailableError);
    } finally {
      lock.release();
    }
  });
});
