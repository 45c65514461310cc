// Process-level server lifecycle: open storage and keys, build the app, listen, drain on close.
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './lib/logger.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createStorage } from './storage/create-storage.js';
import { databaseLocation } from './storage/database-location.js';
import { startPurger } from './storage/purge.js';
import { createSigningKeySet } from './keys/signing-keys.js';
import { openSigningKeys } from './keys/open-signing-keys.js';
import { buildApp } from './app.js';
import { startBackchannelLogout, type BackchannelLogout } from './outbox/backchannel-logout.js';

export interface RunningServer {
  /** The issuer URL it serves. */
  issuer: string;
  /** The address actually bound, e.g. http://127.0.0.1:3000 (useful with port 0). */
  url: string;
  /** Stops accepting connections, drains in-flight requests, closes storage. */
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  // The absolute path: a relative sqlite:./data/… opens a different file in another folder.
  const database = databaseLocation(config.databaseUrl);
  const storage = await createStorage({
    databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, logger, clock,
    poolSize: config.databasePoolSize, redisKeyPrefix: config.redisKeyPrefix, migrate: config.migrate,
  });
  if (database.willCreate) logger.info({ database: database.description }, `Created a new database at ${database.description}`);
  let backchannelLogout: BackchannelLogout | undefined;
  try {
    const { sealer, notices } = await openSigningKeys(storage.signingKeys, clock, config);
    for (const notice of notices) logger[notice.level](notice.message);
    const keys = createSigningKeySet(storage.signingKeys, clock, config.keyCacheTtl, sealer);
    // On a failure below, closing the storage also stops the key set's change watch.
    // Every node delivers the outbox, whichever node's logout enqueued the message.
    backchannelLogout = startBackchannelLogout({ config, storage, keys, clock, logger });
    const app = await buildApp({ config, storage, keys, clock, logger, logoutNotifier: backchannelLogout.notifier });
    const address = await app.listen({ port: config.port, host: config.host });
    const stopPurger = startPurger(storage, clock, logger, { interval: config.purgeInterval, batchSize: config.purgeBatchSize });
    logger.info({ issuer: config.issuer, address, database: database.description },
      `Gatehouse ready: issuer ${config.issuer} listening on ${address}, database ${database.description}`);
    let closing: Promise<void> | undefined;
    return {
      issuer: config.issuer,
      url: address,
      close() {
        closing ??= (async () => {
          stopPurger();
          await app.close();
          await backchannelLogout?.close();
          keys.close();
          await storage.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await backchannelLogout?.close();
    await storage.close();
    throw error;
  }
}
