// Process-level server lifecycle: open storage and keys, build the app, listen, drain on close.
import type { Config } from './config/schema.js';
import type { Logger } from './lib/logger.js';

export interface RunningServer {
  /** The issuer URL it serves. */
  issuer: string;
  /** The address actually bound, e.g. http://127.0.0.1:3000 (useful with port 0). */
  url: string;
  /** Stops accepting connections, drains in-flight requests, closes storage. */
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  void config; void options;
  throw new Error('not yet implemented');
}
