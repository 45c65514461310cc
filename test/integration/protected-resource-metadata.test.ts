// Protected resource metadata (RFC 9728) from gatehouse/resource-server, read by the MCP
// TypeScript SDK's own discovery functions over real HTTP: the document (§2), its well-known
// location with the resource's path inserted (§3.1), and the `resource_metadata` parameter of a
// refusal (§5.1) that leads an MCP client from an API's 401 to Gatehouse's metadata.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import {
  discoverOAuthProtectedResourceMetadata, discoverOAuthServerInfo, extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { buildDemoApi } from '../../demo/api/app.js';
import {
  authenticateRequest, createAccessTokenVerifier, protectedResourceMetadata, protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
} from '../../src/resource-server/index.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { obtainTokens } from '../support/flow.js';

describe('RFC 9728 §3.1: where the metadata lives', () => {
  const cases: Array<[string, string]> = [
    ['https://resource.example.com', 'https://resource.example.com/.well-known/oauth-protected-resource'],
    ['https://resource.example.com/', 'https://resource.example.com/.well-known/oauth-protected-resource'],
    ['https://resource.example.com/resource1', 'https://resource.example.com/.well-known/oauth-protected-resource/resource1'],
    ['https://resource.example.com/mcp/', 'https://resource.example.com/.well-known/oauth-protected-resource/mcp'],
    ['http://127.0.0.1:4001/api/v1', 'http://127.0.0.1:4001/.well-known/oauth-protected-resource/api/v1'],
  ];
  for (const [resource, url] of cases) {
    it(`RFC 9728 §3.1: ${resource} publishes at ${url}`, () => {
      assert.equal(protectedResourceMetadataUrl(resource), url);
    });
  }

  const refused: Array<[string, Parameters<typeof protectedResourceMetadata>[0]]> = [
    ['a resource with a fragment (RFC 8707 §2)', { resource: 'https://api.example.com/#x', authorizationServers: ['https://as.example.com'] }],
    ['a resource with a query', { resource: 'https://api.example.com/?a=b', authorizationServers: ['https://as.example.com'] }],
    ['a plain-http resource off loopback', { resource: 'http://api.example.com', authorizationServers: ['https://as.example.com'] }],
    ['a relative resource', { resource: '/api', authorizationServers: ['https://as.example.com'] }],
    ['no authorization server', { resource: 'https://api.example.com', authorizationServers: [] }],
    ['a scope that is not a scope-token (RFC 6749 §3.3)', { resource: 'https://api.example.com', authorizationServers: ['https://as.example.com'], scopesSupported: ['read write'] }],
  ];
  for (const [what, options] of refused) {
    it(`RFC 9728 §2: ${what} is a configuration error, not a document`, () => {
      assert.throws(() => protectedResourceMetadata(options), TypeError);
    });
  }
});

