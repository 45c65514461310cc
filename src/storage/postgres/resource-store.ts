// Registered resources (RFC 8707) in PostgreSQL: one row per API, keyed by its normalised identifier.
import type pg from 'pg';
import type { ResourceStore } from '../ports.js';
import type { ResourceRecord } from '../records.js';
import { query } from './connection.js';

type Row = Record<string, unknown>;

function toRecord(r: Row): ResourceRecord {
  return {
    identifier: r.identifier as string, name: (r.name ?? null) as string | null, scopes: r.scopes as string[],
    tokenFormat: r.token_format as 'jwt' | 'opaque', accessTokenTtl: r.access_token_ttl === null ? null : Number(r.access_token_ttl),
    introspectionSecretDigest: (r.introspection_secret_digest ?? null) as string | null,
    createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

function values(r: ResourceRecord): unknown[] {
  return [r.identifier, r.name, r.scopes, r.tokenFormat, r.accessTokenTtl, r.introspectionSecretDigest, r.createdAt, r.updatedAt];
}

export function createResourceStore(pool: pg.Pool): ResourceStore {
  return {
    async insert(resource) {
      await query(pool, {
        text: `INSERT INTO resources (identifier, name, scopes, token_format, access_token_ttl, introspection_secret_digest, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        values: values(resource),
      });
    },
    async find(identifier) {
      const { rows } = await query(pool, { text: 'SELECT * FROM resources WHERE identifier = $1', values: [identifier] });
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async list() {
      const { rows } = await query(pool, { text: 'SELECT * FROM resources ORDER BY identifier COLLATE "C"', values: [] });
      return rows.map(toRecord);
    },
    async update(resource) {
      const result = await query(pool, {
        text: `UPDATE resources SET name = $2, scopes = $3, token_format = $4, access_token_ttl = $5,
          introspection_secret_digest = $6, updated_at = $7 WHERE identifier = $1`,
        values: [...values(resource).slice(0, 6), resource.updatedAt],
      });
      return (result.rowCount ?? 0) > 0;
    },
    async delete(identifier) {
      const result = await query(pool, { text: 'DELETE FROM resources WHERE identifier = $1', values: [identifier] });
      return (result.rowCount ?? 0) > 0;
    },
  };
}
