// Single-use values in PostgreSQL (RFC 7523 §3 item 7 jti): ONE upsert inserts a new key or takes
// over an expired one; a live key makes the conflict branch's WHERE false and nothing is returned.
// The unique index serialises concurrent uses from every node, so exactly one sees a row.
import type pg from 'pg';
import type { ReplayCacheStore } from '../ports.js';
import { query } from './connection.js';
import { purgeBatch } from './purge.js';

const useSql = `INSERT INTO replay_cache AS r (replay_key, expires_at) VALUES ($1, $2)
  ON CONFLICT (replay_key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE r.expires_at <= $3
  RETURNING 1`;

export function createReplayCacheStore(pool: pg.Pool): ReplayCacheStore {
  return {
    async use(key, expiresAt, now) {
      const result = await query(pool, { name: 'replay_use', text: useSql, values: [key, expiresAt, now] });
      return (result.rowCount ?? 0) === 1;
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'replay_cache', now, limit),
  };
}
