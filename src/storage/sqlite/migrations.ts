// SQLite schema as numbered migrations, applied in one immediate transaction on open so that
// two processes opening the same file neither race nor apply a step twice.
import type { Database } from 'better-sqlite3';
import { assertSchemaUsable, schemaStatus, type AppliedMigration, type SchemaStatus } from '../schema-version.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Append only: a released migration is never edited. Times are INTEGER epoch seconds, arrays
// JSON text, booleans 0/1. Tables keyed by a random digest are WITHOUT ROWID: the row lives in
// the primary-key b-tree, one index fewer to write on the hot insert path. There are no foreign
// keys: what a deletion revokes is decided once, in oauth/lifecycle.ts, so every adapter behaves alike.
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        client_name TEXT NOT NULL,
        secret_digest TEXT,
        redirect_uris TEXT NOT NULL,
        grant_types TEXT NOT NULL,
        response_types TEXT NOT NULL,
        scopes TEXT NOT NULL,
        skip_consent INTEGER NOT NULL,
        token_endpoint_auth_method TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        email TEXT,
        email_verified INTEGER NOT NULL,
        name TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        session_digest TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_account_id ON sessions (account_id);
      CREATE INDEX sessions_expires_at ON sessions (expires_at);
      CREATE TABLE interactions (
        interaction_id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        params TEXT NOT NULL,
        account_id TEXT,
        auth_time INTEGER,
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX interactions_expires_at ON interactions (expires_at);
      CREATE TABLE consents (
        account_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, client_id)
      ) WITHOUT ROWID;
      CREATE INDEX consents_client_id ON consents (client_id);
      CREATE TABLE grants (
        grant_id TEXT PRIMARY KEY,
        account_id TEXT,
        client_id TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX grants_client_id ON grants (client_id);
      CREATE INDEX grants_account_id ON grants (account_id);
      CREATE TABLE authorization_codes (
        code_digest TEXT PRIMARY KEY,
        grant_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        scopes TEXT NOT NULL,
        code_challenge TEXT,
        code_challenge_method TEXT,
        nonce TEXT,
        auth_time INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        consumed_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX authorization_codes_grant_id ON authorization_codes (grant_id);
      CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);
      CREATE TABLE tokens (
        token_digest TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
        grant_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        account_id TEXT,
        scopes TEXT NOT NULL,
        auth_time INTEGER,
        nonce TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        rotated_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX tokens_grant_id ON tokens (grant_id);
      CREATE INDEX tokens_expires_at ON tokens (expires_at);
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        private_jwk TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        activates_at INTEGER NOT NULL,
        retired_at INTEGER,
        remove_after INTEGER
      );
      CREATE INDEX signing_keys_remove_after ON signing_keys (remove_after);
      CREATE TABLE login_failures (
        throttle_key TEXT NOT NULL,
        failed_at INTEGER NOT NULL
      );
      CREATE INDEX login_failures_key ON login_failures (throttle_key, failed_at);
      CREATE INDEX login_failures_failed_at ON login_failures (failed_at);
    `,
  },
  {
    version: 2,
    name: 'login throttle counters',
    // One row per throttled key (a username or a client address) replaces one row per failure:
    // an attempt is now reserved atomically before the password check (issue 9).
    sql: `
      DROP TABLE login_failures;
      CREATE TABLE login_throttle (
        throttle_key TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX login_throttle_expires_at ON login_throttle (expires_at);
    `,
  },
  {
    // The column holds a blob sealed by keys/key-encryption.ts, no longer a JWK; keys stored in
    // plaintext before are sealed by the next start, which has the key-encryption key.
    version: 3,
    name: 'signing keys sealed at rest',
    sql: 'ALTER TABLE signing_keys RENAME COLUMN private_jwk TO private_key;',
  },
  {
    // Issue 10: every browser session gets a random `sid` (carried by ID tokens, never derived
    // from the cookie) and remembers the clients it signed into; codes, grants and tokens carry
    // the sid they were issued in (what a logout revokes); clients register their
    // post_logout_redirect_uris. Sessions open before this step get a fresh random sid.
    version: 4,
    name: 'session ids and logout',
    sql: `
      ALTER TABLE sessions ADD COLUMN sid TEXT NOT NULL DEFAULT '';
      ALTER TABLE sessions ADD COLUMN client_ids TEXT NOT NULL DEFAULT '[]';
      UPDATE sessions SET sid = lower(hex(randomblob(16)));
      CREATE UNIQUE INDEX sessions_sid ON sessions (sid);
      ALTER TABLE authorization_codes ADD COLUMN sid TEXT;
      ALTER TABLE grants ADD COLUMN sid TEXT;
      CREATE INDEX grants_sid ON grants (sid);
      ALTER TABLE tokens ADD COLUMN sid TEXT;
      ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    // Back-Channel Logout 1.0 §2.2 client metadata, and the durable outbox its deliveries go
    // through (issue 10). A claim pushes next_attempt_at past the lease, so one index finds what is due.
    version: 5,
    name: 'back-channel logout and outbox',
    sql: `
      ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
      ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE outbox (
        message_id TEXT PRIMARY KEY,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_id TEXT,
        last_error TEXT,
        given_up_at INTEGER,
        purge_after INTEGER,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE given_up_at IS NULL;
      CREATE INDEX outbox_purge_after ON outbox (purge_after) WHERE purge_after IS NOT NULL;
    `,
  },
  {
    // Front-Channel Logout 1.0 §2 client metadata (issue 10): the URI the OP renders in an iframe
    // at logout, and whether the client needs iss and sid on it.
    version: 6,
    name: 'front-channel logout',
    sql: `
      ALTER TABLE clients ADD COLUMN frontchannel_logout_uri TEXT;
      ALTER TABLE clients ADD COLUMN frontchannel_logout_session_required INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    // Issue 12: every further client metadata field (records.ts ClientMetadata) in one JSON
    // document, so a new field needs no migration.
    version: 7,
    name: 'client metadata document',
    sql: `
      ALTER TABLE clients ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
    `,
  },
  {
    // Issue 12: Dynamic Client Registration (RFC 7591, RFC 7592). A self-registered client that
    // never completes a token request expires; the partial index counts and finds them cheaply.
    // Initial access tokens (RFC 7591 §3) are stored as digests.
    version: 8,
    name: 'dynamic client registration',
    sql: `
      ALTER TABLE clients ADD COLUMN registration_expires_at INTEGER;
      CREATE INDEX clients_registration_expires_at ON clients (registration_expires_at) WHERE registration_expires_at IS NOT NULL;
      CREATE INDEX clients_registered ON clients (created_at) WHERE json_extract(metadata, '$.registration') IS NOT NULL;
      CREATE TABLE initial_access_tokens (
        token_id TEXT PRIMARY KEY,
        token_digest TEXT NOT NULL UNIQUE,
        uses_left INTEGER,
        expires_at INTEGER,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Issue 12: single-use values (client assertion jti, RFC 7523 §3 item 7) until their expiry.
    // The key is a digest the core computes.
    version: 9,
    name: 'replay cache',
    sql: `
      CREATE TABLE replay_cache (
        replay_key TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX replay_cache_expires_at ON replay_cache (expires_at);
    `,
  },
  {
    // Issue 12: the further OIDC Core §5.1 claims of an account (records.ts AccountProfile) as
    // one JSON document, and the `claims` request parameter (§5.5) carried by codes and tokens.
    version: 10,
    name: 'account profile and claims requests',
    sql: `
      ALTER TABLE accounts ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE authorization_codes ADD COLUMN claims TEXT;
      ALTER TABLE tokens ADD COLUMN claims TEXT;
    `,
  },
  {
    // Resource indicators (RFC 8707): registered APIs, and the resources codes and tokens carry
    // (JSON arrays; NULL reads as none).
    version: 11,
    name: 'resources',
    sql: `
      CREATE TABLE resources (
        identifier TEXT PRIMARY KEY,
        name TEXT,
        scopes TEXT NOT NULL,
        token_format TEXT NOT NULL,
        access_token_ttl INTEGER,
        introspection_secret_digest TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      ALTER TABLE authorization_codes ADD COLUMN resources TEXT;
      ALTER TABLE tokens ADD COLUMN resources TEXT;
    `,
  },
  {
    // DPoP (RFC 9449): the key a token is bound to (cnf.jkt), and a code's dpop_jkt (§10).
    version: 12,
    name: 'dpop',
    sql: `
      ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;
      ALTER TABLE tokens ADD COLUMN dpop_jkt TEXT;
    `,
  },
  {
    // Pushed authorization requests (RFC 9126): keyed by a digest of the request_uri's reference,
    // deleted when consumed.
    version: 13,
    name: 'pushed authorization requests',
    sql: `
      CREATE TABLE pushed_requests (
        request_digest TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        params TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX pushed_requests_expires_at ON pushed_requests (expires_at);
    `,
  },
  {
    // Device authorizations (RFC 8628): both codes as digests, the user's answer, the polling pace.
    version: 14,
    name: 'device authorizations',
    sql: `
      CREATE TABLE device_authorizations (
        device_code_digest TEXT PRIMARY KEY,
        user_code_digest TEXT NOT NULL UNIQUE,
        client_id TEXT NOT NULL,
        scopes TEXT NOT NULL,
        resources TEXT NOT NULL,
        status TEXT NOT NULL,
        account_id TEXT,
        auth_time INTEGER,
        grant_id TEXT NOT NULL,
        poll_interval INTEGER NOT NULL,
        last_polled_at INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX device_authorizations_expires_at ON device_authorizations (expires_at);
    `,
  },
  {
    // Token Exchange (RFC 8693 §4.1): an exchanged access token's `act`, as JSON, for introspection.
    version: 15,
    name: 'token act',
    sql: `
      ALTER TABLE tokens ADD COLUMN act TEXT;
    `,
  },
  {
    // Token Exchange of trusted issuers' JWTs (RFC 8693 §3): a token's subject when it is no local account.
    version: 16,
    name: 'token subject',
    sql: `
      ALTER TABLE tokens ADD COLUMN subject TEXT;
    `,
  },
  {
    // The account page's recent security events (sign-ins, password changes), purged after their retention.
    version: 17,
    name: 'account events',
    sql: `
      CREATE TABLE account_events (
        event_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        address TEXT,
        at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX account_events_account ON account_events (account_id, at);
      CREATE INDEX account_events_expires_at ON account_events (expires_at);
    `,
  },
  {
    // Accounts (issue 14): links sent by mail, by digest, single use; self-registered accounts wait for verification.
    version: 18,
    name: 'account tokens',
    sql: `
      CREATE TABLE account_tokens (
        token_digest TEXT PRIMARY KEY,
        purpose TEXT NOT NULL,
        account_id TEXT NOT NULL,
        email TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);
      CREATE INDEX account_tokens_expires_at ON account_tokens (expires_at);
      ALTER TABLE accounts ADD COLUMN verify_before_login INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX accounts_email ON accounts (lower(email));
    `,
  },
];

/** The migration history recorded in the file (none before the first migration). */
export function readMigrationHistory(db: Database): AppliedMigration[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return [];
  return db.prepare<[], { version: number; name: string; applied_at: number }>(
    'SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all()
    .map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at }));
}

/** Where the file's schema stands against this code's migrations. */
export function sqliteSchemaStatus(db: Database, location: string): SchemaStatus {
  return schemaStatus({ backend: 'sqlite', location, exists: true }, migrations, readMigrationHistory(db));
}

/**
 * Applies every migration not yet recorded in schema_migrations; returns their versions. Refuses
 * (SchemaTooNewError, nothing applied) a file a newer Gatehouse migrated.
 */
export function applyMigrations(db: Database, now: number): number[] {
  const apply = db.transaction(() => {
    assertSchemaUsable(sqliteSchemaStatus(db, db.name), { migrate: true });
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const done = new Set(readMigrationHistory(db).map((r) => r.version));
    const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
      applied.push(migration.version);
    }
    return applied;
  });
  return apply.immediate();
}
