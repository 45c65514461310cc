// Browser sessions in Redis: one JSON value per session with a TTL from expiresAt; reads still
// filter on `now` so behaviour matches the SQL adapters to the second.
import type { SessionStore } from '../ports.js';
import { DuplicateError } from '../ports.js';
import type { SessionRecord } from '../records.js';
import { guard } from './connection.js';
import type { RedisContext } from './keys.js';
import { deleteAccountRecords, deleteRecord, insertSession, purgeExpired } from './scripts.js';

export function createRedisSessionStore({ redis, keys, ttl }: RedisContext): SessionStore {
  const index = keys.expiryIndex('session');
  return {
    async insert(s) {
      const inserted = await insertSession.run(redis, [keys.session(s.sessionDigest), index, keys.accountSessions(s.accountId)],
        [s.sessionDigest, s.expiresAt, ttl(s.expiresAt), JSON.stringify(s)]);
      if (inserted === 0) throw new DuplicateError('duplicate session');
    },
    async find(sessionDigest, now) {
      const json = await guard(() => redis.get(keys.session(sessionDigest)));
      if (json === null) return null;
      const session = JSON.parse(json) as SessionRecord;
      return session.expiresAt > now ? session : null;
    },
    async delete(sessionDigest) {
      await deleteRecord.run(redis, [keys.session(sessionDigest), index], [sessionDigest]);
    },
    async deleteByAccount(accountId, exceptSessionDigest) {
      await deleteAccountRecords.run(redis, [keys.accountSessions(accountId), index], [keys.session(''), exceptSessionDigest ?? '']);
    },
    async purgeExpired(now, limit) {
      return Number(await purgeExpired.run(redis, [index], [now, limit, keys.session('')]));
    },
  };
}
