// Issue 9: WAL checkpoints run on their own thread. Under steady writes the worker keeps the WAL
// bounded (the server's connection never checkpoints inline), and closing the storage stops the
// worker and closes its connection.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from './sqlite-storage.js';
import { grantRecord, nowSeconds, tokenRecord } from '../../../test/storage-contract/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/** One commit per token, as a busy server makes; returns the largest WAL seen and the frames written. */
async function writeTokens(path: string, storage: Awaited<ReturnType<typeof openSqliteStorage>>, commits: number) {
  const grant = grantRecord();
  await storage.grants.insert(grant);
  const now = nowSeconds();
  let largest = 0;
  for (let i = 0; i < commits; i++) {
    await storage.tokens.insert([tokenRecord(grant, 'access_token', now)]);
    if (i % 20 === 0) {
      largest = Math.max(largest, walBytes(path));
      // Let the worker's timer and messages in, as a server's loop does between requests.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  return Math.max(largest, walBytes(path));
}

describe('SQLite checkpoints on a worker thread', () => {
  it('keeps the WAL bounded under steady writes, with no checkpoint on the writing connection (issue 9)', async () => {
    const maxWalPages = 200;
    const path = join(dir, 'bounded.db');
    let ready!: () => void;
    const workerReady = new Promise<void>((resolve) => { ready = resolve; });
    let restarts = 0;
    const storage = await openSqliteStorage(path, undefined, {
      checkpoints: { interval: 20, maxWalPages, onReady: ready, onRestarted: () => { restarts++; } },
    });
    try {
      // Generous deadline; the timer also keeps this process alive (the worker is unref'd).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([workerReady, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the checkpoint worker did not start')), 30_000); })]);
      clearTimeout(timer);
      // 3000 commits write about 50 MB of WAL frames: unchecked, the file grows to all of it (test below).
      const largest = await writeTokens(path, storage, 3000);
      assert.ok(restarts >= 3, `the worker restarted the WAL ${restarts} times`);
      // Generous: between two ticks of a worker on a loaded machine the WAL grows by what was written meanwhile.
      assert.ok(largest < 25 * 1024 * 1024, `the WAL grew to ${largest} bytes (bound ${maxWalPages} pages)`);
    } finally {
      await storage.close();
    }
    assert.equal(existsSync(`${path}-wal`), false, "the last connection closed (the worker's too), so SQLite removed the WAL");
  });

  it('grows the WAL past that size without the worker, so the test above can fail', async () => {
    const path = join(dir, 'unbounded.db');
    const storage = await openSqliteStorage(path, undefined, { checkpoints: false });
    try {
      const largest = await writeTokens(path, storage, 3000);
      assert.ok(largest >= 35 * 1024 * 1024, `only ${largest} bytes of WAL`);
    } finally {
      await storage.close();
    }
  });

  it('starts the WAL over in place instead of truncating it, so commits overwrite the file rather than grow it again (issue 9)', async () => {
    const maxWalPages = 200;
    const path = join(dir, 'restart.db');
    let ready!: () => void;
    const workerReady = new Promise<void>((resolve) => { ready = resolve; });
    // Read on the 'restarted' message, before this thread commits again: a TRUNCATE would leave 0 bytes.
    const sizesAtRestart: number[] = [];
    const storage = await openSqliteStorage(path, undefined, {
      checkpoints: { interval: 20, maxWalPages, onReady: ready, onRestarted: () => { sizesAtRestart.push(walBytes(path)); } },
    });
    try {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([workerReady, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the checkpoint worker did not start')), 30_000); })]);
      clearTimeout(timer);
      await writeTokens(path, storage, 1500);
      assert.ok(sizesAtRestart.length >= 2, `the worker restarted the WAL ${sizesAtRestart.length} times`);
      for (const size of sizesAtRestart) assert.ok(size >= maxWalPages * 4096, `the WAL file held ${size} bytes right after a restart`);
    } finally {
      await storage.close();
    }
  });

  it('stops the worker and closes its connection when the storage closes, leaving no thread behind', async () => {
    const path = join(dir, 'close.db');
    const storage = await openSqliteStorage(path);
    const before = process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    await storage.tokens.insert([tokenRecord(grantRecord(), 'access_token', nowSeconds())]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await storage.close();
    const afterClose = process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    assert.ok(afterClose <= before, `message ports: ${before} before, ${afterClose} after`);
    assert.equal(existsSync(`${path}-wal`), false, 'no connection is left open on the file');
  });
});

