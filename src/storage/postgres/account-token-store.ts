// Links sent by mail (verification, password reset, e-mail change) in PostgreSQL, as digests.
// Spending one is a single conditional UPDATE … RETURNING: of two concurrent uses exactly one wins.
import type pg from 'pg';
import type { AccountTokenStore } from '../ports.js';
import type { AccountTokenPurpose, AccountTokenRecord } from '../records.js';
import { query } from './connection.js';

type Row = Record<string, unknown>;

function toRecord(r: Row): AccountTokenRecord {
  return {
    tokenDigest: r.token_digest as string, purpose: r.purpose as AccountTokenPurpose, accountId: r.account_id as string,
    email: (r.email ?? null) as string | null, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null || r.used_at === undefined ? null : Number(r.used_at),
  };
}

const live = 'token_digest = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3';

export function createAccountTokenStore(pool: pg.Pool): AccountTokenStore {
  return {
    async insert(t) {
      await query(pool, {
        text: 'INSERT INTO account_tokens (token_digest, purpose, account_id, email, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        values: [t.tokenDigest, t.purpose, t.accountId, t.email, t.createdAt, t.expiresAt, t.usedAt],
      });
    },
    async find(tokenDigest, purpose, now) {
      const { rows } = await query(pool, { text: `SELECT * FROM account_tokens WHERE ${live}`, values: [tokenDigest, purpose, now] });
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async consume(tokenDigest, purpose, now) {
      const { rows } = await query(pool, { text: `UPDATE account_tokens SET used_at = $3 WHERE ${live} RETURNING *`, values: [tokenDigest, purpose, now] });
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async revokeByAccount(accountId, purpose, now) {
      await query(pool, {
        text: 'UPDATE account_tokens SET used_at = $3 WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL',
        values: [accountId, purpose, now],
      });
    },
    async purgeExpired(now, limit) {
      const result = await query(pool, {
        text: 'DELETE FROM account_tokens WHERE token_digest IN (SELECT token_digest FROM account_tokens WHERE expires_at <= $1 LIMIT $2)',
        values: [now, limit],
      });
      return result.rowCount ?? 0;
    },
  };
}
