// Browser sessions and paused authorization requests (interactions): short-lived records that
// `find` hides once expired (expiresAt <= now) and `purgeExpired` removes in bounded batches.
import type { Database } from 'better-sqlite3';
import type { InteractionStore, SessionStore } from '../ports.js';
import type { InteractionRecord, SessionRecord } from '../records.js';
import { fromJsonArray, insertUnique, toJson } from './sqlite-values.js';
import type { WriteBatch } from './write-batch.js';
import { purgeInSlices } from './purge-slices.js';

interface SessionRow {
  session_digest: string;
  sid: string;
  account_id: string;
  client_ids: string;
  auth_time: number;
  created_at: number;
  expires_at: number;
}

function toSession(row: SessionRow): SessionRecord {
  return {
    sessionDigest: row.session_digest,
    sid: row.sid,
    accountId: row.account_id,
    clientIds: fromJsonArray(row.client_ids),
    authTime: row.auth_time,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function createSessionStore(db: Database, batch: WriteBatch): SessionStore {
  const insert = db.prepare(`INSERT INTO sessions (session_digest, sid, account_id, client_ids, auth_time, created_at, expires_at)
    VALUES (@sessionDigest, @sid, @accountId, @clientIds, @authTime, @createdAt, @expiresAt)`);
  const find = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE session_digest = ? AND expires_at > ?');
  const findBySid = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE sid = ? AND expires_at > ?');
  const listByAccount = db.prepare<[string, number], SessionRow>(
    'SELECT * FROM sessions WHERE account_id = ? AND expires_at > ? ORDER BY created_at, sid');
  // One statement, so concurrent appends of different clients both land.
  const addClient = db.prepare<[string, string, string]>(`UPDATE sessions SET client_ids = json_insert(client_ids, '$[#]', ?)
    WHERE session_digest = ? AND NOT EXISTS (SELECT 1 FROM json_each(client_ids) WHERE value = ?)`);
  const remove = db.prepare<[string]>('DELETE FROM sessions WHERE session_digest = ?');
  const removeByAccount = db.prepare<[string, string]>('DELETE FROM sessions WHERE account_id = ? AND session_digest <> ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM sessions WHERE session_digest IN
    (SELECT session_digest FROM sessions WHERE expires_at <= ? LIMIT ?)`);

  return {
    async insert(session) {
      await insertUnique(() => batch.run(() => insert.run({ ...session, clientIds: toJson(session.clientIds) })), 'session');
    },
    async find(sessionDigest, now) {
      const row = find.get(sessionDigest, now);
      return row ? toSession(row) : null;
    },
    async findBySid(sid, now) {
      const row = findBySid.get(sid, now);
      return row ? toSession(row) : null;
    },
    async listByAccount(accountId, now) {
      return listByAccount.all(accountId, now).map(toSession);
    },
    async addClient(sessionDigest, clientId) {
      await batch.run(() => addClient.run(clientId, sessionDigest, clientId));
    },
    async delete(sessionDigest) {
      await batch.run(() => remove.run(sessionDigest));
    },
    async deleteByAccount(accountId, exceptSessionDigest) {
      await batch.run(() => removeByAccount.run(accountId, exceptSessionDigest ?? ''));
    },
    async purgeExpired(now, limit) {
      return purgeInSlices((at, rows) => purge.run(at, rows).changes, now, limit);
    },
  };
}

interface InteractionRow {
  interaction_id: string;
  client_id: string;
  params: string;
  account_id: string | null;
  auth_time: number | null;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

function toInteraction(row: InteractionRow): InteractionRecord {
  return {
    interactionId: row.interaction_id,
    clientId: row.client_id,
    params: JSON.parse(row.params) as Record<string, string>,
    accountId: row.account_id,
    authTime: row.auth_time,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function createInteractionStore(db: Database, batch: WriteBatch): InteractionStore {
  const insert = db.prepare(`INSERT INTO interactions (interaction_id, client_id, params, account_id,
      auth_time, csrf_token, created_at, expires_at)
    VALUES (@interactionId, @clientId, @params, @accountId, @authTime, @csrfToken, @createdAt, @expiresAt)`);
  const find = db.prepare<[string, number], InteractionRow>(
    'SELECT * FROM interactions WHERE interaction_id = ? AND expires_at > ?');
  const setLogin = db.prepare<[string, number, string]>(
    'UPDATE interactions SET account_id = ?, auth_time = ? WHERE interaction_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM interactions WHERE interaction_id = ?');
  const removeByAccount = db.prepare<[string]>('DELETE FROM interactions WHERE account_id = ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM interactions WHERE interaction_id IN
    (SELECT interaction_id FROM interactions WHERE expires_at <= ? LIMIT ?)`);

  return {
    async insert(interaction) {
      await insertUnique(() => batch.run(() => insert.run({ ...interaction, params: toJson(interaction.params) })), 'interaction');
    },
    async find(interactionId, now) {
      const row = find.get(interactionId, now);
      return row ? toInteraction(row) : null;
    },
    async setLogin(interactionId, accountId, authTime) {
      await batch.run(() => setLogin.run(accountId, authTime, interactionId));
    },
    async delete(interactionId) {
      await batch.run(() => remove.run(interactionId));
    },
    async deleteByAccount(accountId) {
      await batch.run(() => removeByAccount.run(accountId));
    },
    async purgeExpired(now, limit) {
      return purgeInSlices((at, rows) => purge.run(at, rows).changes, now, limit);
    },
  };
}
