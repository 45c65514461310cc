// Everything Gatehouse adds to a Fastify instance: the form-only body parser, security headers,
// the request log line, the error renderer and the route table. Used on Gatehouse's own server
// (app.ts) and, encapsulated, inside a host's Fastify app (src/index.ts); nothing here touches
// what belongs to the host (its other routes, its not-found handler, its server options).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerDeps } from './server-deps.js';
import { parseWireParameters } from './form.js';
import { registerRoutes, type Channel, type RouteOptions } from './routes.js';
import { applyBaseSecurityHeaders, htmlPageHeaders } from './security-headers.js';
import { sendJsonError, toOAuthError } from './error-response.js';
import { requestLogger } from './request-log.js';
import { errorPage } from '../interaction/views/error.js';
import { messages } from '../interaction/views/messages.js';

export function registerGatehouse(app: FastifyInstance, deps: ServerDeps, options: RouteOptions): void {
  // Form bodies (RFC 6749 §3.2) everywhere but the registration routes, which take JSON (RFC 7591
  // §3.1) and nothing else; any other body is rejected as invalid_request.
  app.removeAllContentTypeParsers();
  const readsJson = (request: FastifyRequest) => (request.routeOptions.config as { json?: boolean } | undefined)?.json === true;
  const wrongMediaType = () => Object.assign(new Error('unsupported media type'), { statusCode: 415 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (readsJson(request)) return done(wrongMediaType(), undefined);
    done(null, parseWireParameters(body as string));
  });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A path that matches no route answers its 404 (a JSON body there is never read).
    const routed = (request.routeOptions.config as { channel?: unknown } | undefined)?.channel !== undefined;
    if (!routed) return done(null, undefined);
    if (!readsJson(request)) return done(wrongMediaType(), undefined);
    // An empty body (a DELETE sent with the header) is no body; a registration then names what it lacks.
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, done);
  });

  // Gatehouse's log calls go to its own logger (also inside a host app) and carry the request id
  // themselves, so no pino child logger is made per request.
  app.setChildLoggerFactory(() => deps.logger);

  const hsts = deps.config.issuer.startsWith('https:');
  // Callback-style hooks: no promise per request on the hot path.
  app.addHook('onRequest', (_request, reply, done) => {
    applyBaseSecurityHeaders(reply, hsts);
    done();
  });
  if (deps.logger.isLevelEnabled('info')) app.addHook('onResponse', requestLogger(deps.logger));

  app.setErrorHandler(async (error, request, reply) => {
    const oauthError = toOAuthError(error, request);
    const channel = (request.routeOptions.config as { channel?: Channel } | undefined)?.channel;
    if (channel === 'html') {
      const title = oauthError.status === 413 ? messages.tooLarge.title : messages.somethingWrong;
      return htmlPageHeaders(reply).code(oauthError.status).send(errorPage(title, oauthError.description, oauthError.code));
    }
    return sendJsonError(reply, oauthError);
  });

  registerRoutes(app, deps, options);
}
