// Registered OAuth clients (RFC 6749 §2). Deleting removes the row only; oauth/lifecycle.ts
// revokes what the client held. Lookups are cached (read-cache.ts): every token and authorization request reads its client.
import type { Database } from 'better-sqlite3';
import type { ClientStore } from '../ports.js';
import type { ClientMetadata, ClientRecord, TokenEndpointAuthMethod } from '../records.js';
import { fromJsonArray, insertUnique, toFlag, toJson } from './sqlite-values.js';
import { createReadCache, type DataVersion } from './read-cache.js';

interface ClientRow {
  client_id: string;
  client_name: string;
  secret_digest: string | null;
  redirect_uris: string;
  grant_types: string;
  response_types: string;
  scopes: string;
  skip_consent: number;
  token_endpoint_auth_method: string;
  backchannel_logout_uri: string | null;
  backchannel_logout_session_required: number;
  frontchannel_logout_uri: string | null;
  frontchannel_logout_session_required: number;
  post_logout_redirect_uris: string;
  metadata: string;
  registration_expires_at: number | null;
  created_at: number;
}

function toClient(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    secretDigest: row.secret_digest,
    redirectUris: fromJsonArray(row.redirect_uris),
    grantTypes: fromJsonArray(row.grant_types),
    responseTypes: fromJsonArray(row.response_types),
    scopes: fromJsonArray(row.scopes),
    skipConsent: row.skip_consent === 1,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as TokenEndpointAuthMethod,
    backchannelLogoutUri: row.backchannel_logout_uri,
    backchannelLogoutSessionRequired: row.backchannel_logout_session_required === 1,
    frontchannelLogoutUri: row.frontchannel_logout_uri,
    frontchannelLogoutSessionRequired: row.frontchannel_logout_session_required === 1,
    postLogoutRedirectUris: fromJsonArray(row.post_logout_redirect_uris),
    metadata: JSON.parse(row.metadata) as ClientMetadata,
    registrationExpiresAt: row.registration_expires_at,
    createdAt: row.created_at,
  };
}

export function createClientStore(db: Database, dataVersion: DataVersion): ClientStore {
  const insert = db.prepare(`INSERT INTO clients (client_id, client_name, secret_digest, redirect_uris,
      grant_types, response_types, scopes, skip_consent, token_endpoint_auth_method,
      backchannel_logout_uri, backchannel_logout_session_required, frontchannel_logout_uri, frontchannel_logout_session_required,
      post_logout_redirect_uris, metadata, registration_expires_at, created_at)
    VALUES (@clientId, @clientName, @secretDigest, @redirectUris, @grantTypes, @responseTypes, @scopes,
      @skipConsent, @tokenEndpointAuthMethod, @backchannelLogoutUri, @backchannelLogoutSessionRequired,
      @frontchannelLogoutUri, @frontchannelLogoutSessionRequired, @postLogoutRedirectUris, @metadata, @registrationExpiresAt, @createdAt)`);
  const countRegistered = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM clients WHERE json_extract(metadata, '$.registration') IS NOT NULL");
  const keep = db.prepare<[string]>('UPDATE clients SET registration_expires_at = NULL WHERE client_id = ? AND registration_expires_at IS NOT NULL');
  const expired = db.prepare<[number, number], { client_id: string }>(`SELECT client_id FROM clients
    WHERE registration_expires_at IS NOT NULL AND registration_expires_at <= ? ORDER BY registration_expires_at LIMIT ?`);
  const find = db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE client_id = ?');
  const list = db.prepare<[], ClientRow>('SELECT * FROM clients ORDER BY created_at, client_id');
  const update = db.prepare(`UPDATE clients SET client_name = @clientName, secret_digest = @secretDigest,
      redirect_uris = @redirectUris, grant_types = @grantTypes, response_types = @responseTypes, scopes = @scopes,
      skip_consent = @skipConsent, token_endpoint_auth_method = @tokenEndpointAuthMethod,
      backchannel_logout_uri = @backchannelLogoutUri, backchannel_logout_session_required = @backchannelLogoutSessionRequired,
      frontchannel_logout_uri = @frontchannelLogoutUri, frontchannel_logout_session_required = @frontchannelLogoutSessionRequired,
      post_logout_redirect_uris = @postLogoutRedirectUris, metadata = @metadata, registration_expires_at = @registrationExpiresAt
    WHERE client_id = @clientId`);
  const remove = db.prepare<[string]>('DELETE FROM clients WHERE client_id = ?');

  const cache = createReadCache<ClientRecord>(dataVersion);

  const toRow = (client: ClientRecord) => ({
    ...client,
    redirectUris: toJson(client.redirectUris),
    grantTypes: toJson(client.grantTypes),
    responseTypes: toJson(client.responseTypes),
    scopes: toJson(client.scopes),
    postLogoutRedirectUris: toJson(client.postLogoutRedirectUris),
    skipConsent: toFlag(client.skipConsent),
    backchannelLogoutUri: client.backchannelLogoutUri ?? null,
    backchannelLogoutSessionRequired: toFlag(client.backchannelLogoutSessionRequired ?? false),
    frontchannelLogoutUri: client.frontchannelLogoutUri ?? null,
    frontchannelLogoutSessionRequired: toFlag(client.frontchannelLogoutSessionRequired ?? false),
    metadata: JSON.stringify(client.metadata ?? {}),
    registrationExpiresAt: client.registrationExpiresAt ?? null,
  });
  // One statement-level transaction: better-sqlite3 runs it synchronously, so no other write
  // (of this process or, under the immediate lock, of another) comes between count and insert.
  const insertBelowLimit = db.transaction((row: ReturnType<typeof toRow>, limit: number) => {
    if ((countRegistered.get()?.n ?? 0) >= limit) return false;
    insert.run(row);
    return true;
  });

  return {
    async insert(client) {
      cache.clear();
      insertUnique(() => insert.run(toRow(client)), `client ${client.clientId}`);
    },
    async update(client) {
      cache.clear();
      const { clientId, clientName, secretDigest, redirectUris, grantTypes, responseTypes, scopes, skipConsent, tokenEndpointAuthMethod,
        backchannelLogoutUri, backchannelLogoutSessionRequired, frontchannelLogoutUri, frontchannelLogoutSessionRequired,
        postLogoutRedirectUris, metadata, registrationExpiresAt } = toRow(client);
      return update.run({ clientId, clientName, secretDigest, redirectUris, grantTypes, responseTypes, scopes, skipConsent, tokenEndpointAuthMethod,
        backchannelLogoutUri, backchannelLogoutSessionRequired, frontchannelLogoutUri, frontchannelLogoutSessionRequired,
        postLogoutRedirectUris, metadata, registrationExpiresAt }).changes > 0;
    },
    async find(clientId) {
      return cache.get(clientId, () => {
        const row = find.get(clientId);
        return row ? toClient(row) : null;
      });
    },
    async list() {
      return list.all().map(toClient);
    },
    async delete(clientId) {
      cache.clear();
      return remove.run(clientId).changes > 0;
    },
    async insertRegistered(client, limit) {
      cache.clear();
      return insertUnique(() => insertBelowLimit.immediate(toRow(client), limit), `client ${client.clientId}`);
    },
    async keepRegistration(clientId) {
      if (keep.run(clientId).changes > 0) cache.clear();
    },
    async listExpiredRegistrations(now, limit) {
      return expired.all(now, limit).map((row) => row.client_id);
    },
  };
}
