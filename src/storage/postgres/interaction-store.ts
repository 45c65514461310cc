// Paused authorization requests awaiting login/consent, in PostgreSQL.
import type pg from 'pg';
import type { InteractionStore } from '../ports.js';
import { query } from './connection.js';
import { purgeBatch } from './purge.js';
import { toInteraction } from './rows.js';

export function createInteractionStore(pool: pg.Pool): InteractionStore {
  return {
    async insert(i) {
      await query(pool, {
        name: 'interaction_insert',
        text: `INSERT INTO interactions (interaction_id, client_id, params, account_id, auth_time, csrf_token, created_at, expires_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        values: [i.interactionId, i.clientId, JSON.stringify(i.params), i.accountId, i.authTime, i.csrfToken, i.createdAt, i.expiresAt],
      });
    },
    async find(interactionId, now) {
      const { rows } = await query(pool, {
        name: 'interaction_find',
        text: 'SELECT * FROM interactions WHERE interaction_id = $1 AND expires_at > $2',
        values: [interactionId, now],
      });
      return rows[0] ? toInteraction(rows[0]) : null;
    },
    async setLogin(interactionId, accountId, authTime) {
      await query(pool, {
        name: 'interaction_set_login',
        text: 'UPDATE interactions SET account_id = $2, auth_time = $3 WHERE interaction_id = $1',
        values: [interactionId, accountId, authTime],
      });
    },
    async delete(interactionId) {
      await query(pool, { name: 'interaction_delete', text: 'DELETE FROM interactions WHERE interaction_id = $1', values: [interactionId] });
    },
    async deleteByAccount(accountId) {
      await query(pool, { text: 'DELETE FROM interactions WHERE account_id = $1', values: [accountId] });
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'interactions', now, limit),
  };
}
