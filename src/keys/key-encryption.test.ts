import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, isAbsolute } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKeySealer, isPlaintextJwk, KeyEncryptionError } from './key-encryption.js';
import { loadKeyEncryptionKey } from './key-encryption-key.js';

const jwk = JSON.stringify({ kty: 'RSA', kid: 'k1', n: 'nnn', e: 'AQAB', d: 'secret-exponent' });

describe('sealing private keys (AES-256-GCM, NIST SP 800-38D; issue 9)', () => {
  const sealer = createKeySealer(randomBytes(32));

  it('round-trips, with a fresh 96-bit IV and a 128-bit tag per seal, and never shows the plaintext', () => {
    const a = sealer.seal('k1', jwk);
    const b = sealer.seal('k1', jwk);
    assert.notEqual(a, b, 'a fresh IV per seal');
    const [format, kekId, iv, tag] = a.split('.');
    assert.equal(format, 'gh1');
    assert.equal(kekId, sealer.kekId);
    assert.equal(Buffer.from(iv!, 'base64url').length, 12);
    assert.equal(Buffer.from(tag!, 'base64url').length, 16);
    assert.ok(isPlaintextJwk(jwk) && !isPlaintextJwk(a));
    assert.throws(() => sealer.open('k1', 'gh2.x.y.z.w'), /not in a format this version can read/);
    assert.ok(!a.includes('secret-exponent') && !a.includes('"d"'));
    assert.equal(sealer.open('k1', a), jwk);
  });

  it('derives the same secret from the same KEK on every node and start, another per purpose and per KEK (RFC 5869)', () => {
    const kek = randomBytes(32);
    const secret = createKeySealer(kek).deriveSecret('pairwise subject salt');
    assert.equal(secret.length, 32);
    assert.deepEqual(createKeySealer(Buffer.from(kek)).deriveSecret('pairwise subject salt'), secret, 'stable: nothing stored, nothing random');
    assert.notDeepEqual(createKeySealer(kek).deriveSecret('another purpose'), secret);
    assert.notDeepEqual(createKeySealer(randomBytes(32)).deriveSecret('pairwise subject salt'), secret);
    assert.ok(!secret.equals(kek), 'never the KEK itself');
  });

  it('binds the ciphertext to its kid (AAD): a blob moved to another key does not open', () => {
    assert.throws(() => sealer.open('k2', sealer.seal('k1', jwk)), KeyEncryptionError);
  });

  it('detects tampering through the tag', () => {
    const parts = sealer.seal('k1', jwk).split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0]! ^= 1;
    parts[4] = body.toString('base64url');
    assert.throws(() => sealer.open('k1', parts.join('.')), /does not decrypt/);
  });

  it('names both key-encryption key ids when the KEK is not the one that sealed', () => {
    const other = createKeySealer(randomBytes(32));
    assert.throws(() => other.open('k1', sealer.seal('k1', jwk)),
      (error: Error) => error instanceof KeyEncryptionError && error.message.includes(sealer.kekId) && error.message.includes(other.kekId));
  });

  it('refuses a KEK that is not 32 bytes', () => {
    assert.throws(() => createKeySealer(randomBytes(16)), /32 bytes/);
  });
});

describe('finding the key-encryption key (issue 9)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-kek-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const value = randomBytes(32).toString('base64');

  it('takes a base64 value, or base64url, and refuses anything that is not 32 bytes', () => {
    const a = loadKeyEncryptionKey({ keyEncryptionKey: value, databaseUrl: 'postgres://x/y' });
    const b = loadKeyEncryptionKey({ keyEncryptionKey: Buffer.from(value, 'base64').toString('base64url'), databaseUrl: 'postgres://x/y' });
    assert.equal(a.sealer.kekId, b.sealer.kekId);
    assert.throws(() => loadKeyEncryptionKey({ keyEncryptionKey: 'c2hvcnQ=', databaseUrl: 'sqlite::memory:' }), /32 random bytes in base64/);
    assert.throws(() => loadKeyEncryptionKey({ keyEncryptionKey: value, keyEncryptionKeyFile: '/x', databaseUrl: 'sqlite::memory:' }), /not both/);
  });

  it('reads keyEncryptionKeyFile, and warns when others can read it', () => {
    const file = join(dir, 'kek');
    writeFileSync(file, `${value}\n`, { mode: 0o644 });
    const loaded = loadKeyEncryptionKey({ keyEncryptionKeyFile: file, databaseUrl: 'postgres://x/y' });
    assert.equal(loaded.sealer.kekId, loadKeyEncryptionKey({ keyEncryptionKey: value, databaseUrl: 'postgres://x/y' }).sealer.kekId);
    assert.match(loaded.warning ?? '', /readable by others/);
    assert.throws(() => loadKeyEncryptionKey({ keyEncryptionKeyFile: join(dir, 'missing'), databaseUrl: 'postgres://x/y' }), /cannot read .*ENOENT/);
  });

  it('requires one with PostgreSQL, saying how to make it', () => {
    assert.throws(() => loadKeyEncryptionKey({ databaseUrl: 'postgres://127.0.0.1/test' }),
      (error: Error) => error instanceof KeyEncryptionError && /required with postgres/.test(error.message) && /GATEHOUSE_KEY_ENCRYPTION_KEY/.test(error.message));
  });

  it('generates <db>.kek with mode 0600 beside a SQLite file once, names its absolute path, and reuses it', () => {
    const first = loadKeyEncryptionKey({ databaseUrl: `sqlite:${join(dir, 'g.db')}` });
    const file = `${join(dir, 'g.db')}.kek`;
    assert.equal(first.generatedFile, file);
    assert.ok(isAbsolute(first.generatedFile!));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
    const second = loadKeyEncryptionKey({ databaseUrl: `sqlite:${join(dir, 'g.db')}` });
    assert.equal(second.generatedFile, undefined, 'not generated again');
    assert.equal(second.sealer.kekId, first.sealer.kekId);
    assert.equal(second.warning, undefined);
  });

  it('uses a throwaway key for an in-memory database, writing nothing', () => {
    const loaded = loadKeyEncryptionKey({ databaseUrl: 'sqlite::memory:' });
    assert.equal(loaded.generatedFile, undefined);
  });
});
