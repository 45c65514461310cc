// Test fixtures for the PostgreSQL and Redis adapters: a unique schema / key prefix per run, so
// parallel runs never see each other's rows, and helpers to remove them afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

export const postgresUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniqueSchema(): string {
  return `gh_test_${randomBytes(6).toString('hex')}`;
}

export function uniqueKeyPrefix(): string {
  return `gh_test_${randomBytes(6).toString('hex')}:`;
}

/** Runs one SQL text on a short-lived connection outside any adapter. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^gh_test_[0-9a-f]+$/.test(schema)) throw new Error(`refusing to drop ${schema}`);
  await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
