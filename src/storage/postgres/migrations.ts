// Numbered schema migrations for PostgreSQL, applied once per schema under an advisory lock so
// that several nodes starting together neither race nor apply a step twice.
import pg from 'pg';
import { parseConnectionSettings, translateError, type PostgresOptions } from './connection.js';
import { assertSchemaUsable, schemaStatus, type AppliedMigration, type MigrationInfo, type SchemaStatus } from '../schema-version.js';

/** Append only: a released migration is never edited; its index + 1 is its version. */
export const migrations: readonly string[] = [
  `
  CREATE TABLE clients (
    client_id text PRIMARY KEY,
    client_name text NOT NULL,
    secret_digest text,
    redirect_uris text[] NOT NULL,
    grant_types text[] NOT NULL,
    response_types text[] NOT NULL,
    scopes text[] NOT NULL,
    skip_consent boolean NOT NULL,
    token_endpoint_auth_method text NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE TABLE accounts (
    account_id text PRIMARY KEY,
    username text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    email text,
    email_verified boolean NOT NULL,
    name text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  );
  CREATE TABLE sessions (
    session_digest text PRIMARY KEY,
    account_id text NOT NULL,
    auth_time bigint NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX sessions_account_id ON sessions (account_id);
  CREATE INDEX sessions_expires_at ON sessions (expires_at);
  CREATE TABLE interactions (
    interaction_id text PRIMARY KEY,
    client_id text NOT NULL,
    params jsonb NOT NULL,
    account_id text,
    auth_time bigint,
    csrf_token text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX interactions_expires_at ON interactions (expires_at);
  CREATE TABLE consents (
    account_id text NOT NULL,
    client_id text NOT NULL,
    scopes text[] NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (account_id, client_id)
  );
  CREATE INDEX consents_client_id ON consents (client_id);
  CREATE TABLE grants (
    grant_id text PRIMARY KEY,
    account_id text,
    client_id text NOT NULL,
    scopes text[] NOT NULL,
    created_at bigint NOT NULL,
    revoked_at bigint
  );
  CREATE INDEX grants_client_id ON grants (client_id);
  CREATE INDEX grants_account_id ON grants (account_id);
  CREATE TABLE authorization_codes (
    code_digest text PRIMARY KEY,
    grant_id text NOT NULL,
    client_id text NOT NULL,
    account_id text NOT NULL,
    redirect_uri text NOT NULL,
    scopes text[] NOT NULL,
    code_challenge text,
    code_challenge_method text,
    nonce text,
    auth_time bigint NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    consumed_at bigint
  );
  CREATE INDEX authorization_codes_grant_id ON authorization_codes (grant_id);
  CREATE INDEX authorization_codes_client_id ON authorization_codes (client_id);
  CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);
  CREATE TABLE tokens (
    token_digest text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
    grant_id text NOT NULL,
    client_id text NOT NULL,
    account_id text,
    scopes text[] NOT NULL,
    auth_time bigint,
    nonce text,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    revoked_at bigint,
    rotated_at bigint
  );
  CREATE INDEX tokens_grant_id ON tokens (grant_id);
  CREATE INDEX tokens_client_id ON tokens (client_id);
  CREATE INDEX tokens_expires_at ON tokens (expires_at);
  CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    alg text NOT NULL,
    private_jwk text NOT NULL,
    public_jwk text NOT NULL,
    created_at bigint NOT NULL,
    activates_at bigint NOT NULL,
    retired_at bigint,
    remove_after bigint
  );
  CREATE TABLE login_failures (
    key text NOT NULL,
    failed_at bigint NOT NULL
  );
  CREATE INDEX login_failures_key ON login_failures (key, failed_at);
  CREATE INDEX signing_keys_remove_after ON signing_keys (remove_after);
  `,
  // Login throttling reserves an attempt atomically before the password check (issue 9): one row
  // per throttled key (a username or a client address) instead of one row per failure.
  `
  -- login throttle counters
  DROP TABLE login_failures;
  CREATE TABLE login_throttle (
    key text PRIMARY KEY,
    attempts integer NOT NULL,
    last_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX login_throttle_expires_at ON login_throttle (expires_at);
  `,
  // 3: the column holds a blob sealed by keys/key-encryption.ts, no longer a JWK (plaintext keys
  // are sealed by the next start, which has the key-encryption key); every key change NOTIFYs
  // listening nodes (payload: the schema), so a rotation shows in their JWKS at once.
  `
  -- signing keys sealed at rest
  ALTER TABLE signing_keys RENAME COLUMN private_jwk TO private_key;
  CREATE FUNCTION signing_keys_notify() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('gatehouse_signing_keys', TG_TABLE_SCHEMA);
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER signing_keys_notify AFTER INSERT OR UPDATE OR DELETE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION signing_keys_notify();
  `,
  // 4 (issue 10): every browser session gets a random `sid` (carried by ID tokens, never derived
  // from the cookie) and remembers the clients it signed into; codes, grants and tokens carry the
  // sid they were issued in (what a logout revokes); clients register post_logout_redirect_uris.
  `
  -- session ids and logout
  ALTER TABLE sessions ADD COLUMN sid text NOT NULL DEFAULT '';
  ALTER TABLE sessions ADD COLUMN client_ids text[] NOT NULL DEFAULT '{}';
  UPDATE sessions SET sid = replace(gen_random_uuid()::text, '-', '');
  CREATE UNIQUE INDEX sessions_sid ON sessions (sid);
  ALTER TABLE authorization_codes ADD COLUMN sid text;
  ALTER TABLE grants ADD COLUMN sid text;
  CREATE INDEX grants_sid ON grants (sid);
  ALTER TABLE tokens ADD COLUMN sid text;
  ALTER TABLE clients ADD COLUMN post_logout_redirect_uris text[] NOT NULL DEFAULT '{}';
  `,
  // 5 (issue 10): Back-Channel Logout 1.0 §2.2 client metadata, and
  // the durable outbox its deliveries go through. A claim pushes next_attempt_at past the lease.
  `
  -- back-channel logout and outbox
  ALTER TABLE clients ADD COLUMN backchannel_logout_uri text;
  ALTER TABLE clients ADD COLUMN backchannel_logout_session_required boolean NOT NULL DEFAULT false;
  CREATE TABLE outbox (
    message_id text PRIMARY KEY,
    topic text NOT NULL,
    payload text NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at bigint NOT NULL,
    lease_id text,
    last_error text,
    given_up_at bigint,
    purge_after bigint,
    created_at bigint NOT NULL
  );
  CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE given_up_at IS NULL;
  CREATE INDEX outbox_purge_after ON outbox (purge_after) WHERE purge_after IS NOT NULL;
  `,
  // 6 (issue 10): Front-Channel Logout 1.0 §2 client metadata: the URI the OP renders in an
  // iframe at logout, and whether the client needs iss and sid on it.
  `
  -- front-channel logout
  ALTER TABLE clients ADD COLUMN frontchannel_logout_uri text;
  ALTER TABLE clients ADD COLUMN frontchannel_logout_session_required boolean NOT NULL DEFAULT false;
  `,
  // 7 (issue 12): every further client metadata field (records.ts ClientMetadata) in one JSON
  // document, so a new field needs no migration.
  `
  -- client metadata document
  ALTER TABLE clients ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb;
  `,
  // 8 (issue 12): Dynamic Client Registration (RFC 7591, RFC 7592). A self-registered client that
  // never completes a token request expires; the partial index counts and finds them cheaply.
  // Initial access tokens (RFC 7591 §3) are stored as digests.
  `
  -- dynamic client registration
  ALTER TABLE clients ADD COLUMN registration_expires_at bigint;
  CREATE INDEX clients_registration_expires_at ON clients (registration_expires_at) WHERE registration_expires_at IS NOT NULL;
  CREATE INDEX clients_registered ON clients (created_at) WHERE metadata ? 'registration';
  CREATE TABLE initial_access_tokens (
    token_id text PRIMARY KEY,
    token_digest text NOT NULL UNIQUE,
    uses_left integer,
    expires_at bigint,
    created_at bigint NOT NULL
  );
  `,
  // 9 (issue 12): single-use values (client assertion jti, RFC 7523 §3 item 7) until their
  // expiry; the key is a digest the core computes.
  `
  -- replay cache
  CREATE TABLE replay_cache (
    replay_key text PRIMARY KEY,
    expires_at bigint NOT NULL
  );
  CREATE INDEX replay_cache_expires_at ON replay_cache (expires_at);
  `,
  // 10 (issue 12): the further OIDC Core §5.1 claims of an account (records.ts AccountProfile) as
  // one JSON document, and the `claims` request parameter (§5.5) carried by codes and tokens.
  `
  -- account profile and claims requests
  ALTER TABLE accounts ADD COLUMN profile jsonb NOT NULL DEFAULT '{}'::jsonb;
  ALTER TABLE authorization_codes ADD COLUMN claims text;
  ALTER TABLE tokens ADD COLUMN claims text;
  `,
  // 11: resource indicators (RFC 8707): registered APIs, and the resources codes and tokens carry
  // (NULL reads as none).
  `
  -- resources
  CREATE TABLE resources (
    identifier text PRIMARY KEY,
    name text,
    scopes text[] NOT NULL,
    token_format text NOT NULL,
    access_token_ttl bigint,
    introspection_secret_digest text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  );
  ALTER TABLE authorization_codes ADD COLUMN resources text[];
  ALTER TABLE tokens ADD COLUMN resources text[];
  `,
  // 12: DPoP (RFC 9449): the key a token is bound to (cnf.jkt), and a code's dpop_jkt (§10).
  `
  -- dpop
  ALTER TABLE authorization_codes ADD COLUMN dpop_jkt text;
  ALTER TABLE tokens ADD COLUMN dpop_jkt text;
  `,
  // 13: pushed authorization requests (RFC 9126), keyed by a digest of the request_uri's
  // reference, deleted when consumed.
  `
  -- pushed authorization requests
  CREATE TABLE pushed_requests (
    request_digest text PRIMARY KEY,
    client_id text NOT NULL,
    params jsonb NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX pushed_requests_expires_at ON pushed_requests (expires_at);
  `,
  // 14: device authorizations (RFC 8628): both codes as digests, the user's answer, the pace.
  `
  -- device authorizations
  CREATE TABLE device_authorizations (
    device_code_digest text PRIMARY KEY,
    user_code_digest text NOT NULL UNIQUE,
    client_id text NOT NULL,
    scopes text[] NOT NULL,
    resources text[] NOT NULL,
    status text NOT NULL,
    account_id text,
    auth_time bigint,
    grant_id text NOT NULL,
    poll_interval integer NOT NULL,
    last_polled_at bigint,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX device_authorizations_expires_at ON device_authorizations (expires_at);
  `,
  // 15: Token Exchange (RFC 8693 §4.1): an exchanged access token's `act`, for introspection.
  `
  -- token act
  ALTER TABLE tokens ADD COLUMN act jsonb;
  `,
  // 16: Token Exchange of trusted issuers' JWTs (RFC 8693 §3): a token's subject when it is no local account.
  `
  -- token subject
  ALTER TABLE tokens ADD COLUMN subject text;
  `,
  // 17: the account page's recent security events (sign-ins, password changes), purged after their retention.
  `
  -- account events
  CREATE TABLE account_events (
    event_id text PRIMARY KEY,
    account_id text NOT NULL,
    kind text NOT NULL,
    address text,
    at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX account_events_account ON account_events (account_id, at);
  CREATE INDEX account_events_expires_at ON account_events (expires_at);
  `,
  // 18: accounts (issue 14): links sent by mail, by digest, single use; self-registered accounts wait for verification.
  `
  -- account tokens
  CREATE TABLE account_tokens (
    token_digest text PRIMARY KEY,
    purpose text NOT NULL,
    account_id text NOT NULL,
    email text,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    used_at bigint
  );
  CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);
  CREATE INDEX account_tokens_expires_at ON account_tokens (expires_at);
  ALTER TABLE accounts ADD COLUMN verify_before_login boolean NOT NULL DEFAULT false;
  CREATE INDEX accounts_email ON accounts (lower(email));
  `,
];

