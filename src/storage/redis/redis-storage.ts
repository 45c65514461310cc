// Puts the short-lived stores (sessions, interactions, authorization codes, login throttling, the
// replay cache) in Redis and delegates everything else to the durable base storage.
//
// Revocation across the two: codes live in Redis but grants.revoke (and revokeByClient /
// revokeByAccount) must still mark the family's codes consumed. Rather than index every code under its
// grant, client and account, we write one small revocation marker (`revoked:<kind>:<id>` = time)
// that the consume script checks. It is O(1) whatever the family size, and it also catches a code
// stored after the revocation by a racing node, which an index walked once would miss. Every
// marker is written BEFORE the base revocation, so a failure in between leaves codes blocked
// rather than redeemable; markers outlive every code that could reference them. A client or
// account marker blocks the codes created up to its time (to the second).
import type { Logger } from '../../lib/logger.js';
import type { Storage } from '../ports.js';
import { connectRedis, guard } from './connection.js';
import { redisKeys, ttlFor, type RedisContext } from './keys.js';
import { createRedisAuthorizationCodeStore } from './authorization-code-store.js';
import { createRedisInteractionStore } from './interaction-store.js';
import { createRedisLoginThrottleStore } from './login-throttle-store.js';
import { createRedisSessionStore } from './session-store.js';
import { createRedisReplayCacheStore } from './replay-cache-store.js';

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
}

/** Wraps `base` so the short-lived records live in Redis at `redisUrl`; closing closes both. */
export async function withRedis(base: Storage, redisUrl: string, options: RedisStorageOptions = {}): Promise<Storage> {
  const redis = await connectRedis(redisUrl, options);
  const keys = redisKeys(options.keyPrefix ?? 'gatehouse:');
  const context: RedisContext = { redis, keys, ttl: ttlFor(options.retentionSeconds ?? 600) };
  const markerTtl = options.revocationMarkerSeconds ?? 24 * 3600;
  const mark = (kind: 'grant' | 'client' | 'account', id: string, at: number) =>
    guard(() => redis.set(keys.revoked(kind, id), at, 'EX', markerTtl));

  return {
    ...base,
    sessions: createRedisSessionStore(context),
    interactions: createRedisInteractionStore(context),
    authorizationCodes: createRedisAuthorizationCodeStore(context, base),
    loginThrottle: createRedisLoginThrottleStore(context),
    replayCache: createRedisReplayCacheStore(context),
    grants: {
      ...base.grants,
      async revoke(grantId, now) {
        await mark('grant', grantId, now);
        await base.grants.revoke(grantId, now);
      },
      async revokeByClient(clientId, now) {
        await mark('client', clientId, now);
        await base.grants.revokeByClient(clientId, now);
      },
      async revokeByAccount(accountId, now) {
        await mark('account', accountId, now);
        await base.grants.revokeByAccount(accountId, now);
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
