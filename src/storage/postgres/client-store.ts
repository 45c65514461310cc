// Registered OAuth clients (RFC 6749 §2) in PostgreSQL; deleting one revokes its grants and
// forgets its consents. The port's delete takes no time, so revocation uses the adapter's clock.
import type pg from 'pg';
import type { Clock } from '../../lib/clock.js';
import type { ClientStore } from '../ports.js';
import type { ClientRecord } from '../records.js';
import { query } from './connection.js';
import { toClient } from './rows.js';

export function createClientStore(pool: pg.Pool, clock: Clock): ClientStore {
  return {
    async insert(c: ClientRecord) {
      await query(pool, {
        text: `INSERT INTO clients (client_id, client_name, secret_digest, redirect_uris, grant_types,
          response_types, scopes, skip_consent, token_endpoint_auth_method, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        values: [c.clientId, c.clientName, c.secretDigest, c.redirectUris, c.grantTypes,
          c.responseTypes, c.scopes, c.skipConsent, c.tokenEndpointAuthMethod, c.createdAt],
      });
    },
    async find(clientId) {
      const { rows } = await query(pool, { name: 'client_find', text: 'SELECT * FROM clients WHERE client_id = $1', values: [clientId] });
      return rows[0] ? toClient(rows[0]) : null;
    },
    async list() {
      const { rows } = await query(pool, { text: 'SELECT * FROM clients ORDER BY created_at, client_id' });
      return rows.map(toClient);
    },
    async update(c: ClientRecord) {
      const result = await query(pool, {
        text: `UPDATE clients SET client_name = $2, secret_digest = $3, redirect_uris = $4, grant_types = $5,
          response_types = $6, scopes = $7, skip_consent = $8, token_endpoint_auth_method = $9 WHERE client_id = $1`,
        values: [c.clientId, c.clientName, c.secretDigest, c.redirectUris, c.grantTypes,
          c.responseTypes, c.scopes, c.skipConsent, c.tokenEndpointAuthMethod],
      });
      return (result.rowCount ?? 0) > 0;
    },
    async delete(clientId) {
      // One statement, so the client disappears and its whole family is revoked atomically.
      const { rows } = await query<{ deleted: number }>(pool, {
        text: `WITH gone AS (DELETE FROM clients WHERE client_id = $1 RETURNING 1),
          g AS (UPDATE grants SET revoked_at = $2 WHERE client_id = $1 AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM gone)),
          c AS (UPDATE authorization_codes SET consumed_at = $2 WHERE client_id = $1 AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM gone)),
          t AS (UPDATE tokens SET revoked_at = $2 WHERE client_id = $1 AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM gone)),
          k AS (DELETE FROM consents WHERE client_id = $1 AND EXISTS (SELECT 1 FROM gone))
          SELECT count(*)::int AS deleted FROM gone`,
        values: [clientId, clock()],
      });
      return (rows[0]?.deleted ?? 0) > 0;
    },
  };
}
