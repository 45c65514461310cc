// Redis key names and lifetimes. Every key starts with the configured prefix, so several
// deployments (or test runs) can share one Redis.
import type { Redis } from 'ioredis';

export interface RedisContext {
  redis: Redis;
  keys: RedisKeys;
  /** Seconds a record lives in Redis: until `expiresAt` by wall clock, plus the retention. */
  ttl(expiresAt: number): number;
}

export interface RedisKeys {
  prefix: string;
  session(digest: string): string;
  accountSessions(accountId: string): string;
  /** A session's sid -> its digest (Back-Channel Logout 1.0 §2.1 ids are looked up by `session revoke`). */
  sessionSid(sid: string): string;
  interaction(id: string): string;
  /** The interactions an account has logged in to, so a deletion or password change can end them. */
  accountInteractions(accountId: string): string;
  code(digest: string): string;
  /** Marks a revoked grant, or every grant of a client or account, for the consume script. */
  revoked(kind: 'grant' | 'client' | 'account', id: string): string;
  revokedPrefix: string;
  /** Login attempt counter (a hash); a new name, since the old `login-failures:` were sorted sets. */
  loginThrottle(key: string): string;
  /** A single-use value (replay cache), until its expiry. */
  replay(key: string): string;
  /** Sorted set of ids by expiresAt, which purgeExpired walks. */
  expiryIndex(store: 'session' | 'interaction' | 'code'): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    session: (digest) => `${prefix}session:${digest}`,
    accountSessions: (accountId) => `${prefix}account-sessions:${accountId}`,
    sessionSid: (sid) => `${prefix}session-sid:${sid}`,
    interaction: (id) => `${prefix}interaction:${id}`,
    accountInteractions: (accountId) => `${prefix}account-interactions:${accountId}`,
    code: (digest) => `${prefix}code:${digest}`,
    revoked: (kind, id) => `${prefix}revoked:${kind}:${id}`,
    revokedPrefix: `${prefix}revoked:`,
    loginThrottle: (key) => `${prefix}login-throttle:${key}`,
    replay: (key) => `${prefix}replay:${key}`,
    expiryIndex: (store) => `${prefix}expiry:${store}`,
  };
}

/**
 * Records are kept `retention` seconds past `expiresAt`, like SQL rows awaiting the purge: a
 * replayed expired code is still recognised as a replay, and nodes whose clocks differ by a few
 * seconds agree on what exists. Reads still filter on `expiresAt`.
 */
export function ttlFor(retention: number, wallClock: () => number = () => Math.floor(Date.now() / 1000)) {
  return (expiresAt: number) => Math.max(expiresAt - wallClock(), 0) + retention;
}
