// The MCP authorization flow end to end, with nothing of it simulated: the demo MCP server
// (the MCP TypeScript SDK's server over Streamable HTTP, guarded by gatehouse/resource-server),
// the SDK's own OAuth client, unmodified, and Chromium for the user. The client starts from the
// MCP server's 401, discovers Gatehouse through the protected resource metadata (RFC 9728),
// registers itself (RFC 7591), signs the user in with PKCE and `resource` (RFC 8707), and calls a
// tool with a token whose audience is the MCP server; a token for another API is refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { decodeJwt } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { demoMcpHandler } from '../../demo/mcp/app.js';
import { createAccessTokenVerifier, protectedResourceMetadataUrl } from '../../src/resource-server/index.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { tokenRequest } from '../support/flow.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** An MCP client's OAuth state, in memory: only the callbacks the SDK's interface asks for. */
class MemoryProvider implements OAuthClientProvider {
  information: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  constructor(readonly redirectUrl: string) {}
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP agent', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() { return this.information; }
  saveClientInformation(information: OAuthClientInformationMixed) { this.information = information; }
  tokens() { return this.saved; }
  saveTokens(tokens: OAuthTokens) { this.saved = tokens; }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier: string) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
}

describe('the demo MCP server and the MCP SDK\'s own OAuth client (MCP authorization, RFC 9728, RFC 8707)', () => {
  let gatehouse: TestServer;
  let browser: Browser;
  let mcp: Server;
  let mcpUrl: string;
  let callback: Server;
  let redirectUrl: string;
  const codes: string[] = [];
  const user = { username: '', password: '' };

  before(async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium`);
    gatehouse = await startGatehouse({ registration: { policy: 'open' } });
    Object.assign(user, await gatehouse.createUser({ name: 'Agent Owner' }));

    // The MCP server listens first: its resource identifier carries its port.
    let handler: ReturnType<typeof demoMcpHandler> | undefined;
    mcp = createServer((request, response) => handler!(request, response));
    await new Promise<void>((resolve) => mcp.listen(0, '127.0.0.1', resolve));
    mcpUrl = `http://127.0.0.1:${(mcp.address() as AddressInfo).port}/mcp`;
    await gatehouse.storage.resources.insert({
      identifier: mcpUrl, name: 'Demo MCP server', scopes: ['mcp:tools'], tokenFormat: 'jwt', accessTokenTtl: null,
      introspectionSecretDigest: null, createdAt: gatehouse.clock(), updatedAt: gatehouse.clock(),
    });
    const verifier = createAccessTokenVerifier({
      issuer: gatehouse.issuer, audience: mcpUrl, realm: 'demo-mcp', clock: gatehouse.clock, resourceMetadata: protectedResourceMetadataUrl(mcpUrl),
    });
    handler = demoMcpHandler({ verifier, resource: mcpUrl, issuer: gatehouse.issuer, scopes: ['mcp:tools'] });

    // The MCP client's loopback redirect URI (RFC 8252 §7.3): it receives the code from the browser.
    callback = createServer((request, response) => {
      const code = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('code');
      if (code) codes.push(code);
      response.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    for (const server of [mcp, callback]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await gatehouse?.close();
  });

  it('connects unmodified: 401 → metadata → registration → Chromium sign-in with PKCE and resource → a tool call with aud = the MCP server', async () => {
    const provider = new MemoryProvider(redirectUrl);
    const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'gatehouse-test-agent', version: '1.0.0' });
    await assert.rejects(client.connect(first), (error: unknown) => error instanceof UnauthorizedError);

    // What the SDK did on its own: registered, and built the authorization URL.
    assert.ok(provider.information?.client_id, 'registered itself (RFC 7591)');
    const authorizationUrl = provider.authorizationUrl!;
    assert.equal(authorizationUrl.origin, gatehouse.issuer);
    assert.equal(authorizationUrl.searchParams.get('resource'), mcpUrl);
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizationUrl.searchParams.get('scope'), 'mcp:tools', 'the scope comes from the protected resource metadata');

    // The user, in a real browser.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizationUrl.href);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${redirectUrl}?**`);
    await context.close();
    assert.equal(codes.length, 1);

    await first.finishAuth(codes[0]!);
    const token = decodeJwt(provider.saved!.access_token);
    assert.equal(token.aud, mcpUrl, 'RFC 8707: the token is for the MCP server');
    assert.equal(token.scope, 'mcp:tools');

    const connected = new Client({ name: 'gatehouse-test-agent', version: '1.0.0' });
    await connected.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
    const result = await connected.callTool({ name: 'whoami' });
    const content = result.content as Array<{ type: string; text: string }>;
    const answer = JSON.parse(content[0]!.text) as Record<string, unknown>;
    assert.equal(answer.client_id, provider.information.client_id);
    assert.equal(answer.audience, mcpUrl);
    assert.equal(answer.subject, token.sub, 'the tool sees the user the token speaks for');
    await connected.close();
  });

  it('refuses a token Gatehouse issued for another API (MCP authorization: token audience binding)', async () => {
    const otherApi = 'https://other-api.example/v1';
    await gatehouse.storage.resources.insert({
      identifier: otherApi, name: null, scopes: ['mcp:tools'], tokenFormat: 'jwt', accessTokenTtl: null,
      introspectionSecretDigest: null, createdAt: gatehouse.clock(), updatedAt: gatehouse.clock(),
    });
    const machine = await gatehouse.createClient({ grantTypes: ['client_credentials'], scopes: ['mcp:tools'] });
    const issued = await tokenRequest(gatehouse, { grant_type: 'client_credentials', scope: 'mcp:tools', resource: otherApi },
      { clientId: machine.clientId, clientSecret: machine.clientSecret! });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal(decodeJwt(issued.body.access_token as string).aud, otherApi);
    const refused = await fetch(mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.body.access_token as string}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.match(refused.headers.get('www-authenticate') ?? '', /resource_metadata="/);
  });
});
