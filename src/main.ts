// Process-level server lifecycle: open storage and keys, build the app, listen, drain on close.
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './lib/logger.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createStorage } from './storage/create-storage.js';
import { startPurger } from './storage/purge.js';
import { createSigningKeySet, ensureSigningKey } from './keys/signing-keys.js';
import { buildApp } from './app.js';

export interface RunningServer {
  /** The issuer URL it serves. */
  issuer: string;
  /** The address actually bound, e.g. http://127.0.0.1:3000 (useful with port 0). */
  url: string;
  /** Stops accepting connections, drains in-flight requests, closes storage. */
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'));
  const clock = options.clock ?? systemClock;
  const storage = await createStorage({
    databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, logger, clock,
    poolSize: config.databasePoolSize, redisKeyPrefix: config.redisKeyPrefix,
  });
  try {
    await ensureSigningKey(storage.signingKeys, clock);
    const keys = createSigningKeySet(storage.signingKeys, clock, config.keyCacheTtl);
    const app = await buildApp({ config, storage, keys, clock, logger });
    const address = await app.listen({ port: config.port, host: config.host });
    const stopPurger = startPurger(storage, clock, logger, { interval: config.purgeInterval, batchSize: config.purgeBatchSize });
    logger.info({ issuer: config.issuer, address }, `Gatehouse ready: issuer ${config.issuer} listening on ${address}`);
    let closing: Promise<void> | undefined;
    return {
      issuer: config.issuer,
      url: address,
      close() {
        closing ??= (async () => {
          stopPurger();
          await app.close();
          await storage.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
