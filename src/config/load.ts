// Builds the Config: defaults <- JSON file <- environment <- explicit overrides (CLI flags).
// The only module that reads process.env. Every problem is reported at once: invalid values,
// unknown keys of the file, and what no single option can check (the issuer, the database URL).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { configSchema, type Config, type ConfigInput } from './schema.js';
import { issuerProblem } from './issuer.js';
import { unknownKeyProblems } from './unknown-keys.js';

/** Environment variables and the option each sets. */
export const environmentVariables: Record<string, keyof ConfigInput> = {
  GATEHOUSE_PORT: 'port',
  GATEHOUSE_HOST: 'host',
  GATEHOUSE_ISSUER: 'issuer',
  GATEHOUSE_ALLOW_HTTP_ISSUER: 'allowHttpIssuer',
  GATEHOUSE_ALLOW_LOOPBACK_FETCH: 'allowLoopbackFetch',
  GATEHOUSE_DATABASE_URL: 'databaseUrl',
  GATEHOUSE_REDIS_URL: 'redisUrl',
  GATEHOUSE_DATABASE_POOL_SIZE: 'databasePoolSize',
  GATEHOUSE_REDIS_KEY_PREFIX: 'redisKeyPrefix',
  GATEHOUSE_LOG_LEVEL: 'logLevel',
  GATEHOUSE_LOG_FORMAT: 'logFormat',
  GATEHOUSE_TRUST_PROXY: 'trustProxy',
  GATEHOUSE_ACCESS_TOKEN_FORMAT: 'accessTokenFormat',
  GATEHOUSE_IMPLICIT_FLOW: 'implicitFlow',
  GATEHOUSE_KEY_ENCRYPTION_KEY: 'keyEncryptionKey',
  GATEHOUSE_KEY_ENCRYPTION_KEY_FILE: 'keyEncryptionKeyFile',
  GATEHOUSE_MAIL_URL: 'mailUrl',
  GATEHOUSE_MAIL_FROM: 'mailFrom',
  GATEHOUSE_SIGNUP: 'signup',
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

/** Whether the option is a boolean (behind its default), so its variable takes true/false/1/0. */
function isBooleanOption(key: string): boolean {
  let schema = (configSchema.shape as Record<string, z.ZodTypeAny>)[key];
  while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
    schema = schema instanceof z.ZodDefault ? schema._def.innerType as z.ZodTypeAny : schema.unwrap() as z.ZodTypeAny;
  }
  return schema instanceof z.ZodBoolean;
}

const booleanWords: Record<string, boolean> = { true: true, 1: true, false: false, 0: false };

function fromEnvironment(env: NodeJS.ProcessEnv, problems: string[]): Partial<ConfigInput> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(environmentVariables)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (!isBooleanOption(key)) {
      out[key] = value;
    } else if (Object.hasOwn(booleanWords, value.toLowerCase())) {
      out[key] = booleanWords[value.toLowerCase()];
    } else {
      problems.push(`${name}: must be true, false, 1 or 0, not '${value}'`);
    }
  }
  return out as Partial<ConfigInput>;
}

function fromFile(file: string, problems: string[]): Partial<ConfigInput> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`cannot read config file ${file}: it must hold one JSON object`);
  }
  problems.push(...unknownKeyProblems(parsed, configSchema));
  return parsed as Partial<ConfigInput>;
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What the options are fine with one by one but cannot be served. */
function crossChecks(data: z.output<typeof configSchema>): string[] {
  const problems: string[] = [];
  if (data.issuer === undefined && data.port === 0) {
    // A derived issuer would change at every start, and relying parties pin it (OIDC Discovery §4.3).
    problems.push('issuer: port 0 picks a free port at every start, so no issuer can be derived from it; set issuer (--issuer, GATEHOUSE_ISSUER) to the URL clients use');
  }
  if (data.issuer !== undefined) {
    const problem = issuerProblem(data.issuer, data.allowHttpIssuer);
    if (problem) problems.push(`issuer: ${problem}`);
  }
  const documents = data.clientIdMetadataDocuments;
  if (documents.cacheMinSeconds > documents.cacheMaxSeconds) {
    problems.push('clientIdMetadataDocuments: cacheMinSeconds must not be above cacheMaxSeconds');
  }
  const trusted = data.tokenExchange.trustedIssuers;
  const ownIssuer = (data.issuer ?? `http://localhost:${data.port}`).replace(/\/+$/, '');
  trusted.forEach((t, i) => {
    if (trusted.findIndex((u) => u.issuer === t.issuer) !== i) problems.push(`tokenExchange.trustedIssuers[${i}].issuer: ${t.issuer} is listed twice`);
    if (t.issuer.replace(/\/+$/, '') === ownIssuer) problems.push(`tokenExchange.trustedIssuers[${i}].issuer: Gatehouse's own tokens need no trusted issuer entry`);
    const devFetch = data.allowPrivateNetworkFetch || data.allowLoopbackFetch;
    if (!t.jwksUri.startsWith('https:') && !(devFetch && t.jwksUri.startsWith('http:'))) {
      problems.push(`tokenExchange.trustedIssuers[${i}].jwksUri: must be https (plain http only with allowPrivateNetworkFetch or allowLoopbackFetch, for development)`);
    }
  });
  if (data.databaseUrl === 'sqlite:') {
    problems.push('databaseUrl: sqlite: needs a path, e.g. sqlite:./data/gatehouse.db (or sqlite::memory: for a throwaway database)');
  }
  return problems;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.GATEHOUSE_CONFIG;
  const problems: string[] = [];
  const merged = {
    ...(file ? fromFile(file, problems) : {}),
    ...fromEnvironment(env, problems),
    ...dropUndefined(options.overrides ?? {}),
  };
  const parsed = configSchema.safeParse(merged);
  if (parsed.success) problems.push(...crossChecks(parsed.data));
  else problems.push(...parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const issuer = (parsed.data.issuer ?? `http://localhost:${parsed.data.port}`).replace(/\/+$/, '');
  return { ...parsed.data, issuer };
}
