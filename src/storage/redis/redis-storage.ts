// Puts the short-lived stores (sessions, interactions, authorization codes, login throttling) in
// Redis and delegates everything else to the durable base storage.
//
// Revocation across the two: codes live in Redis but grants.revoke (and deleting a client or an
// account) must still mark the family's codes consumed. Rather than index every code under its
// grant, client and account, we write one small revocation marker (`revoked:<kind>:<id>` = time)
// that the consume script checks. It is O(1) whatever the family size, and it also catches a code
// stored after the revocation by a racing node, which an index walked once would miss. A grant's
// marker is written BEFORE the base revocation, so a failure in between leaves codes blocked
// rather than redeemable; markers outlive every code that could reference them.
import { systemClock, type Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Storage } from '../ports.js';
import { connectRedis, guard } from './connection.js';
import { redisKeys, ttlFor, type RedisContext } from './keys.js';
import { createRedisAuthorizationCodeStore } from './authorization-code-store.js';
import { createRedisInteractionStore } from './interaction-store.js';
import { createRedisLoginThrottleStore } from './login-throttle-store.js';
import { createRedisSessionStore } from './session-store.js';
import { deleteAccountSessions } from './scripts.js';

export interface RedisStorageOptions {
  /** Prefix of every key, so deployments and test runs can share a Redis. Default `gatehouse:`. */
  keyPrefix?: string;
  logger?: Logger;
  /** Seconds records stay past their expiresAt (see keys.ts). Default 600. */
  retentionSeconds?: number;
  /** Seconds a revocation marker lives; must exceed the longest code life + retention. Default 1 day. */
  revocationMarkerSeconds?: number;
  /** Upper bound on one command and on connecting (ms). Default 2000. */
  timeoutMillis?: number;
  /** Stamps the markers of deleted clients and accounts (the port's delete takes no time). */
  clock?: Clock;
}

/** Wraps `base` so the short-lived records live in Redis at `redisUrl`; closing closes both. */
export async function withRedis(base: Storage, redisUrl: string, options: RedisStorageOptions = {}): Promise<Storage> {
  const redis = await connectRedis(redisUrl, options);
  const keys = redisKeys(options.keyPrefix ?? 'gatehouse:');
  const context: RedisContext = { redis, keys, ttl: ttlFor(options.retentionSeconds ?? 600) };
  const markerTtl = options.revocationMarkerSeconds ?? 24 * 3600;
  const clock = options.clock ?? systemClock;
  const mark = (kind: 'grant' | 'client' | 'account', id: string, at: number) =>
    guard(() => redis.set(keys.revoked(kind, id), at, 'EX', markerTtl));

  return {
    ...base,
    sessions: createRedisSessionStore(context),
    interactions: createRedisInteractionStore(context),
    authorizationCodes: createRedisAuthorizationCodeStore(context, base),
    loginThrottle: createRedisLoginThrottleStore(context),
    grants: {
      ...base.grants,
      async revoke(grantId, now) {
        await mark('grant', grantId, now);
        await base.grants.revoke(grantId, now);
      },
    },
    clients: {
      ...base.clients,
      async delete(clientId) {
        // Marked only once the client is really gone: the marker blocks codes issued up to now.
        const deleted = await base.clients.delete(clientId);
        if (deleted) await mark('client', clientId, clock());
        return deleted;
      },
    },
    accounts: {
      ...base.accounts,
      async delete(accountId) {
        const deleted = await base.accounts.delete(accountId);
        if (deleted) {
          await mark('account', accountId, clock());
          await deleteAccountSessions.run(redis, [keys.accountSessions(accountId), keys.expiryIndex('session')], [keys.session('')]);
        }
        return deleted;
      },
      async setPassword(accountId, passwordHash, now) {
        const changed = await base.accounts.setPassword(accountId, passwordHash, now);
        if (changed) {
          await mark('account', accountId, now);
          await deleteAccountSessions.run(redis, [keys.accountSessions(accountId), keys.expiryIndex('session')], [keys.session('')]);
        }
        return changed;
      },
    },
    async ping() {
      await base.ping();
      await guard(() => redis.ping());
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      await base.close();
    },
  };
}
