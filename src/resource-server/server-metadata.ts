// Finds the authorization server's jwks_uri and introspection_endpoint from its metadata
// (RFC 8414 §3, falling back to OpenID Connect Discovery §4); a failed lookup is retried next time.
import { VerifierUnavailableError } from './errors.js';

export interface ServerEndpoints {
  jwksUri?: string;
  introspectionEndpoint?: string;
}

export type FetchLike = typeof fetch;

function wellKnownUrls(issuer: string): URL[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, url),
    new URL(`${path}/.well-known/openid-configuration`, url),
  ];
}

async function fetchMetadata(issuer: string, fetchImpl: FetchLike, timeoutMs: number): Promise<ServerEndpoints> {
  let lastProblem = 'no metadata document found';
  for (const url of wellKnownUrls(issuer)) {
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new VerifierUnavailableError(`authorization server metadata unreachable at ${url.href}`, { cause });
    }
    if (response.status === 404) { lastProblem = `${url.href} answered 404`; continue; }
    if (!response.ok) throw new VerifierUnavailableError(`${url.href} answered ${response.status}`);
    const metadata = await response.json() as Record<string, unknown>;
    // RFC 8414 §3.3: the document must name the issuer we asked about, or it is not to be used.
    if (metadata.issuer !== issuer) throw new VerifierUnavailableError(`metadata at ${url.href} names another issuer`);
    return {
      ...(typeof metadata.jwks_uri === 'string' ? { jwksUri: metadata.jwks_uri } : {}),
      ...(typeof metadata.introspection_endpoint === 'string' ? { introspectionEndpoint: metadata.introspection_endpoint } : {}),
    };
  }
  throw new VerifierUnavailableError(lastProblem);
}

/** Memoises the first successful lookup; a failure is never remembered. */
export function serverMetadataSource(issuer: string, fetchImpl: FetchLike, timeoutMs: number): () => Promise<ServerEndpoints> {
  let pending: Promise<ServerEndpoints> | null = null;
  return () => {
    pending ??= fetchMetadata(issuer, fetchImpl, timeoutMs).catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}
