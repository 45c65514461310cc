// What of a recorded exchange may be drawn on a page (the seed's point: the browser never holds a
// usable token). Access and refresh tokens: a prefix and the length. Client secret: never.
// ID token: a prefix and the length here; its header and payload are shown decoded elsewhere.
// Authorization codes appear only in token requests, which are drawn after Gatehouse answered,
// so every code shown is spent.
import type { Exchange } from './recorder.js';

/** Short enough that no leak detector (test/e2e/token-leaks.ts) nor a person could use it. */
export function maskToken(value: string): string {
  return `${value.slice(0, value.startsWith('gh_') ? 10 : 8)}… (${value.length} characters)`;
}

const secretParams = new Set(['client_secret', 'refresh_token', 'access_token', 'id_token', 'token', 'client_assertion']);

export interface ShownExchange {
  method: string;
  url: string;
  requestHeaders: [string, string][];
  requestParams: [string, string][] | undefined;
  status: number | undefined;
  responseHeaders: [string, string][];
  responseBody: string;
  failure?: string;
}

const interestingResponseHeaders = ['content-type', 'cache-control', 'www-authenticate', 'location'];

function shownAuthorization(value: string): string {
  const [scheme, credentials = ''] = value.split(' ');
  if (scheme === 'Basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const clientId = decodeURIComponent(decoded.slice(0, colon));
    const secretLength = decodeURIComponent(decoded.slice(colon + 1)).length;
    return `Basic base64(${clientId}:•••••) — client_id ${clientId}, secret masked (${secretLength} characters, never shown)`;
  }
  if (scheme === 'Bearer') return `Bearer ${maskToken(credentials)}`;
  return `${scheme} •••••`;
}

function shownJson(body: string): string {
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { return body.length > 2000 ? `${body.slice(0, 2000)}…` : body; }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [key, value] of Object.entries(parsed)) {
      if (secretParams.has(key) && typeof value === 'string') (parsed as Record<string, unknown>)[key] = maskToken(value);
    }
  }
  return JSON.stringify(parsed, null, 2);
}

export function redactExchange(exchange: Exchange): ShownExchange {
  const requestHeaders = Object.entries(exchange.requestHeaders)
    .filter(([name]) => ['authorization', 'content-type', 'accept', 'dpop'].includes(name))
    .map(([name, value]): [string, string] => [name, name === 'authorization' ? shownAuthorization(value) : value]);
  const form = exchange.requestBody !== undefined && /x-www-form-urlencoded/.test(exchange.requestHeaders['content-type'] ?? '');
  return {
    method: exchange.method,
    url: exchange.url,
    requestHeaders,
    requestParams: form
      ? [...new URLSearchParams(exchange.requestBody)].map(([name, value]): [string, string] => [name, secretParams.has(name) ? maskToken(value) : value])
      : undefined,
    status: exchange.status,
    responseHeaders: Object.entries(exchange.responseHeaders).filter(([name]) => interestingResponseHeaders.includes(name)),
    responseBody: shownJson(exchange.responseBody),
    ...(exchange.failure ? { failure: exchange.failure } : {}),
  };
}
