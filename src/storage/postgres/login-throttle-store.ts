// Failed-login counts per key over a sliding window, in PostgreSQL (RFC 6819 §4.4.3.1 online
// guessing): one row per failure; each new failure sweeps up to 100 stale rows of any key,
// skipping rows another node is sweeping, so concurrent logins never wait on each other (this
// assumes one window length for every key).
import type pg from 'pg';
import type { LoginThrottleStore } from '../ports.js';
import { query } from './connection.js';

export function createLoginThrottleStore(pool: pg.Pool): LoginThrottleStore {
  return {
    async registerFailure(key, now, windowSeconds) {
      // A CTE's insert is invisible to the outer SELECT of the same statement, hence the + 1.
      const { rows } = await query<{ failures: number }>(pool, {
        name: 'throttle_register',
        text: `WITH sweep AS (DELETE FROM login_failures WHERE ctid IN
            (SELECT ctid FROM login_failures WHERE failed_at <= $2::bigint - $3::bigint LIMIT 100 FOR UPDATE SKIP LOCKED)),
          ins AS (INSERT INTO login_failures (key, failed_at) VALUES ($1, $2))
          SELECT count(*)::int + 1 AS failures FROM login_failures WHERE key = $1 AND failed_at > $2::bigint - $3::bigint AND failed_at <= $2`,
        values: [key, now, windowSeconds],
      });
      return rows[0]?.failures ?? 1;
    },
    async failures(key, now, windowSeconds) {
      const { rows } = await query<{ failures: number }>(pool, {
        name: 'throttle_failures',
        text: 'SELECT count(*)::int AS failures FROM login_failures WHERE key = $1 AND failed_at > $2::bigint - $3::bigint AND failed_at <= $2',
        values: [key, now, windowSeconds],
      });
      return rows[0]?.failures ?? 0;
    },
    async clear(key) {
      await query(pool, { name: 'throttle_clear', text: 'DELETE FROM login_failures WHERE key = $1', values: [key] });
    },
  };
}
