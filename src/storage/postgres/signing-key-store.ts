// Signing keys in PostgreSQL, shared by every node so a rotation on one is seen by all: a
// trigger NOTIFYs every change, and key-change-listener.ts passes it on to watchers. The private
// key is an opaque sealed blob (keys/key-encryption.ts).
import type pg from 'pg';
import type { SigningKeyStore } from '../ports.js';
import { query } from './connection.js';
import type { KeyChangeListener } from './key-change-listener.js';
import { purgeBatch } from './purge.js';
import { toSigningKey } from './rows.js';

export function createSigningKeyStore(pool: pg.Pool, changes: KeyChangeListener): SigningKeyStore {
  return {
    async insert(k) {
      await query(pool, {
        text: `INSERT INTO signing_keys (kid, alg, private_key, public_jwk, created_at, activates_at, retired_at, remove_after)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        values: [k.kid, k.alg, k.privateKey, k.publicJwk, k.createdAt, k.activatesAt, k.retiredAt, k.removeAfter],
      });
    },
    async list(now) {
      const { rows } = await query(pool, {
        name: 'signing_keys_list',
        text: `SELECT * FROM signing_keys WHERE remove_after IS NULL OR remove_after > $1
          ORDER BY created_at DESC, activates_at DESC, kid`,
        values: [now],
      });
      return rows.map(toSigningKey);
    },
    async retire(kid, retiredAt, removeAfter) {
      await query(pool, {
        text: 'UPDATE signing_keys SET retired_at = $2, remove_after = $3 WHERE kid = $1',
        values: [kid, retiredAt, removeAfter],
      });
    },
    purgeExpired: (now, limit) => purgeBatch(pool, 'signing_keys', now, limit),
    async replacePrivateKey(kid, expected, replacement) {
      const { rowCount } = await query(pool, {
        text: 'UPDATE signing_keys SET private_key = $3 WHERE kid = $1 AND private_key = $2',
        values: [kid, expected, replacement],
      });
      return rowCount === 1;
    },
    watch: (listener) => changes.watch(listener),
  };
}
