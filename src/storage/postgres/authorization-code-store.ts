// Authorization codes in PostgreSQL. `consume` is one conditional UPDATE ... RETURNING, so across
// any number of nodes exactly one caller sees firstUse (RFC 6749 §4.1.2: a code is used once).
import type pg from 'pg';
import type { AuthorizationCodeStore, ConsumeResult } from '../ports.js';
import { query, transaction } from './connection.js';
import { purgeBatch } from './purge.js';
import { toAuthorizationCode } from './rows.js';
import { insertTokens } from './token-store.js';

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
          code_challenge, code_challenge_method, nonce, auth_time, created_at, expires_at, consumed_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        values: [c.codeDigest, c.grantId, c.clientId, c.accountId, c.redirectUri, c.scopes, c.codeChallenge,
          c.codeChallengeMethod, c.nonce, c.authTime, c.createdAt, c.expiresAt, c.consumedAt],
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
      const redeemed = await transaction(pool, async (client) => {
        const { rows } = await query(client, { name: 'code_consume', text: consumeText, values: [codeDigest, now] });
        if (!rows[0]) return null;
        await query(client, {
          name: 'grant_insert',
          text: 'INSERT INTO grants (grant_id, account_id, client_id, scopes, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)',
          values: [g.grantId, g.accountId, g.clientId, g.scopes, g.createdAt, g.revokedAt],
        });
        if (tokens.length > 0) await insertTokens(client, tokens);
        return toAuthorizationCode(rows[0]);
      });
      if (redeemed) return { firstUse: true, code: redeemed };
      const seen = await find(codeDigest);
      return seen ? { firstUse: false, code: seen } : null;
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'authorization_codes', now, limit),
  };
}
