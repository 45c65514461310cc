// Browser sessions in Redis: one JSON value per session with a TTL from expiresAt; reads still
// filter on `now` so behaviour matches the SQL adapters to the second.
import type { SessionStore } from '../ports.js';
import { DuplicateError } from '../ports.js';
import type { SessionRecord } from '../records.js';
import { guard } from './connection.js';
import type { RedisContext } from './keys.js';
import { addSessionClient, deleteAccountRecords, deleteRecord, insertSession, purgeExpired } from './scripts.js';

function parseSession(json: string | null, now: number): SessionRecord | null {
  if (json === null) return null;
  const session = JSON.parse(json) as SessionRecord;
  // Lua's cjson writes an empty array as {}; a session always has an array here.
  if (!Array.isArray(session.clientIds)) session.clientIds = [];
  return session.expiresAt > now ? session : null;
}

export function createRedisSessionStore({ redis, keys, ttl }: RedisContext): SessionStore {
  const index = keys.expiryIndex('session');
  return {
    async insert(s) {
      const inserted = await insertSession.run(redis,
        [keys.session(s.sessionDigest), index, keys.accountSessions(s.accountId), keys.sessionSid(s.sid)],
        [s.sessionDigest, s.expiresAt, ttl(s.expiresAt), JSON.stringify(s)]);
      if (inserted === 0) throw new DuplicateError('duplicate session');
    },
    async find(sessionDigest, now) {
      return parseSession(await guard(() => redis.get(keys.session(sessionDigest))), now);
    },
    async findBySid(sid, now) {
      // The sid key may outlive a deleted session; the session record decides.
      const digest = await guard(() => redis.get(keys.sessionSid(sid)));
      if (digest === null) return null;
      const session = parseSession(await guard(() => redis.get(keys.session(digest))), now);
      return session?.sid === sid ? session : null;
    },
    async listByAccount(accountId, now) {
      const digests = await guard(() => redis.smembers(keys.accountSessions(accountId)));
      if (digests.length === 0) return [];
      const values = await guard(() => redis.mget(...digests.map((d) => keys.session(d))));
      return values.map((json) => parseSession(json, now))
        .filter((s): s is SessionRecord => s !== null && s.accountId === accountId)
        .sort((a, b) => a.createdAt - b.createdAt || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0));
    },
    async addClient(sessionDigest, clientId) {
      await addSessionClient.run(redis, [keys.session(sessionDigest)], [clientId]);
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
