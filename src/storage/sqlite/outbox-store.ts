// The durable outbox in SQLite. A claim is one immediate transaction (select what is due, lease
// it), so processes sharing the file never lease one message twice; completing or failing a
// message needs the lease that claimed it, so a node whose lease expired cannot undo another's.
import type { Database } from 'better-sqlite3';
import type { OutboxStore } from '../ports.js';
import type { ClaimedOutboxMessage, OutboxMessage } from '../records.js';
import { insertUnique } from './sqlite-values.js';

interface OutboxRow {
  message_id: string;
  topic: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  lease_id: string | null;
  last_error: string | null;
  given_up_at: number | null;
  purge_after: number | null;
  created_at: number;
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    messageId: row.message_id, topic: row.topic, payload: row.payload, attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at, lastError: row.last_error, givenUpAt: row.given_up_at,
    purgeAfter: row.purge_after, createdAt: row.created_at,
  };
}

export function createOutboxStore(db: Database): OutboxStore {
  const insert = db.prepare(`INSERT INTO outbox (message_id, topic, payload, attempts, next_attempt_at, last_error,
      given_up_at, purge_after, created_at)
    VALUES (@messageId, @topic, @payload, @attempts, @nextAttemptAt, @lastError, @givenUpAt, @purgeAfter, @createdAt)`);
  const due = db.prepare<[number, number], { message_id: string }>(
    'SELECT message_id FROM outbox WHERE given_up_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, message_id LIMIT ?');
  const lease = db.prepare<[string, number, string], OutboxRow>(
    'UPDATE outbox SET lease_id = ?, attempts = attempts + 1, next_attempt_at = ? WHERE message_id = ? RETURNING *');
  const complete = db.prepare<[string, string]>('DELETE FROM outbox WHERE message_id = ? AND lease_id = ?');
  const fail = db.prepare<[number, string, string, string]>(
    'UPDATE outbox SET lease_id = NULL, next_attempt_at = ?, last_error = ? WHERE message_id = ? AND lease_id = ? AND given_up_at IS NULL');
  const giveUp = db.prepare<[number, string, number, string, string]>(
    'UPDATE outbox SET lease_id = NULL, given_up_at = ?, last_error = ?, purge_after = ? WHERE message_id = ? AND lease_id = ? AND given_up_at IS NULL');
  const find = db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE message_id = ?');
  const purge = db.prepare<[number, number]>(
    'DELETE FROM outbox WHERE message_id IN (SELECT message_id FROM outbox WHERE purge_after IS NOT NULL AND purge_after <= ? LIMIT ?)');

  const insertAll = db.transaction((messages: OutboxMessage[]) => { for (const m of messages) insert.run(m); });
  const claim = db.transaction((leaseId: string, now: number, leaseSeconds: number, limit: number) =>
    due.all(now, limit).map((row) => ({ ...toMessage(lease.get(leaseId, now + leaseSeconds, row.message_id)!), leaseId })));

  return {
    async enqueue(messages) {
      if (messages.length > 0) insertUnique(() => insertAll.immediate(messages), 'outbox message');
    },
    async claim(leaseId, now, leaseSeconds, limit): Promise<ClaimedOutboxMessage[]> {
      // Most polls find nothing due: a plain read answers them without taking the write lock.
      if (due.all(now, 1).length === 0) return [];
      return claim.immediate(leaseId, now, leaseSeconds, limit);
    },
    async complete(messageId, leaseId) {
      return complete.run(messageId, leaseId).changes > 0;
    },
    async fail(messageId, leaseId, nextAttemptAt, error) {
      return fail.run(nextAttemptAt, error, messageId, leaseId).changes > 0;
    },
    async giveUp(messageId, leaseId, now, error, purgeAfter) {
      return giveUp.run(now, error, purgeAfter, messageId, leaseId).changes > 0;
    },
    async find(messageId) {
      const row = find.get(messageId);
      return row ? toMessage(row) : null;
    },
    async purgeExpired(now, limit) {
      return purge.run(now, limit).changes;
    },
  };
}
