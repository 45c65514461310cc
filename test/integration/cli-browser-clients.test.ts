// `gatehouse client create|update` for browser apps (logo, links, default scope, PKCE switch,
// allowed origins) and `gatehouse user create|update` with profile claims (OIDC Core §5.1),
// through the compiled bin against a SQLite file a running server also uses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, tempDatabase, parseJson, type ClientJson } from './cli-harness.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';

type BrowserClientJson = ClientJson & {
  logo_uri?: string; client_uri?: string; policy_uri?: string; tos_uri?: string;
  default_scope?: string; require_pkce?: boolean; allowed_origins?: string[];
};

describe('gatehouse client and user options for browser apps and profiles', () => {
  const db = tempDatabase();
  let server: TestServer;
  const cli = (group: string, command: string, ...args: string[]) => runCli([group, command, '--database', db.database, ...args]);

  before(async () => {
    server = await startGatehouse({ databaseUrl: db.database, redisUrl: undefined });
  });
  after(async () => {
    await server.close();
    db.remove();
  });

  it('registers logo, links, default scope, the PKCE switch and allowed origins (OIDC Registration §2, RFC 6749 §3.3)', async () => {
    const created = parseJson<BrowserClientJson>(await cli('client', 'create', '--json', '--name', 'Notes',
      '--redirect-uri', 'https://notes.example/cb', '--scope', 'openid profile notes:read',
      '--logo-uri', 'https://cdn.notes.example/logo.svg', '--client-uri', 'https://notes.example/',
      '--policy-uri', 'https://notes.example/privacy', '--tos-uri', 'https://notes.example/terms',
      '--default-scope', 'notes:read', '--no-require-pkce',
      '--allowed-origin', 'https://app.notes.example', '--allowed-origin', 'http://localhost:5173'));
    assert.equal(created.logo_uri, 'https://cdn.notes.example/logo.svg');
    assert.equal(created.tos_uri, 'https://notes.example/terms');
    assert.equal(created.default_scope, 'notes:read');
    assert.equal(created.require_pkce, false);
    assert.deepEqual(created.allowed_origins, ['https://app.notes.example', 'http://localhost:5173']);
    const stored = await server.storage.clients.find(created.client_id);
    assert.deepEqual(stored?.metadata, {
      logoUri: 'https://cdn.notes.example/logo.svg', clientUri: 'https://notes.example/', policyUri: 'https://notes.example/privacy',
      tosUri: 'https://notes.example/terms', defaultScope: ['notes:read'], requirePkce: false,
      allowedOrigins: ['https://app.notes.example', 'http://localhost:5173'],
    });

    const updated = parseJson<BrowserClientJson>(await cli('client', 'update', created.client_id, '--json',
      '--logo-uri', '', '--require-pkce', '--no-allowed-origins', '--default-scope', 'openid notes:read'));
    assert.equal(updated.logo_uri, undefined);
    assert.equal(updated.require_pkce, undefined, 'back to the default');
    assert.equal(updated.allowed_origins, undefined);
    assert.equal(updated.default_scope, 'openid notes:read');
    assert.equal(updated.client_uri, 'https://notes.example/', 'what was not given stays');
  });

  it('refuses an http logo, an origin with a path, a default scope beyond --scope and a public client without PKCE (exit 2)', async () => {
    const base = ['--name', 'X', '--redirect-uri', 'https://x.example/cb'];
    assertOneLineError(await cli('client', 'create', ...base, '--logo-uri', 'http://x.example/logo.png'), 2, /logo URI 'http:\/\/x\.example\/logo\.png' must use https/);
    assertOneLineError(await cli('client', 'create', ...base, '--allowed-origin', 'https://x.example/app'), 2, /allowed origin 'https:\/\/x\.example\/app' is not an origin.*did you mean 'https:\/\/x\.example'/);
    assertOneLineError(await cli('client', 'create', ...base, '--default-scope', 'admin'), 2, /default scope 'admin' names scopes the client may not request: admin/);
    assertOneLineError(await cli('client', 'create', ...base, '--public', '--no-require-pkce'), 2, /a public client always needs PKCE/);
    assertOneLineError(await cli('client', 'create', ...base, '--require-pkce', '--no-require-pkce'), 2, /either --require-pkce or --no-require-pkce/);
  });

  it('creates and updates a user\'s profile claims, which UserInfo then shows (OIDC Core §5.1)', async () => {
    const created = parseJson<Record<string, unknown>>(await cli('user', 'create', '--json', '--username', 'dorothy', '--password', 'correct horse battery',
      '--name', 'Dorothy Vaughan', '--given-name', 'Dorothy', '--family-name', 'Vaughan', '--birthdate', '1910-09-20', '--locale', 'en-US',
      '--phone-number', '+1 757 555 0199', '--phone-number-verified',
      '--address-json', '{"street_address":"1 Langley Blvd","locality":"Hampton","country":"US"}'));
    assert.equal(created.given_name, 'Dorothy');
    assert.equal(created.phone_number_verified, true);
    assert.deepEqual(created.address, { street_address: '1 Langley Blvd', locality: 'Hampton', country: 'US' });

    const updated = parseJson<Record<string, unknown>>(await cli('user', 'update', 'dorothy', '--json',
      '--nickname', 'Dot', '--locale', '', '--email', 'dv@example.com', '--no-phone-number-verified'));
    assert.equal(updated.nickname, 'Dot');
    assert.equal(updated.locale, undefined, "'' removes a claim");
    assert.equal(updated.given_name, 'Dorothy', 'the rest stays');
    assert.equal(updated.email, 'dv@example.com');
    assert.equal(updated.email_verified, false, 'a new address is unverified');
    assert.equal(updated.phone_number_verified, false);
    const account = await server.storage.accounts.findByUsername('dorothy');
    assert.equal(account?.profile?.nickname, 'Dot');
    assert.equal(account?.profile?.locale, undefined);

    assertOneLineError(await cli('user', 'update', 'dorothy', '--birthdate', '20 Sept 1910'), 2, /birthdate must be YYYY or YYYY-MM-DD/);
    assertOneLineError(await cli('user', 'update', 'dorothy', '--address-json', '{"street":"x"}'), 2, /unknown address member 'street'/);
    assertOneLineError(await cli('user', 'update', 'nobody', '--nickname', 'N'), 1, /unknown user 'nobody'/);
    assertOneLineError(await cli('user', 'update', 'dorothy'), 2, /nothing to change/);
  });
});
