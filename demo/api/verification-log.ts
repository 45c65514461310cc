// What the demo API asked Gatehouse while checking one access token (issue 11, step 7 of the
// playground): the verifier's fetch is wrapped so each request and answer is written down for the
// request being served (AsyncLocalStorage), masked here — the API's client secret and the token
// never leave this process. The API returns the log in its answer; only a demo does this.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AccessTokenVerifier } from '../../src/resource-server/index.js';

/** One request the API made to Gatehouse, already masked. */
export interface VerificationExchange {
  method: string;
  url: string;
  request_headers: Record<string, string>;
  request_form?: Record<string, string>;
  status: number;
  response_body: string;
}

const current = new AsyncLocalStorage<VerificationExchange[]>();

/** A prefix and the length: nobody can use it (the playground's rule, demo/client-app/playground/redact.ts). */
const masked = (value: string) => `${value.slice(0, value.startsWith('gh_') ? 10 : 8)}… (${value.length} characters)`;

function maskedAuthorization(value: string): string {
  const [scheme, credentials = ''] = value.split(' ');
  if (scheme !== 'Basic') return `${scheme} •••••`;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const clientId = decodeURIComponent(decoded.slice(0, decoded.indexOf(':')));
  return `Basic base64(${clientId}:•••••) — the API's resource identifier ${clientId} and its introspection secret, never shown`;
}

/** The verifier's `fetch`: a plain fetch that also writes the exchange into the active log, if any. */
export const loggingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const log = current.getStore();
  if (log) {
    const headers = new Headers(init?.headers);
    const shownHeaders = Object.fromEntries([...headers.entries()]
      .filter(([name]) => ['authorization', 'content-type', 'accept'].includes(name))
      .map(([name, value]) => [name, name === 'authorization' ? maskedAuthorization(value) : value]));
    const body = init?.body;
    const form = typeof body === 'string' || body instanceof URLSearchParams
      ? Object.fromEntries([...new URLSearchParams(body)].map(([k, v]) => [k, k === 'token' || k === 'client_secret' ? masked(v) : v]))
      : undefined;
    log.push({
      method: init?.method ?? 'GET', url: input instanceof Request ? input.url : String(input), request_headers: shownHeaders,
      ...(form ? { request_form: form } : {}), status: response.status, response_body: await response.clone().text(),
    });
  }
  return response;
};

/**
 * The same verifier, but `authenticate` also returns what it asked Gatehouse (empty when the
 * answer came from the verifier's cache or from a local JWT check with cached keys).
 */
export async function authenticateLogged(verifier: AccessTokenVerifier, authorization: string | undefined, required: { scopes?: readonly string[] }) {
  const log: VerificationExchange[] = [];
  const token = await current.run(log, () => verifier.authenticate(authorization, required));
  return { token, exchanges: log };
}
