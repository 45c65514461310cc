// `gatehouse client update|rotate-secret`, `--auth-method`, and `--` before an id that starts with
// '-', through the compiled bin against a SQLite file a running server also uses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, tempDatabase, parseJson, type ClientJson } from './cli-harness.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { clientRecord } from '../storage-contract/fixtures.js';

describe('gatehouse client update, rotate-secret and --auth-method', () => {
  const db = tempDatabase();
  let server: TestServer;
  const cli = (group: string, command: string, ...args: string[]) => runCli([group, command, '--database', db.database, ...args]);
  const create = async (...args: string[]) => parseJson<ClientJson>(await cli('client', 'create', '--json', ...args));

  /** client_credentials at the running server's token endpoint, authenticating as `how`. */
  async function tokenStatus(clientId: string, secret: string, how: 'basic' | 'post'): Promise<number> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api' });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (how === 'basic') headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    else { body.set('client_id', clientId); body.set('client_secret', secret); }
    const response = await fetch(`${server.issuer}/token`, { method: 'POST', headers, body });
    await response.arrayBuffer();
    return response.status;
  }

  before(async () => {
    // The server opens (and migrates) the file first; the CLI then works on the same database.
    server = await startGatehouse({ databaseUrl: db.database, redisUrl: undefined });
  });
  after(async () => {
    await server.close();
    db.remove();
  });

  it('registers client_secret_post, which the token endpoint then enforces (RFC 7591 §2, RFC 6749 §2.3.1)', async () => {
    const client = await create('--name', 'Post', '--grant-type', 'client_credentials', '--scope', 'api', '--auth-method', 'client_secret_post');
    assert.equal(client.token_endpoint_auth_method, 'client_secret_post');
    assert.equal(await tokenStatus(client.client_id, client.client_secret ?? '', 'post'), 200);
    assert.equal(await tokenStatus(client.client_id, client.client_secret ?? '', 'basic'), 401);
  });

  it('refuses an unknown auth method and --public with a secret method (exit 2)', async () => {
    assertOneLineError(await cli('client', 'create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--auth-method', 'tls_client_auth'), 2,
      /unsupported token endpoint auth method 'tls_client_auth'/);
    assertOneLineError(await cli('client', 'create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--public', '--auth-method', 'client_secret_post'), 2,
      /--public means --auth-method none/);
  });

  it('rotate-secret prints a new secret once; the old one fails at the running server at once (RFC 6749 §2.3.1)', async () => {
    const client = await create('--name', 'Rotating', '--grant-type', 'client_credentials', '--scope', 'api');
    const old = client.client_secret ?? '';
    assert.equal(await tokenStatus(client.client_id, old, 'basic'), 200); // the server has the client cached now
    const rotated = parseJson<{ client_id: string; client_secret: string }>(await cli('client', 'rotate-secret', client.client_id, '--json'));
    assert.equal(rotated.client_id, client.client_id);
    assert.match(rotated.client_secret, /^gh_cs_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(rotated.client_secret, old);
    assert.equal(await tokenStatus(client.client_id, old, 'basic'), 401);
    assert.equal(await tokenStatus(client.client_id, rotated.client_secret, 'basic'), 200);
    const stored = await server.storage.clients.find(client.client_id);
    assert.equal(JSON.stringify(stored).includes(rotated.client_secret), false, 'only the digest is stored');

    const text = await cli('client', 'rotate-secret', client.client_id);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /client_secret: +gh_cs_/);
    assert.match(text.stdout, /shown only this once/);
  });

  it('rotate-secret refuses a public client and an unknown id (exit 1)', async () => {
    const pub = await create('--name', 'Phone', '--public', '--redirect-uri', 'com.example.app:/cb');
    assertOneLineError(await cli('client', 'rotate-secret', pub.client_id), 1, /is public \(auth method none\): it has no secret to rotate/);
    assertOneLineError(await cli('client', 'rotate-secret', 'nope'), 1, /unknown client 'nope'/);
  });

  it('update changes what is given, keeps the rest and the secret, and the running server sees it (issue 9)', async () => {
    const client = await create('--name', 'Before', '--redirect-uri', 'https://a.example/cb', '--grant-type', 'authorization_code',
      '--grant-type', 'client_credentials', '--scope', 'openid api');
    assert.equal(await tokenStatus(client.client_id, client.client_secret ?? '', 'basic'), 200);
    const updated = parseJson<ClientJson>(await cli('client', 'update', client.client_id, '--name', 'After',
      '--redirect-uri', 'https://b.example/cb', '--redirect-uri', 'http://localhost:9/cb', '--scope', 'api',
      '--skip-consent', '--auth-method', 'client_secret_post', '--json'));
    assert.deepEqual(updated, {
      client_id: client.client_id, client_name: 'After', redirect_uris: ['https://b.example/cb', 'http://localhost:9/cb'],
      grant_types: ['authorization_code', 'client_credentials'], scope: 'api', token_endpoint_auth_method: 'client_secret_post',
      post_logout_redirect_uris: [],
    });
    const stored = await server.storage.clients.find(client.client_id);
    assert.equal(stored?.skipConsent, true);
    // The same secret, now only by the newly registered method.
    assert.equal(await tokenStatus(client.client_id, client.client_secret ?? '', 'basic'), 401);
    assert.equal(await tokenStatus(client.client_id, client.client_secret ?? '', 'post'), 200);

    await cli('client', 'update', client.client_id, '--require-consent');
    assert.equal((await server.storage.clients.find(client.client_id))?.skipConsent, false);
    assert.equal((await server.storage.clients.find(client.client_id))?.clientName, 'After');
  });

  it('update makes a public client confidential with a secret shown once, and back (RFC 6749 §2.1)', async () => {
    const pub = await create('--name', 'Phone', '--public', '--redirect-uri', 'https://p.example/cb');
    const confidential = parseJson<ClientJson>(await cli('client', 'update', pub.client_id, '--auth-method', 'client_secret_basic', '--json'));
    assert.match(confidential.client_secret ?? '', /^gh_cs_/);
    const again = parseJson<ClientJson>(await cli('client', 'update', pub.client_id, '--auth-method', 'none', '--json'));
    assert.equal('client_secret' in again, false);
    assert.equal((await server.storage.clients.find(pub.client_id))?.secretDigest, null);
  });

  it('update refuses what create refuses (exit 2), nothing to change (exit 2), and an unknown id (exit 1)', async () => {
    const client = await create('--name', 'Strict', '--redirect-uri', 'https://s.example/cb');
    assertOneLineError(await cli('client', 'update', client.client_id, '--redirect-uri', 'http://evil.example/cb'), 2, /must use https/);
    assertOneLineError(await cli('client', 'update', client.client_id, '--grant-type', 'password'), 2, /unsupported grant type 'password'/);
    assertOneLineError(await cli('client', 'update', client.client_id), 2, /nothing to change/);
    assertOneLineError(await cli('client', 'update', client.client_id, '--skip-consent', '--require-consent'), 2, /either --skip-consent or --require-consent/);
    assertOneLineError(await cli('client', 'update', 'nope', '--name', 'X'), 1, /unknown client 'nope'/);
    assert.deepEqual((await server.storage.clients.find(client.client_id))?.redirectUris, ['https://s.example/cb']);
  });

  it('every generated client id starts with a letter or digit, so it is never read as an option (issue 9)', async () => {
    // Every id the command made in this file, plus 24 more: with plain base64url one in 32 would
    // start with '-' or '_' (the unit test of randomIdentifier draws thousands).
    const result = [];
    for (let i = 0; i < 24; i++) result.push(await create('--name', 'Many', '--grant-type', 'client_credentials', '--scope', 'api'));
    const listed = parseJson<Array<{ client_id: string }>>(await cli('client', 'list', '--json'));
    assert.ok(listed.length >= result.length);
    for (const { client_id } of listed) assert.match(client_id, /^[A-Za-z0-9]/);
  });

  it("takes '--' before a client id that starts with '-', in update, rotate-secret and delete (issue 9)", async () => {
    // Ids made before the fix can start with '-': they must stay manageable.
    const legacy = clientRecord({ clientId: '-Kx3legacy', grantTypes: ['client_credentials'], responseTypes: [], redirectUris: [] });
    await server.storage.clients.insert(legacy);
    assertOneLineError(await cli('client', 'delete', legacy.clientId), 2, /unknown option '-K'.*'--'/);
    const renamed = parseJson<ClientJson>(await cli('client', 'update', '--name', 'Legacy', '--json', '--', legacy.clientId));
    assert.equal(renamed.client_name, 'Legacy');
    const rotated = parseJson<{ client_id: string }>(await cli('client', 'rotate-secret', '--json', '--', legacy.clientId));
    assert.equal(rotated.client_id, legacy.clientId);
    const deleted = await cli('client', 'delete', '--', legacy.clientId);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /Deleted client '-Kx3legacy'/);
    assert.equal(await server.storage.clients.find(legacy.clientId), null);
  });
});
