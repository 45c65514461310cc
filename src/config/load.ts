// Builds the Config: defaults <- JSON file <- environment <- explicit overrides (CLI flags).
// The only module that reads process.env. Every problem is reported at once.
import { readFileSync } from 'node:fs';
import { configSchema, type Config, type ConfigInput } from './schema.js';

/** Environment variables and the option each sets. */
export const environmentVariables: Record<string, keyof ConfigInput> = {
  GATEHOUSE_PORT: 'port',
  GATEHOUSE_HOST: 'host',
  GATEHOUSE_ISSUER: 'issuer',
  GATEHOUSE_DATABASE_URL: 'databaseUrl',
  GATEHOUSE_REDIS_URL: 'redisUrl',
  GATEHOUSE_DATABASE_POOL_SIZE: 'databasePoolSize',
  GATEHOUSE_REDIS_KEY_PREFIX: 'redisKeyPrefix',
  GATEHOUSE_LOG_LEVEL: 'logLevel',
  GATEHOUSE_LOG_FORMAT: 'logFormat',
  GATEHOUSE_TRUST_PROXY: 'trustProxy',
  GATEHOUSE_ACCESS_TOKEN_FORMAT: 'accessTokenFormat',
  GATEHOUSE_IMPLICIT_FLOW: 'implicitFlow',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file (GATEHOUSE_CONFIG). */
  file?: string;
  overrides?: Partial<ConfigInput>;
}

function fromEnvironment(env: NodeJS.ProcessEnv): Partial<ConfigInput> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(environmentVariables)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    out[key] = key === 'trustProxy' || key === 'implicitFlow' ? value === 'true' || value === '1' : value;
  }
  return out as Partial<ConfigInput>;
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.GATEHOUSE_CONFIG;
  let fromFile: Partial<ConfigInput> = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConfigInput>;
    } catch (error) {
      throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
    }
  }
  const merged = { ...fromFile, ...fromEnvironment(env), ...dropUndefined(options.overrides ?? {}) };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const issuer = (parsed.data.issuer ?? `http://localhost:${parsed.data.port}`).replace(/\/+$/, '');
  const url = new URL(issuer);
  if (url.search || url.hash) throw new ConfigError('invalid configuration:\n  issuer: must not have a query or fragment');
  return { ...parsed.data, issuer };
}
