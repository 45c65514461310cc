// Single-use values in Redis (RFC 7523 §3 item 7 jti): a Lua script checks and sets the key in
// one atomic step, so of concurrent uses from any number of nodes exactly one records it. The
// value is its expiry, so a key past it is taken over as in SQL; the TTL removes it later.
import type { ReplayCacheStore } from '../ports.js';
import type { RedisContext } from './keys.js';
import { useReplayValue } from './scripts.js';

export function createRedisReplayCacheStore({ redis, keys, ttl }: RedisContext): ReplayCacheStore {
  return {
    async use(key, expiresAt, now) {
      return (await useReplayValue.run(redis, [keys.replay(key)], [expiresAt, now, ttl(expiresAt)])) === 1;
    },
    // Keys expire by TTL.
    async purgeExpired() {
      return 0;
    },
  };
}
