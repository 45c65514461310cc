// Failed-login counters in Redis: one sorted set of failure times per key, trimmed to the window
// on every write and expiring on its own when the key goes quiet.
import { randomUUID } from 'node:crypto';
import type { LoginThrottleStore } from '../ports.js';
import { guard } from './connection.js';
import type { RedisContext } from './keys.js';
import { registerFailure } from './scripts.js';

export function createRedisLoginThrottleStore({ redis, keys }: RedisContext): LoginThrottleStore {
  return {
    async registerFailure(key, now, windowSeconds) {
      // Each failure needs its own member; two in the same second must both count.
      const member = `${now}:${randomUUID()}`;
      return Number(await registerFailure.run(redis, [keys.loginFailures(key)], [now, windowSeconds, member, windowSeconds + 60]));
    },
    async failures(key, now, windowSeconds) {
      return guard(() => redis.zcount(keys.loginFailures(key), `(${now - windowSeconds}`, now));
    },
    async clear(key) {
      await guard(() => redis.del(keys.loginFailures(key)));
    },
  };
}
