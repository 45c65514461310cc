// Delivers the durable outbox: polls every few seconds (and at once when woken after an enqueue),
// claims due messages under a lease, hands each to the delivery of its topic, and settles it:
// delivered -> deleted; failed -> retried with doubling delays; after `maxAttempts`, or on a
// permanent failure, given up and logged (topic, id, attempts, reason — never the payload or a
// token). A node that dies mid-delivery leaves its lease to expire and another node delivers.
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { randomToken } from '../lib/random.js';
import type { OutboxStore } from '../storage/ports.js';
import type { ClaimedOutboxMessage } from '../storage/records.js';

/** Delivers one message; resolves when the receiver accepted it, throws otherwise. */
export type OutboxDelivery = (message: ClaimedOutboxMessage) => Promise<void>;

/** A failure retrying cannot fix (the receiver rejected the message itself): given up at once. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

export type OutboxOutcome =
  | { outcome: 'delivered'; messageId: string; topic: string; attempts: number }
  | { outcome: 'retry'; messageId: string; topic: string; attempts: number; nextAttemptAt: number; error: string }
  | { outcome: 'gave_up'; messageId: string; topic: string; attempts: number; error: string };

export interface OutboxWorkerOptions {
  outbox: OutboxStore;
  clock: Clock;
  logger: Logger;
  /** The delivery of each topic. */
  deliveries: Readonly<Record<string, OutboxDelivery>>;
  /** Milliseconds between polls. */
  pollIntervalMs: number;
  /** Seconds a claim holds a message: longer than any delivery may take. */
  leaseSeconds: number;
  /** Attempts before a message is given up. */
  maxAttempts: number;
  /** Seconds before the first retry; each further retry waits twice as long. */
  retryDelay: number;
  /** Messages claimed at once. */
  batchSize?: number;
  /** Seconds a given-up message is kept (for inspection) before the purge removes it. */
  keepGivenUp?: number;
  /** Told each settled message (metrics, tests). */
  onOutcome?: (outcome: OutboxOutcome) => void;
}

export interface OutboxWorker {
  /** Looks for due messages now (after an enqueue on this node). */
  wake(): void;
  /** Stops polling and waits for the deliveries in flight to settle. */
  close(): Promise<void>;
}

/** Seconds to wait after the `attempts`-th failed attempt: retryDelay, 2×, 4×, … */
export function retryDelayAfter(attempts: number, retryDelay: number): number {
  return retryDelay * 2 ** Math.max(0, attempts - 1);
}

export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, clock, logger, deliveries, maxAttempts, retryDelay, leaseSeconds } = options;
  const batchSize = options.batchSize ?? 20;
  const keepGivenUp = options.keepGivenUp ?? 7 * 24 * 3600;
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;

  async function settle(message: ClaimedOutboxMessage): Promise<void> {
    const base = { messageId: message.messageId, topic: message.topic, attempts: message.attempts };
    try {
      const deliver = deliveries[message.topic];
      if (!deliver) throw new Error(`no delivery for topic ${message.topic} on this node`);
      await deliver(message);
    } catch (failure) {
      const error = failure instanceof Error ? failure.message : String(failure);
      const now = clock();
      if (failure instanceof PermanentDeliveryError || message.attempts >= maxAttempts) {
        if (await outbox.giveUp(message.messageId, message.leaseId, now, error, now + keepGivenUp)) {
          logger.warn({ outbox: { ...base, error } }, `outbox: gave up delivering a ${message.topic} message after ${message.attempts} attempt(s): ${error}`);
          options.onOutcome?.({ outcome: 'gave_up', ...base, error });
        }
        return;
      }
      const nextAttemptAt = now + retryDelayAfter(message.attempts, retryDelay);
      if (await outbox.fail(message.messageId, message.leaseId, nextAttemptAt, error)) {
        logger.info({ outbox: { ...base, error, nextAttemptAt } }, `outbox: a ${message.topic} delivery failed, will retry: ${error}`);
        options.onOutcome?.({ outcome: 'retry', ...base, nextAttemptAt, error });
      }
      return;
    }
    if (await outbox.complete(message.messageId, message.leaseId)) {
      options.onOutcome?.({ outcome: 'delivered', ...base });
    } else {
      logger.info({ outbox: base }, 'outbox: delivered a message whose lease had expired; its receiver may see it twice (same jti)');
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const claimed = await outbox.claim(randomToken(12), clock(), leaseSeconds, batchSize);
      await Promise.all(claimed.map((message) => settle(message).catch((error: unknown) => {
        logger.warn({ outbox: { messageId: message.messageId, topic: message.topic }, err: (error as Error).message },
          'outbox: could not record a delivery outcome; the lease will expire and the message be retried');
      })));
      if (claimed.length === batchSize) again = true;
    } while (again && !closed);
  }

  function run(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'outbox: polling failed; will retry'))
      .finally(() => { running = null; });
  }

  const timer = setInterval(run, options.pollIntervalMs);
  timer.unref();
  setImmediate(run);
  return {
    wake: () => setImmediate(run),
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
