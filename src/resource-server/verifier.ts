// createAccessTokenVerifier: the one entry point an API uses to check a bearer access token,
// choosing local JWT verification (RFC 9068) or introspection (RFC 7662), then scopes (RFC 6750 §3.1).
import { createRemoteJWKSet, customFetch } from 'jose';
import { accessTokenFrom } from './authorization-header.js';
import { BearerError, VerifierUnavailableError } from './errors.js';
import { acceptIntrospection, introspect, type IntrospectionCredentials } from './introspection.js';
import { looksLikeJwt, verifyJwtAccessToken, type KeyResolver } from './jwt-access-token.js';
import { serverMetadataSource, type FetchLike } from './server-metadata.js';
import { TokenCache } from './token-cache.js';
import type { VerifiedAccessToken } from './verified-access-token.js';
import { DpopProofError, dpopAlgorithmsSupported, verifyDpopProof } from '../oauth/dpop.js';
import type { ReplayCacheStore } from '../storage/ports.js';
import { createMemoryReplayCache } from './logout-token.js';

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
  /**
   * DPoP-bound tokens (RFC 9449 §7): a token with `cnf.jkt` is accepted only with the DPoP scheme
   * and a proof by that key for this request. `proofLifetimeSeconds` bounds a proof's iat (default
   * 60); proofs are remembered in memory for that long (one process: run one replay cache per API
   * node, or accept that a proof may be replayed once against another node within its lifetime).
   */
  dpop?: {
    proofLifetimeSeconds?: number;
    /**
     * The API's public origin as clients call it (e.g. https://api.example.com), for the proofs'
     * htu; default: the request's own scheme and Host header.
     */
    origin?: string;
  };
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
  /** The configured public origin for DPoP proofs' htu, if any (the framework glue reads it). */
  readonly publicOrigin?: string;
  /** RFC 9728 §5.1: the metadata URL the challenges name, when configured. */
  readonly resourceMetadata?: string;
  /** Verifies a raw token: BearerError (invalid_token) or VerifierUnavailableError when it cannot be checked. */
  verifyToken(token: string): Promise<VerifiedAccessToken>;
  /**
   * Reads the Authorization header, verifies the token and checks that every required scope
   * was granted; throws BearerError with the RFC 6750 §3.1 code otherwise.
   */
  authenticate(
    authorization: string | readonly string[] | undefined, required?: { scopes?: readonly string[] },
    /** The request as the API's clients address it: needed for DPoP proofs (htm, htu; RFC 9449 §4.3). */
    request?: ProofRequest,
  ): Promise<VerifiedAccessToken>;
}

/** What a DPoP proof is checked against: the method, the URL the client called, the DPoP header. */
export interface ProofRequest {
  method: string;
  /** Absolute: scheme, host and path as the client sent them (the query is ignored). */
  url: string;
  dpop: string | readonly string[] | undefined;
}

/** DPoP proofs' jti remembered in this process (RFC 9449 §11.1), as the logout-token cache does. */
function memoryReplayCache(now: () => number): ReplayCacheStore {
  const seen = createMemoryReplayCache({ now });
  return {
    async use(key, expiresAt) { return seen.remember(key, expiresAt); },
    async purgeExpired() { return 0; },
  };
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
  const dpopPolicy = { algorithms: [...dpopAlgorithmsSupported], proofLifetimeSeconds: options.dpop?.proofLifetimeSeconds ?? 60 };
  const proofs = memoryReplayCache(now);

  /** RFC 9449 §7.1: the token's binding, if any, holds for this request. */
  async function checkBinding(presented: { scheme: 'Bearer' | 'DPoP'; token: string }, verified: VerifiedAccessToken, request: ProofRequest | undefined): Promise<void> {
    const cnf = verified.claims.cnf as { jkt?: unknown } | undefined;
    const jkt = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
    if (jkt === undefined) {
      if (presented.scheme === 'DPoP') throw new BearerError('invalid_token', 'the access token is not DPoP-bound: use the Bearer scheme', { scheme: 'DPoP' });
      return;
    }
    if (presented.scheme !== 'DPoP') throw new BearerError('invalid_token', 'the access token is DPoP-bound: use the DPoP scheme with a proof', { scheme: 'DPoP' });
    const proof = request?.dpop;
    if (typeof proof !== 'string') throw new BearerError('invalid_dpop_proof', 'send exactly one DPoP proof with a DPoP-bound access token');
    let proven: string;
    try {
      proven = (await verifyDpopProof({ proof, method: request!.method, url: request!.url, accessToken: presented.token },
        { replayCache: proofs, now: now(), policy: dpopPolicy })).jkt;
    } catch (error) {
      if (error instanceof DpopProofError) throw new BearerError(error.code as 'invalid_dpop_proof', error.description, { cause: error });
      throw error;
    }
    if (proven !== jkt) throw new BearerError('invalid_token', 'the DPoP proof is signed by another key than the token is bound to', { scheme: 'DPoP' });
  }

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
    ...(options.dpop?.origin !== undefined ? { publicOrigin: options.dpop.origin.replace(/\/$/, '') } : {}),
    verifyToken,
    async authenticate(authorization, required = {}, request) {
      const presented = accessTokenFrom(authorization);
      const verified = await verifyToken(presented.token);
      await checkBinding(presented, verified, request);
      const missing = (required.scopes ?? []).filter((scope) => !verified.scopes.includes(scope));
      if (missing.length > 0) {
        throw new BearerError('insufficient_scope', 'the access token lacks a required scope', { scope: required.scopes ?? [] });
      }
      return verified;
    },
  };
}
