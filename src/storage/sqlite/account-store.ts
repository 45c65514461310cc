// End-user accounts and their remembered consents. Each method touches its own rows only;
// oauth/lifecycle.ts decides what deleting an account or changing its password revokes.
import type { Database } from 'better-sqlite3';
import type { AccountStore, ConsentStore } from '../ports.js';
import type { AccountProfile, AccountRecord, ConsentRecord } from '../records.js';
import { fromJsonArray, insertUnique, toFlag, toJson } from './sqlite-values.js';
import { createReadCache, type DataVersion } from './read-cache.js';

interface AccountRow {
  account_id: string;
  username: string;
  password_hash: string;
  email: string | null;
  email_verified: number;
  name: string | null;
  profile: string;
  verify_before_login: number;
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
    profile: JSON.parse(row.profile) as AccountProfile,
    ...(row.verify_before_login === 1 ? { verifyBeforeLogin: true } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createAccountStore(db: Database, dataVersion: DataVersion): AccountStore {
  const insert = db.prepare(`INSERT INTO accounts (account_id, username, password_hash, email,
      email_verified, name, profile, verify_before_login, created_at, updated_at)
    VALUES (@accountId, @username, @passwordHash, @email, @emailVerified, @name, @profile, @verifyBeforeLogin, @createdAt, @updatedAt)`);
  const findByEmail = db.prepare<[string, number], AccountRow>('SELECT * FROM accounts WHERE lower(email) = lower(?) ORDER BY created_at LIMIT ?');
  const markVerified = db.prepare<[number, string, string]>(
    'UPDATE accounts SET email_verified = 1, verify_before_login = 0, updated_at = ? WHERE account_id = ? AND email = ?');
  const findById = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE account_id = ?');
  const findByUsername = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE username = ?');
  const list = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY username');
  const setPassword = db.prepare<[string, number, string]>(
    'UPDATE accounts SET password_hash = ?, updated_at = ? WHERE account_id = ?');
  const updateClaims = db.prepare(`UPDATE accounts SET email = @email, email_verified = @emailVerified, name = @name,
      profile = @profile, updated_at = @now WHERE account_id = @accountId`);
  const remove = db.prepare<[string]>('DELETE FROM accounts WHERE account_id = ?');

  // findById serves every UserInfo call and ID token; see read-cache.ts for why it stays fresh.
  const cache = createReadCache<AccountRecord>(dataVersion);

  return {
    async insert(account) {
      cache.clear();
      insertUnique(() => insert.run({
        ...account, emailVerified: toFlag(account.emailVerified), profile: JSON.stringify(account.profile ?? {}),
        verifyBeforeLogin: toFlag(account.verifyBeforeLogin ?? false),
      }), 'account or username');
    },
    async findByEmail(email, limit) {
      return findByEmail.all(email, limit).map(toAccount);
    },
    async markEmailVerified(accountId, email, now) {
      cache.clear();
      return markVerified.run(now, accountId, email).changes > 0;
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
      return remove.run(accountId).changes > 0;
    },
    async setPasswordHash(accountId, passwordHash, now) {
      cache.clear();
      return setPassword.run(passwordHash, now, accountId).changes > 0;
    },
    async updateClaims(accountId, claims, now) {
      cache.clear();
      return updateClaims.run({
        accountId, email: claims.email, emailVerified: toFlag(claims.emailVerified), name: claims.name,
        profile: JSON.stringify(claims.profile), now,
      }).changes > 0;
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
  const removeByClient = db.prepare<[string]>('DELETE FROM consents WHERE client_id = ?');
  const removeByAccount = db.prepare<[string]>('DELETE FROM consents WHERE account_id = ?');
  const listByAccount = db.prepare<[string], ConsentRow>('SELECT * FROM consents WHERE account_id = ? ORDER BY created_at, client_id');

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
    async deleteByClient(clientId) {
      removeByClient.run(clientId);
    },
    async deleteByAccount(accountId) {
      removeByAccount.run(accountId);
    },
    async listByAccount(accountId) {
      return listByAccount.all(accountId).map(toConsent);
    },
  };
}
