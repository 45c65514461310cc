// What a client gets when it leaves things out: the default scope (RFC 6749 §3.3) at /authorize
// and at client_credentials, and PKCE — always for public clients, by default for confidential
// ones, with a per-client switch (RFC 9700 §2.1.1, OAuth 2.1 §7.5.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { authorizeUrl, pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';
import { ScriptedBrowser } from '../support/browser.js';

describe('client defaults: scope and PKCE', () => {
  let server: TestServer;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    user = await server.createUser();
  });
  after(() => server.close());

  const withPkce = () => {
    const pkce = pkcePair();
    return { pkce, params: { code_challenge: pkce.challenge, code_challenge_method: 'S256' } };
  };

  async function redirectError(url: string): Promise<URLSearchParams> {
    const page = await new ScriptedBrowser().request(url);
    assert.equal(page.status, 303);
    return new URL(page.headers.get('location')!).searchParams;
  }

  describe('default scope (RFC 6749 §3.3)', () => {
    it('uses the client\'s registered defaultScope when /authorize omits scope', async () => {
      const client = await server.createClient({ metadata: { defaultScope: ['openid', 'profile'] } });
      const { pkce, params } = withPkce();
      const run = await runAuthorization(server, client, user, { ...params, scope: undefined });
      const code = run.callback?.searchParams.get('code');
      assert.ok(code, `a code (got ${run.callback?.searchParams.get('error_description') ?? run.page.status})`);
      const tokens = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier },
        { clientId: client.clientId, clientSecret: client.clientSecret! });
      assert.equal(tokens.status, 200);
      assert.equal(tokens.body.scope, 'openid profile', 'the granted scope is returned (RFC 6749 §5.1)');
      assert.equal(typeof tokens.body.id_token, 'string');
    });

    it('defaults to the registered scopes but the OpenID Connect ones when the client has no defaultScope, as MCP clients need', async () => {
      const client = await server.createClient({ public: true, scopes: ['openid', 'profile', 'offline_access', 'mcp:tools', 'mcp:resources'] });
      const { pkce, params } = withPkce();
      const run = await runAuthorization(server, client, user, { ...params, scope: undefined, nonce: undefined });
      const code = run.callback?.searchParams.get('code');
      assert.ok(code);
      const tokens = await tokenRequest(server, {
        grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier, client_id: client.clientId,
      });
      assert.equal(tokens.body.scope, 'mcp:tools mcp:resources');
      assert.equal(tokens.body.id_token, undefined, 'no scope is no OpenID Connect request (OIDC Core §3.1.2.1)');
      assert.equal(tokens.body.refresh_token, undefined, 'offline_access is asked for by name (OIDC Core §11)');
    });

    it('still answers invalid_scope when the default is empty', async () => {
      const client = await server.createClient({ scopes: ['openid', 'profile', 'email'] });
      const query = await redirectError(authorizeUrl(server, client, { ...withPkce().params, scope: undefined }));
      assert.equal(query.get('error'), 'invalid_scope');
    });

    it('uses the defaultScope at client_credentials, without the user scopes (RFC 6749 §4.4.2)', async () => {
      const client = await server.createClient({ scopes: ['openid', 'api:read', 'api:write'], metadata: { defaultScope: ['openid', 'api:read'] } });
      const response = await tokenRequest(server, { grant_type: 'client_credentials' }, { clientId: client.clientId, clientSecret: client.clientSecret! });
      assert.equal(response.status, 200);
      assert.equal(response.body.scope, 'api:read');
      const all = await server.createClient({ scopes: ['openid', 'api:read', 'api:write'] });
      const unconfigured = await tokenRequest(server, { grant_type: 'client_credentials' }, { clientId: all.clientId, clientSecret: all.clientSecret! });
      assert.equal(unconfigured.body.scope, 'api:read api:write');
    });
  });

  describe('PKCE (RFC 9700 §2.1.1)', () => {
    it('requires PKCE from a confidential client by default, nonce or not', async () => {
      const client = await server.createClient();
      const query = await redirectError(authorizeUrl(server, client, { nonce: 'n-1' }));
      assert.equal(query.get('error'), 'invalid_request');
      assert.match(query.get('error_description') ?? '', /code_challenge/);
    });

    it('lets a confidential client registered with requirePkce=false sign in without PKCE or nonce (oidcc-ensure-request-without-nonce-succeeds-for-code-flow)', async () => {
      const client = await server.createClient({ metadata: { requirePkce: false } });
      const run = await runAuthorization(server, client, user, { scope: 'openid', nonce: undefined });
      const code = run.callback?.searchParams.get('code');
      assert.ok(code, 'a code without code_challenge and without nonce');
      const tokens = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri },
        { clientId: client.clientId, clientSecret: client.clientSecret! });
      assert.equal(tokens.status, 200);
      assert.equal(typeof tokens.body.id_token, 'string');
    });

    it('still enforces a challenge such a client does send (RFC 7636 §4.6)', async () => {
      const client = await server.createClient({ metadata: { requirePkce: false } });
      const { params } = withPkce();
      const run = await runAuthorization(server, client, user, params);
      const code = run.callback!.searchParams.get('code')!;
      const tokens = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkcePair().verifier },
        { clientId: client.clientId, clientSecret: client.clientSecret! });
      assert.equal(tokens.body.error, 'invalid_grant');
    });

    it('requires PKCE from a public client even with requirePkce=false (OAuth 2.1 §7.5.1)', async () => {
      const client = await server.createClient({ public: true, metadata: { requirePkce: false } });
      const query = await redirectError(authorizeUrl(server, client, {}));
      assert.equal(query.get('error'), 'invalid_request');
    });

    it('advertises code_challenge_methods_supported S256 (RFC 8414 §2)', async () => {
      const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    });
  });
});
