// Opens the storage named by the database URL (and optional Redis URL) and applies migrations.
// The only module that imports an adapter.
import type { Storage } from './ports.js';
import type { Logger } from '../lib/logger.js';
import { openSqliteStorage } from './sqlite/sqlite-storage.js';

export interface StorageOptions {
  databaseUrl: string;
  redisUrl?: string | undefined;
  logger: Logger;
}

export async function createStorage(options: StorageOptions): Promise<Storage> {
  const { databaseUrl } = options;
  if (databaseUrl.startsWith('sqlite:')) {
    return openSqliteStorage(databaseUrl.slice('sqlite:'.length));
  }
  throw new Error(`unsupported database URL scheme: ${databaseUrl.split(':')[0]}`);
}
