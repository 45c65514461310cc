// Opens the storage named by the database URL (and optional Redis URL) and applies migrations
// (or, with `migrate: false`, refuses pending ones). The only module that imports an adapter.
import type { Storage } from './ports.js';
import type { SchemaStatus } from './schema-version.js';
import type { Logger } from '../lib/logger.js';
import type { Clock } from '../lib/clock.js';
// Adapters are loaded on demand: a SQLite node never pays for loading pg and ioredis (cold start).

export interface StorageOptions {
  /** sqlite:<path>, sqlite::memory:, or postgres://… / postgresql://… (optional `?schema=`). */
  databaseUrl: string;
  /** redis://… moves sessions, interactions, codes and login throttling into Redis. */
  redisUrl?: string | undefined;
  logger: Logger;
  /** Stamps the SQLite migration history. */
  clock?: Clock | undefined;
  /** PostgreSQL connections per node. */
  poolSize?: number | undefined;
  /** Prefix of every Redis key, so deployments can share one Redis. */
  redisKeyPrefix?: string | undefined;
  /** Apply pending migrations on open (default); false refuses to open with any pending. */
  migrate?: boolean | undefined;
}

async function openDatabase(options: StorageOptions): Promise<Storage> {
  const { databaseUrl, logger, clock, poolSize } = options;
  const migrate = options.migrate ?? true;
  if (databaseUrl.startsWith('sqlite:')) {
    const { openSqliteStorage } = await import('./sqlite/sqlite-storage.js');
    return openSqliteStorage(databaseUrl.slice('sqlite:'.length), clock, { migrate });
  }
  if (isPostgresUrl(databaseUrl)) {
    const { openPostgresStorage } = await import('./postgres/postgres-storage.js');
    return openPostgresStorage(databaseUrl, { logger, poolSize, migrate });
  }
  throw unsupported(databaseUrl);
}

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
const unsupported = (url: string) => new Error(`unsupported database URL scheme: ${url.split(':')[0]}`);

/** Applied and pending migrations of the database, read without changing (or creating) it. */
export async function readSchemaStatus(databaseUrl: string): Promise<SchemaStatus> {
  if (databaseUrl.startsWith('sqlite:')) {
    const { readSqliteSchemaStatus } = await import('./sqlite/sqlite-storage.js');
    return readSqliteSchemaStatus(databaseUrl.slice('sqlite:'.length));
  }
  if (isPostgresUrl(databaseUrl)) {
    const { readPostgresSchemaStatus } = await import('./postgres/postgres-storage.js');
    return readPostgresSchemaStatus(databaseUrl);
  }
  throw unsupported(databaseUrl);
}

export async function createStorage(options: StorageOptions): Promise<Storage> {
  const base = await openDatabase(options);
  if (!options.redisUrl) return base;
  try {
    const { withRedis } = await import('./redis/redis-storage.js');
    return await withRedis(base, options.redisUrl, { logger: options.logger, keyPrefix: options.redisKeyPrefix });
  } catch (error) {
    await base.close();
    throw error;
  }
}
