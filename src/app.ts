// The composition root: builds the Fastify app from explicit dependencies.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from './config/schema.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import { randomToken } from './lib/random.js';
import type { SigningKeySet } from './keys/signing-keys.js';
import type { Storage } from './storage/ports.js';
import { parseWireParameters } from './http/form.js';
import { registerRoutes, type Channel } from './http/routes.js';
import type { ServerDeps } from './http/server-deps.js';
import { applyBaseSecurityHeaders, htmlPageHeaders } from './http/security-headers.js';
import { sendJsonError, toOAuthError } from './http/error-response.js';
import { idTokenHintVerifier, idTokenMinter, logoutHintVerifier } from './oidc/id-token.js';
import { noLogoutNotifier, type LogoutNotifier } from './oidc/logout-notifier.js';
import { createPasswordVerifier, type PasswordVerifier } from './accounts/password-verifier.js';
import { errorPage } from './interaction/views/error.js';

export interface AppDeps {
  config: Config;
  storage: Storage;
  keys: SigningKeySet;
  clock: Clock;
  logger: Logger;
  /** Checks login passwords; default: argon2id, at most `argon2Concurrency` at once. */
  passwords?: PasswordVerifier;
  /** Told of every ended browser session; default: nobody (no logout channel configured). */
  logoutNotifier?: LogoutNotifier;
}

export function serverDeps({ config, storage, keys, clock, logger, passwords, logoutNotifier }: AppDeps): ServerDeps {
  return {
    config, storage, keys, clock, logger,
    tokenPolicy: {
      issuer: config.issuer,
      accessTokenTtl: config.accessTokenTtl,
      refreshTokenTtl: config.refreshTokenTtl,
      idTokenTtl: config.idTokenTtl,
      accessTokenFormat: config.accessTokenFormat,
    },
    mintIdToken: idTokenMinter({ issuer: config.issuer, ttl: config.idTokenTtl, keys, accounts: storage.accounts }),
    verifyIdTokenHint: idTokenHintVerifier(config.issuer, keys),
    verifyLogoutHint: logoutHintVerifier(config.issuer, keys),
    logoutNotifier: logoutNotifier ?? noLogoutNotifier,
    passwords: passwords ?? createPasswordVerifier(config.argon2, config.argon2Concurrency),
    secureCookies: config.issuer.startsWith('https:'),
  };
}

export async function buildApp(appDeps: AppDeps): Promise<FastifyInstance> {
  const deps = serverDeps(appDeps);
  const app = Fastify({
    loggerInstance: appDeps.logger,
    // Request lines would carry query strings; we log our own, without them.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: appDeps.config.trustProxy,
    bodyLimit: 64 * 1024,
    genReqId: () => randomToken(9),
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  // Only form bodies are accepted (RFC 6749 §3.2); anything else is rejected as invalid_request.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseWireParameters(body as string));
  });

  // Every request would otherwise get a pino child logger (and its redaction setup); our log
  // calls carry the request id themselves.
  app.setChildLoggerFactory((logger) => logger);

  const hsts = appDeps.config.issuer.startsWith('https:');
  // Callback-style hooks: no promise per request on the hot path.
  app.addHook('onRequest', (_request, reply, done) => {
    applyBaseSecurityHeaders(reply, hsts);
    done();
  });
  if (appDeps.logger.isLevelEnabled('debug')) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.debug({ reqId: request.id, method: request.method, route: request.routeOptions.url, status: reply.statusCode,
        ms: Math.round(reply.elapsedTime) }, 'request');
      done();
    });
  }

  app.setErrorHandler(async (error, request, reply) => {
    const oauthError = toOAuthError(error, request);
    const channel = (request.routeOptions.config as { channel?: Channel } | undefined)?.channel;
    if (channel === 'html') {
      return htmlPageHeaders(reply).code(oauthError.status).send(errorPage('Something went wrong', oauthError.description, oauthError.code));
    }
    return sendJsonError(reply, oauthError);
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: 'not_found', error_description: 'no such endpoint' }));

  registerRoutes(app, deps);
  return app;
}
