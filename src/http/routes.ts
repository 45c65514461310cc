// The route table, on one screen.
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from './server-deps.js';
import { authorizeEndpoint } from '../endpoints/authorize.js';
import { tokenEndpoint } from '../endpoints/token.js';
import { userinfoEndpoint } from '../endpoints/userinfo.js';
import { introspectEndpoint } from '../endpoints/introspect.js';
import { revokeEndpoint } from '../endpoints/revoke.js';
import { discoveryEndpoint } from '../endpoints/discovery.js';
import { jwksEndpoint } from '../endpoints/jwks.js';
import { healthEndpoint } from '../endpoints/health.js';
import { assetsEndpoint } from '../endpoints/assets.js';
import { consentSubmit, interactionPage, loginSubmit } from '../endpoints/interaction.js';
import { endSessionConfirm, endSessionEndpoint, endSessionPath } from '../endpoints/end-session.js';

/** Which error renderer a route's framework-level failures use. */
export type Channel = 'json' | 'html';

export function registerRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const json = { config: { channel: 'json' as Channel } };
  const html = { config: { channel: 'html' as Channel } };
  const discovery = discoveryEndpoint(deps);

  app.get('/.well-known/openid-configuration', json, discovery);
  app.get('/.well-known/oauth-authorization-server', json, discovery);
  app.get('/jwks', json, jwksEndpoint(deps));
  app.route({ method: ['GET', 'POST'], url: '/authorize', ...html, handler: authorizeEndpoint(deps) });
  app.get('/interaction/:id', html, interactionPage(deps));
  app.post('/interaction/:id/login', html, loginSubmit(deps));
  app.post('/interaction/:id/consent', html, consentSubmit(deps));
  app.route({ method: ['GET', 'POST'], url: endSessionPath, ...html, handler: endSessionEndpoint(deps) });
  app.post(`${endSessionPath}/confirm`, html, endSessionConfirm(deps));
  app.post('/token', json, tokenEndpoint(deps));
  app.route({ method: ['GET', 'POST'], url: '/userinfo', ...json, handler: userinfoEndpoint(deps) });
  app.post('/introspect', json, introspectEndpoint(deps));
  app.post('/revoke', json, revokeEndpoint(deps));
  app.get('/healthz', json, healthEndpoint(deps));
  app.get('/assets/:file', html, assetsEndpoint());
}
