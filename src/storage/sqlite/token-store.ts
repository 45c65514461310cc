// Access and refresh tokens, stored by digest. A token counts as revoked when it or its grant
// is; refresh rotation is one immediate transaction (RFC 6749 §10.4, RFC 9700 §4.14.2).
import type { Database } from 'better-sqlite3';
import type { RotateResult, TokenStore } from '../ports.js';
import type { TokenKind, TokenRecord } from '../records.js';
import { fromJsonArray, insertUnique, toJson } from './sqlite-values.js';
import type { WriteBatch } from './write-batch.js';
import { purgeInSlices } from './purge-slices.js';

interface TokenRow {
  token_digest: string;
  kind: string;
  grant_id: string;
  client_id: string;
  account_id: string | null;
  scopes: string;
  auth_time: number | null;
  nonce: string | null;
  claims: string | null;
  resources: string | null;
  dpop_jkt: string | null;
  act: string | null;
  subject: string | null;
  sid: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  rotated_at: number | null;
  grant_revoked_at: number | null;
}

function toToken(row: TokenRow): TokenRecord {
  return {
    tokenDigest: row.token_digest,
    kind: row.kind as TokenKind,
    grantId: row.grant_id,
    clientId: row.client_id,
    accountId: row.account_id,
    scopes: fromJsonArray(row.scopes),
    authTime: row.auth_time,
    nonce: row.nonce,
    claims: row.claims,
    sid: row.sid,
    resources: row.resources ? fromJsonArray(row.resources) : [],
    dpopJkt: row.dpop_jkt,
    act: row.act ? JSON.parse(row.act) as Record<string, unknown> : null,
    subject: row.subject,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at ?? row.grant_revoked_at,
    rotatedAt: row.rotated_at,
  };
}

/** Inserts tokens without a transaction of its own, for callers that already hold one. */
export function prepareTokenInsert(db: Database): (tokens: TokenRecord[]) => void {
  const insertOne = db.prepare(`INSERT INTO tokens (token_digest, kind, grant_id, client_id, account_id, scopes,
      auth_time, nonce, sid, created_at, expires_at, revoked_at, rotated_at, claims, resources, dpop_jkt, act, subject)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return (tokens) => {
    for (const t of tokens) {
      insertOne.run(t.tokenDigest, t.kind, t.grantId, t.clientId, t.accountId, toJson(t.scopes), t.authTime, t.nonce, t.sid,
        t.createdAt, t.expiresAt, t.revokedAt, t.rotatedAt, t.claims ?? null, toJson(t.resources ?? []), t.dpopJkt ?? null,
        t.act ? JSON.stringify(t.act) : null, t.subject ?? null);
    }
  };
}

export function createTokenStore(db: Database, batch: WriteBatch): TokenStore {
  const insertTokens = prepareTokenInsert(db);
  // The grant's revocation is read with the token, so a token inserted after its grant was
  // revoked (a race with replay detection) is still reported revoked.
  const find = db.prepare<[string], TokenRow>(`SELECT t.*, g.revoked_at AS grant_revoked_at
    FROM tokens t LEFT JOIN grants g ON g.grant_id = t.grant_id WHERE t.token_digest = ?`);
  const findRefresh = db.prepare<[string], TokenRow>(`SELECT t.*, g.revoked_at AS grant_revoked_at
    FROM tokens t LEFT JOIN grants g ON g.grant_id = t.grant_id
    WHERE t.token_digest = ? AND t.kind = 'refresh_token'`);
  const markRotated = db.prepare<[number, string]>(
    'UPDATE tokens SET rotated_at = ? WHERE token_digest = ? AND rotated_at IS NULL');
  const revoke = db.prepare<[number, string]>(
    'UPDATE tokens SET revoked_at = ? WHERE token_digest = ? AND revoked_at IS NULL');
  const purge = db.prepare<[number, number]>(`DELETE FROM tokens WHERE token_digest IN
    (SELECT token_digest FROM tokens WHERE expires_at <= ? LIMIT ?)`);

  const insertAll = db.transaction((tokens: TokenRecord[]) => insertTokens(tokens));

  const rotate = db.transaction((tokenDigest: string, now: number, replacements: TokenRecord[]): RotateResult => {
    const row = findRefresh.get(tokenDigest);
    if (!row) return { outcome: 'not_found' };
    const previous = toToken(row);
    if (previous.rotatedAt !== null) return { outcome: 'reused', previous };
    // A dead token is reported, untouched, for the caller to reject; it mints nothing.
    if (previous.revokedAt !== null || previous.expiresAt <= now) return { outcome: 'rotated', previous };
    markRotated.run(now, tokenDigest);
    insertAll(replacements);
    return { outcome: 'rotated', previous: { ...previous, rotatedAt: now } };
  });

  return {
    async insert(tokens) {
      await insertUnique(() => batch.run(() => insertAll(tokens)), 'token');
    },
    async find(tokenDigest) {
      const row = find.get(tokenDigest);
      return row ? toToken(row) : null;
    },
    async rotateRefreshToken(tokenDigest, now, replacements) {
      return insertUnique(() => rotate.immediate(tokenDigest, now, replacements), 'token');
    },
    async revoke(tokenDigest, now) {
      await batch.run(() => revoke.run(now, tokenDigest));
    },
    async purgeExpired(now, limit) {
      return purgeInSlices((at, rows) => purge.run(at, rows).changes, now, limit);
    },
  };
}
