// The durable outbox in PostgreSQL. A claim is ONE statement: the due rows are locked with
// FOR UPDATE SKIP LOCKED and leased in the same UPDATE, so nodes claiming at once each get other
// messages and never wait on one another; a row another node leased meanwhile no longer matches
// `next_attempt_at <= now` when re-checked. Completing or failing needs the claim's lease id.
import type pg from 'pg';
import type { OutboxStore } from '../ports.js';
import type { ClaimedOutboxMessage, OutboxMessage } from '../records.js';
import { query } from './connection.js';

type Row = Record<string, unknown>;

function toMessage(r: Row): OutboxMessage {
  return {
    messageId: r.message_id as string, topic: r.topic as string, payload: r.payload as string,
    attempts: r.attempts as number, nextAttemptAt: r.next_attempt_at as number, lastError: (r.last_error ?? null) as string | null,
    givenUpAt: (r.given_up_at ?? null) as number | null, purgeAfter: (r.purge_after ?? null) as number | null,
    createdAt: r.created_at as number,
  };
}

// The due rows are chosen once (MATERIALIZED): a subquery under `IN` may be re-run by the planner
// and lease more than `limit` rows.
const claimSql = `WITH due AS MATERIALIZED (
    SELECT message_id FROM outbox WHERE given_up_at IS NULL AND next_attempt_at <= $2::bigint
    ORDER BY next_attempt_at, message_id LIMIT $4 FOR UPDATE SKIP LOCKED)
  UPDATE outbox o SET lease_id = $1, attempts = o.attempts + 1, next_attempt_at = $2::bigint + $3::bigint
  FROM due WHERE o.message_id = due.message_id
  RETURNING o.*`;

export function createOutboxStore(pool: pg.Pool): OutboxStore {
  return {
    async enqueue(messages) {
      if (messages.length === 0) return;
      const column = <K extends keyof OutboxMessage>(key: K) => messages.map((m) => m[key]);
      await query(pool, {
        text: `INSERT INTO outbox (message_id, topic, payload, attempts, next_attempt_at, last_error, given_up_at, purge_after, created_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[])`,
        values: [column('messageId'), column('topic'), column('payload'), column('attempts'), column('nextAttemptAt'),
          column('lastError'), column('givenUpAt'), column('purgeAfter'), column('createdAt')],
      });
    },
    async claim(leaseId, now, leaseSeconds, limit): Promise<ClaimedOutboxMessage[]> {
      const { rows } = await query(pool, { name: 'outbox_claim', text: claimSql, values: [leaseId, now, leaseSeconds, limit] });
      return rows.map((row) => ({ ...toMessage(row), leaseId }))
        .sort((a, b) => a.createdAt - b.createdAt || (a.messageId < b.messageId ? -1 : 1));
    },
    async complete(messageId, leaseId) {
      const result = await query(pool, { name: 'outbox_complete', text: 'DELETE FROM outbox WHERE message_id = $1 AND lease_id = $2', values: [messageId, leaseId] });
      return (result.rowCount ?? 0) > 0;
    },
    async fail(messageId, leaseId, nextAttemptAt, error) {
      const result = await query(pool, {
        name: 'outbox_fail',
        text: `UPDATE outbox SET lease_id = NULL, next_attempt_at = $3, last_error = $4
          WHERE message_id = $1 AND lease_id = $2 AND given_up_at IS NULL`,
        values: [messageId, leaseId, nextAttemptAt, error],
      });
      return (result.rowCount ?? 0) > 0;
    },
    async giveUp(messageId, leaseId, now, error, purgeAfter) {
      const result = await query(pool, {
        text: `UPDATE outbox SET lease_id = NULL, given_up_at = $3, last_error = $4, purge_after = $5
          WHERE message_id = $1 AND lease_id = $2 AND given_up_at IS NULL`,
        values: [messageId, leaseId, now, error, purgeAfter],
      });
      return (result.rowCount ?? 0) > 0;
    },
    async find(messageId) {
      const { rows } = await query(pool, { text: 'SELECT * FROM outbox WHERE message_id = $1', values: [messageId] });
      return rows[0] ? toMessage(rows[0]) : null;
    },
    async purgeExpired(now, limit) {
      const result = await query(pool, {
        text: `DELETE FROM outbox WHERE message_id IN (
          SELECT message_id FROM outbox WHERE purge_after IS NOT NULL AND purge_after <= $1 LIMIT $2)`,
        values: [now, limit],
      });
      return result.rowCount ?? 0;
    },
  };
}
