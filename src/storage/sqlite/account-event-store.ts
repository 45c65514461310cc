// The account page's security events in SQLite: one row per event, newest first by account.
import type { Database } from 'better-sqlite3';
import type { AccountEventStore } from '../ports.js';
import type { AccountEventRecord } from '../records.js';

interface Row { event_id: string; account_id: string; kind: string; address: string | null; at: number; expires_at: number }

function toEvent(row: Row): AccountEventRecord {
  return {
    eventId: row.event_id, accountId: row.account_id, kind: row.kind as AccountEventRecord['kind'],
    address: row.address, at: row.at, expiresAt: row.expires_at,
  };
}

export function createAccountEventStore(db: Database): AccountEventStore {
  const insert = db.prepare<[string, string, string, string | null, number, number]>(
    'INSERT INTO account_events (event_id, account_id, kind, address, at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const list = db.prepare<[string, number], Row>('SELECT * FROM account_events WHERE account_id = ? ORDER BY at DESC, event_id DESC LIMIT ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM account_events WHERE event_id IN
    (SELECT event_id FROM account_events WHERE expires_at <= ? LIMIT ?)`);
  const removeByAccount = db.prepare<[string]>('DELETE FROM account_events WHERE account_id = ?');
  return {
    async deleteByAccount(accountId) {
      removeByAccount.run(accountId);
    },
    async insert(e) {
      insert.run(e.eventId, e.accountId, e.kind, e.address, e.at, e.expiresAt);
    },
    async listByAccount(accountId, limit) {
      return list.all(accountId, limit).map(toEvent);
    },
    async purgeExpired(now, limit) {
      return purge.run(now, limit).changes;
    },
  };
}
