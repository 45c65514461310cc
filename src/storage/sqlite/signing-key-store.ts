// Signing keys shared by every node (RFC 7517 JWK Set): listed until removeAfter, then purged.
// The private key is an opaque sealed blob (keys/key-encryption.ts). Changes made by another
// connection (the CLI, another node on the file) are noticed through PRAGMA data_version.
import type { Database } from 'better-sqlite3';
import type { SigningKeyStore } from '../ports.js';
import type { SigningKeyRecord } from '../records.js';
import type { DataVersion } from './read-cache.js';
import { insertUnique } from './sqlite-values.js';
import { purgeInSlices } from './purge-slices.js';

/** How often watchers poll PRAGMA data_version (ms): one cheap statement, no table read. */
const watchInterval = 250;

interface SigningKeyRow {
  kid: string;
  alg: string;
  private_key: string;
  public_jwk: string;
  created_at: number;
  activates_at: number;
  retired_at: number | null;
  remove_after: number | null;
}

function toSigningKey(row: SigningKeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    privateKey: row.private_key,
    publicJwk: row.public_jwk,
    createdAt: row.created_at,
    activatesAt: row.activates_at,
    retiredAt: row.retired_at,
    removeAfter: row.remove_after,
  };
}

export function createSigningKeyStore(db: Database, dataVersion: DataVersion): SigningKeyStore & { stopWatching(): void } {
  const insert = db.prepare(`INSERT INTO signing_keys (kid, alg, private_key, public_jwk, created_at,
      activates_at, retired_at, remove_after)
    VALUES (@kid, @alg, @privateKey, @publicJwk, @createdAt, @activatesAt, @retiredAt, @removeAfter)`);
  const list = db.prepare<[number], SigningKeyRow>(`SELECT * FROM signing_keys
    WHERE remove_after IS NULL OR remove_after > ?
    ORDER BY created_at DESC, activates_at DESC, kid`);
  const retire = db.prepare<[number, number, string]>(
    'UPDATE signing_keys SET retired_at = ?, remove_after = ? WHERE kid = ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM signing_keys WHERE kid IN
    (SELECT kid FROM signing_keys WHERE remove_after <= ? LIMIT ?)`);
  const replace = db.prepare<[string, string, string]>(
    'UPDATE signing_keys SET private_key = ? WHERE kid = ? AND private_key = ?');

  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  let seen = 0;
  const notify = () => { for (const listener of listeners) listener(); };
  const stopWatching = () => {
    listeners.clear();
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const poll = () => {
    if (!db.open) return stopWatching();
    try {
      const version = dataVersion.current();
      if (version !== seen) {
        seen = version;
        notify();
      }
    } catch {
      // A busy or closing database: the next tick tries again; the key set's cache limit still holds.
    }
  };

  return {
    async insert(key) {
      insertUnique(() => insert.run(key), 'signing key');
      notify();
    },
    async list(now) {
      return list.all(now).map(toSigningKey);
    },
    async retire(kid, retiredAt, removeAfter) {
      retire.run(retiredAt, removeAfter, kid);
      notify();
    },
    async purgeExpired(now, limit) {
      const removed = await purgeInSlices((at, rows) => purge.run(at, rows).changes, now, limit);
      if (removed > 0) notify();
      return removed;
    },
    async replacePrivateKey(kid, expected, replacement) {
      // Sealing a plaintext key: the old bytes are zeroed in the page (secure_delete) and the WAL
      // frames that held them are checkpointed and truncated away, not left in the file.
      const previous = db.pragma('secure_delete', { simple: true }) as number;
      db.pragma('secure_delete = ON');
      let replaced: boolean;
      try {
        replaced = replace.run(replacement, kid, expected).changes === 1;
      } finally {
        db.pragma(`secure_delete = ${previous ? 'ON' : 'OFF'}`);
      }
      if (replaced) db.pragma('wal_checkpoint(TRUNCATE)');
      return replaced;
    },
    watch(listener) {
      listeners.add(listener);
      if (!timer) {
        seen = dataVersion.current();
        timer = setInterval(poll, watchInterval).unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopWatching();
      };
    },
    stopWatching,
  };
}
