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
    createdAt: row.created_at,
  };
}

export function createClientStore(db: Database, dataVersion: DataVersion): ClientStore {
  const insert = db.prepare(`INSERT INTO clients (client_id, client_name, secret_digest, redirect_uris,
      grant_types, response_types, scopes, skip_consent, token_endpoint_auth_method,
      backchannel_logout_uri, backchannel_logout_session_required, frontchannel_logout_uri, frontchannel_logout_session_required,
      post_logout_redirect_uris, metadata, created_at)
    VALUES (@clientId, @clientName, @secretDigest, @redirectUris, @grantTypes, @responseTypes, @scopes,
      @skipConsent, @tokenEndpointAuthMethod, @backchannelLogoutUri, @backchannelLogoutSessionRequired,
      @frontchannelLogoutUri, @frontchannelLogoutSessionRequired, @postLogoutRedirectUris, @metadata, @createdAt)`);
  const find = db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE client_id = ?');
  const list = db.prepare<[], ClientRow>('SELECT * FROM clients ORDER BY created_at, client_id');
  const update = db.prepare(`UPDATE clients SET client_name = @clientName, secret_digest = @secretDigest,
      redirect_uris = @redirectUris, grant_types = @grantTypes, response_types = @responseTypes, scopes = @scopes,
      skip_consent = @skipConsent, token_endpoint_auth_method = @tokenEndpointAuthMethod,
      backchannel_logout_uri = @backchannelLogoutUri, backchannel_logout_session_required = @backchannelLogoutSessionRequired,
      frontchannel_logout_uri = @frontchannelLogoutUri, frontchannel_logout_session_required = @frontchannelLogoutSessionRequired,
      post_logout_redirect_uris = @postLogoutRedirectUris, metadata = @metadata
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
        postLogoutRedirectUris, metadata } = toRow(client);
      return update.run({ clientId, clientName, secretDigest, redirectUris, grantTypes, responseTypes, scopes, skipConsent, tokenEndpointAuthMethod,
        backchannelLogoutUri, backchannelLogoutSessionRequired, frontchannelLogoutUri, frontchannelLogoutSessionRequired,
        postLogoutRedirectUris, metadata }).changes > 0;
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
  };
}
