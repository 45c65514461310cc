// Grants and their single-use authorization codes (RFC 6749 §4.1.2, §10.5). Revoking a grant, or
// every grant of a client or an account, marks its codes consumed and its tokens revoked in one transaction.
import type { Database } from 'better-sqlite3';
import type { AuthorizationCodeStore, ConsumeResult, GrantStore } from '../ports.js';
import type { AuthorizationCodeRecord, GrantRecord, TokenRecord } from '../records.js';
import { fromJsonArray, insertUnique, toJson } from './sqlite-values.js';
import { prepareTokenInsert } from './token-store.js';
import type { WriteBatch } from './write-batch.js';
import { purgeInSlices, sweepInWindows, sweepWindowRows } from './purge-slices.js';

interface GrantRow {
  grant_id: string;
  account_id: string | null;
  client_id: string;
  scopes: string;
  sid: string | null;
  created_at: number;
  revoked_at: number | null;
}

function toGrant(row: GrantRow): GrantRecord {
  return {
    grantId: row.grant_id,
    accountId: row.account_id,
    clientId: row.client_id,
    scopes: fromJsonArray(row.scopes),
    sid: row.sid,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/** The grant INSERT, shared with the code exchange's single transaction. */
export function prepareGrantInsert(db: Database): (grant: GrantRecord) => void {
  const insert = db.prepare(`INSERT INTO grants (grant_id, account_id, client_id, scopes, sid, created_at, revoked_at)
    VALUES (@grantId, @accountId, @clientId, @scopes, @sid, @createdAt, @revokedAt)`);
  return (grant) => { insert.run({ ...grant, scopes: toJson(grant.scopes) }); };
}

export function createGrantStore(db: Database, batch: WriteBatch): GrantStore {
  const insert = prepareGrantInsert(db);
  const find = db.prepare<[string], GrantRow>('SELECT * FROM grants WHERE grant_id = ?');
  const listBySid = db.prepare<[string], GrantRow>('SELECT * FROM grants WHERE sid = ? ORDER BY created_at, grant_id');
  const listByAccount = db.prepare<[string], GrantRow>('SELECT * FROM grants WHERE account_id = ? ORDER BY created_at, grant_id');
  const revokeGrant = db.prepare<[number, string]>(
    'UPDATE grants SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL');
  const consumeCodes = db.prepare<[number, string]>(
    'UPDATE authorization_codes SET consumed_at = ? WHERE grant_id = ? AND consumed_at IS NULL');
  const revokeTokens = db.prepare<[number, string]>(
    'UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL');

  // No index finds unused grants, so the purge walks the table a window of keys at a time.
  const windowEnd = db.prepare<[string, number], string | null>(`SELECT max(grant_id) FROM
    (SELECT grant_id FROM grants WHERE grant_id > ? ORDER BY grant_id LIMIT ?)`).pluck();
  const purgeUnusedIn = db.prepare<[string, string, number, number]>(`DELETE FROM grants WHERE grant_id IN (
    SELECT g.grant_id FROM grants g WHERE g.grant_id > ? AND g.grant_id <= ? AND g.created_at < ?
      AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.grant_id = g.grant_id)
      AND NOT EXISTS (SELECT 1 FROM authorization_codes c WHERE c.grant_id = g.grant_id)
    LIMIT ?)`);

  const revoke = db.transaction((grantId: string, now: number) => {
    revokeGrant.run(now, grantId);
    consumeCodes.run(now, grantId);
    revokeTokens.run(now, grantId);
  });

  // Codes are matched on their own client_id / account_id: an unredeemed code has no grant row yet.
  const revokeBy = (column: 'client_id' | 'account_id') => {
    const grants = db.prepare<[number, string]>(`UPDATE grants SET revoked_at = ? WHERE ${column} = ? AND revoked_at IS NULL`);
    const codes = db.prepare<[number, string]>(
      `UPDATE authorization_codes SET consumed_at = ? WHERE ${column} = ? AND consumed_at IS NULL`);
    const tokens = db.prepare<[number, string]>(`UPDATE tokens SET revoked_at = ?
      WHERE grant_id IN (SELECT grant_id FROM grants WHERE ${column} = ?) AND revoked_at IS NULL`);
    return db.transaction((id: string, now: number) => {
      tokens.run(now, id);
      codes.run(now, id);
      grants.run(now, id);
    });
  };
  const revokeByClient = revokeBy('client_id');
  const revokeByAccount = revokeBy('account_id');

  return {
    async insert(grant) {
      await insertUnique(() => batch.run(() => insert(grant)), 'grant');
    },
    async find(grantId) {
      const row = find.get(grantId);
      return row ? toGrant(row) : null;
    },
    async listBySid(sid) {
      return listBySid.all(sid).map(toGrant);
    },
    async listByAccount(accountId) {
      return listByAccount.all(accountId).map(toGrant);
    },
    async revoke(grantId, now) {
      await batch.run(() => revoke(grantId, now));
    },
    async revokeByClient(clientId, now) {
      await batch.run(() => revokeByClient(clientId, now));
    },
    async revokeByAccount(accountId, now) {
      await batch.run(() => revokeByAccount(accountId, now));
    },
    async purgeUnused(createdBefore, limit) {
      return sweepInWindows(
        (after) => windowEnd.get(after, sweepWindowRows) ?? null,
        (after, last, rows) => purgeUnusedIn.run(after, last, createdBefore, rows).changes,
        limit,
      );
    },
  };
}

interface CodeRow {
  code_digest: string;
  grant_id: string;
  client_id: string;
  account_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  claims: string | null;
  resources: string | null;
  dpop_jkt: string | null;
  auth_time: number;
  sid: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

function toCode(row: CodeRow): AuthorizationCodeRecord {
  return {
    codeDigest: row.code_digest,
    grantId: row.grant_id,
    clientId: row.client_id,
    accountId: row.account_id,
    redirectUri: row.redirect_uri,
    scopes: fromJsonArray(row.scopes),
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method as 'S256' | null,
    nonce: row.nonce,
    claims: row.claims,
    authTime: row.auth_time,
    sid: row.sid,
    resources: row.resources ? fromJsonArray(row.resources) : [],
    dpopJkt: row.dpop_jkt,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

export function createAuthorizationCodeStore(db: Database, batch: WriteBatch): AuthorizationCodeStore {
  const insert = db.prepare(`INSERT INTO authorization_codes (code_digest, grant_id, client_id, account_id,
      redirect_uri, scopes, code_challenge, code_challenge_method, nonce, claims, auth_time, sid, created_at, expires_at, consumed_at, resources, dpop_jkt)
    VALUES (@codeDigest, @grantId, @clientId, @accountId, @redirectUri, @scopes, @codeChallenge,
      @codeChallengeMethod, @nonce, @claims, @authTime, @sid, @createdAt, @expiresAt, @consumedAt, @resources, @dpopJkt)`);
  const markConsumed = db.prepare<[number, string], CodeRow>(`UPDATE authorization_codes SET consumed_at = ?
    WHERE code_digest = ? AND consumed_at IS NULL RETURNING *`);
  const find = db.prepare<[string], CodeRow>('SELECT * FROM authorization_codes WHERE code_digest = ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM authorization_codes WHERE code_digest IN
    (SELECT code_digest FROM authorization_codes WHERE expires_at <= ? LIMIT ?)`);

  // Immediate: the write lock is taken before the read, so two processes cannot both see the
  // code unconsumed. Within one process better-sqlite3 is synchronous and serialises calls anyway.
  const consume = db.transaction((codeDigest: string, now: number): ConsumeResult | null => {
    const first = markConsumed.get(now, codeDigest);
    if (first) return { firstUse: true, code: toCode(first) };
    const seen = find.get(codeDigest);
    return seen ? { firstUse: false, code: toCode(seen) } : null;
  });
  const insertGrant = prepareGrantInsert(db);
  const insertTokens = prepareTokenInsert(db);
  const redeem = db.transaction((codeDigest: string, now: number, grant: GrantRecord, tokens: TokenRecord[]): ConsumeResult | null => {
    const result = consume(codeDigest, now);
    if (result?.firstUse) {
      insertGrant(grant);
      insertTokens(tokens);
    }
    return result;
  });

  return {
    async insert(code) {
      await insertUnique(() => batch.run(() => insert.run({ ...code, scopes: toJson(code.scopes), claims: code.claims ?? null, resources: toJson(code.resources ?? []), dpopJkt: code.dpopJkt ?? null })), 'authorization code');
    },
    async consume(codeDigest, now) {
      return consume.immediate(codeDigest, now);
    },
    async find(codeDigest) {
      const row = find.get(codeDigest);
      return row ? toCode(row) : null;
    },
    async redeem(codeDigest, now, grant, tokens) {
      return insertUnique(() => redeem.immediate(codeDigest, now, grant, tokens), 'grant or token');
    },
    async purgeExpired(now, limit) {
      return purgeInSlices((at, rows) => purge.run(at, rows).changes, now, limit);
    },
  };
}
