// Parsed records that are read on nearly every request and rarely change (clients, accounts).
// A record is kept until another connection commits anything to the file (PRAGMA data_version
// moves: the CLI, another node on the same file) or the owning store writes. The version is read
// once per event-loop turn, so a commit made elsewhere is seen from the next turn on, as a read
// racing that commit could see it anyway; on a file shared with busy nodes it reads every time.
import type { Database } from 'better-sqlite3';

/** PRAGMA data_version, read at most once per event-loop turn (one statement per turn, not per lookup). */
export interface DataVersion {
  current(): number;
}

export function watchDataVersion(db: Database): DataVersion {
  const statement = db.prepare<[], number>('PRAGMA data_version').pluck();
  let version = 0;
  let fresh = false;
  const expire = () => { fresh = false; };
  return {
    current() {
      if (!fresh) {
        version = statement.get() as number;
        fresh = true;
        setImmediate(expire);
      }
      return version;
    },
  };
}

export interface ReadCache<T> {
  /** The record for `key`, from the cache or from `load` (whose result, found or not, is kept). */
  get(key: string, load: () => T | null): T | null;
  /** Forgets everything: call before this connection writes what the cache holds. */
  clear(): void;
}

export function createReadCache<T extends object>(dataVersion: DataVersion, maxEntries = 10_000): ReadCache<T> {
  const entries = new Map<string, Readonly<T> | null>();
  let version: number | undefined;
  return {
    get(key, load) {
      const current = dataVersion.current();
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
