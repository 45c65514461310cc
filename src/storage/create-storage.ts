// Opens the storage named by the database URL (and optional Redis URL) and applies migrations.
// The only module that imports an adapter.
import type { Storage } from './ports.js';
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
}

async function openDatabase(options: StorageOptions): Promise<Storage> {
  const { databaseUrl, logger, clock, poolSize } = options;
  if (databaseUrl.startsWith('sqlite:')) {
    const { openSqliteStorage } = await import('./sqlite/sqlite-storage.js');
    return openSqliteStorage(databaseUrl.slice('sqlite:'.length), clock);
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { openPostgresStorage } = await import('./postgres/postgres-storage.js');
    return openPostgresStorage(databaseUrl, { logger, poolSize });
  }
  throw new Error(`unsupported database URL scheme: ${databaseUrl.split(':')[0]}`);
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
