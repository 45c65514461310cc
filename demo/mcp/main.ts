// Process entry of the demo MCP server: verifier configuration from the environment, then listen.
import { createServer } from 'node:http';
import { createAccessTokenVerifier, protectedResourceMetadataUrl } from '../../src/resource-server/index.js';
import { demoMcpHandler } from './app.js';

const env = process.env;
const issuer = env.DEMO_ISSUER ?? 'http://localhost:3000';
const port = Number(env.DEMO_MCP_PORT ?? 4002);
const resource = env.DEMO_MCP_RESOURCE ?? `http://localhost:${port}/mcp`;
const scopes = (env.DEMO_MCP_SCOPES ?? 'mcp:tools').split(' ').filter(Boolean);

const verifier = createAccessTokenVerifier({
  issuer,
  // Token audience binding: only tokens Gatehouse issued for this resource (RFC 8707) pass.
  audience: resource,
  realm: 'demo-mcp',
  resourceMetadata: protectedResourceMetadataUrl(resource),
});

const server = createServer(demoMcpHandler({ verifier, resource, issuer, scopes }));
server.listen(port, env.DEMO_HOST ?? '127.0.0.1');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { server.close(() => process.exit(0)); });
}
