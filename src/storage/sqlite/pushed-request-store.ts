// Pushed authorization requests in SQLite (RFC 9126): consumed by one DELETE ... RETURNING, a
// single statement, so of two concurrent consumptions exactly one gets the row.
import type { Database } from 'better-sqlite3';
import type { PushedRequestStore } from '../ports.js';

interface Row { request_digest: string; client_id: string; params: string; expires_at: number }

export function createPushedRequestStore(db: Database): PushedRequestStore {
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT INTO pushed_requests (request_digest, client_id, params, expires_at) VALUES (?, ?, ?, ?)');
  const consume = db.prepare<[string, string], Row>('DELETE FROM pushed_requests WHERE request_digest = ? AND client_id = ? RETURNING *');
  const purge = db.prepare<[number, number]>(`DELETE FROM pushed_requests WHERE request_digest IN
    (SELECT request_digest FROM pushed_requests WHERE expires_at <= ? LIMIT ?)`);
  return {
    async insert(request) {
      insert.run(request.requestDigest, request.clientId, JSON.stringify(request.params), request.expiresAt);
    },
    async consume(requestDigest, clientId, now) {
      const row = consume.get(requestDigest, clientId);
      if (!row || row.expires_at <= now) return null;
      return { requestDigest: row.request_digest, clientId: row.client_id, params: JSON.parse(row.params) as Record<string, string>, expiresAt: row.expires_at };
    },
    async purgeExpired(now, limit) {
      return purge.run(now, limit).changes;
    },
  };
}
