// User accounts in PostgreSQL; the unique username is enforced by the database. Deleting an
// account ends what was issued to it; the port's delete takes no time, so the adapter's clock stamps it.
import type pg from 'pg';
import type { Clock } from '../../lib/clock.js';
import type { AccountStore } from '../ports.js';
import { query } from './connection.js';
import { toAccount } from './rows.js';

export function createAccountStore(pool: pg.Pool, clock: Clock): AccountStore {
  return {
    async insert(a) {
      await query(pool, {
        text: `INSERT INTO accounts (account_id, username, password_hash, email, email_verified, name, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        values: [a.accountId, a.username, a.passwordHash, a.email, a.emailVerified, a.name, a.createdAt, a.updatedAt],
      });
    },
    async findById(accountId) {
      const { rows } = await query(pool, { name: 'account_by_id', text: 'SELECT * FROM accounts WHERE account_id = $1', values: [accountId] });
      return rows[0] ? toAccount(rows[0]) : null;
    },
    async findByUsername(username) {
      const { rows } = await query(pool, { name: 'account_by_username', text: 'SELECT * FROM accounts WHERE username = $1', values: [username] });
      return rows[0] ? toAccount(rows[0]) : null;
    },
    async list() {
      const { rows } = await query(pool, { text: 'SELECT * FROM accounts ORDER BY created_at, username' });
      return rows.map(toAccount);
    },
    async delete(accountId) {
      // Nothing issued to a deleted account stays usable: sessions and consents go, grants and
      // their codes and tokens are revoked, all in one statement.
      const { rows } = await query<{ deleted: number }>(pool, {
        text: `WITH gone AS (DELETE FROM accounts WHERE account_id = $1 RETURNING 1),
          s AS (DELETE FROM sessions WHERE account_id = $1 AND EXISTS (SELECT 1 FROM gone)),
          k AS (DELETE FROM consents WHERE account_id = $1 AND EXISTS (SELECT 1 FROM gone)),
          g AS (UPDATE grants SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM gone)),
          c AS (UPDATE authorization_codes SET consumed_at = $2
            WHERE account_id = $1 AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM gone)),
          t AS (UPDATE tokens SET revoked_at = $2
            WHERE grant_id IN (SELECT grant_id FROM grants WHERE account_id = $1) AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM gone))
          SELECT count(*)::int AS deleted FROM gone`,
        values: [accountId, clock()],
      });
      return (rows[0]?.deleted ?? 0) > 0;
    },
    async setPassword(accountId, passwordHash, now) {
      // One statement: the new hash, and nothing the old password opened stays usable.
      const { rows } = await query<{ changed: number }>(pool, {
        text: `WITH changed AS (UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE account_id = $1 RETURNING 1),
          s AS (DELETE FROM sessions WHERE account_id = $1 AND EXISTS (SELECT 1 FROM changed)),
          g AS (UPDATE grants SET revoked_at = $3 WHERE account_id = $1 AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM changed)),
          c AS (UPDATE authorization_codes SET consumed_at = $3
            WHERE account_id = $1 AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM changed)),
          t AS (UPDATE tokens SET revoked_at = $3
            WHERE grant_id IN (SELECT grant_id FROM grants WHERE account_id = $1) AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM changed))
          SELECT count(*)::int AS changed FROM changed`,
        values: [accountId, passwordHash, now],
      });
      return (rows[0]?.changed ?? 0) > 0;
    },
  };
}
