// What every command needs: the Config (flags over env over file over defaults) and open storage.
import pino from 'pino';
import { loadConfig, ConfigError } from '../config/load.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { createStorage } from '../storage/create-storage.js';
import type { Storage } from '../storage/ports.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { systemClock } from '../lib/clock.js';
import { CommandError } from './errors.js';
import { databaseLocation, redactUrl } from '../storage/database-location.js';
import type { LogoutNotifier } from '../oidc/logout-notifier.js';
import { createBackchannelLogoutNotifier } from '../oidc/backchannel-logout.js';

export { redactUrl };
import type { GlobalValues } from './args.js';

/** Builds the Config; global flags and `overrides` win over the environment and the file. */
export function commandConfig(values: GlobalValues, overrides: Partial<ConfigInput> = {}): Config {
  try {
    return loadConfig({
      file: values.config,
      overrides: { databaseUrl: values.database, redisUrl: values.redis, ...overrides },
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(oneLine(error.message));
    throw error;
  }
}

/**
 * Administrative commands keep stdout for their output (it may be JSON a script parses), so
 * storage logs go to stderr, and only warnings unless a more verbose level was configured.
 */
export function commandLogger(config: Config): Logger {
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  return createLogger(verbose ? config.logLevel : 'warn', pino.destination(2));
}

/**
 * Opens storage (applying migrations unless `migrate` is off), runs `use`, and always closes it so
 * the process can exit. A command that creates a new SQLite file says so on stderr with its
 * absolute path: run from another folder, a relative sqlite:./data/… is a different, empty database.
 */
export async function withStorage<T>(config: Config, use: (storage: Storage) => Promise<T>): Promise<T> {
  const location = databaseLocation(config.databaseUrl);
  let storage: Storage;
  try {
    storage = await createStorage({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      redisKeyPrefix: config.redisKeyPrefix,
      // One command runs one statement at a time; a server-sized pool would only hold connections.
      poolSize: Math.min(2, config.databasePoolSize),
      migrate: config.migrate,
      clock: systemClock,
      logger: commandLogger(config),
    });
  } catch (error) {
    throw new CommandError(`cannot open ${redactUrl(config.databaseUrl)}: ${(error as Error).message}`);
  }
  if (location.willCreate) process.stderr.write(`gatehouse: created a new database at ${location.description}\n`);
  try {
    return await use(storage);
  } finally {
    await storage.close();
  }
}

/** "invalid configuration:\n  port: …\n  host: …" -> "invalid configuration: port: …; host: …". */
function oneLine(message: string): string {
  const [head = '', ...rest] = message.split('\n').map((line) => line.trim());
  return rest.length === 0 ? head : `${head} ${rest.join('; ')}`;
}


/**
 * Who the CLI tells when it ends browser sessions (`session revoke`, `user sessions-revoke`): the
 * same logout channels as the server: back-channel logout tokens go to the durable outbox.
 */
export function commandLogoutNotifier(config: Config, storage: Storage): LogoutNotifier {
  // Only enqueued here: the running servers' outbox workers deliver within outboxPollInterval.
  return createBackchannelLogoutNotifier({
    clients: storage.clients, outbox: storage.outbox, clock: systemClock, includeSub: config.backchannelLogoutIncludeSub,
  });
}
