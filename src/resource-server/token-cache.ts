// A bounded, expiring cache of verified introspection results, keyed by the token's SHA-256 so
// the raw token is never kept; concurrent lookups for one token share a single request.
import { createHash } from 'node:crypto';
import type { VerifiedAccessToken } from './verified-access-token.js';

interface Entry {
  token: VerifiedAccessToken;
  until: number;
}

export interface TokenCacheOptions {
  /** Upper bound on how long a result is trusted, in seconds (0 disables caching). */
  maxTtlSeconds: number;
  maxEntries: number;
  now: () => number;
}

export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<VerifiedAccessToken>>();
  readonly #options: TokenCacheOptions;

  constructor(options: TokenCacheOptions) {
    this.#options = options;
  }

  /** The cached result, else `load()`; only a successful load is remembered, and never past the token's own exp. */
  async get(token: string, load: () => Promise<VerifiedAccessToken>): Promise<VerifiedAccessToken> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = this.#options.now();
    const hit = this.#entries.get(key);
    if (hit && hit.until > now) return hit.token;
    if (hit) this.#entries.delete(key);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const loading = load().then((verified) => {
      this.#remember(key, verified);
      return verified;
    }).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, loading);
    return loading;
  }

  get size(): number {
    return this.#entries.size;
  }

  #remember(key: string, token: VerifiedAccessToken): void {
    const now = this.#options.now();
    const until = Math.min(token.expiresAt, now + this.#options.maxTtlSeconds);
    if (until <= now) return;
    if (this.#entries.size >= this.#options.maxEntries) this.#evict(now);
    this.#entries.set(key, { token, until });
  }

  /** Drops expired entries, then the oldest if still full (Map keeps insertion order). */
  #evict(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
    while (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }
}