// Namespace for our advisory locks ('gh'); the second half is the schema name's hash.
const lockNamespace = 0x6768;

/** The known migrations: a migration names itself with a leading `-- name` comment line, if at all. */
export const migrationInfo: readonly MigrationInfo[] = migrations.map((sql, index) => ({
  version: index + 1,
  name: /^\s*--\s*(.+)$/m.exec(sql.trimStart().split('\n')[0] ?? '')?.[1]?.trim() ?? '',
}));

/** The schema's migration history; empty when the history table does not exist yet. */
async function readHistory(client: pg.ClientBase, schema: string): Promise<{ exists: boolean; history: AppliedMigration[] }> {
  const table = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [`${schema}.schema_migrations`]);
  if (!table.rows[0]?.found) return { exists: false, history: [] };
  const rows = await client.query<{ version: number; applied_at: Date }>(
    `SELECT version, applied_at FROM ${schema}.schema_migrations ORDER BY version`);
  const known = new Map(migrationInfo.map((m) => [m.version, m.name]));
  return {
    exists: true,
    history: rows.rows.map((r) => ({ version: r.version, name: known.get(r.version) ?? '', appliedAt: Math.floor(r.applied_at.getTime() / 1000) })),
  };
}

async function statusOf(client: pg.ClientBase, schema: string): Promise<SchemaStatus> {
  const { exists, history } = await readHistory(client, schema);
  return schemaStatus({ backend: 'postgres', location: schema, exists }, migrationInfo, history);
}

