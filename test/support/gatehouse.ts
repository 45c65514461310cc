// Starts a real Gatehouse on a free 127.0.0.1 port for a test, with direct access to its storage
// so tests can seed clients and users and move the clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import { manualClock } from '../../src/lib/clock.js';
import { silentLogger, type Logger } from '../../src/lib/logger.js';
import { createSigningKeySet, type SigningKeySet } from '../../src/keys/signing-keys.js';
import { openSigningKeys } from '../../src/keys/open-signing-keys.js';
import type { KeySealer } from '../../src/keys/key-encryption.js';
import { createStorage } from '../../src/storage/create-storage.js';
import type { Storage } from '../../src/storage/ports.js';
import type { AccountProfile, ClientRecord } from '../../src/storage/records.js';
import { hashPassword } from '../../src/accounts/password.js';
import type { PasswordVerifier } from '../../src/accounts/password-verifier.js';
import type { LogoutNotifier } from '../../src/oidc/logout-notifier.js';
import { sha256Hex } from '../../src/lib/digest.js';
import { prefixedToken, randomIdentifier } from '../../src/lib/random.js';
import { freePort } from './free-port.js';

export { freePort };

export interface TestClient {
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  record: ClientRecord;
}

export interface TestServer {
  issuer: string;
  config: Config;
  storage: Storage;
  keys: SigningKeySet;
  /** Seals and opens private signing keys with the server's key-encryption key. */
  sealer: KeySealer;
  clock: ReturnType<typeof manualClock>;
  app: FastifyInstance;
  createClient(options?: Partial<ClientRecord> & { public?: boolean }): Promise<TestClient>;
  createUser(options?: SeedUserOptions): Promise<{ accountId: string; username: string; password: string }>;
  close(): Promise<void>;
}


/**
 * The database the suite runs on: GATEHOUSE_TEST_DATABASE_URL (e.g. postgres://…) when set,
 * so the whole suite can run against PostgreSQL with one variable; a temp SQLite file otherwise.
 */
export function testDatabaseUrl(dir: string): { url: string; schema?: string } {
  const shared = process.env.GATEHOUSE_TEST_DATABASE_URL;
  if (!shared) return { url: `sqlite:${join(dir, 'gatehouse.db')}` };
  // Each test server gets its own PostgreSQL schema, dropped on close, so files run in parallel.
  const schema = `gh_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const url = new URL(shared);
  url.searchParams.set('schema', schema);
  return { url: url.toString(), schema };
}

export async function dropSchema(sharedUrl: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: sharedUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL requires a configured key-encryption key; the suite uses this one (a SQLite file
 * gets its own generated `<db>.kek`, as in production).
 */
export const testKeyEncryptionKey = Buffer.alloc(32, 7).toString('base64');

// Cheap argon2 parameters keep tests fast; production parameters are covered by the password unit test.
const testArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export async function startGatehouse(
  overrides: Partial<ConfigInput> = {},
  { passwords, logger = silentLogger(), logoutNotifier }: { passwords?: PasswordVerifier; logger?: Logger; logoutNotifier?: LogoutNotifier } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const port = await freePort();
  const database = overrides.databaseUrl ? { url: overrides.databaseUrl } : testDatabaseUrl(dir);
  const config = loadConfig({
    env: {},
    overrides: {
      port, host: '127.0.0.1', issuer: `http://localhost:${port}`, databaseUrl: database.url, logLevel: 'silent',
      argon2: testArgon2, redisUrl: process.env.GATEHOUSE_TEST_REDIS_URL,
      ...(database.url.startsWith('postgres') && !overrides.keyEncryptionKeyFile ? { keyEncryptionKey: testKeyEncryptionKey } : {}),
      ...overrides,
    },
  });
  const clock = manualClock();
  const storage = await createStorage({
    databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, logger, clock, redisKeyPrefix: `gh-test-${randomUUID()}:`,
  });
  const { sealer } = await openSigningKeys(storage.signingKeys, clock, config);
  const keys = createSigningKeySet(storage.signingKeys, clock, config.keyCacheTtl, sealer);
  const app = await buildApp({ config, storage, keys, clock, logger, passwords, secretSealer: sealer, ...(logoutNotifier ? { logoutNotifier } : {}) });
  await app.listen({ port: config.port, host: '127.0.0.1' });

  return {
    issuer: config.issuer, config, storage, keys, sealer, clock, app,
    createClient: (options = {}) => seedClient(storage, clock, options),
    createUser: (options = {}) => seedUser(storage, clock, options),
    async close() {
      await app.close();
      keys.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
      if ('schema' in database && database.schema) await dropSchema(process.env.GATEHOUSE_TEST_DATABASE_URL!, database.schema);
    },
  };
}

/** Registers a client straight in storage (a confidential client_secret_basic one by default). */
export async function seedClient(storage: Storage, clock: () => number, options: Partial<ClientRecord> & { public?: boolean } = {}): Promise<TestClient> {
  const { public: isPublicOption, ...fields } = options;
  const isPublic = isPublicOption ?? false;
  const clientSecret = isPublic ? undefined : prefixedToken('gh_cs_');
  const redirectUri = fields.redirectUris?.[0] ?? 'http://localhost:8765/callback';
  const record: ClientRecord = {
    clientId: randomIdentifier(12),
    clientName: 'Test client',
    secretDigest: clientSecret ? sha256Hex(clientSecret) : null,
    redirectUris: [redirectUri],
    grantTypes: ['authorization_code', 'refresh_token', ...(isPublic ? [] : ['client_credentials'])],
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'api:read'],
    skipConsent: false,
    tokenEndpointAuthMethod: isPublic ? 'none' : 'client_secret_basic',
    postLogoutRedirectUris: [],
    metadata: {},
    registrationExpiresAt: null,
    createdAt: clock(),
    ...fields,
  };
  await storage.clients.insert(record);
  return { clientId: record.clientId, clientSecret, redirectUri: record.redirectUris[0]!, record };
}

export interface SeedUserOptions {
  username?: string;
  password?: string;
  email?: string;
  name?: string;
  /** Further standard claims (OIDC Core §5.1). */
  profile?: AccountProfile;
}

/** Creates an account straight in storage, with cheap argon2 parameters. */
export async function seedUser(storage: Storage, clock: () => number, options: SeedUserOptions = {}) {
  const username = options.username ?? `user-${randomUUID().slice(0, 8)}`;
  const password = options.password ?? 'correct horse battery staple';
  const accountId = randomUUID();
  await storage.accounts.insert({
    accountId, username, passwordHash: await hashPassword(password, testArgon2),
    email: options.email ?? `${username}@example.com`, emailVerified: true, name: options.name ?? 'Test User',
    profile: options.profile ?? {}, createdAt: clock(), updatedAt: clock(),
  });
  return { accountId, username, password };
}
