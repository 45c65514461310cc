// `gatehouse resource create|list|show|update|delete` and `client --default-resource` (RFC 8707),
// through the compiled bin against a SQLite file a running server also uses: what the CLI
// registers shapes the access tokens, and the secret it prints once introspects (RFC 7662 §2.1).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, tempDatabase, parseJson, type ClientJson } from './cli-harness.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { tokenRequest } from '../support/flow.js';

interface ResourceJson {
  identifier: string; name: string | null; scopes: string[]; token_format: string; access_token_ttl: number | null;
  introspection: boolean; introspection_secret?: string;
}

describe('gatehouse resource', () => {
  const db = tempDatabase();
  let server: TestServer;
  const cli = (...args: string[]) => runCli([...args, '--database', db.database]);

  before(async () => {
    server = await startGatehouse({ databaseUrl: db.database, redisUrl: undefined });
  });
  after(async () => {
    await server.close();
    db.remove();
  });

  async function introspect(token: string, id: string, secret: string): Promise<Record<string, unknown>> {
    const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
    const response = await fetch(`${server.issuer}/introspect`, {
      method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    return await response.json() as Record<string, unknown>;
  }

  it('RFC 8707 §2: creates a resource whose identifier is normalised, with a secret shown once that introspects its tokens', async () => {
    const created = parseJson<ResourceJson>(await cli('resource', 'create', '--identifier', 'HTTPS://API.Example.com/v1', '--scope', 'read',
      '--scope', 'write', '--token-format', 'opaque', '--ttl', '15m', '--name', 'Example API', '--json'));
    assert.equal(created.identifier, 'https://api.example.com/v1');
    assert.deepEqual(created.scopes, ['read', 'write']);
    assert.equal(created.access_token_ttl, 900);
    assert.match(created.introspection_secret ?? '', /^gh_rs_/);

    const shown = parseJson<ResourceJson>(await cli('resource', 'show', 'https://api.example.com/v1', '--json'));
    assert.equal(shown.introspection, true);
    assert.equal(JSON.stringify(shown).includes(created.introspection_secret!), false, 'never shown again');
    const listed = parseJson<ResourceJson[]>(await cli('resource', 'list', '--json'));
    assert.deepEqual(listed.map((r) => r.identifier), ['https://api.example.com/v1']);
    assert.equal(JSON.stringify(listed).includes(created.introspection_secret!), false);

    const client = parseJson<ClientJson>(await cli('client', 'create', '--name', 'Machine', '--redirect-uri', 'https://m.example/cb',
      '--grant-type', 'client_credentials', '--scope', 'read write admin', '--default-resource', 'https://api.example.com/v1', '--json'));
    const shownClient = parseJson<Record<string, unknown>>(await cli('client', 'show', client.client_id, '--json'));
    assert.equal(shownClient.default_resource, 'https://api.example.com/v1');
    const tokens = await tokenRequest(server, { grant_type: 'client_credentials', scope: 'read admin' }, { clientId: client.client_id, clientSecret: client.client_secret! });
    assert.equal(tokens.status, 200);
    assert.equal(tokens.body.scope, 'read', "only the resource's scopes");
    assert.equal(tokens.body.expires_in, 900);
    const answer = await introspect(String(tokens.body.access_token), created.identifier, created.introspection_secret!);
    assert.equal(answer.active, true);
    assert.equal(answer.aud, 'https://api.example.com/v1');
  });

  it('RFC 8707 §2: refuses an identifier with a fragment or that is not absolute, and a duplicate, in one line', async () => {
    assertOneLineError(await cli('resource', 'create', '--identifier', 'https://api.example.com/#x', '--scope', 'read'), 2, /fragment/);
    assertOneLineError(await cli('resource', 'create', '--identifier', 'api.example.com', '--scope', 'read'), 2, /absolute URI/);
    assertOneLineError(await cli('resource', 'create', '--identifier', 'https://api.example.com/v1', '--scope', 'read'), 1, /already exists/);
    assertOneLineError(await cli('resource', 'create', '--identifier', 'https://other.example'), 2, /missing --scope/);
    assertOneLineError(await cli('resource', 'create', '--identifier', 'https://other.example', '--scope', 'x', '--ttl', 'soon'), 2, /--ttl/);
    assertOneLineError(await cli('client', 'create', '--name', 'Bad', '--redirect-uri', 'https://b.example/cb', '--default-resource', 'https://a.example#f'), 2, /fragment/);
  });

  it('updates scopes, format and lifetime, rotates the introspection secret (the old one stops working), and deletes', async () => {
    const created = parseJson<ResourceJson>(await cli('resource', 'create', '--identifier', 'https://jwt.example', '--scope', 'read', '--json'));
    assert.equal(created.token_format, 'jwt', 'jwt by default');
    const updated = parseJson<ResourceJson>(await cli('resource', 'update', 'https://jwt.example', '--scope', 'read write',
      '--token-format', 'opaque', '--ttl', '60', '--rotate-introspect-secret', '--json'));
    assert.deepEqual(updated.scopes, ['read', 'write']);
    assert.equal(updated.token_format, 'opaque');
    assert.equal(updated.access_token_ttl, 60);
    assert.notEqual(updated.introspection_secret, created.introspection_secret);

    const client = parseJson<ClientJson>(await cli('client', 'create', '--name', 'M2', '--redirect-uri', 'https://m2.example/cb',
      '--grant-type', 'client_credentials', '--scope', 'read write', '--json'));
    const tokens = await tokenRequest(server, { grant_type: 'client_credentials', resource: 'https://jwt.example' }, { clientId: client.client_id, clientSecret: client.client_secret! });
    assert.equal(tokens.body.expires_in, 60);
    assert.match(String(tokens.body.access_token), /^gh_at_/);
    assert.equal((await introspect(String(tokens.body.access_token), 'https://jwt.example', updated.introspection_secret!)).active, true);
    const old = await fetch(`${server.issuer}/introspect`, {
      method: 'POST', body: new URLSearchParams({ token: String(tokens.body.access_token) }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent('https://jwt.example')}:${created.introspection_secret}`).toString('base64')}` },
    });
    assert.equal(old.status, 401);

    const removed = await cli('resource', 'delete', 'https://jwt.example');
    assert.equal(removed.code, 0, removed.stderr);
    assertOneLineError(await cli('resource', 'show', 'https://jwt.example'), 1, /unknown resource/);
    const refused = await tokenRequest(server, { grant_type: 'client_credentials', resource: 'https://jwt.example' }, { clientId: client.client_id, clientSecret: client.client_secret! });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_target', 'RFC 8707 §2: a deleted resource is unknown');
  });

  it('creates a resource without introspection, or with a given secret of at least 32 characters', async () => {
    const none = parseJson<ResourceJson>(await cli('resource', 'create', '--identifier', 'urn:example:api', '--scope', 'read', '--no-introspection', '--json'));
    assert.equal(none.introspection, false);
    assert.equal(none.introspection_secret, undefined);
    assertOneLineError(await cli('resource', 'create', '--identifier', 'https://short.example', '--scope', 'read', '--introspect-secret', 'short'), 2, /32 characters/);
    const given = await cli('resource', 'create', '--identifier', 'https://given.example', '--scope', 'read', '--introspect-secret', 'a'.repeat(40));
    assert.equal(given.code, 0, given.stderr);
    assert.equal(given.stdout.includes('a'.repeat(40)), false, 'a given secret is not echoed');
  });
});
