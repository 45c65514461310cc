// Background purge of expired records, in small batches so requests never wait behind it.
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Storage } from './ports.js';

/** One kind of record the loop purges: deletes up to `limit` expired ones, returns how many it handled. */
export interface PurgeTask {
  purgeExpired(now: number, limit: number): Promise<number>;
}

/** `extra` tasks run after the stores' own, e.g. expired dynamic registrations (clients/registration-expiry.ts). */
export function startPurger(
  storage: Storage, clock: Clock, logger: Logger, { interval, batchSize }: { interval: number; batchSize: number }, extra: readonly PurgeTask[] = [],
): () => void {
  let running = false;
  const stores: PurgeTask[] = [
    storage.authorizationCodes, storage.tokens, storage.sessions, storage.interactions, storage.signingKeys, storage.loginThrottle, storage.outbox,
    storage.initialAccessTokens, storage.replayCache, storage.pushedRequests, storage.deviceAuthorizations, storage.accountEvents, storage.accountTokens,
    // A grant goes once nothing refers to it; the hour of grace covers a redemption in flight.
    { purgeExpired: (now: number, limit: number) => storage.grants.purgeUnused(now - 3600, limit) },
    ...extra,
  ];
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      for (const store of stores) {
        // Up to ten batches per store per tick; the rest waits for the next tick.
        for (let i = 0; i < 10; i++) if ((await store.purgeExpired(clock(), batchSize)) < batchSize) break;
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'purge of expired records failed; will retry');
    } finally {
      running = false;
    }
  }, interval * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
