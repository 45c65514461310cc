// Deletes expired rows in one bounded batch, so the background purge never holds long locks.
import type pg from 'pg';
import { query } from './connection.js';

const purgeable = {
  sessions: 'expires_at',
  interactions: 'expires_at',
  authorization_codes: 'expires_at',
  tokens: 'expires_at',
  signing_keys: 'remove_after',
  replay_cache: 'expires_at',
  pushed_requests: 'expires_at',
  device_authorizations: 'expires_at',
  account_events: 'expires_at',
} as const;

/** Removes at most `limit` rows of `table` whose expiry column is at or before `now`. */
export async function purgeBatch(pool: pg.Pool, table: keyof typeof purgeable, now: number, limit: number): Promise<number> {
  const column = purgeable[table];
  // ctid addresses the physical row: the cheapest way to DELETE ... LIMIT in PostgreSQL. SKIP
  // LOCKED lets every node purge at once without waiting on (or deadlocking with) another.
  const result = await query(pool, {
    name: `purge_${table}`,
    text: `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${column} <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    values: [now, limit],
  });
  return result.rowCount ?? 0;
}
