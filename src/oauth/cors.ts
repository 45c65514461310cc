// Which browser origins may call the token, UserInfo, revocation and introspection endpoints
// (Fetch Standard §3.2 CORS protocol; OAuth 2.0 for Browser-Based Apps §6.1): the one CORS
// policy, applied by http/cors.ts. A client's origins are those of its registered redirect URIs
// plus its `allowedOrigins`. Discovery and the JWKS are public and answer `*`.
import type { ClientStore } from '../storage/ports.js';
import type { ClientRecord } from '../storage/records.js';

/** What a preflight answer allows (Fetch §3.2.3); no credentials mode is ever allowed. */
export const corsPolicy = {
  allowHeaders: ['Authorization', 'Content-Type', 'DPoP'] as readonly string[],
  /** Seconds a browser may cache a preflight answer (browsers cap it: Chromium at 7200). */
  maxAge: 600,
  /** Readable by the page: the Bearer challenge of a failed UserInfo call (RFC 6750 §3). */
  exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce'] as readonly string[],
} as const;

/** The web origin of a URI (RFC 6454 §4), or null for a non-http(s) or malformed one. */
export function webOrigin(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
}

const originsByClient = new WeakMap<ClientRecord, ReadonlySet<string>>();

/** The origins a client's pages are served from: its redirect URIs' and its `allowedOrigins`. */
export function clientOrigins(client: ClientRecord): ReadonlySet<string> {
  // Cached records (SQLite) are shared and frozen, so the set is computed once per record.
  let origins = originsByClient.get(client);
  if (origins === undefined) {
    const set = new Set<string>();
    for (const uri of client.redirectUris) {
      const origin = webOrigin(uri);
      if (origin !== null) set.add(origin);
    }
    for (const origin of client.metadata.allowedOrigins ?? []) set.add(origin);
    origins = set;
    originsByClient.set(client, origins);
  }
  return origins;
}

/**
 * The actual response (not the preflight) is readable from `origin` only when it is one of the
 * identified client's origins: for the token, revocation and introspection endpoints the
 * authenticated client, for UserInfo the client the access token was issued to.
 */
export function mayReadResponse(origin: string, client: ClientRecord | null): boolean {
  return client !== null && origin !== 'null' && clientOrigins(client).has(origin);
}

/**
 * "Is this the origin of any registered client?", for preflights, which carry no client id
 * (Fetch §3.2.2: no body, no credentials). Allowing a preflight only lets the browser send the
 * request; whether the page may read the answer is decided by `mayReadResponse` for the client
 * the request identifies, so a preflight from one client's origin to another client's token
 * grants nothing.
 */
export interface OriginIndex {
  isClientOrigin(origin: string): Promise<boolean>;
}

export interface OriginIndexOptions {
  /** Milliseconds, monotonic; a cache freshness clock, not protocol time. */
  now?: () => number;
  /** A known origin is re-read at least this often (ms), so a removed client's origin leaves. */
  maxAge?: number;
  /** An unknown origin re-reads the clients at most this often (ms), so a new client's origin is seen quickly without letting unknown origins force a read per request. */
  missRefreshInterval?: number;
}

/**
 * A set of every client's origins, built from `clients.list()` and refreshed in the background:
 * a preflight costs one Set lookup. At most one refresh runs at a time.
 */
export function createOriginIndex(clients: Pick<ClientStore, 'list'>, options: OriginIndexOptions = {}): OriginIndex {
  const now = options.now ?? (() => performance.now());
  const maxAge = options.maxAge ?? 30_000;
  const missRefreshInterval = options.missRefreshInterval ?? 1_000;
  let origins: ReadonlySet<string> | null = null;
  let loadedAt = -Infinity;
  let loading: Promise<ReadonlySet<string>> | null = null;

  function load(): Promise<ReadonlySet<string>> {
    loading ??= (async () => {
      try {
        const started = now();
        const set = new Set<string>();
        for (const client of await clients.list()) for (const origin of clientOrigins(client)) set.add(origin);
        origins = set;
        loadedAt = started;
        return set;
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  return {
    async isClientOrigin(origin) {
      if (origin === 'null') return false;
      const age = now() - loadedAt;
      if (origins === null) return (await load()).has(origin);
      if (origins.has(origin)) {
        if (age > maxAge) void load().catch(() => undefined);
        return true;
      }
      if (age > missRefreshInterval) return (await load()).has(origin);
      return false;
    },
  };
}
