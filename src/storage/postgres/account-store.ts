// User accounts in PostgreSQL; the unique username is enforced by the database. Each method
// touches the account's row only (oauth/lifecycle.ts decides what else ends with it).
import type pg from 'pg';
import type { AccountStore } from '../ports.js';
import { query } from './connection.js';
import { toAccount } from './rows.js';

export function createAccountStore(pool: pg.Pool): AccountStore {
  return {
    async insert(a) {
      await query(pool, {
        text: `INSERT INTO accounts (account_id, username, password_hash, email, email_verified, name, profile, created_at, updated_at, verify_before_login)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        values: [a.accountId, a.username, a.passwordHash, a.email, a.emailVerified, a.name, JSON.stringify(a.profile ?? {}), a.createdAt, a.updatedAt, a.verifyBeforeLogin ?? false],
      });
    },
    async findByEmail(email, limit) {
      const { rows } = await query(pool, { text: 'SELECT * FROM accounts WHERE lower(email) = lower($1) ORDER BY created_at LIMIT $2', values: [email, limit] });
      return rows.map(toAccount);
    },
    async markEmailVerified(accountId, email, now) {
      const result = await query(pool, {
        text: 'UPDATE accounts SET email_verified = true, verify_before_login = false, updated_at = $3 WHERE account_id = $1 AND email = $2',
        values: [accountId, email, now],
      });
      return (result.rowCount ?? 0) > 0;
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
      const result = await query(pool, { text: 'DELETE FROM accounts WHERE account_id = $1', values: [accountId] });
      return (result.rowCount ?? 0) > 0;
    },
    async setPasswordHash(accountId, passwordHash, now) {
      const result = await query(pool, {
        text: 'UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE account_id = $1',
        values: [accountId, passwordHash, now],
      });
      return (result.rowCount ?? 0) > 0;
    },
    async updateClaims(accountId, claims, now) {
      const result = await query(pool, {
        text: 'UPDATE accounts SET email = $2, email_verified = $3, name = $4, profile = $5, updated_at = $6 WHERE account_id = $1',
        values: [accountId, claims.email, claims.emailVerified, claims.name, JSON.stringify(claims.profile), now],
      });
      return (result.rowCount ?? 0) > 0;
    },
  };
}
