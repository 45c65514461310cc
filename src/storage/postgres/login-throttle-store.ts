// Login attempt counters per key in PostgreSQL (RFC 6819 §4.4.3.1 online guessing): the
// reservation is ONE upsert whose conflict branch runs on the row locked at its latest version,
// so concurrent attempts from any number of nodes are counted one after another and never
// exceed the schedule. The schedule's lookup (ports.ts#scheduledWait) is written in SQL below.
import type pg from 'pg';
import type { LoginThrottleStore } from '../ports.js';
import { query } from './connection.js';

// The schedule's wait after `attempts`, with `free` and `delays` the parameters holding them.
const wait = (attempts: string, free = '$3', delays = '$4') => `(CASE WHEN ${attempts} < ${free}::int OR cardinality(${delays}::bigint[]) = 0
  THEN 0 ELSE (${delays}::bigint[])[LEAST(${attempts} - ${free}::int, cardinality(${delays}::bigint[]) - 1) + 1] END)`;

// $1 key, $2 now, $3 free, $4 delays, $5 forgetAfter.
const counted = `(CASE WHEN $2::bigint >= t.last_at + ${wait('t.attempts')} + $5::bigint THEN 1 ELSE t.attempts + 1 END)`;

const reserveSql = `INSERT INTO login_throttle AS t (key, attempts, last_at, expires_at)
  VALUES ($1, 1, $2::bigint, $2::bigint + ${wait('1')} + $5::bigint)
  ON CONFLICT (key) DO UPDATE SET attempts = ${counted}, last_at = $2::bigint,
    expires_at = $2::bigint + ${wait(counted)} + $5::bigint
  WHERE ${wait('t.attempts')} = 0 OR $2::bigint >= t.last_at + ${wait('t.attempts')}
  RETURNING attempts`;

// Only for the refusal's Retry-After; the decision was the upsert's.
const allowedAtSql = `SELECT t.last_at + ${wait('t.attempts', '$2', '$3')} AS allowed_at FROM login_throttle t WHERE key = $1`;

export function createLoginThrottleStore(pool: pg.Pool): LoginThrottleStore {
  return {
    async reserve(key, now, schedule) {
      const values = [key, now, schedule.free, schedule.delays, schedule.forgetAfter];
      const { rows } = await query<{ attempts: number }>(pool, { name: 'throttle_reserve', text: reserveSql, values });
      if (rows[0]) return { allowed: true, attempts: rows[0].attempts };
      const allowedAt = await query<{ allowed_at: string }>(pool, {
        name: 'throttle_allowed_at', text: allowedAtSql, values: [key, schedule.free, schedule.delays],
      });
      return { allowed: false, retryAfter: Math.max(1, Number(allowedAt.rows[0]?.allowed_at ?? now) - now) };
    },
    async release(key) {
      await query(pool, {
        name: 'throttle_release', text: 'UPDATE login_throttle SET attempts = GREATEST(attempts - 1, 0) WHERE key = $1', values: [key],
      });
    },
    async clear(key) {
      await query(pool, { name: 'throttle_clear', text: 'DELETE FROM login_throttle WHERE key = $1', values: [key] });
    },
    async purgeExpired(now, limit) {
      const result = await query(pool, {
        name: 'throttle_purge',
        text: `DELETE FROM login_throttle WHERE key IN
          (SELECT key FROM login_throttle WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        values: [now, limit],
      });
      return result.rowCount ?? 0;
    },
  };
}
