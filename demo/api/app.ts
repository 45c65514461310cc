// The demo's protected API (the resource the seed's Client-Server calls on the user's behalf):
// one route, guarded by Gatehouse's resource-server verifier with scope `profile`.
import Fastify, { type FastifyInstance } from 'fastify';
import { fastifyBearerAuth, type AccessTokenVerifier } from '../../src/resource-server/index.js';

export function buildDemoApi({ verifier, logLevel }: { verifier: AccessTokenVerifier; logLevel?: string }): FastifyInstance {
  const app = Fastify({ logger: { level: logLevel ?? 'info' } });
  const requireToken = fastifyBearerAuth(app, verifier);

  app.get('/api/profile', { preHandler: requireToken({ scopes: ['profile'] }) }, async (request, reply) => {
    const token = request.accessToken!;
    reply.header('Cache-Control', 'no-store');
    return {
      message: 'Hello from the protected API: your access token was verified.',
      subject: token.subject,
      username: typeof token.claims.username === 'string' ? token.claims.username : undefined,
      client_id: token.clientId,
      scopes: token.scopes,
      token_checked_by: token.format === 'jwt' ? 'JWT signature (RFC 9068)' : 'introspection (RFC 7662)',
      token_expires_at: new Date(token.expiresAt * 1000).toISOString(),
    };
  });

  app.get('/health', async () => ({ status: 'ok' }));
  return app;
}
