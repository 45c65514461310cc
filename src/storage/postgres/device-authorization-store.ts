// Device authorizations in PostgreSQL (RFC 8628). Each transition is one statement: a
// conditional UPDATE (the answer), an UPDATE over the row locked FOR UPDATE (a poll and its
// pace), and the redemption's UPDATE with the grant and token INSERTs as CTEs, so across any
// number of nodes exactly one answer, and one redemption, wins.
import type pg from 'pg';
import type { DeviceAuthorizationStore } from '../ports.js';
import type { DeviceAuthorizationRecord } from '../records.js';
import { query } from './connection.js';
import { purgeBatch } from './purge.js';
import { tokenInsertSql } from './token-store.js';

interface Row {
  device_code_digest: string; user_code_digest: string; client_id: string; scopes: string[]; resources: string[];
  status: DeviceAuthorizationRecord['status']; account_id: string | null; auth_time: string | number | null; grant_id: string;
  poll_interval: number; last_polled_at: string | number | null; created_at: string | number; expires_at: string | number;
  too_soon?: boolean;
}

const orNull = (value: string | number | null) => (value === null ? null : Number(value));

function toRecord(row: Row): DeviceAuthorizationRecord {
  return {
    deviceCodeDigest: row.device_code_digest, userCodeDigest: row.user_code_digest, clientId: row.client_id,
    scopes: row.scopes, resources: row.resources, status: row.status, accountId: row.account_id, authTime: orNull(row.auth_time),
    grantId: row.grant_id, interval: row.poll_interval, lastPolledAt: orNull(row.last_polled_at),
    createdAt: Number(row.created_at), expiresAt: Number(row.expires_at),
  };
}

export function createDeviceAuthorizationStore(pool: pg.Pool): DeviceAuthorizationStore {
  return {
    async insert(r) {
      await query(pool, {
        name: 'device_insert',
        text: `INSERT INTO device_authorizations (device_code_digest, user_code_digest, client_id, scopes, resources, status,
          account_id, auth_time, grant_id, poll_interval, last_polled_at, created_at, expires_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        values: [r.deviceCodeDigest, r.userCodeDigest, r.clientId, r.scopes, r.resources, r.status, r.accountId, r.authTime,
          r.grantId, r.interval, r.lastPolledAt, r.createdAt, r.expiresAt],
      });
    },
    async findByUserCode(userCodeDigest, now) {
      const { rows } = await query<Row>(pool, {
        name: 'device_find_user_code',
        text: 'SELECT * FROM device_authorizations WHERE user_code_digest = $1 AND expires_at > $2',
        values: [userCodeDigest, now],
      });
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async decide(userCodeDigest, now, approval) {
      const result = await query(pool, {
        name: 'device_decide',
        text: `UPDATE device_authorizations SET status = $3, account_id = $4, auth_time = $5
          WHERE user_code_digest = $1 AND status = 'pending' AND expires_at > $2`,
        values: [userCodeDigest, now, approval ? 'approved' : 'denied', approval?.accountId ?? null, approval?.authTime ?? null],
      });
      return result.rowCount === 1;
    },
    async poll(deviceCodeDigest, clientId, now) {
      const { rows } = await query<Row>(pool, {
        name: 'device_poll',
        text: `UPDATE device_authorizations d
          SET poll_interval = CASE WHEN o.last_polled_at IS NOT NULL AND $3 < o.last_polled_at + o.poll_interval
                THEN o.poll_interval + 5 ELSE o.poll_interval END,
              last_polled_at = $3
          FROM (SELECT device_code_digest, last_polled_at, poll_interval FROM device_authorizations
                WHERE device_code_digest = $1 AND client_id = $2 FOR UPDATE) o
          WHERE d.device_code_digest = o.device_code_digest
          RETURNING d.*, (o.last_polled_at IS NOT NULL AND $3 < o.last_polled_at + o.poll_interval) AS too_soon`,
        values: [deviceCodeDigest, clientId, now],
      });
      const row = rows[0];
      return row ? { record: toRecord(row), tooSoon: row.too_soon === true } : null;
    },
    async redeem(deviceCodeDigest, _now, g, tokens) {
      const inserted = tokens.length > 0 ? tokenInsertSql(tokens, 9, 'EXISTS (SELECT 1 FROM redeemed)') : null;
      const { rows } = await query(pool, {
        name: `device_redeem_${tokens.length}`,
        text: `WITH redeemed AS (
            UPDATE device_authorizations SET status = 'redeemed' WHERE device_code_digest = $1 AND status = 'approved' RETURNING 1
          ),
          new_grant AS (
            INSERT INTO grants (grant_id, account_id, client_id, scopes, created_at, revoked_at, sid)
            SELECT $2::text, $3::text, $4::text, $5::text[], $6::bigint, $7::bigint, $8::text FROM redeemed
          )${inserted ? `, new_tokens AS (${inserted.text})` : ''}
          SELECT * FROM redeemed`,
        values: [deviceCodeDigest, g.grantId, g.accountId, g.clientId, g.scopes, g.createdAt, g.revokedAt, g.sid, ...(inserted?.values ?? [])],
      });
      return rows.length === 1;
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'device_authorizations', now, limit),
  };
}
