// Opens the PostgreSQL storage: migrates the schema, then serves every port from one pool.
// Several nodes may share the database; the atomic rules hold across them (see each store).
import type { Clock } from '../../lib/clock.js';
import { systemClock } from '../../lib/clock.js';
import { StorageUnavailableError, type Storage } from '../ports.js';
import { createPool, parseConnectionSettings, query, type PostgresOptions } from './connection.js';
import { migratePostgres } from './migrations.js';
import { createAccountStore } from './account-store.js';
import { createAuthorizationCodeStore } from './authorization-code-store.js';
import { createClientStore } from './client-store.js';
import { createConsentStore } from './consent-store.js';
import { createGrantStore } from './grant-store.js';
import { createInteractionStore } from './interaction-store.js';
import { createLoginThrottleStore } from './login-throttle-store.js';
import { createSessionStore } from './session-store.js';
import { createSigningKeyStore } from './signing-key-store.js';
import { createTokenStore } from './token-store.js';
import { createKeyChangeListener } from './key-change-listener.js';

export { migratePostgres } from './migrations.js';
export type { PostgresOptions } from './connection.js';

/**
 * Opens a pooled PostgreSQL storage at `url` (postgres://…, optional `?schema=`), applying
 * pending migrations first. Unreachable database -> StorageUnavailableError.
 */
export async function openPostgresStorage(
  url: string,
  options: PostgresOptions & { clock?: Clock; migrate?: boolean } = {},
): Promise<Storage> {
  const settings = parseConnectionSettings(url, options);
  if (options.migrate !== false) await migratePostgres(url, options);
  const pool = createPool(settings, options);
  const keyChanges = createKeyChangeListener(settings, options);
  // Deleting a client or account has no `now` in the port; revocations are stamped by this clock.
  const clock = options.clock ?? systemClock;
  let closed = false;
  return {
    clients: createClientStore(pool, clock),
    accounts: createAccountStore(pool, clock),
    sessions: createSessionStore(pool),
    interactions: createInteractionStore(pool),
    consents: createConsentStore(pool),
    grants: createGrantStore(pool),
    authorizationCodes: createAuthorizationCodeStore(pool),
    tokens: createTokenStore(pool),
    signingKeys: createSigningKeyStore(pool, keyChanges),
    loginThrottle: createLoginThrottleStore(pool),
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
