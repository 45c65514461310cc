// Process-level server lifecycle: open storage and keys, build the app, listen, drain on close.
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './lib/logger.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createStorage } from './storage/create-storage.js';
import type { Storage } from './storage/ports.js';
import { databaseLocation } from './storage/database-location.js';
import { startPurger } from './storage/purge.js';
import { purgeExpiredRegistrations } from './clients/registration-expiry.js';
import { createSigningKeySet } from './keys/signing-keys.js';
import { openSigningKeys } from './keys/open-signing-keys.js';
import { buildApp, serverDeps, type AppOptions } from './app.js';
import type { ServerDeps } from './http/server-deps.js';
import type { FastifyInstance } from 'fastify';
import { startBackchannelLogout, type BackchannelLogout } from './outbox/backchannel-logout.js';

export interface RunningServer {
  /** The issuer URL it serves. */
  issuer: string;
  /** The address actually bound, e.g. http://127.0.0.1:3000 (useful with port 0). */
  url: string;
  /** Stops accepting connections, drains in-flight requests, closes storage. */
  close(): Promise<void>;
}

export interface OpenGatehouse {
  app: FastifyInstance;
  deps: ServerDeps;
  storage: Storage;
  /** The database as an operator reads it: an absolute path, or a URL without its password. */
  database: string;
  /** Starts the background purge of expired records. */
  startPurging(): void;
  /** Stops the purge, closes the app (draining what it serves), closes storage; once. */
  close(): Promise<void>;
}

/** Storage, the signing keys and the app, not yet listening: shared by `start` and `createGatehouse`. */
export async function openGatehouse(config: Config, logger: Logger, clock: Clock, options: AppOptions = {}): Promise<OpenGatehouse> {
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
    // On a failure below, closing the storage also stops the key set's change watch.
    const keys = createSigningKeySet(storage.signingKeys, clock, config.keyCacheTtl, sealer);
    // Every node delivers the outbox, whichever node's logout enqueued the message.
    backchannelLogout = startBackchannelLogout({ config, storage, keys, clock, logger });
    const appDeps = { config, storage, keys, clock, logger, logoutNotifier: backchannelLogout.notifier, secretSealer: sealer };
    const deps = serverDeps(appDeps);
    const app = await buildApp(appDeps, options, deps);
    let stopPurger = () => {};
    let closing: Promise<void> | undefined;
    return {
      app, deps, storage, database: database.description,
      startPurging() {
        const expiredRegistrations = { purgeExpired: (now: number, limit: number) => purgeExpiredRegistrations({ storage, clock }, now, limit) };
        stopPurger = startPurger(storage, clock, logger, { interval: config.purgeInterval, batchSize: config.purgeBatchSize }, [expiredRegistrations]);
      },
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

export async function startServer(config: Config, options: { logger?: Logger; clock?: Clock } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'));
  const opened = await openGatehouse(config, logger, options.clock ?? systemClock);
  let address: string;
  try {
    address = await opened.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await opened.close();
    throw error;
  }
  opened.startPurging();
  logger.info({ issuer: config.issuer, address, database: opened.database },
    `Gatehouse ready: issuer ${config.issuer} listening on ${address}, database ${opened.database}`);
  return { issuer: config.issuer, url: address, close: opened.close };
}
