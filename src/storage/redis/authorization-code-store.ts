// Authorization codes in Redis. `consume` is ONE Lua script (marks consumed, returns the record
// and whether this was the first use), so a code is redeemed at most once across all nodes.
import type { AuthorizationCodeStore } from '../ports.js';
import { DuplicateError } from '../ports.js';
import type { AuthorizationCodeRecord } from '../records.js';
import type { RedisContext } from './keys.js';
import { consumeCode, insertHash, purgeExpired } from './scripts.js';

export function createRedisAuthorizationCodeStore({ redis, keys, ttl }: RedisContext): AuthorizationCodeStore {
  const index = keys.expiryIndex('code');
  return {
    async insert(c) {
      // The record JSON never changes; consumedAt lives in its own field, set only by consume.
      const { consumedAt, ...record } = c;
      const fields: (string | number)[] = ['record', JSON.stringify(record), 'grantId', c.grantId,
        'clientId', c.clientId, 'accountId', c.accountId, 'createdAt', c.createdAt];
      if (consumedAt !== null) fields.push('consumedAt', consumedAt);
      const inserted = await insertHash.run(redis, [keys.code(c.codeDigest), index], [c.codeDigest, c.expiresAt, ttl(c.expiresAt), ...fields]);
      if (inserted === 0) throw new DuplicateError('duplicate authorization code');
    },
    async consume(codeDigest, now) {
      const reply = await consumeCode.run(redis, [keys.code(codeDigest)], [now, keys.revokedPrefix]);
      if (reply === null) return null;
      const [firstUse, json, consumedAt] = reply as [number, string, string];
      const code: AuthorizationCodeRecord = { ...(JSON.parse(json) as Omit<AuthorizationCodeRecord, 'consumedAt'>), consumedAt: Number(consumedAt) };
      return firstUse === 1 ? { firstUse: true, code } : { firstUse: false, code };
    },
    async purgeExpired(now, limit) {
      return Number(await purgeExpired.run(redis, [index], [now, limit, keys.code('')]));
    },
  };
}