describe('RFC 9728 with Fastify: the demo API and the MCP SDK', () => {
  let server: TestServer;
  let app: TestClient;
  let user: { username: string; password: string };
  let api: FastifyInstance;
  let front: Server;
  let resource: string;
  let metadataUrl: string;

  before(async () => {
    server = await startGatehouse({ accessTokenFormat: 'jwt' });
    app = await server.createClient();
    user = await server.createUser({ name: 'Resource Owner' });
    // The document names the resource, whose port is only known once listening: a plain server
    // takes a free port and hands every request to the Fastify app built for it.
    front = createServer((request, response) => api.routing(request, response));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    resource = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    metadataUrl = protectedResourceMetadataUrl(resource);
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer, audience: app.clientId, realm: 'demo-api', clock: server.clock, resourceMetadata: metadataUrl,
    });
    api = buildDemoApi({
      verifier, logLevel: 'silent',
      metadata: { resource, authorizationServers: [server.issuer], scopesSupported: ['profile'], resourceName: 'Demo API' },
    });
    await api.ready();
  });
  after(async () => {
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await api.close();
    await server.close();
  });

  it('RFC 9728 §2, §3.2: the MCP SDK reads the document: resource, authorization_servers, scopes, bearer methods', async () => {
    const document = await discoverOAuthProtectedResourceMetadata(resource);
    assert.equal(document.resource, resource);
    assert.deepEqual(document.authorization_servers, [server.issuer]);
    assert.deepEqual(document.scopes_supported, ['profile']);
    assert.deepEqual(document.bearer_methods_supported, ['header']);
    assert.equal(document.resource_name, 'Demo API');
  });

  it('RFC 9728 §3: the document is JSON, cacheable and readable from any origin, preflight included', async () => {
    const response = await fetch(metadataUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const preflight = await fetch(metadataUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /\*/);
  });

  it('RFC 9728 §5.1: a request without a token gets a 401 whose challenge names resource_metadata', async () => {
    const response = await fetch(`${resource}/api/profile`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), `Bearer realm="demo-api", resource_metadata="${metadataUrl}"`);
    const params = extractWWWAuthenticateParams(response);
    assert.equal(params.resourceMetadataUrl?.href, metadataUrl);
    assert.equal(params.error, undefined);
  });

  it('RFC 9728 §5.1, RFC 6750 §3.1: an invalid token is refused with invalid_token and resource_metadata', async () => {
    const response = await fetch(`${resource}/api/profile`, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(response.status, 401);
    const params = extractWWWAuthenticateParams(response);
    assert.equal(params.error, 'invalid_token');
    assert.equal(params.resourceMetadataUrl?.href, metadataUrl);
  });

  it('RFC 9728 §5.1, RFC 6750 §3.1: a token without the scope is refused with insufficient_scope and the scope to ask for (step-up)', async () => {
    const tokens = await obtainTokens(server, app, user, 'openid email');
    const response = await fetch(`${resource}/api/profile`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(response.status, 403);
    const params = extractWWWAuthenticateParams(response);
    assert.equal(params.error, 'insufficient_scope');
    assert.equal(params.scope, 'profile');
    assert.equal(params.resourceMetadataUrl?.href, metadataUrl);
  });

  it('RFC 9728 §5.1 → RFC 8414: from the 401 alone the MCP SDK finds Gatehouse and its PKCE methods', async () => {
    const refusal = await fetch(`${resource}/api/profile`);
    const { resourceMetadataUrl } = extractWWWAuthenticateParams(refusal);
    const info = await discoverOAuthServerInfo(resource, { resourceMetadataUrl: resourceMetadataUrl! });
    assert.equal(info.authorizationServerUrl, server.issuer);
    assert.equal(info.authorizationServerMetadata?.issuer, server.issuer);
    assert.deepEqual(info.authorizationServerMetadata?.code_challenge_methods_supported, ['S256']);
    assert.equal(info.resourceMetadata?.resource, resource);
  });

  it('RFC 9728 §5.1: a token that passes is answered, the challenge machinery left out', async () => {
    const tokens = await obtainTokens(server, app, user);
    const response = await fetch(`${resource}/api/profile`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('www-authenticate'), null);
  });
});

describe('RFC 9728 with node:http: a resource with a path', () => {
  let server: TestServer;
  let app: TestClient;
  let http: Server;
  let origin: string;

  before(async () => {
    server = await startGatehouse({ accessTokenFormat: 'jwt' });
    app = await server.createClient();
    http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const resource = `${origin}/mcp`;
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer, audience: app.clientId, clock: server.clock, resourceMetadata: protectedResourceMetadataUrl(resource),
    });
    const metadata = protectedResourceMetadataHandler({ resource, authorizationServers: [server.issuer] });
    http.on('request', (request, response) => {
      if (metadata(request, response)) return;
      void authenticateRequest(verifier, request, response).then((token) => {
        if (token) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: token.subject }));
      });
    });
  });
  after(async () => {
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await server.close();
  });

  it('RFC 9728 §3.1: the MCP SDK finds the document of /mcp at /.well-known/oauth-protected-resource/mcp', async () => {
    const document = await discoverOAuthProtectedResourceMetadata(`${origin}/mcp`);
    assert.equal(document.resource, `${origin}/mcp`);
    assert.deepEqual(document.authorization_servers, [server.issuer]);
    const root = await fetch(`${origin}/.well-known/oauth-protected-resource`, { headers: { authorization: 'Bearer x' } });
    assert.equal(root.status, 401, 'the root well-known URL is not this resource\'s document');
  });

  it('RFC 9728 §5.1: node:http refusals name resource_metadata too', async () => {
    const response = await fetch(`${origin}/mcp`, { method: 'POST' });
    assert.equal(response.status, 401);
    assert.equal(extractWWWAuthenticateParams(response).resourceMetadataUrl?.href, `${origin}/.well-known/oauth-protected-resource/mcp`);
  });

  it('RFC 9728 §3: HEAD answers the headers without a body; other methods are left to the application', async () => {
    const head = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal((await head.text()), '');
    const post = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`, { method: 'POST' });
    assert.equal(post.status, 401);
  });
});
