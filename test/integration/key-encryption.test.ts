// Private signing keys are encrypted at rest under a key-encryption key (issue 9): nothing in the
// database file opens without it, a wrong one stops the start with one clear line, and keys
// stored in plaintext by an older version are sealed on the next start and keep signing.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, statSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { calculateJwkThumbprint, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { spawn } from 'node:child_process';
import { runCli, tempDatabase, parseJson, assertOneLineError, cleanEnv, cliPath } from './cli-harness.js';
import { startGatehouse, freePort } from '../support/gatehouse.js';
import { obtainTokens } from '../support/flow.js';
import { migrations } from '../../src/storage/sqlite/migrations.js';
import { createKeySealer } from '../../src/keys/key-encryption.js';

/** Everything SQLite keeps for `file`: the database and its write-ahead log. */
function databaseBytes(file: string): string {
  return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
}

describe('signing keys at rest on SQLite (issue 9)', () => {
  const db = tempDatabase();
  after(() => db.remove());
  const kekFile = `${db.file}.kek`;

  it('generates <db>.kek (mode 0600) on first use, says so with its absolute path, and stores no private key material', async () => {
    const listed = await runCli(['keys', 'list', '--json', '--database', db.database]);
    // The RSA key: its private parameters d, p, q are the ones looked for in the file below.
    const key = parseJson<Array<{ kid: string; alg: string }>>(listed).find((k) => k.alg === 'RS256');
    assert.ok(key);
    assert.ok(listed.stderr.includes(`generated a key-encryption key for the signing keys at ${kekFile}`), listed.stderr);
    assert.ok(kekFile.startsWith('/'));
    assert.equal(statSync(kekFile).mode & 0o777, 0o600);

    const stored = new Database(db.file, { readonly: true });
    const row = stored.prepare('SELECT private_key FROM signing_keys WHERE kid = ?').get(key.kid) as { private_key: string };
    stored.close();
    const kek = Buffer.from(readFileSync(kekFile, 'utf8').trim(), 'base64');
    const privateJwk = JSON.parse(createKeySealer(kek).open(key.kid, row.private_key)) as { d: string; p: string; q: string };
    const bytes = databaseBytes(db.file);
    for (const part of [privateJwk.d, privateJwk.p, privateJwk.q]) assert.ok(!bytes.includes(part), 'no private parameter in the file');
    assert.ok(!bytes.includes('"d":') && !bytes.includes('PRIVATE KEY'));

    const again = await runCli(['keys', 'list', '--json', '--database', db.database]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '', 'the existing KEK file is used silently');
  });

  it('refuses to start with a wrong key-encryption key: one line naming the problem, no stack trace', async () => {
    const wrong = { GATEHOUSE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const port = String(await freePort());
    const started = await runCli(['start', '--port', port, '--database', db.database], { env: wrong });
    assertOneLineError(started, 1, /cannot decrypt the stored signing keys: signing key \S+ was encrypted with key-encryption key [0-9a-f]{16}, but the configured one is [0-9a-f]{16}/);
    assertOneLineError(await runCli(['keys', 'list', '--database', db.database], { env: wrong }), 1, /configure the key-encryption key the keys were stored with/);
    assertOneLineError(await runCli(['keys', 'list', '--database', db.database], { env: { GATEHOUSE_KEY_ENCRYPTION_KEY: 'too-short' } }),
      1, /keyEncryptionKey must be 32 random bytes in base64/);
  });

  it('says the .kek file is missing when it was lost, and leaves no wrong one behind', async () => {
    const saved = readFileSync(kekFile);
    rmSync(kekFile);
    try {
      assertOneLineError(await runCli(['keys', 'list', '--database', db.database]), 1,
        new RegExp(`was encrypted with key-encryption key .*: no key-encryption key is configured and ${kekFile.replace(/[.]/g, '\\.')} is missing`));
      assert.ok(!existsSync(kekFile), 'no freshly generated (wrong) key was kept');
    } finally {
      writeFileSync(kekFile, saved, { mode: 0o600 });
    }
    assert.equal((await runCli(['keys', 'list', '--database', db.database])).code, 0, 'the restored file opens the keys again');
  });
});

describe('migrating plaintext signing keys (issue 9)', () => {
  const db = tempDatabase();
  after(() => db.remove());

  it('seals the keys of a database written before encryption on the first start, and they still sign', async () => {
    // A database as the previous version left it: schema 1, the private JWK in plain text.
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
    const old = new Database(db.file);
    old.exec(migrations[0]!.sql);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    old.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(migrations[0]!.name);
    const now = Math.floor(Date.now() / 1000) - 10;
    old.prepare(`INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, activates_at) VALUES (?, 'RS256', ?, ?, ?, ?)`)
      .run(kid, JSON.stringify(privateJwk), JSON.stringify({ ...publicJwk, kid, alg: 'RS256', use: 'sig' }), now, now);
    old.close();
    assert.ok(databaseBytes(db.file).includes(privateJwk.d!), 'the old file holds the private key');

    const server = await startGatehouse({ databaseUrl: db.database });
    try {
      const client = await server.createClient({ skipConsent: true });
      const user = await server.createUser();
      const tokens = await obtainTokens(server, client, user);
      assert.equal(decodeProtectedHeader(tokens.id_token as string).kid, kid, 'the migrated key signs');
      await jwtVerify(tokens.id_token as string, await importJWK(publicJwk, 'RS256'), { issuer: server.issuer, currentDate: new Date(server.clock() * 1000) });
      const row = new Database(db.file, { readonly: true });
      const stored = row.prepare('SELECT private_key FROM signing_keys WHERE kid = ?').get(kid) as { private_key: string };
      row.close();
      assert.match(stored.private_key, /^gh1\./);
    } finally {
      await server.close();
    }
    assert.ok(!databaseBytes(db.file).includes(privateJwk.d!), 'the private key is gone from the file and its log');
  });
});

describe('gatehouse start on a fresh SQLite file (issue 9)', () => {
  const db = tempDatabase();
  after(() => db.remove());

  it('logs the absolute path of the key-encryption key it generated', async () => {
    const port = String(await freePort());
    const child = spawn(process.execPath, [cliPath, 'start', '--port', port, '--database', db.database], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${output}`)), 60_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (output.includes('Gatehouse ready')) { clearTimeout(timer); resolve(); }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}:\n${output}`)); });
      });
    } finally {
      const exited = new Promise((resolve) => { if (child.exitCode !== null) resolve(null); else child.once('exit', resolve); });
      child.kill('SIGTERM');
      await exited;
    }
    assert.ok(output.includes(`generated a key-encryption key for the signing keys at ${db.file}.kek`), output);
    assert.equal(statSync(`${db.file}.kek`).mode & 0o777, 0o600);
  });
});
