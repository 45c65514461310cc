// The MCP TypeScript SDK's OAuth client against Gatehouse: it finds Gatehouse through an MCP
// server's protected resource metadata (RFC 9728), registers itself (RFC 7591), signs the user
// in with PKCE and obtains tokens — and registers again when its registration is gone, as MCP
// clients do on every connect.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';

/** An MCP client's OAuth state, in memory, as a desktop MCP client keeps it. */
class MemoryProvider implements OAuthClientProvider {
  information: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  registrations = 0;

  constructor(readonly redirectUrl: string) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP test client', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'openid profile offline_access',
    };
  }
  clientInformation() { return this.information; }
  saveClientInformation(information: OAuthClientInformationMixed) {
    if (information.client_id !== this.information?.client_id) this.registrations += 1;
    this.information = information;
  }
  tokens() { return this.saved; }
  saveTokens(tokens: OAuthTokens) { this.saved = tokens; }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier: string) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'client') this.information = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
  }
  // Gatehouse does not take RFC 8707 resource indicators yet: request none.
  async validateResourceURL() { return undefined; }
}

describe('MCP SDK client registers itself with Gatehouse (RFC 7591) and obtains tokens', () => {
  let gatehouse: TestServer;
  let mcpServer: Server;
  let mcpUrl: string;

  before(async () => {
    gatehouse = await startGatehouse({ registration: { policy: 'open' } });
    // The MCP server's protected resource metadata (RFC 9728 §3) names Gatehouse.
    mcpServer = createServer((request, response) => {
      if (request.url?.startsWith('/.well-known/oauth-protected-resource')) {
        response.setHeader('content-type', 'application/json');
        return response.end(JSON.stringify({ resource: mcpUrl, authorization_servers: [gatehouse.issuer] }));
      }
      response.statusCode = 401;
      response.end();
    });
    await new Promise<void>((resolve) => mcpServer.listen(0, '127.0.0.1', resolve));
    mcpUrl = `http://127.0.0.1:${(mcpServer.address() as AddressInfo).port}/mcp`;
  });
  after(async () => {
    await new Promise<void>((resolve) => mcpServer.close(() => resolve()));
    await gatehouse.close();
  });

  /** The browser step: log in, approve, and read the code from the redirect to the MCP client. */
  async function signIn(provider: MemoryProvider, user: { username: string; password: string }): Promise<string> {
    assert.ok(provider.authorizationUrl, 'auth() asked for a redirect');
    const browser = new ScriptedBrowser();
    let page = await browser.navigate(provider.authorizationUrl.href);
    for (let step = 0; step < 3 && !page.leftTo; step++) {
      if (page.body.includes('name="password"')) page = await browser.submitForm(page, { username: user.username, password: user.password });
      else if (page.body.includes('name="decision"')) {
        assert.match(page.body, /registered itself/i, 'the consent page marks the self-registered client');
        page = await browser.submitForm(page, { decision: 'approve' });
      } else break;
    }
    assert.ok(page.leftTo, `no redirect back: ${page.status} ${page.body.slice(0, 200)}`);
    const callback = new URL(page.leftTo);
    assert.equal(callback.origin + callback.pathname, provider.redirectUrl);
    assert.equal(callback.searchParams.get('iss'), gatehouse.issuer);
    return callback.searchParams.get('code') ?? assert.fail('no code');
  }

  it('discovers, registers a public client, signs in with PKCE, exchanges the code and calls UserInfo', async () => {
    const user = await gatehouse.createUser();
    const provider = new MemoryProvider('http://127.0.0.1:33418/callback');
    assert.equal(await auth(provider, { serverUrl: mcpUrl }), 'REDIRECT');
    assert.equal(provider.registrations, 1);
    const clientId = provider.information?.client_id ?? '';
    const record = await gatehouse.storage.clients.find(clientId);
    assert.equal(record?.tokenEndpointAuthMethod, 'none');
    assert.ok(record?.metadata.registration, 'stored as a dynamic registration');
    assert.equal(provider.authorizationUrl?.searchParams.get('code_challenge_method'), 'S256');

    const code = await signIn(provider, user);
    assert.equal(await auth(provider, { serverUrl: mcpUrl, authorizationCode: code }), 'AUTHORIZED');
    assert.ok(provider.saved?.access_token && provider.saved.refresh_token);
    const userinfo = await fetch(`${gatehouse.issuer}/userinfo`, { headers: { authorization: `Bearer ${provider.saved.access_token}` } });
    assert.equal(userinfo.status, 200);
    assert.equal(((await userinfo.json()) as { sub: string }).sub, user.accountId);
    // The first token response keeps the registration: it no longer expires unused.
    assert.equal((await gatehouse.storage.clients.find(clientId))?.registrationExpiresAt, null);

    // A later connect refreshes with the stored client and refresh token.
    assert.equal(await auth(provider, { serverUrl: mcpUrl }), 'AUTHORIZED');
    assert.equal(provider.registrations, 1);
  });

  it('registers again when its registration was deleted: the token endpoint answers invalid_client (RFC 7592 §2.3)', async () => {
    const user = await gatehouse.createUser();
    const provider = new MemoryProvider('http://127.0.0.1:33419/callback');
    // The SDK keeps only the fields it knows; the registration answer is read on the wire.
    const registrations: Array<{ client_id: string; registration_client_uri: string; registration_access_token: string }> = [];
    const fetchFn = async (url: string | URL, init?: RequestInit) => {
      const response = await fetch(url, init);
      if (String(url).endsWith('/register') && response.status === 201) registrations.push(await response.clone().json() as never);
      return response;
    };
    assert.equal(await auth(provider, { serverUrl: mcpUrl, fetchFn }), 'REDIRECT');
    assert.equal(await auth(provider, { serverUrl: mcpUrl, fetchFn, authorizationCode: await signIn(provider, user) }), 'AUTHORIZED');
    const information = registrations[0]!;
    assert.equal(information.client_id, provider.information?.client_id);
    const deleted = await fetch(information.registration_client_uri, {
      method: 'DELETE', headers: { authorization: `Bearer ${information.registration_access_token}` },
    });
    assert.equal(deleted.status, 204);
    // The refresh is refused with invalid_client; the SDK forgets the client and registers anew.
    assert.equal(await auth(provider, { serverUrl: mcpUrl }), 'REDIRECT');
    assert.equal(provider.registrations, 2);
    assert.notEqual(provider.information?.client_id, information.client_id);
    assert.equal(await auth(provider, { serverUrl: mcpUrl, authorizationCode: await signIn(provider, user) }), 'AUTHORIZED');
  });
});
