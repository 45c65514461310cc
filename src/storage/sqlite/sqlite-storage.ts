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

/**
 * Opens (creating if needed) the SQLite database at `path`; `:memory:` or '' is a private
 * in-memory database. `clock` stamps revocations made by port methods that take no time.
 */
export async function openSqliteStorage(path: string, clock: Clock = systemClock): Promise<Storage> {
  const inMemory = path === '' || path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(inMemory ? ':memory:' : path, { timeout: 5000 });
  try {
    // WAL lets readers proceed during a write; NORMAL is durable across crashes of the
    // process (only a power loss may drop the last commits), which suits tokens and sessions.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: a page rewritten by many commits
    // (index tails, b-tree interiors) is copied back once, and the checkpoint's two fsyncs come a
    // tenth as often. Measured: +20 % refresh and client_credentials throughput, one spike in p99
    // per checkpoint. The size limit truncates the WAL file once a checkpoint has reset it.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    applyMigrations(db, clock());
  } catch (error) {
    db.close();
    throw error;
  }
  const ping = db.prepare('SELECT 1');
  const batch = createWriteBatch(db);
  const dataVersion = watchDataVersion(db);
  const signingKeys = createSigningKeyStore(db, dataVersion);

  return {
    clients: createClientStore(db, clock, dataVersion),
    accounts: createAccountStore(db, clock, dataVersion),
    sessions: createSessionStore(db, batch),
    interactions: createInteractionStore(db, batch),
    consents: createConsentStore(db),
    grants: createGrantStore(db, batch),
    authorizationCodes: createAuthorizationCodeStore(db, batch),
    tokens: createTokenStore(db, batch),
    signingKeys,
    loginThrottle: createLoginThrottleStore(db),
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
      signingKeys.stopWatching();
      batch.flush();
      db.close();
    },
  };
}
