// Signing keys shared by every node (RFC 7517 JWK Set): listed until removeAfter, then purged.
import type { Database } from 'better-sqlite3';
import type { SigningKeyStore } from '../ports.js';
import type { SigningKeyRecord } from '../records.js';
import { insertUnique } from './sqlite-values.js';
import { purgeInSlices } from './purge-slices.js';

interface SigningKeyRow {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  activates_at: number;
  retired_at: number | null;
  remove_after: number | null;
}

function toSigningKey(row: SigningKeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    privateJwk: row.private_jwk,
    publicJwk: row.public_jwk,
    createdAt: row.created_at,
    activatesAt: row.activates_at,
    retiredAt: row.retired_at,
    removeAfter: row.remove_after,
  };
}

export function createSigningKeyStore(db: Database): SigningKeyStore {
  const insert = db.prepare(`INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at,
      activates_at, retired_at, remove_after)
    VALUES (@kid, @alg, @privateJwk, @publicJwk, @createdAt, @activatesAt, @retiredAt, @removeAfter)`);
  const list = db.prepare<[number], SigningKeyRow>(`SELECT * FROM signing_keys
    WHERE remove_after IS NULL OR remove_after > ?
    ORDER BY created_at DESC, activates_at DESC, kid`);
  const retire = db.prepare<[number, number, string]>(
    'UPDATE signing_keys SET retired_at = ?, remove_after = ? WHERE kid = ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM signing_keys WHERE kid IN
    (SELECT kid FROM signing_keys WHERE remove_after <= ? LIMIT ?)`);

  return {
    async insert(key) {
      insertUnique(() => insert.run(key), 'signing key');
    },
    async list(now) {
      return list.all(now).map(toSigningKey);
    },
    async retire(kid, retiredAt, removeAfter) {
      retire.run(retiredAt, removeAfter, kid);
    },
    async purgeExpired(now, limit) {
      return purgeInSlices((at, rows) => purge.run(at, rows).changes, now, limit);
    },
  };
}
