// Device authorizations in SQLite (RFC 8628). Each transition is one conditional UPDATE (or an
// immediate transaction around one), so two answers, two polls or two redemptions of the same
// record, from any connection, serialise and exactly one wins.
import type { Database } from 'better-sqlite3';
import type { DeviceAuthorizationStore } from '../ports.js';
import type { DeviceAuthorizationRecord, GrantRecord, TokenRecord } from '../records.js';
import { fromJsonArray, insertUnique, toJson } from './sqlite-values.js';
import { prepareGrantInsert } from './grant-store.js';
import { prepareTokenInsert } from './token-store.js';

interface Row {
  device_code_digest: string; user_code_digest: string; client_id: string; scopes: string; resources: string;
  status: DeviceAuthorizationRecord['status']; account_id: string | null; auth_time: number | null; grant_id: string;
  poll_interval: number; last_polled_at: number | null; created_at: number; expires_at: number;
}

function toRecord(row: Row): DeviceAuthorizationRecord {
  return {
    deviceCodeDigest: row.device_code_digest, userCodeDigest: row.user_code_digest, clientId: row.client_id,
    scopes: fromJsonArray(row.scopes), resources: fromJsonArray(row.resources), status: row.status,
    accountId: row.account_id, authTime: row.auth_time, grantId: row.grant_id, interval: row.poll_interval,
    lastPolledAt: row.last_polled_at, createdAt: row.created_at, expiresAt: row.expires_at,
  };
}

export function createDeviceAuthorizationStore(db: Database): DeviceAuthorizationStore {
  const insert = db.prepare(`INSERT INTO device_authorizations (device_code_digest, user_code_digest, client_id, scopes,
      resources, status, account_id, auth_time, grant_id, poll_interval, last_polled_at, created_at, expires_at)
    VALUES (@deviceCodeDigest, @userCodeDigest, @clientId, @scopes, @resources, @status, @accountId, @authTime, @grantId,
      @interval, @lastPolledAt, @createdAt, @expiresAt)`);
  const byUserCode = db.prepare<[string, number], Row>('SELECT * FROM device_authorizations WHERE user_code_digest = ? AND expires_at > ?');
  const decide = db.prepare<[string, string | null, number | null, string, number]>(`UPDATE device_authorizations
    SET status = ?, account_id = ?, auth_time = ? WHERE user_code_digest = ? AND status = 'pending' AND expires_at > ?`);
  const byDeviceCode = db.prepare<[string, string], Row>('SELECT * FROM device_authorizations WHERE device_code_digest = ? AND client_id = ?');
  const recordPoll = db.prepare<[number, number, string]>(
    'UPDATE device_authorizations SET poll_interval = ?, last_polled_at = ? WHERE device_code_digest = ?');
  const markRedeemed = db.prepare<[string]>(
    "UPDATE device_authorizations SET status = 'redeemed' WHERE device_code_digest = ? AND status = 'approved'");
  const purge = db.prepare<[number, number]>(`DELETE FROM device_authorizations WHERE device_code_digest IN
    (SELECT device_code_digest FROM device_authorizations WHERE expires_at <= ? LIMIT ?)`);
  const insertGrant = prepareGrantInsert(db);
  const insertTokens = prepareTokenInsert(db);

  const poll = db.transaction((deviceCodeDigest: string, clientId: string, now: number) => {
    const row = byDeviceCode.get(deviceCodeDigest, clientId);
    if (!row) return null;
    const tooSoon = row.last_polled_at !== null && now < row.last_polled_at + row.poll_interval;
    const interval = tooSoon ? row.poll_interval + 5 : row.poll_interval;
    recordPoll.run(interval, now, deviceCodeDigest);
    return { record: toRecord({ ...row, poll_interval: interval, last_polled_at: now }), tooSoon };
  });
  const redeem = db.transaction((deviceCodeDigest: string, grant: GrantRecord, tokens: TokenRecord[]) => {
    if (markRedeemed.run(deviceCodeDigest).changes === 0) return false;
    insertGrant(grant);
    insertTokens(tokens);
    return true;
  });

  return {
    async insert(record) {
      insertUnique(() => insert.run({ ...record, scopes: toJson(record.scopes), resources: toJson(record.resources) }), 'device authorization');
    },
    async findByUserCode(userCodeDigest, now) {
      const row = byUserCode.get(userCodeDigest, now);
      return row ? toRecord(row) : null;
    },
    async decide(userCodeDigest, now, approval) {
      const result = approval
        ? decide.run('approved', approval.accountId, approval.authTime, userCodeDigest, now)
        : decide.run('denied', null, null, userCodeDigest, now);
      return result.changes === 1;
    },
    async poll(deviceCodeDigest, clientId, now) {
      return poll.immediate(deviceCodeDigest, clientId, now);
    },
    async redeem(deviceCodeDigest, _now, grant, tokens) {
      return insertUnique(() => redeem.immediate(deviceCodeDigest, grant, tokens), 'grant or token');
    },
    async purgeExpired(now, limit) {
      return purge.run(now, limit).changes;
    },
  };
}
