// Access and refresh tokens in PostgreSQL. Rotation is a conditional UPDATE ... RETURNING plus
// the replacements' INSERT in one transaction, so a refresh token rotates at most once across
// nodes (RFC 9700 §4.14.2). Reads join the grant: a revoked grant revokes every token it carries.
import type pg from 'pg';
import type { RotateResult, TokenStore } from '../ports.js';
import type { TokenRecord } from '../records.js';
import { query, transaction, type Queryable } from './connection.js';
import { purgeBatch } from './purge.js';
import { toToken } from './rows.js';

const columns = 'token_digest, kind, grant_id, client_id, account_id, scopes, auth_time, nonce, created_at, expires_at, revoked_at, rotated_at';
const perRow = 12;

// Tokens come in twos and threes; one prepared statement per row count keeps them cached.
export function insertTokens(db: Queryable, tokens: TokenRecord[]) {
  const placeholders = tokens.map((_, row) =>
    `(${Array.from({ length: perRow }, (_, col) => `$${row * perRow + col + 1}`).join(', ')})`);
  return query(db, {
    name: `tokens_insert_${tokens.length}`,
    text: `INSERT INTO tokens (${columns}) VALUES ${placeholders.join(', ')}`,
    values: tokens.flatMap((t) => [t.tokenDigest, t.kind, t.grantId, t.clientId, t.accountId, t.scopes,
      t.authTime, t.nonce, t.createdAt, t.expiresAt, t.revokedAt, t.rotatedAt]),
  });
}

// The token as callers must see it: revoked when it, or its grant, was revoked.
const findText = `SELECT t.token_digest, t.kind, t.grant_id, t.client_id, t.account_id, t.scopes, t.auth_time,
  t.nonce, t.created_at, t.expires_at, COALESCE(t.revoked_at, g.revoked_at) AS revoked_at, t.rotated_at
  FROM tokens t LEFT JOIN grants g ON g.grant_id = t.grant_id WHERE t.token_digest = $1`;

export function createTokenStore(pool: pg.Pool): TokenStore {
  async function find(tokenDigest: string): Promise<TokenRecord | null> {
    const { rows } = await query(pool, { name: 'token_find', text: findText, values: [tokenDigest] });
    return rows[0] ? toToken(rows[0]) : null;
  }

  return {
    async insert(tokens) {
      if (tokens.length > 0) await insertTokens(pool, tokens);
    },
    find,
    async rotateRefreshToken(tokenDigest, now, replacements): Promise<RotateResult> {
      const rotated = await transaction(pool, async (client) => {
        const { rows } = await query(client, {
          name: 'token_rotate',
          text: `UPDATE tokens t SET rotated_at = $2
            WHERE t.token_digest = $1 AND t.kind = 'refresh_token' AND t.rotated_at IS NULL
              AND t.revoked_at IS NULL AND t.expires_at > $2
              AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.grant_id = t.grant_id AND g.revoked_at IS NOT NULL)
            RETURNING *`,
          values: [tokenDigest, now],
        });
        if (!rows[0]) return null;
        if (replacements.length > 0) await insertTokens(client, replacements);
        return toToken(rows[0]);
      });
      if (rotated) return { outcome: 'rotated', previous: rotated };
      // Not rotated now: already rotated (reuse), dead (revoked/expired, for the caller to
      // reject), or unknown. The row is only read; nothing is inserted.
      const previous = await find(tokenDigest);
      if (!previous || previous.kind !== 'refresh_token') return { outcome: 'not_found' };
      return previous.rotatedAt !== null ? { outcome: 'reused', previous } : { outcome: 'rotated', previous };
    },
    async revoke(tokenDigest, now) {
      await query(pool, {
        name: 'token_revoke',
        text: 'UPDATE tokens SET revoked_at = $2 WHERE token_digest = $1 AND revoked_at IS NULL',
        values: [tokenDigest, now],
      });
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'tokens', now, limit),
  };
}
