// The outbox worker on a real SQLite database: doubling retry delays, a clean stop (issue 10).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import { manualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { retryDelayAfter, startOutboxWorker, type OutboxOutcome } from './worker.js';

const message = (id: string, now: number) => ({
  messageId: id, topic: 'test', payload: '{}', attempts: 0, nextAttemptAt: now, lastError: null, givenUpAt: null, purgeAfter: null, createdAt: now,
});

describe('outbox worker', () => {
  it('waits the retry delay after the first failure, doubling after each further one', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayAfter(n, 10)), [10, 20, 40, 80]);
  });

  it('stops cleanly on close: the delivery in flight settles, nothing is claimed afterwards (issue 10)', async () => {
    const storage = await openSqliteStorage(':memory:');
    const clock = manualClock();
    let release!: () => void;
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => { started = resolve; });
    const delivered: string[] = [];
    const outcomes: OutboxOutcome[] = [];
    await storage.outbox.enqueue([message('m1', clock())]);
    const worker = startOutboxWorker({
      outbox: storage.outbox, clock, logger: silentLogger(), pollIntervalMs: 20, leaseSeconds: 30, maxAttempts: 3, retryDelay: 10,
      deliveries: {
        test: async (m) => {
          delivered.push(m.messageId);
          started();
          await new Promise<void>((resolve) => { release = resolve; });
        },
      },
      onOutcome: (o) => outcomes.push(o),
    });
    await inFlight;
    const closing = worker.close();
    await storage.outbox.enqueue([message('m2', clock())]);
    release();
    await closing;
    assert.deepEqual(outcomes.map((o) => [o.messageId, o.outcome]), [['m1', 'delivered']]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(delivered, ['m1'], 'nothing claimed after close');
    assert.equal((await storage.outbox.find('m2'))?.attempts, 0);
    await storage.close();
  });
});
