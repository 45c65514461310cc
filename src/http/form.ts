// application/x-www-form-urlencoded bodies and query strings, keeping track of repeated
// parameters: RFC 6749 §3.1 and §3.2 forbid sending a parameter more than once.

export interface WireParameters {
  /** First value of each parameter; empty values count as absent (RFC 6749 §3.1). */
  params: Record<string, string>;
  /** Names that appeared more than once. */
  duplicated: string[];
}

export function parseWireParameters(text: string): WireParameters {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const [key, value] of new URLSearchParams(text)) {
    // RFC 8707 §2: `resource` may be repeated; its values are joined with a space (no URI has one).
    if (key === 'resource') {
      if (value !== '') params[key] = params[key] === undefined ? value : `${params[key]} ${value}`;
      continue;
    }
    if (seen.has(key)) duplicated.add(key);
    seen.add(key);
    if (value !== '' && params[key] === undefined) params[key] = value;
  }
  return { params: { ...params }, duplicated: [...duplicated] };
}

/** The query string of a raw request URL (without the leading '?'). */
export function queryOf(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? '' : url.slice(index + 1);
}
