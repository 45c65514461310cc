// Failed login timestamps per key, counted over a sliding window to slow password guessing
// (RFC 6819 §4.4.3.1 online guessing). Failures older than the window are pruned as we go.
import type { Database } from 'better-sqlite3';
import type { LoginThrottleStore } from '../ports.js';

// Stale rows of keys that never fail again are swept a few at a time on later failures; this
// assumes the server uses one window length for every key.
const sweepBatch = 100;

export function createLoginThrottleStore(db: Database): LoginThrottleStore {
  const insert = db.prepare<[string, number]>('INSERT INTO login_failures (throttle_key, failed_at) VALUES (?, ?)');
  const count = db.prepare<[string, number, number], { n: number }>(
    'SELECT count(*) AS n FROM login_failures WHERE throttle_key = ? AND failed_at > ? AND failed_at <= ?');
  const pruneKey = db.prepare<[string, number]>('DELETE FROM login_failures WHERE throttle_key = ? AND failed_at <= ?');
  const sweep = db.prepare<[number, number]>(`DELETE FROM login_failures WHERE rowid IN
    (SELECT rowid FROM login_failures WHERE failed_at <= ? LIMIT ?)`);
  const clear = db.prepare<[string]>('DELETE FROM login_failures WHERE throttle_key = ?');

  const failuresSince = (key: string, now: number, windowSeconds: number): number =>
    count.get(key, now - windowSeconds, now)?.n ?? 0;

  const register = db.transaction((key: string, now: number, windowSeconds: number): number => {
    const windowStart = now - windowSeconds;
    pruneKey.run(key, windowStart);
    sweep.run(windowStart, sweepBatch);
    insert.run(key, now);
    return failuresSince(key, now, windowSeconds);
  });

  return {
    async registerFailure(key, now, windowSeconds) {
      return register.immediate(key, now, windowSeconds);
    },
    async failures(key, now, windowSeconds) {
      return failuresSince(key, now, windowSeconds);
    },
    async clear(key) {
      clear.run(key);
    },
  };
}
