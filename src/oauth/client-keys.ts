// The public keys a client registered (RFC 7591 §2 `jwks` / `jwks_uri`, OIDC Registration §2):
// they verify its private_key_jwt assertions (RFC 7523 §3) and signed request objects (RFC 9101
// §6.1). A jwks_uri is fetched through lib/outbound-fetch and cached; a JWT naming a key the
// cached set lacks (the client rotated) refetches it, at most once per `refetchInterval` per
// client, and concurrent fetches for one client share one request. Keys are selected and
// imported by jose for the JWS alg (RFC 7518 §3.1), so an RSA key is never read as an HMAC secret.
// The same cache (createRemoteKeySets) holds the JWK Sets of token exchange's trusted issuers.
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import type { OutboundFetch } from '../lib/outbound-fetch/index.js';
import type { Clock } from '../lib/clock.js';
import type { ClientRecord } from '../storage/records.js';

/** Why a client's keys are not available; the message is safe to show the client. */
export class ClientKeysError extends Error {
  override readonly name = 'ClientKeysError';
}

export interface ClientKeySource {
  /**
   * The client's keys as a jose key getter. `refresh` asks for a new copy of a jwks_uri set;
   * within `refetchInterval` of the last fetch the cached copy is returned instead.
   */
  keys(client: ClientRecord, options?: { refresh?: boolean }): Promise<JWTVerifyGetKey>;
}

export interface ClientKeySourceOptions {
  fetch: OutboundFetch;
  clock: Clock;
  /** Seconds a fetched jwks_uri set is used before it is fetched again. */
  cacheTtl: number;
  /** Least seconds between two fetches of one client's set (unknown-kid refetches). */
  refetchInterval: number;
  /** Clients whose sets are cached at most; the oldest entry goes first. */
  maxEntries?: number;
}

interface Entry {
  uri: string;
  /** When the last fetch started (success or not), for the refetch limit. */
  attemptedAt: number;
  fetchedAt: number;
  getKey: JWTVerifyGetKey | null;
  inFlight: Promise<JWTVerifyGetKey> | null;
}

function parseKeySet(value: unknown): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k))) {
    throw new ClientKeysError('the client\'s JWK Set has no "keys" array of JWKs');
  }
  return { keys: keys as JSONWebKeySet['keys'] };
}

/**
 * JWK Sets fetched from URLs someone registered (a client's jwks_uri, a trusted issuer's), cached
 * per owner: `cacheKey` names whose set it is, so a changed URI for the same owner starts afresh.
 * Within `cacheTtl` the cached copy is used; `refresh` (a JWT naming a kid the set lacks) refetches,
 * at most once per `refetchInterval` per owner; concurrent fetches for one owner share one request.
 * `describe` names the owner in error messages ("the client's jwks_uri").
 */
export interface RemoteKeySets {
  keys(cacheKey: string, uri: string, options?: { refresh?: boolean }): Promise<JWTVerifyGetKey>;
}

export function createRemoteKeySets(options: ClientKeySourceOptions & { describe?: string }): RemoteKeySets {
  const maxEntries = options.maxEntries ?? 1000;
  const what = options.describe ?? 'the client\'s jwks_uri';
  const remote = new Map<string, Entry>();

  async function fetchSet(uri: string): Promise<JWTVerifyGetKey> {
    let response;
    try {
      response = await options.fetch({ url: uri, method: 'GET', headers: { accept: 'application/jwk-set+json, application/json' } });
    } catch (error) {
      throw new ClientKeysError(`${what} could not be fetched (${(error as Error).message})`, { cause: error });
    }
    if (response.status !== 200) throw new ClientKeysError(`${what} answered ${response.status}`);
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch (error) {
      throw new ClientKeysError(`${what} did not answer JSON`, { cause: error });
    }
    return createLocalJWKSet(parseKeySet(body));
  }

  return {
    async keys(cacheKey, uri, { refresh = false } = {}) {
      const now = options.clock();
      let entry = remote.get(cacheKey);
      if (entry && entry.uri !== uri) entry = undefined;
      if (entry?.inFlight) return entry.inFlight;
      if (entry?.getKey) {
        const fresh = now - entry.fetchedAt < options.cacheTtl;
        const mayRefetch = now - entry.attemptedAt >= options.refetchInterval;
        if ((fresh && !refresh) || !mayRefetch) return entry.getKey;
      } else if (entry && now - entry.attemptedAt < options.refetchInterval) {
        throw new ClientKeysError(`${what} could not be fetched recently; try again later`);
      }
      const next: Entry = entry ?? { uri, attemptedAt: now, fetchedAt: 0, getKey: null, inFlight: null };
      next.attemptedAt = now;
      next.inFlight = fetchSet(uri).then((getKey) => {
        next.getKey = getKey;
        next.fetchedAt = options.clock();
        return getKey;
      }).finally(() => {
        next.inFlight = null;
      });
      if (!remote.has(cacheKey) && remote.size >= maxEntries) remote.delete(remote.keys().next().value!);
      remote.set(cacheKey, next);
      return next.inFlight;
    },
  };
}

export function createClientKeySource(options: ClientKeySourceOptions): ClientKeySource {
  const maxEntries = options.maxEntries ?? 1000;
  const remote = createRemoteKeySets(options);
  // jwks by value: imported once per distinct set (jose caches imported keys inside a getter).
  const local = new Map<string, JWTVerifyGetKey>();

  function byValue(jwks: unknown): JWTVerifyGetKey {
    const text = JSON.stringify(jwks);
    let getKey = local.get(text);
    if (!getKey) {
      getKey = createLocalJWKSet(parseKeySet(jwks));
      if (local.size >= maxEntries) local.delete(local.keys().next().value!);
      local.set(text, getKey);
    }
    return getKey;
  }

  return {
    async keys(client, { refresh = false } = {}) {
      const { jwks, jwksUri } = client.metadata;
      if (jwks) return byValue(jwks);
      if (!jwksUri) throw new ClientKeysError('the client registered no keys (jwks or jwks_uri)');
      return remote.keys(client.clientId, jwksUri, { refresh });
    },
  };
}

/**
 * Verifies a JWT signed by the client with one of its registered keys. A JWT whose key is not in
 * the set (unknown kid) makes one refetch of a jwks_uri set, then fails.
 */
export async function verifyWithClientKeys(
  jwt: string, client: ClientRecord, source: ClientKeySource, verifyOptions: JWTVerifyOptions,
): Promise<JWTVerifyResult> {
  const getKey = await source.keys(client);
  try {
    return await jwtVerify(jwt, getKey, verifyOptions);
  } catch (error) {
    if (!(error instanceof joseErrors.JWKSNoMatchingKey) || !client.metadata.jwksUri) throw error;
    const refreshed = await source.keys(client, { refresh: true });
    return jwtVerify(jwt, refreshed, verifyOptions);
  }
}
