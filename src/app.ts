// The composition root: builds the Fastify app from explicit dependencies.
import { createMailer, type Mailer } from './mail/transport.js';
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from './config/schema.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import { randomToken } from './lib/random.js';
import type { SigningKeySet } from './keys/signing-keys.js';
import type { Storage } from './storage/ports.js';
import { channelOf, routeTable, type RouteOptions } from './http/routes.js';
import type { ServerDeps } from './http/server-deps.js';
import { bodyLimit } from './http/body-limit.js';
import { clientErrorHandler, type ClientErrorHandler } from './http/client-error.js';
import { registerGatehouse } from './http/register.js';
import { idTokenHintVerifier, idTokenMinter, logoutHintVerifier } from './oidc/id-token.js';
import { createSubjectIdentifiers, pairwiseSaltPurpose } from './oauth/subject-identifier.js';
import { noLogoutNotifier, type LogoutNotifier } from './oidc/logout-notifier.js';
import { createOriginIndex } from './oauth/cors.js';
import { createPasswordVerifier, type PasswordVerifier } from './accounts/password-verifier.js';
import { errorPage } from './interaction/views/error.js';
import type { KeySealer } from './keys/key-encryption.js';
import { openClientSecret } from './keys/client-secret-seal.js';
import { createOutboundFetch } from './lib/outbound-fetch/index.js';
import { createClientKeySource, createRemoteKeySets } from './oauth/client-keys.js';
import type { ClientRecord } from './storage/records.js';
import type { ClientResolver } from './oauth/client-resolver.js';
import { withAccountClient } from './account/first-party-client.js';
import { createMetadataDocumentResolver, withMetadataDocuments } from './clients/client-metadata-document-resolver.js';
import { dpopPolicy } from './oauth/dpop.js';

/** The purpose under which DPoP nonces' secret is derived from the key-encryption key. */
const dpopNoncePurpose = 'dpop-nonce';

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
  /** The key-encryption key's sealer: opens client_secret_jwt secrets; without it those clients cannot authenticate. */
  secretSealer?: KeySealer;
  /** Sends the account mails (verification, reset, email change); default: the transport of `mailUrl`. */
  mailer?: Mailer;
}

/** Stored clients, then, when enabled, Client ID Metadata Documents fetched under the outbound-fetch policy. */
function clientResolver(config: Config, storage: Storage, clock: Clock): ClientResolver {
  const documents = config.clientIdMetadataDocuments;
  if (!documents.enabled) return storage.clients;
  const timeoutMs = config.outboundTimeout * 1000;
  const fetch = createOutboundFetch({
    allowPrivateNetwork: config.allowPrivateNetworkFetch, allowLoopback: config.allowLoopbackFetch, connectTimeoutMs: timeoutMs, timeoutMs,
    maxResponseBytes: documents.maxDocumentBytes, extraCaCertificates: documents.extraCaCertificates,
  });
  return withMetadataDocuments(storage.clients, createMetadataDocumentResolver({ fetch, clock, policy: documents }));
}

