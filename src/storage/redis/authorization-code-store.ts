// Authorization codes in Redis. `consume` is ONE Lua script (marks consumed, returns the record
// and whether this was the first use), so a code is redeemed at most once across all nodes.
import type { AuthorizationCodeStore, ConsumeResult, Storage } from '../ports.js';
import { DuplicateError } from '../ports.js';
import type { AuthorizationCodeRecord } from '../records.js';
import type { RedisContext } from './keys.js';
import { consumeCode, insertHash, peekCode, purgeExpired } from './scripts.js';

/** The stored record; codes written before the claims field existed get `claims: null`. */
function parseRecord(json: string): Omit<AuthorizationCodeRecord, 'consumedAt'> {
  const record = JSON.parse(json) as Omit<AuthorizationCodeRecord, 'consumedAt'>;
  return { ...record, claims: record.claims ?? null, resources: record.resources ?? [], dpopJkt: record.dpopJkt ?? null };
}

export function createRedisAuthorizationCodeStore({ redis, keys, ttl }: RedisContext, base: Pick<Storage, 'grants' | 'tokens'>): AuthorizationCodeStore {
  const index = keys.expiryIndex('code');

  async function consume(codeDigest: string, now: number): Promise<ConsumeResult | null> {
    const reply = await consumeCode.run(redis, [keys.code(codeDigest)], [now, keys.revokedPrefix]);
    if (reply === null) return null;
    const [firstUse, json, consumedAt] = reply as [number, string, string];
    const code: AuthorizationCodeRecord = { ...parseRecord(json), consumedAt: Number(consumedAt) };
    return firstUse === 1 ? { firstUse: true, code } : { firstUse: false, code };
  }

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
    consume,
    async find(codeDigest) {
      const reply = await peekCode.run(redis, [keys.code(codeDigest)], [keys.revokedPrefix]);
      if (reply === null) return null;
      const [json, consumedAt] = reply as [string, string];
      return { ...parseRecord(json), consumedAt: consumedAt === '' ? null : Number(consumedAt) };
    },
    async redeem(codeDigest, now, grant, tokens) {
      // Two services cannot share a transaction. The grant row is written first, so a replay
      // that revokes it after the consume below always finds it; the tokens follow the consume
      // and inherit any such revocation through their grant.
      try {
        await base.grants.insert(grant);
      } catch (error) {
        if (!(error instanceof DuplicateError)) throw error;
      }
      const result = await consume(codeDigest, now);
      if (result?.firstUse && tokens.length > 0) await base.tokens.insert(tokens);
      return result;
    },
    async purgeExpired(now, limit) {
      return Number(await purgeExpired.run(redis, [index], [now, limit, keys.code('')]));
    },
  };
}
