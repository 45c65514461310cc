// Opens the PostgreSQL storage: migrates the schema, then serves every port from one pool.
// Several nodes may share the database; the atomic rules hold across them (see each store).
import { StorageUnavailableError, type Storage } from '../ports.js';
import { createPool, parseConnectionSettings, query, type PostgresOptions } from './connection.js';
import { migratePostgres, readPostgresSchemaStatus } from './migrations.js';
import { assertSchemaUsable } from '../schema-version.js';
import { createAccountStore } from './account-store.js';
import { createAuthorizationCodeStore } from './authorization-code-store.js';
import { createClientStore } from './client-store.js';
import { createResourceStore } from './resource-store.js';
import { createConsentStore } from './consent-store.js';
import { createGrantStore } from './grant-store.js';
import { createInteractionStore } from './interaction-store.js';
import { createLoginThrottleStore } from './login-throttle-store.js';
import { createInitialAccessTokenStore } from './initial-access-token-store.js';
import { createAccountTokenStore } from './account-token-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createReplayCacheStore } from './replay-cache-store.js';
import { createPushedRequestStore } from './pushed-request-store.js';
import { createAccountEventStore } from './account-event-store.js';
import { createDeviceAuthorizationStore } from './device-authorization-store.js';
import { createSessionStore } from './session-store.js';
import { createSigningKeyStore } from './signing-key-store.js';
import { createTokenStore } from './token-store.js';
import { createKeyChangeListener } from './key-change-listener.js';

export { migratePostgres, readPostgresSchemaStatus } from './migrations.js';
export type { PostgresOptions } from './connection.js';

/**
 * Opens a pooled PostgreSQL storage at `url` (postgres://…, optional `?schema=`), applying
 * pending migrations first; with `migrate: false` it refuses pending migrations instead. A schema
 * newer than the code is always refused. Unreachable database -> StorageUnavailableError.
 */
export async function openPostgresStorage(
  url: string,
  options: PostgresOptions & { migrate?: boolean } = {},
): Promise<Storage> {
  const settings = parseConnectionSettings(url, options);
  if (options.migrate !== false) await migratePostgres(url, options);
  else assertSchemaUsable(await readPostgresSchemaStatus(url, options), { migrate: false });
  const pool = createPool(settings, options);
  const keyChanges = createKeyChangeListener(settings, options);
  let closed = false;
  return {
    clients: createClientStore(pool),
    resources: createResourceStore(pool),
    accounts: createAccountStore(pool),
    sessions: createSessionStore(pool),
    interactions: createInteractionStore(pool),
    consents: createConsentStore(pool),
    grants: createGrantStore(pool),
    authorizationCodes: createAuthorizationCodeStore(pool),
    tokens: createTokenStore(pool),
    signingKeys: createSigningKeyStore(pool, keyChanges),
    loginThrottle: createLoginThrottleStore(pool),
    outbox: createOutboxStore(pool),
    initialAccessTokens: createInitialAccessTokenStore(pool),
    replayCache: createReplayCacheStore(pool),
    pushedRequests: createPushedRequestStore(pool),
    accountEvents: createAccountEventStore(pool),
    deviceAuthorizations: createDeviceAuthorizationStore(pool),
    accountTokens: createAccountTokenStore(pool),
    async ping() {
      if (closed) throw new StorageUnavailableError('storage is closed');
      await query(pool, { name: 'ping', text: 'SELECT 1' });
    },
    async close() {
      if (closed) return;
      closed = true;
      await keyChanges.close();
      await pool.end();
    },
  };
}