/**
 * Brings `schema` up to the latest migration on one connection, in one transaction: either
 * every pending step applies or none does. Concurrent callers wait on the advisory lock and
 * then find nothing left to do. Returns the versions it applied. Refuses (SchemaTooNewError,
 * nothing applied) a schema a newer Gatehouse migrated.
 */
export async function applyMigrations(client: pg.ClientBase, schema: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [lockNamespace, schema]);
    assertSchemaUsable(await statusOf(client, schema), { migrate: true });
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const [index, sql] of migrations.entries()) {
      const version = index + 1;
      if (done.has(version)) continue;
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Runs `use` on a dedicated connection without statement_timeout: a migration may legitimately take long. */
async function withMigrationConnection<T>(url: string, options: PostgresOptions, use: (client: pg.Client, schema: string) => Promise<T>): Promise<T> {
  const { connectionString, schema } = parseConnectionSettings(url, options);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: options.connectionTimeoutMillis ?? 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client, schema);
  } catch (error) {
    throw translateError(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** For `gatehouse migrate`: applies pending migrations and returns their versions. */
export async function migratePostgres(url: string, options: PostgresOptions = {}): Promise<number[]> {
  return withMigrationConnection(url, options, async (client, schema) => {
    const applied = await applyMigrations(client, schema);
    if (applied.length > 0) options.logger?.info({ schema, applied }, 'postgres migrations applied');
    return applied;
  });
}

/** For `gatehouse migrate --status` and starting without migrating: reads the history, changes nothing. */
export async function readPostgresSchemaStatus(url: string, options: PostgresOptions = {}): Promise<SchemaStatus> {
  return withMigrationConnection(url, options, statusOf);
}
