// The SQLite adapter: opens the file (or memory), sets pragmas, applies migrations and prepares
// every statement once, so requests only bind and step.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StorageUnavailableError, type Storage } from '../ports.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { applyMigrations, migrations, sqliteSchemaStatus } from './migrations.js';
import { assertSchemaUsable, schemaStatus, type SchemaStatus } from '../schema-version.js';
import { createClientStore } from './client-store.js';
import { createResourceStore } from './resource-store.js';
import { createAccountStore, createConsentStore } from './account-store.js';
import { createInteractionStore, createSessionStore } from './session-store.js';
import { createAuthorizationCodeStore, createGrantStore } from './grant-store.js';
import { createTokenStore } from './token-store.js';
import { createSigningKeyStore } from './signing-key-store.js';
import { createLoginThrottleStore } from './login-throttle-store.js';
import { createInitialAccessTokenStore } from './initial-access-token-store.js';
import { createAccountTokenStore } from './account-token-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createReplayCacheStore } from './replay-cache-store.js';
import { createPushedRequestStore } from './pushed-request-store.js';
import { createAccountEventStore } from './account-event-store.js';
import { createDeviceAuthorizationStore } from './device-authorization-store.js';
import { createWriteBatch } from './write-batch.js';
import { watchDataVersion } from './read-cache.js';
import { createLockWait } from './lock-wait.js';
import { defaultCheckpointOptions, startCheckpointer, type CheckpointOptions } from './checkpointer.js';

export interface SqliteOptions {
  /** How long a write waits (asynchronously) for a lock another connection holds before it fails with 503, in ms. */
  lockTimeout?: number;
  /** WAL checkpoints on a worker thread (file databases), or `false` for SQLite's inline ones. */
  checkpoints?: CheckpointOptions | false;
  /** Apply pending migrations (the default); without, refuse a missing file or pending migrations. */
  migrate?: boolean;
}

const isInMemory = (path: string) => path === '' || path === ':memory:';

/** Where the file's schema stands, read without migrating and without creating the file. */
export function readSqliteSchemaStatus(path: string): SchemaStatus {
  const location = isInMemory(path) ? ':memory:' : resolve(path);
  if (isInMemory(path) || !existsSync(location)) {
    return schemaStatus({ backend: 'sqlite', location, exists: false }, migrations, []);
  }
  const db = new Database(location, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    return sqliteSchemaStatus(db, location);
  } finally {
    db.close();
  }
}

/**
 * Opens the SQLite database at `path`; `:memory:` or '' is a private in-memory database. With
 * `migrate` (the default) it creates the file if needed and applies pending migrations; without,
 * it refuses a missing file or pending migrations. A schema newer than the code is always
 * refused (storage/schema-version.ts). `clock` stamps the migration history.
 */
export async function openSqliteStorage(path: string, clock: Clock = systemClock, options: SqliteOptions = {}): Promise<Storage> {
  const inMemory = isInMemory(path);
  const migrate = options.migrate ?? true;
  if (!migrate) assertSchemaUsable(readSqliteSchemaStatus(path), { migrate });
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
    if (migrate) applyMigrations(db, clock());
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
    : startCheckpointer(db, path, checkpointOptions, { onRestarted: () => locks.wake() });
  const signingKeys = createSigningKeyStore(db, dataVersion);

  return {
    clients: locks.wrap(createClientStore(db, dataVersion)),
    resources: locks.wrap(createResourceStore(db)),
    accounts: locks.wrap(createAccountStore(db, dataVersion)),
    sessions: locks.wrap(createSessionStore(db, batch)),
    interactions: locks.wrap(createInteractionStore(db, batch)),
    consents: locks.wrap(createConsentStore(db)),
    grants: locks.wrap(createGrantStore(db, batch)),
    authorizationCodes: locks.wrap(createAuthorizationCodeStore(db, batch)),
    tokens: locks.wrap(createTokenStore(db, batch)),
    signingKeys: locks.wrap(signingKeys),
    loginThrottle: locks.wrap(createLoginThrottleStore(db)),
    outbox: locks.wrap(createOutboxStore(db)),
    initialAccessTokens: locks.wrap(createInitialAccessTokenStore(db)),
    replayCache: locks.wrap(createReplayCacheStore(db)),
    pushedRequests: locks.wrap(createPushedRequestStore(db)),
    accountEvents: locks.wrap(createAccountEventStore(db)),
    deviceAuthorizations: locks.wrap(createDeviceAuthorizationStore(db)),
    accountTokens: locks.wrap(createAccountTokenStore(db)),
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
      locks.close();
      batch.flush();
      await checkpointer?.stop();
      if (db.open) db.close();
    },
  };
}
