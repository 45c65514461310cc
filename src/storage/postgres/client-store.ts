// Registered OAuth clients (RFC 6749 §2) in PostgreSQL. Deleting removes the row only;
// oauth/lifecycle.ts revokes what the client held.
import type pg from 'pg';
import type { ClientStore } from '../ports.js';
import type { ClientRecord } from '../records.js';
import { query, translateError } from './connection.js';
import { toClient } from './rows.js';

function insertStatement(c: ClientRecord): pg.QueryConfig {
  return {
    text: `INSERT INTO clients (client_id, client_name, secret_digest, redirect_uris, grant_types,
      response_types, scopes, skip_consent, token_endpoint_auth_method, created_at,
      backchannel_logout_uri, backchannel_logout_session_required, post_logout_redirect_uris,
      frontchannel_logout_uri, frontchannel_logout_session_required, metadata, registration_expires_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    values: [c.clientId, c.clientName, c.secretDigest, c.redirectUris, c.grantTypes,
      c.responseTypes, c.scopes, c.skipConsent, c.tokenEndpointAuthMethod, c.createdAt,
      c.backchannelLogoutUri ?? null, c.backchannelLogoutSessionRequired ?? false, c.postLogoutRedirectUris,
      c.frontchannelLogoutUri ?? null, c.frontchannelLogoutSessionRequired ?? false, JSON.stringify(c.metadata ?? {}),
      c.registrationExpiresAt ?? null],
  };
}

// The advisory lock serialising dynamic registrations ('gh', then 'dcr'), so the count of
// registered clients and the insert below the cap are one step across nodes.
const registrationLock = [0x6768, 0x646372];

export function createClientStore(pool: pg.Pool): ClientStore {
  return {
    async insert(c: ClientRecord) {
      await query(pool, insertStatement(c));
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
          response_types = $6, scopes = $7, skip_consent = $8, token_endpoint_auth_method = $9,
          backchannel_logout_uri = $10, backchannel_logout_session_required = $11,
          post_logout_redirect_uris = $12, frontchannel_logout_uri = $13, frontchannel_logout_session_required = $14,
          metadata = $15, registration_expires_at = $16
          WHERE client_id = $1`,
        values: [c.clientId, c.clientName, c.secretDigest, c.redirectUris, c.grantTypes,
          c.responseTypes, c.scopes, c.skipConsent, c.tokenEndpointAuthMethod,
          c.backchannelLogoutUri ?? null, c.backchannelLogoutSessionRequired ?? false, c.postLogoutRedirectUris,
          c.frontchannelLogoutUri ?? null, c.frontchannelLogoutSessionRequired ?? false, JSON.stringify(c.metadata ?? {}),
          c.registrationExpiresAt ?? null],
      });
      return (result.rowCount ?? 0) > 0;
    },
    async delete(clientId) {
      const result = await query(pool, { text: 'DELETE FROM clients WHERE client_id = $1', values: [clientId] });
      return (result.rowCount ?? 0) > 0;
    },
    async insertRegistered(c, limit) {
      let connection: pg.PoolClient;
      try {
        connection = await pool.connect();
      } catch (error) {
        throw translateError(error);
      }
      try {
        // READ COMMITTED: the count after the lock sees every registration committed before it.
        await query(connection, { text: 'BEGIN' });
        await query(connection, { text: 'SELECT pg_advisory_xact_lock($1, $2)', values: registrationLock });
        const { rows } = await query<{ n: string }>(connection, { text: "SELECT count(*) AS n FROM clients WHERE metadata ? 'registration'" });
        if (Number(rows[0]?.n ?? 0) >= limit) {
          await query(connection, { text: 'ROLLBACK' });
          return false;
        }
        await query(connection, insertStatement(c));
        await query(connection, { text: 'COMMIT' });
        return true;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    async keepRegistration(clientId) {
      await query(pool, {
        text: 'UPDATE clients SET registration_expires_at = NULL WHERE client_id = $1 AND registration_expires_at IS NOT NULL', values: [clientId],
      });
    },
    async listExpiredRegistrations(now, limit) {
      const { rows } = await query<{ client_id: string }>(pool, {
        text: `SELECT client_id FROM clients WHERE registration_expires_at IS NOT NULL AND registration_expires_at <= $1
          ORDER BY registration_expires_at LIMIT $2`,
        values: [now, limit],
      });
      return rows.map((row) => row.client_id);
    },
  };
}
