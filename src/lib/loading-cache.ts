// A bounded in-memory cache of loaded values, each with its own expiry, that loads a missing key
// once however many callers ask at the same time (they share one pending load). Failed loads are
// not cached. The oldest-used entry is dropped when the cache is full. Knows nothing of OAuth.

export interface Loaded<V> {
  value: V;
  /** Whole seconds (the clock's unit) the value may be reused. 0: hand it to the waiting callers only. */
  ttl: number;
}

export interface LoadingCache<V> {
  /** The cached value of `key`, or the result of `load()`, shared with concurrent callers for the same key. */
  get(key: string, load: () => Promise<Loaded<V>>): Promise<V>;
  /** Entries currently held (for tests and metrics). */
  readonly size: number;
}

export function createLoadingCache<V>({ maxEntries, clock }: { maxEntries: number; clock: () => number }): LoadingCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const pending = new Map<string, Promise<V>>();

  function store(key: string, value: V, ttl: number): void {
    if (ttl <= 0) return;
    entries.delete(key);
    entries.set(key, { value, expiresAt: clock() + ttl });
    // Map keeps insertion order: the first key is the one used longest ago.
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  }

  return {
    get size() {
      return entries.size;
    },
    get(key, load) {
      const entry = entries.get(key);
      if (entry && entry.expiresAt > clock()) {
        entries.delete(key);
        entries.set(key, entry);
        return Promise.resolve(entry.value);
      }
      if (entry) entries.delete(key);
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const loading = (async () => {
        try {
          const { value, ttl } = await load();
          store(key, value, ttl);
          return value;
        } finally {
          pending.delete(key);
        }
      })();
      pending.set(key, loading);
      return loading;
    },
  };
}
