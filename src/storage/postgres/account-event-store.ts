// The account page's security events in PostgreSQL: one row per event, newest first by account.
import type pg from 'pg';
import type { AccountEventStore } from '../ports.js';
import type { AccountEventRecord } from '../records.js';
import { query } from './connection.js';
import { purgeBatch } from './purge.js';

interface Row { event_id: string; account_id: string; kind: string; address: string | null; at: string | number; expires_at: string | number }

function toEvent(row: Row): AccountEventRecord {
  return {
    eventId: row.event_id, accountId: row.account_id, kind: row.kind as AccountEventRecord['kind'],
    address: row.address, at: Number(row.at), expiresAt: Number(row.expires_at),
  };
}

export function createAccountEventStore(pool: pg.Pool): AccountEventStore {
  return {
    async deleteByAccount(accountId) {
      await query(pool, { name: 'account_event_delete_by_account', text: 'DELETE FROM account_events WHERE account_id = $1', values: [accountId] });
    },
    async insert(e) {
      await query(pool, {
        name: 'account_event_insert',
        text: 'INSERT INTO account_events (event_id, account_id, kind, address, at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        values: [e.eventId, e.accountId, e.kind, e.address, e.at, e.expiresAt],
      });
    },
    async listByAccount(accountId, limit) {
      const { rows } = await query(pool, {
        name: 'account_event_list',
        text: 'SELECT * FROM account_events WHERE account_id = $1 ORDER BY at DESC, event_id DESC LIMIT $2',
        values: [accountId, limit],
      });
      return (rows as Row[]).map(toEvent);
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'account_events', now, limit),
  };
}
