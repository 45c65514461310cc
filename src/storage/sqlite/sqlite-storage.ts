// The SQLite adapter: opens the file (or memory), sets pragmas, applies migrations and prepares
// every statement once, so requests only bind and step.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageUnavailableError, type Storage } from '../ports.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { applyMigrations } from './migrations.js';
import { createClientStore } from './client-store.js';
import { createAccountStore, createConsentStore } from './account-store.js';
import { createInteractionStore, createSessionStore } from './session-store.js';
import { createAuthorizationCodeStore, createGrantStore } from './grant-store.js';
import { createTokenStore } from './token-store.js';
import { createSigningKeyStore } from './signing-key-store.js';
import { createLoginThrottleStore } from './login-throttle-store.js';
import { createWriteBatch } from './write-batch.js';
import { watchDataVersion } from './read-cache.js';
import { createLockWait } from './lock-wait.js';
import { defaultCheckpointOptions, startCheckpointer, type CheckpointOptions } from './checkpointer.js';

export interface SqliteOptions {
  /** How long a write waits (asynchronously) for a lock another connection holds before it fails with 503, in ms. */
  lockTimeout?: number;
  /** WAL checkpoints on a worker thread (file databases), or `false` for SQLite's inline ones. */
  checkpoints?: CheckpointOptions | false;
}

/**
 * Opens (creating if needed) the SQLite database at `path`; `:memory:` or '' is a private
 * in-memory database. `clock` stamps revocations made by port methods that take no time.
 */
export async function openSqliteStorage(path: string, clock: Clock = systemClock, options: SqliteOptions = {}): Promise<Storage> {
  const inMemory = path === '' || path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  // Opening may wait for another connection's lock (migrations): nothing is served yet.
  const db = new Database(inMemory ? ':memory:' : path, { timeout: 5000 });
  try {
    // WAL lets readers proceed during a write; NORMAL is durable across crashes of the
    // process (only a power loss may drop the last commits), which suits tokens and sessions.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Until the checkpoint worker is up (or when it cannot run), commits checkpoint inline every
    // ~40 MB of WAL instead of SQLite's 4 MB: a page rewritten by many commits is copied back once.
    // The size limit truncates the WAL file once a checkpoint has reset it.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    applyMigrations(db, clock());
    // From now on a held lock never puts the event loop to sleep: see lock-wait.ts.
    db.pragma('busy_timeout = 0');
  } catch (error) {
    db.close();
    throw error;
  }
  const ping = db.prepare('SELECT 1');
  const batch = createWriteBatch(db);
  const dataVersion = watchDataVersion(db);
  const locks = createLockWait({ timeout: options.lockTimeout ?? 5000 });
  const checkpointOptions = options.checkpoints ?? defaultCheckpointOptions;
  const checkpointer = inMemory || checkpointOptions === false ? undefined
    : startCheckpointer(db, path, checkpointOptions, { onTruncated: () => locks.wake() });

  return {
    clients: locks.wrap(createClientStore(db, clock, dataVersion)),
    accounts: locks.wrap(createAccountStore(db, clock, dataVersion)),
    sessions: locks.wrap(createSessionStore(db, batch)),
    interactions: locks.wrap(createInteractionStore(db, batch)),
    consents: locks.wrap(createConsentStore(db)),
    grants: locks.wrap(createGrantStore(db, batch)),
    authorizationCodes: locks.wrap(createAuthorizationCodeStore(db, batch)),
    tokens: locks.wrap(createTokenStore(db, batch)),
    signingKeys: locks.wrap(createSigningKeyStore(db)),
    loginThrottle: locks.wrap(createLoginThrottleStore(db)),
    async ping() {
      if (!db.open) throw new StorageUnavailableError('the SQLite database is closed');
      try {
        ping.get();
      } catch (error) {
        throw new StorageUnavailableError('the SQLite database cannot be read', { cause: error });
      }
    },
    async close() {
      if (!db.open) return;
      locks.close();
      batch.flush();
      await checkpointer?.stop();
      if (db.open) db.close();
    },
  };
}
