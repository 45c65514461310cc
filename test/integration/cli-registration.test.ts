// `gatehouse registration token create|list|revoke` (RFC 7591 §3 initial access tokens) and
// `gatehouse client show` / the metadata flags, through the compiled bin against a SQLite file a
// running server with registration.policy initial_access_token also uses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, tempDatabase, parseJson, type ClientJson } from './cli-harness.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';

describe('gatehouse registration token and client show', () => {
  const db = tempDatabase();
  let server: TestServer;
  const cli = (...args: string[]) => runCli([...args, '--database', db.database]);

  const register = (token: string) => fetch(`${server.issuer}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ client_name: 'Via token', redirect_uris: ['https://app.example/cb'] }),
  });

  before(async () => {
    server = await startGatehouse({ databaseUrl: db.database, redisUrl: undefined, registration: { policy: 'initial_access_token' } });
  });
  after(async () => {
    await server.close();
    db.remove();
  });

  it('prints an initial access token once that registers as many clients as --uses allows (RFC 7591 §3)', async () => {
    const created = parseJson<{ token_id: string; initial_access_token: string; uses_left: number }>(await cli('registration', 'token', 'create', '--uses', '1', '--json'));
    assert.match(created.initial_access_token, /^gh_iat_/);
    assert.equal(created.uses_left, 1);
    const listed = parseJson<Array<{ token_id: string }>>(await cli('registration', 'token', 'list', '--json'));
    assert.ok(listed.some((t) => t.token_id === created.token_id));
    assert.equal(JSON.stringify(listed).includes(created.initial_access_token), false, 'the list never shows a token');
    const first = await register(created.initial_access_token);
    assert.equal(first.status, 201);
    const client = await first.json() as { client_id: string };
    assert.equal((await register(created.initial_access_token)).status, 401);

    const shown = parseJson<Record<string, unknown>>(await cli('client', 'show', client.client_id, '--json'));
    assert.equal(shown.client_name, 'Via token');
    assert.equal(shown.dynamically_registered, true);
    assert.equal((shown.registration as { via: string }).via, 'initial_access_token');
    assert.equal(JSON.stringify(shown).includes('gh_rat_'), false);
  });

  it('revokes a token by its id; an unknown id is one error line', async () => {
    const created = parseJson<{ token_id: string; initial_access_token: string }>(await cli('registration', 'token', 'create', '--ttl', '0', '--json'));
    const revoked = await cli('registration', 'token', 'revoke', created.token_id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await register(created.initial_access_token)).status, 401);
    assertOneLineError(await cli('registration', 'token', 'revoke', created.token_id), 1, /unknown initial access token/);
    assertOneLineError(await cli('registration', 'token', 'create', '--uses', '0'), 2, /--uses must be a whole number/);
  });

  it('sets the OIDC Registration metadata with flags under the registration endpoint\'s rules, and shows them', async () => {
    const client = parseJson<ClientJson & Record<string, unknown>>(await cli('client', 'create', '--json', '--name', 'Native', '--public',
      '--application-type', 'native', '--redirect-uri', 'com.example.app:/cb', '--contact', 'ops@example.com', '--default-max-age', '300',
      '--localized-name', 'ja-Jpan-JP=ネイティブ'));
    assert.equal(client.application_type, 'native');
    assert.deepEqual(client.contacts, ['ops@example.com']);
    assert.equal(client.default_max_age, 300);
    assert.equal(client['client_name#ja-Jpan-JP'], 'ネイティブ');
    assertOneLineError(await cli('client', 'update', client.client_id, '--jwks-uri', 'http://keys.example/jwks'), 2, /--jwks-uri must use https \(http is allowed only for localhost/);
    assertOneLineError(await cli('client', 'update', client.client_id, '--id-token-signed-response-alg', 'none'), 2, /unsupported algorithm 'none'/);
    const updated = await cli('client', 'update', client.client_id, '--contact', '', '--require-auth-time', '--initiate-login-uri', 'https://app.example/start-login');
    assert.equal(updated.code, 0, updated.stderr);
    const shown = parseJson<Record<string, unknown>>(await cli('client', 'show', client.client_id, '--json'));
    assert.equal(shown.contacts, undefined);
    assert.equal(shown.require_auth_time, true);
    assert.equal(shown.initiate_login_uri, 'https://app.example/start-login', 'shown (OIDC Core §4, OIDC Registration §2)');
    assert.equal(shown.dynamically_registered, false);
    const text = await cli('client', 'show', client.client_id);
    assert.match(text.stdout, /application_type:\s+native/);
    assert.match(text.stdout, /initiate_login_uri:\s+https:\/\/app\.example\/start-login/);
  });
});
