// How long a fetched response may be reused (RFC 9111 §4.2.1): Cache-Control max-age, else
// Expires minus Date; no-store and no-cache mean "do not reuse" (0). Null when the response
// says nothing, so the caller picks its own default. Bounds are the caller's policy.
import type { IncomingHttpHeaders } from 'node:http';

/** Seconds the response stays fresh by its own headers, or null when it names no lifetime. */
export function freshnessLifetime(headers: IncomingHttpHeaders, now: number): number | null {
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined) {
    const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
    if (directives.some((d) => d === 'no-store' || d === 'no-cache' || d.startsWith('no-cache='))) return 0;
    const maxAge = directives.map((d) => /^max-age\s*=\s*"?(\d+)"?$/.exec(d)).find((m) => m !== null);
    // RFC 9111 §4.2.1: max-age wins over Expires.
    if (maxAge) return Number(maxAge[1]);
  }
  const expires = headers.expires;
  if (expires === undefined) return null;
  const expiresAt = Date.parse(expires);
  // RFC 9111 §5.3: an invalid Expires (e.g. "0") means already expired.
  if (Number.isNaN(expiresAt)) return 0;
  const date = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
  const base = Number.isNaN(date) ? now * 1000 : date;
  return Math.max(0, Math.floor((expiresAt - base) / 1000));
}
