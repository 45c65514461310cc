// Upgrading a PostgreSQL schema written before signing keys were encrypted (issue 9): migration 2
// applies over the old schema, the first start seals the plaintext key in its row, and the key
// still signs what its public half verifies.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { migrations } from '../../src/storage/postgres/migrations.js';
import { createKeySealer } from '../../src/keys/key-encryption.js';
import { createSigningKeySet, prepareSigningKeys } from '../../src/keys/signing-keys.js';
import { systemClock } from '../../src/lib/clock.js';
import { adminQuery, dropSchema, postgresUrl, uniqueSchema } from './postgres-fixture.js';

describe('PostgreSQL: plaintext signing keys of an older schema (issue 9)', () => {
  const schema = uniqueSchema();
  after(() => dropSchema(schema));

  it('seals them on the first start with a key-encryption key, and they still sign', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), alg: 'RS256', use: 'sig' };
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
    // The schema as version 1 left it.
    await adminQuery(`CREATE SCHEMA ${schema}`);
    await adminQuery(`SET search_path TO ${schema}; ${migrations[0]}`);
    await adminQuery(`CREATE TABLE ${schema}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const now = Math.floor(Date.now() / 1000) - 10;
    await adminQuery(`INSERT INTO ${schema}.signing_keys (kid, alg, private_jwk, public_jwk, created_at, activates_at) VALUES ($1, 'RS256', $2, $3, $4, $4)`,
      [kid, JSON.stringify(privateJwk), JSON.stringify({ ...publicJwk, kid }), now]);
    await adminQuery(`INSERT INTO ${schema}.schema_migrations (version) VALUES (1)`);

    const storage = await openPostgresStorage(postgresUrl, { schema, poolSize: 2 });
    try {
      const sealer = createKeySealer(randomBytes(32));
      // The RS256-only store of an older version also gains a key for each other algorithm.
      assert.deepEqual(await prepareSigningKeys(storage.signingKeys, systemClock, sealer), { sealed: 1, created: false, added: ['PS256', 'ES256', 'EdDSA'] });
      const [row] = await adminQuery<{ private_key: string }>(`SELECT private_key FROM ${schema}.signing_keys WHERE kid = $1`, [kid]);
      assert.match(row!.private_key, /^gh1\./);
      assert.ok(!row!.private_key.includes(privateJwk.d!));
      const keys = createSigningKeySet(storage.signingKeys, systemClock, 60, sealer);
      const signer = await keys.signingKey();
      assert.equal(signer.kid, kid);
      const jws = await signer.sign({ typ: 'JWT' }, { sub: 'x' });
      await jwtVerify(jws, await importJWK(publicJwk, 'RS256'));
      const added = (await storage.signingKeys.list(now)).filter((k) => k.kid !== kid);
      assert.deepEqual(added.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'PS256']);
      assert.ok(added.every((k) => k.activatesAt < now), 'backdated below the legacy key: a node of the older version keeps choosing RS256');
      assert.equal((await keys.signingKey('ES256')).alg, 'ES256', 'and they sign at once');
      keys.close();
      assert.deepEqual(await prepareSigningKeys(storage.signingKeys, systemClock, sealer), { sealed: 0, created: false, added: [] }, 'sealed once');
      await assert.rejects(prepareSigningKeys(storage.signingKeys, systemClock, createKeySealer(randomBytes(32))), /was encrypted with key-encryption key/);
    } finally {
      await storage.close();
    }
  });
});
