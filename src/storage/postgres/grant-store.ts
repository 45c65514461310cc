// Grants in PostgreSQL: revoking one marks the grant, its codes and its tokens in ONE statement
// (data-modifying CTEs are atomic), so no half-revoked family is ever visible (RFC 6749 §4.1.2).
import type pg from 'pg';
import type { GrantStore } from '../ports.js';
import { query } from './connection.js';
import { toGrant } from './rows.js';

export function createGrantStore(pool: pg.Pool): GrantStore {
  return {
    async insert(g) {
      await query(pool, {
        name: 'grant_insert',
        text: 'INSERT INTO grants (grant_id, account_id, client_id, scopes, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)',
        values: [g.grantId, g.accountId, g.clientId, g.scopes, g.createdAt, g.revokedAt],
      });
    },
    async find(grantId) {
      const { rows } = await query(pool, { name: 'grant_find', text: 'SELECT * FROM grants WHERE grant_id = $1', values: [grantId] });
      return rows[0] ? toGrant(rows[0]) : null;
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
  };
}
