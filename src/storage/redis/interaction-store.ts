// Paused authorization requests in Redis: a hash holding the record as JSON plus the login
// fields setLogin adds later, so an update never rewrites (or re-times) the whole record.
import type { InteractionStore } from '../ports.js';
import { DuplicateError } from '../ports.js';
import type { InteractionRecord } from '../records.js';
import { guard } from './connection.js';
import type { RedisContext } from './keys.js';
import { deleteAccountRecords, deleteRecord, insertHash, purgeExpired, setLogin } from './scripts.js';

export function createRedisInteractionStore({ redis, keys, ttl }: RedisContext): InteractionStore {
  const index = keys.expiryIndex('interaction');
  const recordLogin = (interactionId: string, accountId: string, authTime: number) =>
    setLogin.run(redis, [keys.interaction(interactionId), keys.accountInteractions(accountId)], [accountId, authTime, interactionId]);
  return {
    async insert(i) {
      const fields: (string | number)[] = ['record', JSON.stringify(i)];
      const inserted = await insertHash.run(redis, [keys.interaction(i.interactionId), index],
        [i.interactionId, i.expiresAt, ttl(i.expiresAt), ...fields]);
      if (inserted === 0) throw new DuplicateError('duplicate interaction');
      // A login known at insert is recorded as setLogin records it, so the account lists it too.
      if (i.accountId !== null && i.authTime !== null) await recordLogin(i.interactionId, i.accountId, i.authTime);
    },
    async find(interactionId, now) {
      const [json, accountId, authTime] = await guard(() =>
        redis.hmget(keys.interaction(interactionId), 'record', 'accountId', 'authTime'));
      if (!json) return null;
      const interaction = JSON.parse(json) as InteractionRecord;
      if (interaction.expiresAt <= now) return null;
      if (accountId && authTime) return { ...interaction, accountId, authTime: Number(authTime) };
      return interaction;
    },
    async setLogin(interactionId, accountId, authTime) {
      await recordLogin(interactionId, accountId, authTime);
    },
    async delete(interactionId) {
      await deleteRecord.run(redis, [keys.interaction(interactionId), index], [interactionId]);
    },
    async deleteByAccount(accountId) {
      await deleteAccountRecords.run(redis, [keys.accountInteractions(accountId), index], [keys.interaction(''), '']);
    },
    async purgeExpired(now, limit) {
      return Number(await purgeExpired.run(redis, [index], [now, limit, keys.interaction('')]));
    },
  };
}
