// createAccessTokenVerifier: the one entry point an API uses to check a bearer access token,
// choosing local JWT verification (RFC 9068) or introspection (RFC 7662), then scopes (RFC 6750 §3.1).
import { createRemoteJWKSet, customFetch } from 'jose';
import { bearerTokenFrom } from './authorization-header.js';
import { BearerError, VerifierUnavailableError } from './errors.js';
import { acceptIntrospection, introspect, type IntrospectionCredentials } from './introspection.js';
import { looksLikeJwt, verifyJwtAccessToken, type KeyResolver } from './jwt-access-token.js';
import { serverMetadataSource, type FetchLike } from './server-metadata.js';
import { TokenCache } from './token-cache.js';
import type { VerifiedAccessToken } from './verified-access-token.js';

export interface AccessTokenVerifierOptions {
  /** The authorization server's issuer identifier, exactly as in its metadata. */
  issuer: string;
  /**
   * The `aud` values this API accepts: its resource identifier as registered at Gatehouse
   * (`gatehouse resource create`, RFC 8707), exactly. Tokens requested without a resource carry
   * the client_id instead; list client ids only for such legacy callers.
   */
  audience: string | readonly string[];
  /** The realm named in WWW-Authenticate challenges (RFC 6750 §3). Default `api`. */
  realm?: string;
  /**
   * The URL of this API's protected resource metadata (RFC 9728 §3, see
   * protectedResourceMetadataUrl): named as `resource_metadata` in every challenge (§5.1).
   */
  resourceMetadata?: string;
  /** Local verification of JWT access tokens; `false` sends every token to introspection. */
  jwt?: false | {
    /** Default: the issuer metadata's jwks_uri. */
    jwksUri?: string;
    /** Default RS256, PS256, ES256, EdDSA. */
    algorithms?: readonly string[];
  };
  /**
   * Introspection of opaque tokens: with the API's resource credentials (`resource` and
   * `resourceSecret`: its identifier and introspection secret, sent as HTTP Basic), or with a
   * client's credentials. Gatehouse answers a resource only about tokens whose `aud` it is, and a
   * client only about tokens issued to it (RFC 7662 §2.1, docs/security.md).
   */
  introspection?: (
    | (Partial<Pick<IntrospectionCredentials, 'authMethod'>> & Omit<IntrospectionCredentials, 'authMethod'>)
    | { resource: string; resourceSecret: string }
  ) & {
    /** Default: the issuer metadata's introspection_endpoint. */
    endpoint?: string;
    /** An active answer is trusted until min(token exp, now + this). Default 60 s; 0 asks every time. */
    cacheMaxTtlSeconds?: number;
    /** Default 10 000. */
    cacheMaxEntries?: number;
  };
  /** Allowed clock skew for exp/nbf/iat, in seconds. Default 0. */
  clockToleranceSeconds?: number;
  /** Seconds since the epoch; inject a manual clock in tests. */
  clock?: () => number;
  /** Timeout for each call to the authorization server. Default 5000 ms. */
  timeoutMs?: number;
  fetch?: FetchLike;
}

export interface AccessTokenVerifier {
  readonly realm: string;
  /** RFC 9728 §5.1: the metadata URL the challenges name, when configured. */
  readonly resourceMetadata?: string;
  /** Verifies a raw token: BearerError (invalid_token) or VerifierUnavailableError when it cannot be checked. */
  verifyToken(token: string): Promise<VerifiedAccessToken>;
  /**
   * Reads the Authorization header, verifies the token and checks that every required scope
   * was granted; throws BearerError with the RFC 6750 §3.1 code otherwise.
   */
  authenticate(authorization: string | readonly string[] | undefined, required?: { scopes?: readonly string[] }): Promise<VerifiedAccessToken>;
}

const defaultAlgorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const now = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const audience = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  if (audience.length === 0) throw new TypeError('audience must name at least one value');
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 0;
  const realm = options.realm ?? 'api';
  const metadata = serverMetadataSource(options.issuer, fetchImpl, timeoutMs);
  const jwt = options.jwt ?? {};
  const introspection = options.introspection;
  const cache = new TokenCache({
    maxTtlSeconds: introspection?.cacheMaxTtlSeconds ?? 60,
    maxEntries: introspection?.cacheMaxEntries ?? 10_000,
    now,
  });
  let keys: KeyResolver | null = null;

  async function keyResolver(): Promise<KeyResolver> {
    if (keys) return keys;
    const jwksUri = (jwt && jwt.jwksUri) || (await metadata()).jwksUri;
    if (!jwksUri) throw new VerifierUnavailableError('the authorization server advertises no jwks_uri');
    keys = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutMs, [customFetch]: fetchImpl });
    return keys;
  }

  async function introspectionEndpoint(): Promise<string> {
    const endpoint = introspection?.endpoint ?? (await metadata()).introspectionEndpoint;
    if (!endpoint) throw new VerifierUnavailableError('the authorization server advertises no introspection_endpoint');
    return endpoint;
  }

  async function verifyToken(token: string): Promise<VerifiedAccessToken> {
    if (jwt && looksLikeJwt(token)) {
      return verifyJwtAccessToken(token, await keyResolver(), {
        issuer: options.issuer, audience, algorithms: jwt.algorithms ?? defaultAlgorithms, clockToleranceSeconds, now,
      });
    }
    if (!introspection) throw new BearerError('invalid_token', 'the access token is invalid');
    const credentials: IntrospectionCredentials = 'resource' in introspection
      ? { clientId: introspection.resource, clientSecret: introspection.resourceSecret, authMethod: 'client_secret_basic' }
      : { clientId: introspection.clientId, clientSecret: introspection.clientSecret, authMethod: introspection.authMethod ?? 'client_secret_basic' };
    const policy = { issuer: options.issuer, audience, clockToleranceSeconds, now };
    const verified = await cache.get(token, async () => {
      const answer = await introspect(token, await introspectionEndpoint(), credentials, { fetchImpl, timeoutMs });
      return acceptIntrospection(answer, policy);
    });
    // A cached answer is re-checked against the clock: it may have expired since.
    if (verified.expiresAt + clockToleranceSeconds <= now()) throw new BearerError('invalid_token', 'the access token has expired');
    return verified;
  }

  return {
    realm,
    ...(options.resourceMetadata !== undefined ? { resourceMetadata: options.resourceMetadata } : {}),
    verifyToken,
    async authenticate(authorization, required = {}) {
      const verified = await verifyToken(bearerTokenFrom(authorization));
      const missing = (required.scopes ?? []).filter((scope) => !verified.scopes.includes(scope));
      if (missing.length > 0) {
        throw new BearerError('insufficient_scope', 'the access token lacks a required scope', { scope: required.scopes ?? [] });
      }
      return verified;
    },
  };
}
