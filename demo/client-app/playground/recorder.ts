// Records what the Client-Server sends to Gatehouse and receives back during one sign-in or one
// "why" experiment: openid-client calls `recordingFetch` (its customFetch hook), which appends to
// the log of the request being served (AsyncLocalStorage). The raw exchanges stay in this process;
// views show them only through ./redact.ts.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Exchange {
  /** Who sent it, for the sequence diagram. */
  from: 'Client-Server';
  to: 'Gatehouse' | 'API';
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | undefined;
  status: number | undefined;
  responseHeaders: Record<string, string>;
  responseBody: string;
  /** Set when no answer came (network error, timeout). */
  failure?: string;
}

const current = new AsyncLocalStorage<Exchange[]>();

/** Runs `action`; every request openid-client makes meanwhile is appended to `log`. */
export function recordInto<T>(log: Exchange[], action: () => Promise<T>): Promise<T> {
  return current.run(log, action);
}

const headersOf = (headers: Headers | Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(headers instanceof Headers ? [...headers.entries()] : Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/** Appends one exchange to the active log, if any (used for the API call, which is not openid-client's). */
export function recordExchange(exchange: Exchange): void {
  current.getStore()?.push(exchange);
}

/** openid-client's customFetch: a plain fetch that also writes down the request and the answer. */
export async function recordingFetch(url: string, options: { method: string; headers: Record<string, string>; body?: unknown; redirect?: 'manual'; signal?: AbortSignal }): Promise<Response> {
  const log = current.getStore();
  const response = await fetch(url, options as RequestInit);
  if (log) {
    log.push({
      from: 'Client-Server', to: 'Gatehouse', method: options.method, url,
      requestHeaders: headersOf(options.headers),
      requestBody: options.body === undefined || options.body === null ? undefined : String(options.body),
      status: response.status, responseHeaders: headersOf(response.headers),
      responseBody: await response.clone().text(),
    });
  }
  return response;
}
