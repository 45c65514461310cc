// The demo's MCP server: a Model Context Protocol server (the MCP TypeScript SDK, Streamable HTTP)
// whose every call needs an access token Gatehouse issued for it. gatehouse/resource-server does
// the guarding: the protected resource metadata an MCP client starts from (RFC 9728), the Bearer
// challenge that names it (§5.1), and the token check with this server as the audience (the MCP
// authorization spec's "Token Audience Binding": a token meant for another API is refused).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  authenticateRequest, protectedResourceMetadataHandler,
  type AccessTokenVerifier, type VerifiedAccessToken,
} from '../../src/resource-server/index.js';

export interface DemoMcpOptions {
  /** Created with `audience: resource` and `resourceMetadata: protectedResourceMetadataUrl(resource)`. */
  verifier: AccessTokenVerifier;
  /** The server's resource identifier, its MCP endpoint, e.g. http://localhost:4002/mcp. */
  resource: string;
  /** Gatehouse's issuer, named in the metadata as the authorization server. */
  issuer: string;
  /** The scopes a call needs (also advertised as scopes_supported). */
  scopes: readonly string[];
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

/** One MCP server per request (stateless Streamable HTTP): its tools see the caller's verified token. */
function mcpServerFor(token: VerifiedAccessToken): McpServer {
  const server = new McpServer({ name: 'gatehouse-demo-mcp', version: '1.0.0' });
  server.registerTool('whoami', {
    title: 'Who am I',
    description: 'Tells who the access token speaks for: the user, the client and the scopes Gatehouse granted.',
  }, async () => ({
    content: [{
      type: 'text',
      text: JSON.stringify({
        subject: token.subject,
        username: typeof token.claims.username === 'string' ? token.claims.username : undefined,
        client_id: token.clientId,
        scopes: token.scopes,
        audience: token.claims.aud,
        checked_by: token.format === 'jwt' ? 'JWT signature (RFC 9068)' : 'introspection (RFC 7662)',
      }),
    }],
  }));
  return server;
}

/** The node:http request handler: the metadata document, then `POST <resource path>` for MCP messages. */
export function demoMcpHandler(options: DemoMcpOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const endpoint = new URL(options.resource).pathname;
  const metadata = protectedResourceMetadataHandler({
    resource: options.resource,
    authorizationServers: [options.issuer],
    scopesSupported: options.scopes,
    resourceName: 'Gatehouse demo MCP server',
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (metadata(request, response)) return;
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/health') return json(response, 200, { status: 'ok' });
    if (path !== endpoint) return json(response, 404, { error: 'not_found' });
    // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
    if (request.method !== 'POST') return json(response, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
    const token = await authenticateRequest(options.verifier, request, response, { scopes: options.scopes });
    if (!token) return;
    const server = mcpServerFor(token);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => { void transport.close(); void server.close(); });
    await server.connect(transport);
    const authInfo = { token: '', clientId: token.clientId, scopes: [...token.scopes], expiresAt: token.expiresAt };
    await transport.handleRequest(Object.assign(request, { auth: authInfo }), response);
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: 'server_error' });
      else response.destroy(error as Error);
    });
  };
}
