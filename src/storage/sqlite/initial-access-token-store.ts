// Initial access tokens (RFC 7591 §3) in SQLite, stored as digests. Spending a use is one
// conditional UPDATE, so two registrations never share a token's last use.
import type { Database } from 'better-sqlite3';
import type { InitialAccessTokenStore } from '../ports.js';
import type { InitialAccessTokenRecord } from '../records.js';
import { insertUnique } from './sqlite-values.js';

interface Row { token_id: string; token_digest: string; uses_left: number | null; expires_at: number | null; created_at: number }

function toRecord(row: Row): InitialAccessTokenRecord {
  return { tokenId: row.token_id, tokenDigest: row.token_digest, usesLeft: row.uses_left, expiresAt: row.expires_at, createdAt: row.created_at };
}

const live = '(expires_at IS NULL OR expires_at > @now) AND (uses_left IS NULL OR uses_left > 0)';

export function createInitialAccessTokenStore(db: Database): InitialAccessTokenStore {
  const insert = db.prepare(`INSERT INTO initial_access_tokens (token_id, token_digest, uses_left, expires_at, created_at)
    VALUES (@tokenId, @tokenDigest, @usesLeft, @expiresAt, @createdAt)`);
  const find = db.prepare<[{ digest: string; now: number }], Row>(`SELECT * FROM initial_access_tokens WHERE token_digest = @digest AND ${live}`);
  const use = db.prepare<[{ digest: string; now: number }]>(`UPDATE initial_access_tokens
    SET uses_left = CASE WHEN uses_left IS NULL THEN NULL ELSE uses_left - 1 END WHERE token_digest = @digest AND ${live}`);
  const list = db.prepare<[{ now: number }], Row>(`SELECT * FROM initial_access_tokens WHERE ${live} ORDER BY created_at, token_id`);
  const revoke = db.prepare<[string]>('DELETE FROM initial_access_tokens WHERE token_id = ?');
  const purge = db.prepare<[{ now: number; limit: number }]>(`DELETE FROM initial_access_tokens WHERE token_id IN
    (SELECT token_id FROM initial_access_tokens WHERE NOT (${live}) LIMIT @limit)`);
  return {
    async insert(token) {
      insertUnique(() => insert.run(token), `initial access token ${token.tokenId}`);
    },
    async find(tokenDigest, now) {
      const row = find.get({ digest: tokenDigest, now });
      return row ? toRecord(row) : null;
    },
    async use(tokenDigest, now) {
      return use.run({ digest: tokenDigest, now }).changes > 0;
    },
    async list(now) {
      return list.all({ now }).map(toRecord);
    },
    async revoke(tokenId) {
      return revoke.run(tokenId).changes > 0;
    },
    async purgeExpired(now, limit) {
      return purge.run({ now, limit }).changes;
    },
  };
}
