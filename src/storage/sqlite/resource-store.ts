// Registered resources (RFC 8707) in SQLite: one row per API, keyed by its normalised identifier.
import type { Database } from 'better-sqlite3';
import type { ResourceStore } from '../ports.js';
import type { ResourceRecord } from '../records.js';
import { fromJsonArray, insertUnique, toJson } from './sqlite-values.js';

interface Row {
  identifier: string;
  name: string | null;
  scopes: string;
  token_format: string;
  access_token_ttl: number | null;
  introspection_secret_digest: string | null;
  created_at: number;
  updated_at: number;
}

function toRecord(row: Row): ResourceRecord {
  return {
    identifier: row.identifier, name: row.name, scopes: fromJsonArray(row.scopes), tokenFormat: row.token_format as 'jwt' | 'opaque',
    accessTokenTtl: row.access_token_ttl, introspectionSecretDigest: row.introspection_secret_digest,
    createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

function toRow(r: ResourceRecord) {
  return {
    identifier: r.identifier, name: r.name, scopes: toJson(r.scopes), tokenFormat: r.tokenFormat, accessTokenTtl: r.accessTokenTtl,
    secretDigest: r.introspectionSecretDigest, createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

export function createResourceStore(db: Database): ResourceStore {
  const insert = db.prepare(`INSERT INTO resources (identifier, name, scopes, token_format, access_token_ttl,
      introspection_secret_digest, created_at, updated_at)
    VALUES (@identifier, @name, @scopes, @tokenFormat, @accessTokenTtl, @secretDigest, @createdAt, @updatedAt)`);
  const find = db.prepare<[string], Row>('SELECT * FROM resources WHERE identifier = ?');
  const list = db.prepare<[], Row>('SELECT * FROM resources ORDER BY identifier');
  const update = db.prepare(`UPDATE resources SET name = @name, scopes = @scopes, token_format = @tokenFormat,
    access_token_ttl = @accessTokenTtl, introspection_secret_digest = @secretDigest, updated_at = @updatedAt
    WHERE identifier = @identifier`);
  const remove = db.prepare<[string]>('DELETE FROM resources WHERE identifier = ?');
  return {
    async insert(resource) {
      insertUnique(() => insert.run(toRow(resource)), `resource ${resource.identifier}`);
    },
    async find(identifier) {
      const row = find.get(identifier);
      return row ? toRecord(row) : null;
    },
    async list() {
      return list.all().map(toRecord);
    },
    async update(resource) {
      return update.run(toRow(resource)).changes > 0;
    },
    async delete(identifier) {
      return remove.run(identifier).changes > 0;
    },
  };
}
