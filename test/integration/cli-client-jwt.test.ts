// `gatehouse client create|update|rotate-secret` for private_key_jwt and client_secret_jwt
// (RFC 7523 §2.2, OIDC Core §9, OIDC Registration §2 jwks / jwks_uri), through the compiled bin.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStorage } from '../../src/storage/create-storage.js';
import { silentLogger } from '../../src/lib/logger.js';
import { loadKeyEncryptionKey } from '../../src/keys/key-encryption-key.js';
import { openClientSecret } from '../../src/keys/client-secret-seal.js';
import { runCli, assertOneLineError, tempDatabase, parseJson, type ClientJson } from './cli-harness.js';
import { clientKey } from '../support/jwt-client.js';

describe('gatehouse client with JWT client authentication', () => {
  const db = tempDatabase();
  const cli = (...args: string[]) => runCli([...args, '--database', db.database]);
  after(() => db.remove());

  async function stored(clientId: string) {
    const storage = await createStorage({ databaseUrl: db.database, logger: silentLogger() });
    try {
      return (await storage.clients.find(clientId))!;
    } finally {
      await storage.close();
    }
  }

  it('creates a private_key_jwt client from a JWK Set file, with no secret (OIDC Core §9)', async () => {
    const key = await clientKey('ES256');
    const file = join(db.dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [key.jwk] }));
    const created = parseJson<ClientJson & { jwks?: unknown }>(await cli('client', 'create', '--name', 'Enterprise', '--redirect-uri', 'https://rp.example/cb',
      '--auth-method', 'private_key_jwt', '--jwks-file', file, '--json'));
    assert.equal(created.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(created.client_secret, undefined);
    assert.deepEqual(created.jwks, { keys: [key.jwk] });
    const record = await stored(created.client_id);
    assert.equal(record.secretDigest, null);
    const updated = parseJson<ClientJson & { jwks_uri?: string; jwks?: unknown }>(await cli('client', 'update', created.client_id,
      '--jwks-uri', 'https://rp.example/jwks', '--json'));
    assert.equal(updated.jwks_uri, 'https://rp.example/jwks');
    assert.equal(updated.jwks, undefined, 'a jwks_uri replaces the keys by value');
    assertOneLineError(await cli('client', 'rotate-secret', created.client_id), 1, /authenticates with its keys/);
  });

  it('refuses a private_key_jwt client without keys, private or symmetric keys, and a plain-http jwks_uri', async () => {
    const base = ['client', 'create', '--name', 'x', '--redirect-uri', 'https://rp.example/cb', '--auth-method', 'private_key_jwt'];
    assertOneLineError(await cli(...base), 2, /needs the client's public keys/);
    assertOneLineError(await cli(...base, '--jwks-uri', 'http://rp.example/jwks'), 2, /must use https/);
    const file = join(db.dir, 'secret.json');
    writeFileSync(file, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
    assertOneLineError(await cli(...base, '--jwks-file', file), 2, /kty oct is not allowed/);
    const key = await clientKey('RS256');
    const { exportJWK } = await import('jose');
    writeFileSync(file, JSON.stringify({ keys: [await exportJWK(key.privateKey)] }));
    assertOneLineError(await cli(...base, '--jwks-file', file), 2, /private key material/);
  });

  it('creates a client_secret_jwt client whose secret is sealed with the key-encryption key, never in clear (RFC 7523 §3)', async () => {
    const created = parseJson<ClientJson>(await cli('client', 'create', '--name', 'HMAC', '--redirect-uri', 'https://rp.example/cb',
      '--auth-method', 'client_secret_jwt', '--json'));
    const secret = created.client_secret!;
    assert.match(secret, /^gh_cs_/);
    const record = await stored(created.client_id);
    const sealer = loadKeyEncryptionKey({ databaseUrl: db.database }).sealer;
    assert.equal(openClientSecret(sealer, created.client_id, record.metadata.sealedClientSecret!), secret);
    const files = readdirSync(db.dir).filter((f) => f.startsWith('db')).map((f) => readFileSync(join(db.dir, f)));
    assert.ok(!Buffer.concat(files).includes(secret), 'the secret is not stored in clear');
    const rotated = parseJson<{ client_secret: string }>(await cli('client', 'rotate-secret', created.client_id, '--json'));
    const after = await stored(created.client_id);
    assert.equal(openClientSecret(sealer, created.client_id, after.metadata.sealedClientSecret!), rotated.client_secret);
    // Back to client_secret_basic: the sealed copy goes.
    parseJson(await cli('client', 'update', created.client_id, '--auth-method', 'client_secret_basic', '--json'));
    assert.equal((await stored(created.client_id)).metadata.sealedClientSecret, undefined);
  });
});
