// Browser sessions (keyed by the cookie's digest) in PostgreSQL; expiry filtered on read.
import type pg from 'pg';
import type { SessionStore } from '../ports.js';
import { query } from './connection.js';
import { purgeBatch } from './purge.js';
import { toSession } from './rows.js';

export function createSessionStore(pool: pg.Pool): SessionStore {
  return {
    async insert(s) {
      await query(pool, {
        name: 'session_insert',
        text: `INSERT INTO sessions (session_digest, account_id, auth_time, created_at, expires_at, sid, client_ids)
          VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        values: [s.sessionDigest, s.accountId, s.authTime, s.createdAt, s.expiresAt, s.sid, s.clientIds],
      });
    },
    async find(sessionDigest, now) {
      const { rows } = await query(pool, {
        name: 'session_find',
        text: 'SELECT * FROM sessions WHERE session_digest = $1 AND expires_at > $2',
        values: [sessionDigest, now],
      });
      return rows[0] ? toSession(rows[0]) : null;
    },
    async findBySid(sid, now) {
      const { rows } = await query(pool, {
        name: 'session_find_by_sid', text: 'SELECT * FROM sessions WHERE sid = $1 AND expires_at > $2', values: [sid, now],
      });
      return rows[0] ? toSession(rows[0]) : null;
    },
    async listByAccount(accountId, now) {
      const { rows } = await query(pool, {
        text: 'SELECT * FROM sessions WHERE account_id = $1 AND expires_at > $2 ORDER BY created_at, sid', values: [accountId, now],
      });
      return rows.map(toSession);
    },
    async addClient(sessionDigest, clientId) {
      // One conditional UPDATE: concurrent appends of different clients both land, the same one once.
      await query(pool, {
        name: 'session_add_client',
        text: 'UPDATE sessions SET client_ids = array_append(client_ids, $2) WHERE session_digest = $1 AND NOT ($2 = ANY (client_ids))',
        values: [sessionDigest, clientId],
      });
    },
    async delete(sessionDigest) {
      await query(pool, { name: 'session_delete', text: 'DELETE FROM sessions WHERE session_digest = $1', values: [sessionDigest] });
    },
    async deleteByAccount(accountId, exceptSessionDigest) {
      await query(pool, {
        text: 'DELETE FROM sessions WHERE account_id = $1 AND session_digest <> $2',
        values: [accountId, exceptSessionDigest ?? ''],
      });
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'sessions', now, limit),
  };
}
