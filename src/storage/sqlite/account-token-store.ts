// Links sent by mail (verification, password reset, e-mail change) in SQLite, as digests. Spending
// one is a single conditional UPDATE … RETURNING, so of two concurrent uses exactly one wins.
import type { Database } from 'better-sqlite3';
import type { AccountTokenStore } from '../ports.js';
import type { AccountTokenPurpose, AccountTokenRecord } from '../records.js';
import { insertUnique } from './sqlite-values.js';

interface Row {
  token_digest: string; purpose: string; account_id: string; email: string | null;
  created_at: number; expires_at: number; used_at: number | null;
}

function toRecord(row: Row): AccountTokenRecord {
  return {
    tokenDigest: row.token_digest, purpose: row.purpose as AccountTokenPurpose, accountId: row.account_id, email: row.email,
    createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at,
  };
}

const live = 'token_digest = @digest AND purpose = @purpose AND used_at IS NULL AND expires_at > @now';

export function createAccountTokenStore(db: Database): AccountTokenStore {
  const insert = db.prepare(`INSERT INTO account_tokens (token_digest, purpose, account_id, email, created_at, expires_at, used_at)
    VALUES (@tokenDigest, @purpose, @accountId, @email, @createdAt, @expiresAt, @usedAt)`);
  const find = db.prepare<[{ digest: string; purpose: string; now: number }], Row>(`SELECT * FROM account_tokens WHERE ${live}`);
  const consume = db.prepare<[{ digest: string; purpose: string; now: number }], Row>(`UPDATE account_tokens SET used_at = @now WHERE ${live} RETURNING *`);
  const revoke = db.prepare<[{ accountId: string; purpose: string; now: number }]>(
    'UPDATE account_tokens SET used_at = @now WHERE account_id = @accountId AND purpose = @purpose AND used_at IS NULL');
  const purge = db.prepare<[{ now: number; limit: number }]>(`DELETE FROM account_tokens WHERE token_digest IN
    (SELECT token_digest FROM account_tokens WHERE expires_at <= @now LIMIT @limit)`);
  return {
    async insert(token) {
      insertUnique(() => insert.run(token), 'account token');
    },
    async find(tokenDigest, purpose, now) {
      const row = find.get({ digest: tokenDigest, purpose, now });
      return row ? toRecord(row) : null;
    },
    async consume(tokenDigest, purpose, now) {
      const row = consume.get({ digest: tokenDigest, purpose, now });
      return row ? toRecord(row) : null;
    },
    async revokeByAccount(accountId, purpose, now) {
      revoke.run({ accountId, purpose, now });
    },
    async purgeExpired(now, limit) {
      return purge.run({ now, limit }).changes;
    },
  };
}