export function serverDeps({ config, storage, keys, clock, logger, passwords, logoutNotifier, secretSealer, mailer }: AppDeps): ServerDeps {
  // The account page's built-in client first (account/first-party-client.ts), then the others.
  const clients = withAccountClient(clientResolver(config, storage, clock), config.issuer);
  const subjects = createSubjectIdentifiers(keys.derivedSecret(pairwiseSaltPurpose));
  const timeoutMs = config.outboundTimeout * 1000;
  const fetchOptions = {
    allowPrivateNetwork: config.allowPrivateNetworkFetch, allowLoopback: config.allowLoopbackFetch, connectTimeoutMs: timeoutMs, timeoutMs,
    extraCaCertificates: config.outboundCaFile ? [readFileSync(config.outboundCaFile, 'utf8')] : undefined,
  };
  const clientKeys = createClientKeySource({
    fetch: createOutboundFetch({ ...fetchOptions, maxResponseBytes: 256 * 1024 }),
    clock, cacheTtl: config.clientJwksCacheTtl, refetchInterval: config.clientJwksRefetchInterval,
  });
  // RFC 8693 §3: trusted issuers' JWK Sets, cached as clients' jwks_uri sets are (one cache per node).
  const trustedIssuers = {
    issuers: config.tokenExchange.trustedIssuers, ownIssuer: config.issuer, clockSkew: config.jwtClockSkew,
    keySets: createRemoteKeySets({
      fetch: createOutboundFetch({ ...fetchOptions, maxResponseBytes: 256 * 1024 }), describe: 'the trusted issuer\'s jwks_uri',
      clock, cacheTtl: config.clientJwksCacheTtl, refetchInterval: config.clientJwksRefetchInterval,
    }),
  };
  const clientSecret = (client: ClientRecord): string | null => {
    const sealed = client.metadata.sealedClientSecret;
    if (!sealed || !secretSealer) return null;
    try {
      return openClientSecret(secretSealer, client.clientId, sealed);
    } catch (error) {
      logger.warn({ clientId: client.clientId, err: (error as Error).message }, 'a client_secret_jwt secret does not open');
      return null;
    }
  };
  return {
    config, storage, keys, clock, logger, clientKeys, secretSealer, clients, trustedIssuers,
    requestUriFetch: createOutboundFetch({ ...fetchOptions, maxResponseBytes: config.requestUriMaxBytes }),
    clientAuth: {
      clients,
      assertions: {
        issuer: config.issuer, clock, replayCache: storage.replayCache, clientKeys,
        maxLifetime: config.clientAssertionMaxLifetime, clockSkew: config.jwtClockSkew, clientSecret,
      },
    },
    tokenPolicy: {
      issuer: config.issuer,
      accessTokenTtl: config.accessTokenTtl,
      refreshTokenTtl: config.refreshTokenTtl,
      idTokenTtl: config.idTokenTtl,
      accessTokenFormat: config.accessTokenFormat,
    },
    dpop: dpopPolicy(config.dpop, () => keys.derivedSecret(dpopNoncePurpose)),
    subjects,
    mintIdToken: idTokenMinter({
      issuer: config.issuer, ttl: config.idTokenTtl, keys, subjects, accounts: storage.accounts, acrValuesSupported: config.acrValuesSupported,
    }),
    verifyIdTokenHint: idTokenHintVerifier(config.issuer, keys),
    verifyLogoutHint: logoutHintVerifier(config.issuer, keys),
    logoutNotifier: logoutNotifier ?? noLogoutNotifier,
    passwords: passwords ?? createPasswordVerifier(config.argon2, config.argon2Concurrency),
    originIndex: createOriginIndex(storage.clients),
    mailer: mailer ?? createMailer(config, logger),
    secureCookies: config.issuer.startsWith('https:'),
  };
}

export interface AppOptions {
  /** Serve the page at the issuer's root (default true). */
  landingPage?: boolean;
}

/** The answer to requests Node's parser refuses (431 and 400), for Gatehouse's routes. */
export function gatehouseClientErrorHandler(deps: ServerDeps, routeOptions: RouteOptions): ClientErrorHandler {
  return clientErrorHandler({
    channelOf: channelOf(routeTable(deps, routeOptions)),
    hsts: deps.config.issuer.startsWith('https:'), logger: deps.logger,
  });
}

/** Gatehouse's own Fastify server: server-level options, the 431 answer, the 404 answer. */
export async function buildApp(appDeps: AppDeps, options: AppOptions = {}, deps = serverDeps(appDeps)): Promise<FastifyInstance> {
  const routeOptions = { landingPage: options.landingPage ?? true };
  const app = Fastify({
    loggerInstance: appDeps.logger,
    // Request lines would carry query strings; we log our own, without them.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: appDeps.config.trustProxy,
    bodyLimit,
    genReqId: () => randomToken(9),
    return503OnClosing: true,
    clientErrorHandler: gatehouseClientErrorHandler(deps, routeOptions),
  }) as unknown as FastifyInstance;

  registerGatehouse(app, deps, routeOptions);
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: 'not_found', error_description: 'no such endpoint' }));
  return app;
}
