// Authorization codes in PostgreSQL. `consume` is one conditional UPDATE ... RETURNING, so across
// any number of nodes exactly one caller sees firstUse (RFC 6749 §4.1.2: a code is used once);
// `redeem` is the same UPDATE with the grant and token INSERTs as CTEs of one statement.
import type pg from 'pg';
import type { AuthorizationCodeStore, ConsumeResult } from '../ports.js';
import { query } from './connection.js';
import { purgeBatch } from './purge.js';
import { toAuthorizationCode } from './rows.js';
import { tokenInsertSql } from './token-store.js';

const consumeText = 'UPDATE authorization_codes SET consumed_at = $2 WHERE code_digest = $1 AND consumed_at IS NULL RETURNING *';

export function createAuthorizationCodeStore(pool: pg.Pool): AuthorizationCodeStore {
  async function find(codeDigest: string) {
    const { rows } = await query(pool, {
      name: 'code_find',
      text: 'SELECT * FROM authorization_codes WHERE code_digest = $1',
      values: [codeDigest],
    });
    return rows[0] ? toAuthorizationCode(rows[0]) : null;
  }

  return {
    async insert(c) {
      await query(pool, {
        name: 'code_insert',
        text: `INSERT INTO authorization_codes (code_digest, grant_id, client_id, account_id, redirect_uri, scopes,
          code_challenge, code_challenge_method, nonce, auth_time, created_at, expires_at, consumed_at, sid, claims, resources, dpop_jkt)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        values: [c.codeDigest, c.grantId, c.clientId, c.accountId, c.redirectUri, c.scopes, c.codeChallenge,
          c.codeChallengeMethod, c.nonce, c.authTime, c.createdAt, c.expiresAt, c.consumedAt, c.sid, c.claims ?? null, c.resources ?? [], c.dpopJkt ?? null],
      });
    },
    async consume(codeDigest, now) {
      const first = await query(pool, { name: 'code_consume', text: consumeText, values: [codeDigest, now] });
      if (first.rows[0]) return { firstUse: true, code: toAuthorizationCode(first.rows[0]) };
      // Nothing updated: either a replay (row exists, already consumed) or an unknown code.
      const seen = await find(codeDigest);
      return seen ? { firstUse: false, code: seen } : null;
    },
    find,
    async redeem(codeDigest, now, g, tokens): Promise<ConsumeResult | null> {
      // One statement, one round trip, atomic: grant and tokens go in exactly when this call
      // consumed the code, and a failed insert leaves the code unconsumed.
      const inserted = tokens.length > 0 ? tokenInsertSql(tokens, 10, 'EXISTS (SELECT 1 FROM consumed)') : null;
      const { rows } = await query(pool, {
        name: `code_redeem_${tokens.length}`,
        text: `WITH consumed AS (${consumeText}),
          new_grant AS (
            INSERT INTO grants (grant_id, account_id, client_id, scopes, created_at, revoked_at, sid)
            SELECT $3::text, $4::text, $5::text, $6::text[], $7::bigint, $8::bigint, $9::text FROM consumed
          )${inserted ? `, new_tokens AS (${inserted.text})` : ''}
          SELECT * FROM consumed`,
        values: [codeDigest, now, g.grantId, g.accountId, g.clientId, g.scopes, g.createdAt, g.revokedAt, g.sid, ...(inserted?.values ?? [])],
      });
      const redeemed = rows[0] ? toAuthorizationCode(rows[0]) : null;
      if (redeemed) return { firstUse: true, code: redeemed };
      const seen = await find(codeDigest);
      return seen ? { firstUse: false, code: seen } : null;
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'authorization_codes', now, limit),
  };
}
