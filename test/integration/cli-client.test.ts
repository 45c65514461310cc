// `gatehouse client create|list|delete` against a real SQLite file, through the compiled bin.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { runCli, assertOneLineError, tempDatabase, parseJson, type ClientJson } from './cli-harness.js';

describe('gatehouse client', () => {
  const db = tempDatabase();
  const create = (...args: string[]) => runCli(['client', 'create', '--database', db.database, ...args]);
  after(() => db.remove());

  describe('create', () => {
    let confidential: ClientJson;
    before(async () => {
      confidential = parseJson<ClientJson>(await create('--name', 'Web App', '--redirect-uri', 'https://app.example/cb', '--json'));
    });

    it('prints exactly one JSON object with the registered metadata and a one-time secret (RFC 7591 §3.2.1)', () => {
      assert.deepEqual(Object.keys(confidential), [
        'client_id', 'client_secret', 'client_name', 'redirect_uris', 'grant_types', 'scope', 'token_endpoint_auth_method',
        'post_logout_redirect_uris',
      ]);
      assert.match(confidential.client_id, /^[A-Za-z0-9_-]{22}$/);
      assert.match(confidential.client_secret ?? '', /^gh_cs_[A-Za-z0-9_-]{43}$/);
      assert.equal(confidential.client_name, 'Web App');
      assert.deepEqual(confidential.redirect_uris, ['https://app.example/cb']);
      assert.deepEqual(confidential.grant_types, ['authorization_code', 'refresh_token']);
      assert.equal(confidential.scope, 'openid profile email offline_access');
      assert.equal(confidential.token_endpoint_auth_method, 'client_secret_basic');
    });

    it('stores the client secret only as its SHA-256 digest, never in clear', () => {
      const files = readdirSync(db.dir).map((f) => readFileSync(join(db.dir, f)));
      const all = Buffer.concat(files);
      assert.ok(all.includes(confidential.client_id), 'the database file holds the client');
      assert.ok(!all.includes(confidential.client_secret ?? 'missing'), 'the secret must not be stored');
      const digest = createHash('sha256').update(confidential.client_secret ?? '').digest('hex');
      assert.ok(all.includes(digest), 'the digest is what is stored');
    });

    it('registers a public client with a private-use scheme and no secret (RFC 8252 §7.1, §8.4)', async () => {
      const client = parseJson<ClientJson>(await create('--name', 'Phone', '--public', '--redirect-uri', 'com.example.app:/oauth/cb', '--json'));
      assert.equal(client.client_secret, undefined);
      assert.equal('client_secret' in client, false);
      assert.equal(client.token_endpoint_auth_method, 'none');
      assert.deepEqual(client.redirect_uris, ['com.example.app:/oauth/cb']);
    });

    it('accepts http redirect URIs only on loopback hosts (RFC 8252 §7.3)', async () => {
      const uris = ['http://localhost:8080/cb', 'http://127.0.0.1/cb', 'http://[::1]:9000/cb'];
      const client = parseJson<ClientJson>(await create('--name', 'Dev', ...uris.flatMap((u) => ['--redirect-uri', u]), '--json'));
      assert.deepEqual(client.redirect_uris, uris);
    });

    it('honours --grant-type and --scope, needing no redirect URI for client_credentials', async () => {
      const client = parseJson<ClientJson>(await create('--name', 'Batch', '--grant-type', 'client_credentials', '--scope', 'api:read api:write', '--json'));
      assert.deepEqual(client.grant_types, ['client_credentials']);
      assert.deepEqual(client.redirect_uris, []);
      assert.equal(client.scope, 'api:read api:write');
    });

    it('prints a readable block that warns the secret is shown once', async () => {
      const result = await create('--name', 'Readable', '--redirect-uri', 'https://r.example/cb', '--skip-consent');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /client_id: +[A-Za-z0-9_-]{22}/);
      assert.match(result.stdout, /client_secret: +gh_cs_/);
      assert.match(result.stdout, /shown only this once/);
    });

    it('registers a public implicit client with --response-type "id_token token", the grant type implicit following (RFC 7591 §2.1, OIDC Core §3.2)', async () => {
      const created = parseJson<ClientJson>(await create('--name', 'Legacy SPA', '--public', '--response-type', 'id_token token',
        '--redirect-uri', 'http://localhost:3000/implicit-callback', '--json'));
      assert.deepEqual(created.grant_types, ['implicit']);
      const shown = parseJson<ClientJson & { response_types: string[] }>(await runCli(['client', 'show', '--database', db.database, created.client_id, '--json']));
      assert.deepEqual(shown.response_types, ['id_token token']);
      const text = await runCli(['client', 'show', '--database', db.database, created.client_id]);
      assert.match(text.stdout, /response_types: +id_token token/);
    });

    it('update --response-type adds an implicit response type with its grant, and --response-type code takes it away (RFC 7591 §2.1)', async () => {
      const created = parseJson<ClientJson>(await create('--name', 'Both', '--redirect-uri', 'https://both.example/cb', '--json'));
      const update = (...args: string[]) => runCli(['client', 'update', '--database', db.database, created.client_id, ...args]);
      const show = async () => parseJson<ClientJson & { response_types: string[] }>(await runCli(['client', 'show', '--database', db.database, created.client_id, '--json']));
      assert.equal((await update('--response-type', 'code', '--response-type', 'id_token')).code, 0);
      assert.deepEqual((await show()).response_types, ['code', 'id_token']);
      assert.deepEqual((await show()).grant_types, ['authorization_code', 'refresh_token', 'implicit']);
      assert.equal((await update('--response-type', 'code')).code, 0);
      assert.deepEqual((await show()).response_types, ['code']);
      assert.deepEqual((await show()).grant_types, ['authorization_code', 'refresh_token']);
      assertOneLineError(await update('--grant-type', 'authorization_code', '--response-type', 'code', '--response-type', 'id_token token'), 2,
        /response type id_token token needs the implicit grant type \(RFC 7591 §2\.1\)/);
    });

    const refused: Array<{ name: string; args: string[]; message: RegExp }> = [
      { name: 'a malformed redirect URI', args: ['--redirect-uri', 'not a uri'], message: /'not a uri' is not an absolute URI/ },
      { name: 'a relative redirect URI', args: ['--redirect-uri', '/cb'], message: /not an absolute URI/ },
      { name: 'a redirect URI with a fragment (RFC 6749 §3.1.2)', args: ['--redirect-uri', 'https://a.example/cb#x'], message: /fragment/ },
      { name: 'an http redirect URI on a non-loopback host (RFC 9700 §2.1)', args: ['--redirect-uri', 'http://app.example/cb'], message: /must use https/ },
      { name: 'a private-use scheme for a confidential client', args: ['--redirect-uri', 'com.example.app:/cb'], message: /public native clients/ },
      { name: 'a private-use scheme without a period (RFC 8252 §7.1)', args: ['--public', '--redirect-uri', 'myapp:/cb'], message: /RFC 8252 §7.1/ },
      { name: 'client_credentials for a public client', args: ['--public', '--grant-type', 'client_credentials'], message: /public client cannot use client_credentials/ },
      { name: 'an unknown grant type', args: ['--redirect-uri', 'https://a.example/cb', '--grant-type', 'password'], message: /unsupported grant type 'password'/ },
      { name: 'authorization_code without a redirect URI', args: [], message: /at least one --redirect-uri/ },
      { name: 'an implicit response type without the implicit grant (RFC 7591 §2.1)', args: ['--redirect-uri', 'https://a.example/cb', '--grant-type', 'authorization_code', '--response-type', 'code', '--response-type', 'id_token'], message: /response type id_token needs the implicit grant type/ },
      { name: 'the implicit grant without an id_token response type (RFC 7591 §2.1)', args: ['--redirect-uri', 'https://a.example/cb', '--grant-type', 'implicit', '--response-type', 'code'], message: /response type code needs the authorization_code grant/ },
      { name: 'response type token alone (OIDC Core §3.2)', args: ['--redirect-uri', 'https://a.example/cb', '--response-type', 'token'], message: /unsupported response type 'token'/ },
      { name: 'a scope with a forbidden character (RFC 6749 §3.3)', args: ['--redirect-uri', 'https://a.example/cb', '--scope', 'openid "x"'], message: /invalid scope/ },
    ];
    for (const { name, args, message } of refused) {
      it(`refuses ${name} with exit code 2`, async () => {
        assertOneLineError(await create('--name', 'Bad', ...args), 2, message);
      });
    }

    it('refuses a missing --name and an unknown option with exit code 2', async () => {
      assertOneLineError(await create('--redirect-uri', 'https://a.example/cb'), 2, /missing --name/);
      assertOneLineError(await create('--name', 'X', '--redirect-url', 'https://a.example/cb'), 2, /unknown option '--redirect-url'/);
    });
  });

  describe('list and delete', () => {
    it('lists clients without secrets, and deletes one by id', async () => {
      const made = parseJson<ClientJson>(await create('--name', 'Doomed', '--redirect-uri', 'https://d.example/cb', '--json'));
      const listed = parseJson<Array<Record<string, unknown>>>(await runCli(['client', 'list', '--json', '--database', db.database]));
      const entry = listed.find((c) => c.client_id === made.client_id);
      assert.equal(entry?.client_name, 'Doomed');
      assert.ok(listed.every((c) => !('client_secret' in c)));

      const table = await runCli(['client', 'list', '--database', db.database]);
      assert.match(table.stdout, new RegExp(`^${made.client_id}\\s+Doomed`, 'm'));

      const deleted = await runCli(['client', 'delete', made.client_id, '--database', db.database]);
      assert.equal(deleted.code, 0, deleted.stderr);
      const after = parseJson<Array<Record<string, unknown>>>(await runCli(['client', 'list', '--json', '--database', db.database]));
      assert.equal(after.some((c) => c.client_id === made.client_id), false);
    });

    it('fails with one line and exit code 1 for an unknown client id', async () => {
      assertOneLineError(await runCli(['client', 'delete', 'nope', '--database', db.database]), 1, /^gatehouse: unknown client 'nope'$/);
    });

    it('needs exactly one client id', async () => {
      assertOneLineError(await runCli(['client', 'delete', '--database', db.database]), 2, /missing CLIENT_ID/);
      assertOneLineError(await runCli(['client', 'delete', 'a', 'b', '--database', db.database]), 2, /unexpected argument 'b'/);
    });
  });
});
