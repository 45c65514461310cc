// `import { createGatehouse } from 'gatehouse'`: Gatehouse embedded in an application's own
// node:http server or Fastify app, from one typed configuration. See docs/embedding.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { loadConfig, ConfigError } from './config/load.js';
import type { Config, ConfigInput } from './config/schema.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import type { Storage } from './storage/ports.js';
import { openGatehouse } from './main.js';
import { gatehouseClientErrorHandler } from './app.js';
import { registerGatehouse } from './http/register.js';
import type { ClientErrorHandler } from './http/client-error.js';

export { startServer, type RunningServer } from './main.js';
export { loadConfig, ConfigError } from './config/load.js';
export type { Config, ConfigInput } from './config/schema.js';
export { createLogger, type Logger, type LogFormat } from './lib/logger.js';
export type { ClientErrorHandler } from './http/client-error.js';

/** The options of `docs/configuration.md`; `issuer` is required when embedding (it is the public URL). */
export type GatehouseConfig = Partial<ConfigInput> & { issuer: string };

export interface GatehouseOptions {
  /** Gatehouse's log lines go here; default: a logger built from `logLevel` and `logFormat` on stdout. */
  logger?: Logger;
  clock?: Clock;
  /** Serve the small page at the issuer's root (default true); turn off when the host owns `/`. */
  landingPage?: boolean;
}

export interface Gatehouse {
  readonly issuer: string;
  readonly config: Config;
  /** The storage Gatehouse opened (clients, accounts, …), e.g. to provision from the host. */
  readonly storage: Storage;
  /** A node:http request listener: `http.createServer(gatehouse.handle)`, or call it for Gatehouse's paths. */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /**
   * Node's answer to an oversized request line or headers happens before any listener runs; give
   * the server Gatehouse's 431 page with `server.on('clientError', gatehouse.clientErrorHandler)`.
   */
  readonly clientErrorHandler: ClientErrorHandler;
  /** A Fastify plugin: `await app.register(gatehouse.fastifyPlugin)` (without a prefix). */
  readonly fastifyPlugin: FastifyPluginAsync;
  /** Stops the background purge and releases storage. Call it after the host server has closed. */
  close(): Promise<void>;
}

/**
 * Opens storage (creating or migrating the schema, as `gatehouse start` does), makes sure a
 * signing key exists, and returns Gatehouse ready to mount. Configuration problems throw a
 * ConfigError listing every problem; no environment variable or config file is read.
 */
export async function createGatehouse(input: GatehouseConfig, options: GatehouseOptions = {}): Promise<Gatehouse> {
  const config = loadConfig({ env: {}, overrides: input });
  const issuerPath = new URL(config.issuer).pathname;
  if (issuerPath !== '/' && issuerPath !== '') {
    throw new ConfigError(`invalid configuration:\n  issuer: an issuer with a path (${issuerPath}) cannot be embedded yet; use the origin's root, e.g. ${new URL(config.issuer).origin}`);
  }
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat ?? 'json');
  const routeOptions = { landingPage: options.landingPage ?? true };
  // The same app `gatehouse start` serves, never listening: node:http requests go to its router.
  const opened = await openGatehouse(config, logger, options.clock ?? systemClock, routeOptions);
  try {
    await opened.app.ready();
  } catch (error) {
    await opened.close();
    throw error;
  }
  opened.startPurging();
  const { deps } = opened;
  return {
    issuer: config.issuer,
    config,
    storage: opened.storage,
    handle: opened.app.routing as (request: IncomingMessage, response: ServerResponse) => void,
    clientErrorHandler: gatehouseClientErrorHandler(deps, routeOptions),
    async fastifyPlugin(instance) {
      if (instance.prefix !== '') {
        throw new ConfigError(`Gatehouse serves the issuer's paths (${config.issuer}); register it without a prefix, not under '${instance.prefix}'`);
      }
      registerGatehouse(instance, deps, routeOptions);
    },
    close: opened.close,
  };
}
