// Pushed authorization requests in PostgreSQL (RFC 9126): consumed by one DELETE ... RETURNING;
// the row lock serialises concurrent consumptions from every node, so exactly one gets the row.
import type pg from 'pg';
import type { PushedRequestStore } from '../ports.js';
import { query } from './connection.js';
import { purgeBatch } from './purge.js';

interface Row { request_digest: string; client_id: string; params: Record<string, string>; expires_at: string | number }

export function createPushedRequestStore(pool: pg.Pool): PushedRequestStore {
  return {
    async insert(request) {
      await query(pool, {
        name: 'pushed_request_insert',
        text: 'INSERT INTO pushed_requests (request_digest, client_id, params, expires_at) VALUES ($1, $2, $3, $4)',
        values: [request.requestDigest, request.clientId, JSON.stringify(request.params), request.expiresAt],
      });
    },
    async consume(requestDigest, clientId, now) {
      const result = await query<Row>(pool, {
        name: 'pushed_request_consume', text: 'DELETE FROM pushed_requests WHERE request_digest = $1 AND client_id = $2 RETURNING *', values: [requestDigest, clientId],
      });
      const row = result.rows[0];
      if (!row || Number(row.expires_at) <= now) return null;
      return { requestDigest: row.request_digest, clientId: row.client_id, params: row.params, expiresAt: Number(row.expires_at) };
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'pushed_requests', now, limit),
  };
}
