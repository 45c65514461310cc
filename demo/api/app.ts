// The demo's protected API (the resource the seed's Client-Server calls on the user's behalf):
// one route, guarded by Gatehouse's resource-server verifier with scope `profile`. Its answer
// also shows what it asked Gatehouse to check the token (masked), for the playground's step 7.
import Fastify, { type FastifyInstance } from 'fastify';
import {
  fastifyProtectedResourceMetadata, refusalResponse,
  type AccessTokenVerifier, type ProtectedResourceMetadataOptions,
} from '../../src/resource-server/index.js';
import { authenticateLogged } from './verification-log.js';

export interface DemoApiOptions {
  verifier: AccessTokenVerifier;
  logLevel?: string;
  /**
   * When given, the API publishes its protected resource metadata (RFC 9728) and its refusals
   * name it; the verifier should then be created with `resourceMetadata` set to its URL.
   */
  metadata?: ProtectedResourceMetadataOptions;
}

export function buildDemoApi({ verifier, logLevel, metadata }: DemoApiOptions): FastifyInstance {
  const app = Fastify({ logger: { level: logLevel ?? 'info' } });
  if (metadata) fastifyProtectedResourceMetadata(app, metadata);

  app.get('/api/profile', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    let checked;
    try {
      checked = await authenticateLogged(verifier, request.headers.authorization, { scopes: ['profile'] });
    } catch (error) {
      const refusal = refusalResponse(verifier.realm, error, verifier.resourceMetadata);
      if (refusal.status === 503) request.log.warn({ err: error }, 'access token could not be verified');
      return reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
    }
    const { token, exchanges } = checked;
    return {
      message: 'Hello from the protected API: your access token was verified.',
      subject: token.subject,
      username: typeof token.claims.username === 'string' ? token.claims.username : undefined,
      client_id: token.clientId,
      scopes: token.scopes,
      token_checked_by: token.format === 'jwt' ? 'JWT signature (RFC 9068)' : 'introspection (RFC 7662)',
      token_expires_at: new Date(token.expiresAt * 1000).toISOString(),
      // What the API itself sent to Gatehouse for this call (RFC 7662 §2.1), masked.
      token_check_requests: exchanges,
    };
  });

  app.get('/health', async () => ({ status: 'ok' }));
  return app;
}
