// Parsed records that are read on nearly every request and rarely change (clients, accounts).
// A record is kept until another connection commits anything to the file (PRAGMA data_version
// moves: the CLI, another node on the same file) or the owning store writes, so a cached read
// never differs from a fresh one; on a file shared with busy nodes it simply reads every time.
import type { Database } from 'better-sqlite3';

export interface ReadCache<T> {
  /** The record for `key`, from the cache or from `load` (whose result, found or not, is kept). */
  get(key: string, load: () => T | null): T | null;
  /** Forgets everything: call before this connection writes what the cache holds. */
  clear(): void;
}

export function createReadCache<T extends object>(db: Database, maxEntries = 10_000): ReadCache<T> {
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const entries = new Map<string, Readonly<T> | null>();
  let version: number | undefined;
  return {
    get(key, load) {
      const current = dataVersion.get();
      if (current !== version) {
        entries.clear();
        version = current;
      }
      const hit = entries.get(key);
      if (hit !== undefined) return hit;
      const loaded = load();
      const record = loaded === null ? null : deepFreeze(loaded);
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, record);
      return record;
    },
    clear() {
      entries.clear();
    },
  };
}

/** Cached records are shared between callers, so nobody may change one. */
function deepFreeze<T extends object>(record: T): Readonly<T> {
  for (const value of Object.values(record)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(record);
}
