// Initial access tokens (RFC 7591 §3) in PostgreSQL, stored as digests. Spending a use is one
// conditional UPDATE, so two registrations never share a token's last use.
import type pg from 'pg';
import type { InitialAccessTokenStore } from '../ports.js';
import type { InitialAccessTokenRecord } from '../records.js';
import { query } from './connection.js';

type Row = Record<string, unknown>;

function toRecord(r: Row): InitialAccessTokenRecord {
  return {
    tokenId: r.token_id as string, tokenDigest: r.token_digest as string, usesLeft: (r.uses_left ?? null) as number | null,
    expiresAt: (r.expires_at ?? null) as number | null, createdAt: r.created_at as number,
  };
}

const live = '(expires_at IS NULL OR expires_at > $NOW) AND (uses_left IS NULL OR uses_left > 0)';
const liveAt = (position: number) => live.replace('$NOW', `$${position}`);

export function createInitialAccessTokenStore(pool: pg.Pool): InitialAccessTokenStore {
  return {
    async insert(t) {
      await query(pool, {
        text: 'INSERT INTO initial_access_tokens (token_id, token_digest, uses_left, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)',
        values: [t.tokenId, t.tokenDigest, t.usesLeft, t.expiresAt, t.createdAt],
      });
    },
    async find(tokenDigest, now) {
      const { rows } = await query(pool, { text: `SELECT * FROM initial_access_tokens WHERE token_digest = $1 AND ${liveAt(2)}`, values: [tokenDigest, now] });
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async use(tokenDigest, now) {
      const result = await query(pool, {
        text: `UPDATE initial_access_tokens SET uses_left = uses_left - 1 WHERE token_digest = $1 AND ${liveAt(2)}`,
        values: [tokenDigest, now],
      });
      return (result.rowCount ?? 0) > 0;
    },
    async list(now) {
      const { rows } = await query(pool, { text: `SELECT * FROM initial_access_tokens WHERE ${liveAt(1)} ORDER BY created_at, token_id`, values: [now] });
      return rows.map(toRecord);
    },
    async revoke(tokenId) {
      const result = await query(pool, { text: 'DELETE FROM initial_access_tokens WHERE token_id = $1', values: [tokenId] });
      return (result.rowCount ?? 0) > 0;
    },
    async purgeExpired(now, limit) {
      const result = await query(pool, {
        text: `DELETE FROM initial_access_tokens WHERE token_id IN
          (SELECT token_id FROM initial_access_tokens WHERE NOT (${liveAt(1)}) LIMIT $2)`,
        values: [now, limit],
      });
      return result.rowCount ?? 0;
    },
  };
}
