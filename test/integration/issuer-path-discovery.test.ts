// An issuer with a path (Gatehouse behind a proxy that serves it under /auth and strips the
// prefix): RFC 8414 §3.1 puts the metadata at the origin's root with the path appended, which is
// where the MCP TypeScript SDK looks first (MCP authorization, "Authorization Server Metadata Discovery").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { discoverAuthorizationServerMetadata } from '@modelcontextprotocol/sdk/client/auth.js';
import { freePort, startGatehouse, type TestServer } from '../support/gatehouse.js';
import { issuerPathDiscovery } from '../../src/http/routes.js';

describe('RFC 8414 §3.1: metadata for an issuer with a path', () => {
  let server: TestServer;
  let origin: string;

  before(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    server = await startGatehouse({ port, issuer: `${origin}/auth` });
  });
  after(() => server.close());

  it('RFC 8414 §3.1: /.well-known/oauth-authorization-server/auth and /.well-known/openid-configuration/auth answer the issuer\'s metadata', async () => {
    for (const path of ['/.well-known/oauth-authorization-server/auth', '/.well-known/openid-configuration/auth']) {
      const response = await fetch(`${origin}${path}`);
      assert.equal(response.status, 200, path);
      const metadata = await response.json() as { issuer: string; token_endpoint: string };
      assert.equal(metadata.issuer, `${origin}/auth`, path);
      assert.equal(metadata.token_endpoint, `${origin}/auth/token`, path);
    }
  });

  it('RFC 8414 §3.1: the MCP SDK discovers the issuer with a path', async () => {
    const metadata = await discoverAuthorizationServerMetadata(`${origin}/auth`);
    assert.equal(metadata?.issuer, `${origin}/auth`);
    assert.deepEqual(metadata?.code_challenge_methods_supported, ['S256']);
  });

  it('RFC 8414 §3.1: an issuer at the root adds no path-inserted routes; a trailing slash is not a path', () => {
    assert.deepEqual(issuerPathDiscovery('https://login.example.com'), []);
    assert.deepEqual(issuerPathDiscovery('https://login.example.com/'), []);
    assert.deepEqual(issuerPathDiscovery('https://example.com/tenants/a/'), [
      '/.well-known/oauth-authorization-server/tenants/a', '/.well-known/openid-configuration/tenants/a',
    ]);
  });
});
