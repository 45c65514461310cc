// The PostgreSQL connection pool: URL and schema parsing, fail-fast timeouts, and the one query
// helper that turns driver errors into DuplicateError / StorageUnavailableError.
import pg from 'pg';
import type { Logger } from '../../lib/logger.js';
import { DuplicateError, StorageUnavailableError } from '../ports.js';

export interface PostgresOptions {
  /** Connections per node; size it so nodes × poolSize stays under max_connections. */
  poolSize?: number;
  /** Schema for every table; also accepted as `?schema=` in the URL. Default `public`. */
  schema?: string;
  logger?: Logger;
  /** How long a request may wait for a connection before failing (ms). */
  connectionTimeoutMillis?: number;
  /** Upper bound on one query, so a hung server fails requests instead of stalling them (ms). */
  queryTimeoutMillis?: number;
  /** Shown in pg_stat_activity; lets operators (and tests) tell this pool's sessions apart. */
  applicationName?: string;
}

export interface ConnectionSettings {
  connectionString: string;
  schema: string;
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** Splits `?schema=` off the URL (libpq would not understand it) and validates the name. */
export function parseConnectionSettings(url: string, options: PostgresOptions = {}): ConnectionSettings {
  const parsed = new URL(url);
  const fromUrl = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const schema = options.schema ?? fromUrl ?? 'public';
  if (!schemaName.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  return { connectionString: parsed.toString(), schema };
}

// BIGINT (oid 20) holds epoch seconds; they fit a JS number, so read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createPool(settings: ConnectionSettings, options: PostgresOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 2000,
    query_timeout: options.queryTimeoutMillis ?? 5000,
    statement_timeout: options.queryTimeoutMillis ?? 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: options.applicationName ?? 'gatehouse',
    options: `-c search_path=${settings.schema}`,
    types,
  });
  // An idle client that loses its server (restart, pg_terminate_backend) emits here; without a
  // listener the process would crash. The pool drops that client and connects afresh later.
  pool.on('error', (error) => {
    options.logger?.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'postgres idle connection lost');
  });
  return pool;
}

const unavailableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300', '57014',
]);
const unavailableMessages = [
  'Connection terminated', 'timeout exceeded when trying to connect', 'Query read timeout',
  'Client has encountered a connection error', 'Connection is closed', 'Cannot use a pool after calling end',
];

/** True when the error means "the database cannot serve now", as opposed to a bug or bad data. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // SQLSTATE class 08 is "connection exception".
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return unavailableMessages.some((m) => error.message.includes(m));
}

export function translateError(error: unknown): Error {
  if (error instanceof DuplicateError || error instanceof StorageUnavailableError) return error;
  if ((error as { code?: unknown }).code === '23505') return new DuplicateError('duplicate record', { cause: error });
  if (isUnavailable(error)) return new StorageUnavailableError('PostgreSQL is unavailable', { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Runs one statement; prefer `{ name, text, values }` for hot paths (prepared per connection). */
export async function query<R extends pg.QueryResultRow>(db: Queryable, config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
  try {
    return await db.query<R>(config);
  } catch (error) {
    throw translateError(error);
  }
}
