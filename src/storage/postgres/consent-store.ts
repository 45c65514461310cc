// Remembered consent per (account, client) in PostgreSQL; save is an upsert.
import type pg from 'pg';
import type { ConsentStore } from '../ports.js';
import { query } from './connection.js';
import { toConsent } from './rows.js';

export function createConsentStore(pool: pg.Pool): ConsentStore {
  return {
    async find(accountId, clientId) {
      const { rows } = await query(pool, {
        name: 'consent_find',
        text: 'SELECT * FROM consents WHERE account_id = $1 AND client_id = $2',
        values: [accountId, clientId],
      });
      return rows[0] ? toConsent(rows[0]) : null;
    },
    async save(c) {
      await query(pool, {
        name: 'consent_save',
        text: `INSERT INTO consents (account_id, client_id, scopes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (account_id, client_id)
          DO UPDATE SET scopes = EXCLUDED.scopes, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        values: [c.accountId, c.clientId, c.scopes, c.createdAt, c.updatedAt],
      });
    },
    async delete(accountId, clientId) {
      await query(pool, { text: 'DELETE FROM consents WHERE account_id = $1 AND client_id = $2', values: [accountId, clientId] });
    },
    async deleteByClient(clientId) {
      await query(pool, { text: 'DELETE FROM consents WHERE client_id = $1', values: [clientId] });
    },
    async deleteByAccount(accountId) {
      await query(pool, { text: 'DELETE FROM consents WHERE account_id = $1', values: [accountId] });
    },
    async listByAccount(accountId) {
      const { rows } = await query(pool, {
        name: 'consent_list_by_account', text: 'SELECT * FROM consents WHERE account_id = $1 ORDER BY created_at, client_id', values: [accountId],
      });
      return rows.map(toConsent);
    },
  };
}
