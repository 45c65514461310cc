// OAuth 2.0 Protected Resource Metadata (RFC 9728) for an API that Gatehouse protects: the document
// (§2), where it lives (§3: the well-known path inserted before the resource's own path), and the
// `resource_metadata` parameter of the 401 challenge (§5.1) — how an MCP client finds the
// authorization server from nothing but the API's URL (MCP authorization, "Authorization Server
// Discovery"). Framework glue: fastifyProtectedResourceMetadata here, or the handler for node:http.
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ProtectedResourceMetadataOptions {
  /**
   * The resource identifier (RFC 9728 §1.2, RFC 8707 §2): the API's https URL (http only on a
   * loopback host), no query, no fragment. It is the `aud` its access tokens carry.
   */
  resource: string;
  /** Issuer identifiers of the authorization servers that issue its tokens (§2 `authorization_servers`). */
  authorizationServers: readonly string[];
  /** Scopes the API understands (§2 `scopes_supported`); advertise what clients may ask for. */
  scopesSupported?: readonly string[];
  /** A human-readable name (§2 `resource_name`). */
  resourceName?: string;
  /** Developer documentation (§2 `resource_documentation`). */
  resourceDocumentation?: string;
  /** Seconds the document may be cached by clients (Cache-Control max-age). Default 300. */
  maxAge?: number;
}

/** The RFC 9728 §2 document, as served. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: string[];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkedUrl(value: string, what: string, options: { path: boolean }): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${what} must be an absolute URL: ${value}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    throw new TypeError(`${what} must use https (http only on a loopback host): ${value}`);
  }
  if (url.hash || value.includes('#')) throw new TypeError(`${what} must not have a fragment: ${value}`);
  if (!options.path && (url.search || value.includes('?'))) throw new TypeError(`${what} must not have a query: ${value}`);
  return url;
}

/**
 * Where the metadata of `resource` lives (RFC 9728 §3.1): `/.well-known/oauth-protected-resource`
 * inserted between the host and the resource's path, a terminating slash of that path removed.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = checkedUrl(resource, 'resource', { path: false });
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/** The §2 document; throws a TypeError naming the field when an option cannot be right. */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  checkedUrl(options.resource, 'resource', { path: false });
  if (options.authorizationServers.length === 0) throw new TypeError('authorizationServers must name at least one issuer');
  for (const issuer of options.authorizationServers) checkedUrl(issuer, 'authorizationServers', { path: false });
  if (options.resourceDocumentation !== undefined) checkedUrl(options.resourceDocumentation, 'resourceDocumentation', { path: true });
  for (const scope of options.scopesSupported ?? []) {
    // RFC 6749 §3.3 scope-token: printable ASCII without space, quote or backslash.
    if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)) throw new TypeError(`scopesSupported: not a scope token: ${JSON.stringify(scope)}`);
  }
  return {
    resource: options.resource,
    authorization_servers: [...options.authorizationServers],
    // Gatehouse's resource-server package reads the token from the Authorization header only (RFC 6750 §2.1).
    bearer_methods_supported: ['header'],
    ...(options.scopesSupported?.length ? { scopes_supported: [...options.scopesSupported] } : {}),
    ...(options.resourceName !== undefined ? { resource_name: options.resourceName } : {}),
    ...(options.resourceDocumentation !== undefined ? { resource_documentation: options.resourceDocumentation } : {}),
  };
}

/** The answer for the metadata URL: 200 JSON, cacheable, readable from any origin (it is public, like discovery). */
export function protectedResourceMetadataResponse(options: ProtectedResourceMetadataOptions): { path: string; status: number; headers: Record<string, string>; body: string } {
  const document = protectedResourceMetadata(options);
  return {
    path: new URL(protectedResourceMetadataUrl(options.resource)).pathname,
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': `public, max-age=${Math.max(0, Math.floor(options.maxAge ?? 300))}`,
      'access-control-allow-origin': '*',
    },
    body: JSON.stringify(document),
  };
}

/**
 * The answer to a CORS preflight for the document: browser-based MCP clients send an
 * `MCP-Protocol-Version` header, which makes their GET a non-simple request. No credentials are
 * involved, so any origin and any header may be allowed.
 */
const preflightHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD',
  'access-control-allow-headers': '*',
  'access-control-max-age': '600',
};

/** Serves the document on `app` at its §3.1 path (GET and HEAD, and the CORS preflight). */
export function fastifyProtectedResourceMetadata(app: FastifyInstance, options: ProtectedResourceMetadataOptions): void {
  const answer = protectedResourceMetadataResponse(options);
  app.get(answer.path, async (_request, reply) => reply.code(answer.status).headers(answer.headers).send(answer.body));
  app.options(answer.path, async (_request, reply) => reply.code(204).headers(preflightHeaders).send());
}

/**
 * For node:http: answers the request and returns true when it is for the metadata document, else
 * returns false and leaves the request to the caller.
 */
export function protectedResourceMetadataHandler(options: ProtectedResourceMetadataOptions) {
  const answer = protectedResourceMetadataResponse(options);
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== answer.path) return false;
    if (request.method === 'OPTIONS') {
      response.writeHead(204, preflightHeaders).end();
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    response.writeHead(answer.status, answer.headers).end(request.method === 'HEAD' ? undefined : answer.body);
    return true;
  };
}
