// Login attempt counters in Redis: one small hash per key, counted by a Lua script so the
// reservation is atomic across nodes (RFC 6819 §4.4.3.1), and expiring on its own once the key
// is forgotten.
import type { LoginThrottleStore, Reservation } from '../ports.js';
import { guard } from './connection.js';
import type { RedisContext } from './keys.js';
import { releaseAttempt, reserveAttempt } from './scripts.js';

export function createRedisLoginThrottleStore({ redis, keys }: RedisContext): LoginThrottleStore {
  return {
    async reserve(key, now, schedule): Promise<Reservation> {
      const [allowed, value] = await reserveAttempt.run(redis, [keys.loginThrottle(key)],
        [now, schedule.free, schedule.forgetAfter, ...schedule.delays]) as [number, number];
      return allowed === 1 ? { allowed: true, attempts: Number(value) } : { allowed: false, retryAfter: Number(value) };
    },
    async release(key) {
      await releaseAttempt.run(redis, [keys.loginThrottle(key)], []);
    },
    async clear(key) {
      await guard(() => redis.del(keys.loginThrottle(key)));
    },
    // Counters expire by TTL.
    async purgeExpired() {
      return 0;
    },
  };
}
