// Grants in PostgreSQL: revoking one (or every grant of a client or account) marks the grants, their
// codes and their tokens in ONE statement (data-modifying CTEs are atomic), so no half-revoked
// family is ever visible (RFC 6749 §4.1.2).
import type pg from 'pg';
import type { GrantStore } from '../ports.js';
import { query } from './connection.js';
import { toGrant } from './rows.js';

/**
 * Revokes every grant, code and token whose `column` is `$1`. Codes are matched on their own
 * column (an unredeemed code has no grant row yet); tokens through their grant, as in SQLite.
 */
function revokeAllBy(column: 'client_id' | 'account_id'): string {
  return `WITH g AS (UPDATE grants SET revoked_at = $2 WHERE ${column} = $1 AND revoked_at IS NULL),
    c AS (UPDATE authorization_codes SET consumed_at = $2 WHERE ${column} = $1 AND consumed_at IS NULL)
    UPDATE tokens SET revoked_at = $2
      WHERE grant_id IN (SELECT grant_id FROM grants WHERE ${column} = $1) AND revoked_at IS NULL`;
}

export function createGrantStore(pool: pg.Pool): GrantStore {
  return {
    async insert(g) {
      await query(pool, {
        name: 'grant_insert',
        text: 'INSERT INTO grants (grant_id, account_id, client_id, scopes, created_at, revoked_at, sid) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        values: [g.grantId, g.accountId, g.clientId, g.scopes, g.createdAt, g.revokedAt, g.sid],
      });
    },
    async find(grantId) {
      const { rows } = await query(pool, { name: 'grant_find', text: 'SELECT * FROM grants WHERE grant_id = $1', values: [grantId] });
      return rows[0] ? toGrant(rows[0]) : null;
    },
    async listBySid(sid) {
      const { rows } = await query(pool, {
        name: 'grant_list_by_sid', text: 'SELECT * FROM grants WHERE sid = $1 ORDER BY created_at, grant_id', values: [sid],
      });
      return rows.map(toGrant);
    },
    async listByAccount(accountId) {
      const { rows } = await query(pool, {
        name: 'grant_list_by_account', text: 'SELECT * FROM grants WHERE account_id = $1 ORDER BY created_at, grant_id', values: [accountId],
      });
      return rows.map(toGrant);
    },
    async purgeUnused(createdBefore, limit) {
      const result = await query(pool, {
        name: 'grant_purge_unused',
        text: `DELETE FROM grants WHERE ctid IN (SELECT g.ctid FROM grants g WHERE g.created_at < $1
            AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.grant_id = g.grant_id)
            AND NOT EXISTS (SELECT 1 FROM authorization_codes c WHERE c.grant_id = g.grant_id)
          LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        values: [createdBefore, limit],
      });
      return result.rowCount ?? 0;
    },
    async revoke(grantId, now) {
      await query(pool, {
        name: 'grant_revoke',
        text: `WITH g AS (UPDATE grants SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL),
          c AS (UPDATE authorization_codes SET consumed_at = $2 WHERE grant_id = $1 AND consumed_at IS NULL)
          UPDATE tokens SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL`,
        values: [grantId, now],
      });
    },
    async revokeByClient(clientId, now) {
      await query(pool, { name: 'grant_revoke_by_client', text: revokeAllBy('client_id'), values: [clientId, now] });
    },
    async revokeByAccount(accountId, now) {
      await query(pool, { name: 'grant_revoke_by_account', text: revokeAllBy('account_id'), values: [accountId, now] });
    },
  };
}
