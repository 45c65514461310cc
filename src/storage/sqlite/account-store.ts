// End-user accounts and their remembered consents. Deleting an account also ends its sessions,
// forgets its consents and revokes its grants, so nothing issued to it stays usable.
import type { Database } from 'better-sqlite3';
import type { AccountStore, ConsentStore } from '../ports.js';
import type { AccountRecord, ConsentRecord } from '../records.js';
import type { Clock } from '../../lib/clock.js';
import { fromJsonArray, insertUnique, toFlag, toJson } from './sqlite-values.js';
import { createReadCache, type DataVersion } from './read-cache.js';

interface AccountRow {
  account_id: string;
  username: string;
  password_hash: string;
  email: string | null;
  email_verified: number;
  name: string | null;
  created_at: number;
  updated_at: number;
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    accountId: row.account_id,
    username: row.username,
    passwordHash: row.password_hash,
    email: row.email,
    emailVerified: row.email_verified === 1,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createAccountStore(db: Database, clock: Clock, dataVersion: DataVersion): AccountStore {
  const insert = db.prepare(`INSERT INTO accounts (account_id, username, password_hash, email,
      email_verified, name, created_at, updated_at)
    VALUES (@accountId, @username, @passwordHash, @email, @emailVerified, @name, @createdAt, @updatedAt)`);
  const findById = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE account_id = ?');
  const findByUsername = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE username = ?');
  const list = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY username');
  const setPassword = db.prepare<[string, number, string]>(
    'UPDATE accounts SET password_hash = ?, updated_at = ? WHERE account_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM accounts WHERE account_id = ?');
  const removeSessions = db.prepare<[string]>('DELETE FROM sessions WHERE account_id = ?');
  const removeConsents = db.prepare<[string]>('DELETE FROM consents WHERE account_id = ?');
  const revokeTokens = db.prepare<[number, string]>(`UPDATE tokens SET revoked_at = ?
    WHERE grant_id IN (SELECT grant_id FROM grants WHERE account_id = ?) AND revoked_at IS NULL`);
  const consumeCodes = db.prepare<[number, string]>(`UPDATE authorization_codes SET consumed_at = ?
    WHERE account_id = ? AND consumed_at IS NULL`);
  const revokeGrants = db.prepare<[number, string]>(
    'UPDATE grants SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL');

  // findById serves every UserInfo call and ID token; see read-cache.ts for why it stays fresh.
  const cache = createReadCache<AccountRecord>(dataVersion);

  const deleteAccount = db.transaction((accountId: string, now: number): boolean => {
    if (remove.run(accountId).changes === 0) return false;
    removeSessions.run(accountId);
    removeConsents.run(accountId);
    revokeTokens.run(now, accountId);
    consumeCodes.run(now, accountId);
    revokeGrants.run(now, accountId);
    return true;
  });

  const changePassword = db.transaction((accountId: string, passwordHash: string, now: number): boolean => {
    if (setPassword.run(passwordHash, now, accountId).changes === 0) return false;
    removeSessions.run(accountId);
    revokeTokens.run(now, accountId);
    consumeCodes.run(now, accountId);
    revokeGrants.run(now, accountId);
    return true;
  });

  return {
    async insert(account) {
      cache.clear();
      insertUnique(() => insert.run({ ...account, emailVerified: toFlag(account.emailVerified) }), 'account or username');
    },
    async findById(accountId) {
      return cache.get(accountId, () => {
        const row = findById.get(accountId);
        return row ? toAccount(row) : null;
      });
    },
    async findByUsername(username) {
      const row = findByUsername.get(username);
      return row ? toAccount(row) : null;
    },
    async list() {
      return list.all().map(toAccount);
    },
    async delete(accountId) {
      cache.clear();
      return deleteAccount.immediate(accountId, clock());
    },
    async setPassword(accountId, passwordHash, now) {
      cache.clear();
      return changePassword.immediate(accountId, passwordHash, now);
    },
  };
}

interface ConsentRow {
  account_id: string;
  client_id: string;
  scopes: string;
  created_at: number;
  updated_at: number;
}

function toConsent(row: ConsentRow): ConsentRecord {
  return {
    accountId: row.account_id,
    clientId: row.client_id,
    scopes: fromJsonArray(row.scopes),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createConsentStore(db: Database): ConsentStore {
  const find = db.prepare<[string, string], ConsentRow>('SELECT * FROM consents WHERE account_id = ? AND client_id = ?');
  const save = db.prepare(`INSERT INTO consents (account_id, client_id, scopes, created_at, updated_at)
    VALUES (@accountId, @clientId, @scopes, @createdAt, @updatedAt)
    ON CONFLICT (account_id, client_id) DO UPDATE SET
      scopes = excluded.scopes, created_at = excluded.created_at, updated_at = excluded.updated_at`);
  const remove = db.prepare<[string, string]>('DELETE FROM consents WHERE account_id = ? AND client_id = ?');

  return {
    async find(accountId, clientId) {
      const row = find.get(accountId, clientId);
      return row ? toConsent(row) : null;
    },
    async save(consent) {
      save.run({ ...consent, scopes: toJson(consent.scopes) });
    },
    async delete(accountId, clientId) {
      remove.run(accountId, clientId);
    },
  };
}
