// The Redis connection: fail-fast options (no offline queue, one retry, short timeouts), Lua
// scripts by SHA with EVAL fallback, and the translation of errors to StorageUnavailableError.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import { StorageUnavailableError } from '../ports.js';

export interface RedisConnectionOptions {
  logger?: Logger;
  /** Upper bound on one command and on connecting (ms). */
  timeoutMillis?: number;
}

/** Connects, or throws StorageUnavailableError; afterwards it reconnects by itself forever. */
export async function connectRedis(url: string, options: RedisConnectionOptions = {}): Promise<Redis> {
  const timeout = options.timeoutMillis ?? 2000;
  const redis = new Redis(url, {
    lazyConnect: true,
    // While disconnected, commands fail at once instead of queueing behind a dead link.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeout,
    commandTimeout: timeout,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis prints every reconnect failure; log once per distinct message.
  let lastMessage = '';
  redis.on('error', (error: Error) => {
    if (error.message === lastMessage) return;
    lastMessage = error.message;
    options.logger?.warn({ err: { message: error.message } }, 'redis connection error');
  });
  redis.on('ready', () => { lastMessage = ''; });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new StorageUnavailableError('Redis is unavailable', { cause: error });
  }
  return redis;
}

// Replies that mean "this server cannot serve now", as opposed to a bug in our command.
const transientReplies = /^(LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|OOM)\b/;

export function translateRedisError(error: unknown): Error {
  if (error instanceof StorageUnavailableError) return error;
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (isReply && !transientReplies.test(error.message)) return error;
  return new StorageUnavailableError('Redis is unavailable', { cause: error });
}

/** Runs one Redis call, turning connection trouble into StorageUnavailableError. */
export async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateRedisError(error);
  }
}

export interface Script {
  run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown>;
}

/** A Lua script called by SHA; loaded on first use and again after a server restart. */
export function defineScript(lua: string): Script {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    run: (redis, keys, args) => guard(async () => {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(lua, keys.length, ...keys, ...args);
      }
    }),
  };
}
