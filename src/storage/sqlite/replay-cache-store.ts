// Single-use values in SQLite (RFC 7523 §3 item 7 jti): one upsert that inserts a new key, or
// takes over one whose expiry has passed, and otherwise changes nothing. One statement is atomic
// across every connection to the file, so of two concurrent uses exactly one changes a row.
import type { Database } from 'better-sqlite3';
import type { ReplayCacheStore } from '../ports.js';

export function createReplayCacheStore(db: Database): ReplayCacheStore {
  const use = db.prepare<[string, number, number]>(`INSERT INTO replay_cache (replay_key, expires_at) VALUES (?, ?)
    ON CONFLICT (replay_key) DO UPDATE SET expires_at = excluded.expires_at WHERE replay_cache.expires_at <= ?`);
  const purge = db.prepare<[number, number]>(`DELETE FROM replay_cache WHERE replay_key IN
    (SELECT replay_key FROM replay_cache WHERE expires_at <= ? LIMIT ?)`);
  return {
    async use(key, expiresAt, now) {
      return use.run(key, expiresAt, now).changes === 1;
    },
    async purgeExpired(now, limit) {
      return purge.run(now, limit).changes;
    },
  };
}
