// Group commit for SQLite's plain writes (inserts, deletes): writes issued in the same event-loop
// turn share one transaction, each inside its own savepoint. A commit costs file locks and WAL
// writes; under concurrent load this spreads that cost over the turn's writes, while each caller
// still sees its own write atomic, committed before its promise resolves, and only its own error.
// The atomic rules (consume, redeem, rotate) stay immediate transactions of their own: measured,
// deferring them to the turn's end cost more in latency than the shared commit saved.
import type { Database } from 'better-sqlite3';

export interface WriteBatch {
  /** Runs `write` (synchronous SQLite work) in the next group commit; resolves after COMMIT. */
  run<T>(write: () => T): Promise<T>;
  /** Commits what is queued now (before closing the database). */
  flush(): void;
}

interface Pending {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function createWriteBatch(db: Database): WriteBatch {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT gh_write');
  const release = db.prepare('RELEASE gh_write');
  const rollbackTo = db.prepare('ROLLBACK TO gh_write');
  let queue: Pending[] = [];

  function flush(): void {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      begin.run();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) {
      savepoint.run();
      try {
        outcomes.push({ ok: true, value: item.write() });
        release.run();
      } catch (error) {
        rollbackTo.run();
        release.run();
        outcomes.push({ ok: false, error });
      }
    }
    try {
      commit.run();
    } catch (error) {
      if (db.inTransaction) rollback.run();
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  return {
    run<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    flush,
  };
}
