// The Lua scripts behind the Redis stores. Each runs atomically on the server, which is what makes
// `consume` single-use across nodes. Record keys are built inside some scripts from a prefix, so
// this targets a single Redis primary (or Sentinel), not Redis Cluster.
import { defineScript } from './connection.js';

/**
 * Inserts a hash record unless its key exists (-> 0), with its TTL and expiry-index entry.
 * KEYS: record, index. ARGV: id, expiresAt, ttl, field, value, ...
 */
export const insertHash = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1`);

/**
 * Inserts a session unless it exists (-> 0) and remembers it under its account, so deleting
 * the account can end it, and under its sid (-> digest). KEYS: session, index, account set, sid
 * key. ARGV: id, expiresAt, ttl, json.
 */
export const insertSession = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[3])
redis.call('SET', KEYS[4], ARGV[1], 'EX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
if redis.call('TTL', KEYS[3]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[3], ARGV[3]) end
return 1`);

/**
 * Appends a client id to a session's clientIds unless present, keeping the key's TTL; nothing
 * when the session is gone. KEYS: session. ARGV: client id.
 */
export const addSessionClient = defineScript(`
local json = redis.call('GET', KEYS[1])
if not json then return 0 end
local session = cjson.decode(json)
local ids = session.clientIds or {}
for _, id in ipairs(ids) do if id == ARGV[1] then return 0 end end
table.insert(ids, ARGV[1])
session.clientIds = ids
local ttl = redis.call('TTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[1], cjson.encode(session), 'EX', ttl)
return 1`);

/** KEYS: record, index. ARGV: id. */
export const deleteRecord = defineScript(`
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])`);

/**
 * Deletes every record listed in an account's set (its sessions or its interactions), except the
 * id in ARGV[2] ('' for none), which stays listed. KEYS: account set, expiry index. ARGV: record
 * key prefix, kept id.
 */
export const deleteAccountRecords = defineScript(`
local ids = redis.call('SMEMBERS', KEYS[1])
local n = 0
for _, id in ipairs(ids) do
  if id ~= ARGV[2] then
    redis.call('DEL', ARGV[1] .. id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('SREM', KEYS[1], id)
    n = n + 1
  end
end
return n`);

/**
 * Removes up to `limit` records whose expiresAt <= now (some may already be gone by TTL).
 * KEYS: index. ARGV: now, limit, record key prefix.
 */
export const purgeExpired = defineScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('DEL', ARGV[3] .. id)
  redis.call('ZREM', KEYS[1], id)
end
return #ids`);

/**
 * Records login inside a live interaction and lists it under the account (for deleteByAccount);
 * no-op when it is gone. KEYS: interaction, account set. ARGV: accountId, authTime, interaction id.
 */
export const setLogin = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'accountId', ARGV[1], 'authTime', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
local ttl = redis.call('TTL', KEYS[1])
if redis.call('TTL', KEYS[2]) < ttl then redis.call('EXPIRE', KEYS[2], ttl) end
return 1`);

/**
 * The one atomic consume (RFC 6749 §4.1.2). Returns nil for an unknown code, else
 * {firstUse 1|0, record json, consumedAt}. A code whose grant was revoked (or whose client or
 * account was deleted after it was issued) counts as consumed at that time, exactly as the SQL
 * adapters mark such codes consumed. KEYS: code. ARGV: now, revocation key prefix.
 */
export const consumeCode = defineScript(`
local h = redis.call('HMGET', KEYS[1], 'record', 'consumedAt', 'grantId', 'clientId', 'accountId', 'createdAt')
if not h[1] then return nil end
if h[2] then return {0, h[1], h[2]} end
local revokedAt = redis.call('GET', ARGV[2] .. 'grant:' .. h[3])
for i, kind in ipairs({'client', 'account'}) do
  local at = redis.call('GET', ARGV[2] .. kind .. ':' .. h[3 + i])
  if not revokedAt and at and tonumber(at) >= tonumber(h[6]) then revokedAt = at end
end
if revokedAt then
  redis.call('HSET', KEYS[1], 'consumedAt', revokedAt)
  return {0, h[1], revokedAt}
end
redis.call('HSET', KEYS[1], 'consumedAt', ARGV[1])
return {1, h[1], ARGV[1]}`);

/**
 * Reads a code as `consume` would see it, writing nothing: consumedAt, or the revocation time
 * of its grant, client or account. KEYS: code hash. ARGV: revoked-marker prefix.
 */
export const peekCode = defineScript(`
local h = redis.call('HMGET', KEYS[1], 'record', 'consumedAt', 'grantId', 'clientId', 'accountId', 'createdAt')
if not h[1] then return nil end
if h[2] then return {h[1], h[2]} end
local revokedAt = redis.call('GET', ARGV[1] .. 'grant:' .. h[3])
for i, kind in ipairs({'client', 'account'}) do
  local at = redis.call('GET', ARGV[1] .. kind .. ':' .. h[3 + i])
  if not revokedAt and at and tonumber(at) >= tonumber(h[6]) then revokedAt = at end
end
return {h[1], revokedAt or ''}`);

/**
 * Counts one login attempt against a schedule (ports.ts#AttemptSchedule), atomically. Returns
 * {1, attempts} when allowed, {0, retryAfter} when the key must still wait.
 * KEYS: counter. ARGV: now, free, forgetAfter, delay, delay, ...
 */
export const reserveAttempt = defineScript(`
local now, free, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local n = #ARGV - 3
local function wait(a)
  if a < free or n == 0 then return 0 end
  return tonumber(ARGV[4 + math.min(a - free, n - 1)])
end
local h = redis.call('HMGET', KEYS[1], 'attempts', 'last')
local attempts = 0
if h[1] then
  local a, last = tonumber(h[1]), tonumber(h[2])
  local w = wait(a)
  if w > 0 and now < last + w then return {0, last + w - now} end
  if now < last + w + forget then attempts = a end
end
attempts = attempts + 1
redis.call('HSET', KEYS[1], 'attempts', attempts, 'last', now)
redis.call('EXPIRE', KEYS[1], wait(attempts) + forget + 60)
return {1, attempts}`);

/** Takes back one counted attempt. KEYS: counter. */
export const releaseAttempt = defineScript(`
local a = tonumber(redis.call('HGET', KEYS[1], 'attempts'))
if a and a > 0 then redis.call('HSET', KEYS[1], 'attempts', a - 1) end
return 1`);

/**
 * Records a single-use value unless it is recorded with an expiry after `now` (-> 0), keeping its
 * expiry as the value so "expired at now" reads as in SQL. KEYS: value. ARGV: expiresAt, now, ttl.
 */
export const useReplayValue = defineScript(`
local stored = redis.call('GET', KEYS[1])
if stored and tonumber(stored) > tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`);
