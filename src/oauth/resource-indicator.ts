// Resource indicators (RFC 8707): the `resource` parameter at /authorize (§2.1) and at the token
// endpoint (§2.2), resolved against the registered resources. Identifiers are compared as the MCP
// authorization spec asks: absolute URI, scheme and host lowercased, no fragment, the rest exact.
// One resource per access token: its `aud` is that identifier and its scope is the granted scope
// cut down to what the resource declares.
import type { ResourceStore } from '../storage/ports.js';
import type { ClientRecord, ResourceRecord, TokenRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';

/** Why a value is not a resource identifier, or null. Pure; used by the CLI and client metadata too. */
export function resourceIdentifierProblem(value: string): string | null {
  if (/\s/.test(value)) return 'must not contain whitespace';
  if (value.includes('#')) return 'must not include a fragment (RFC 8707 §2)';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return 'must be an absolute URI (RFC 8707 §2)';
  try {
    new URL(value);
  } catch {
    return 'must be an absolute URI (RFC 8707 §2)';
  }
  return null;
}

/**
 * The comparable form: scheme and host lowercased; userinfo, port, path and query kept exactly
 * as sent. Throws invalid_target (RFC 8707 §2) for a value that is not an absolute URI without fragment.
 */
export function normalizeResourceIdentifier(value: string): string {
  const problem = resourceIdentifierProblem(value);
  if (problem) throw new OAuthError('invalid_target', `resource ${problem}`);
  const colon = value.indexOf(':');
  const scheme = value.slice(0, colon).toLowerCase();
  const rest = value.slice(colon + 1);
  if (!rest.startsWith('//')) return `${scheme}:${rest}`;
  const end = rest.slice(2).search(/[/?]/);
  const authority = end === -1 ? rest.slice(2) : rest.slice(2, 2 + end);
  const tail = end === -1 ? '' : rest.slice(2 + end);
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? '' : authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  // The port (after the last ':' outside an IPv6 literal) keeps its digits; the host is lowercased.
  const portAt = hostPort.lastIndexOf(':');
  const host = portAt > hostPort.lastIndexOf(']') ? hostPort.slice(0, portAt) : hostPort;
  const port = hostPort.slice(host.length);
  return `${scheme}://${userinfo}${host.toLowerCase()}${port}${tail}`;
}

/**
 * The `resource` values of a request. The form parser joins repeated `resource` parameters
 * with a space (a character no URI contains), so they survive a paused authorization request.
 */
export function parseResourceParameter(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...new Set(value.split(' ').filter(Boolean).map(normalizeResourceIdentifier))];
}

/** Each identifier's registered resource; an unknown one is invalid_target (RFC 8707 §2). */
export async function findResources(identifiers: readonly string[], resources: ResourceStore): Promise<ResourceRecord[]> {
  const found: ResourceRecord[] = [];
  for (const identifier of identifiers) {
    const resource = await resources.find(identifier);
    if (!resource) throw new OAuthError('invalid_target', 'the resource is not registered at this authorization server');
    found.push(resource);
  }
  return found;
}

/**
 * The resources an authorization request is for (RFC 8707 §2.1): those it names, else the
 * client's default resource, else none (tokens then have the client as audience, as before).
 */
export async function authorizationResources(
  value: string | undefined, client: ClientRecord, resources: ResourceStore,
): Promise<string[]> {
  const requested = parseResourceParameter(value);
  const identifiers = requested.length > 0 ? requested : defaultResourceOf(client);
  return (await findResources(identifiers, resources)).map((r) => r.identifier);
}

function defaultResourceOf(client: ClientRecord): string[] {
  return client.metadata.defaultResource ? [client.metadata.defaultResource] : [];
}

/**
 * The one resource a token request's access token is for (RFC 8707 §2.2), or null for none.
 * `permitted` are the grant's resources (code or refresh token), or null when any registered
 * resource may be named (client_credentials). Several requested: invalid_target, one token has
 * one audience. None requested: the grant's only resource, or the client's default resource
 * when it is permitted, else (several in the grant) invalid_target asking to name one.
 */
export async function tokenResource(
  value: string | undefined, permitted: readonly string[] | null, client: ClientRecord, resources: ResourceStore,
): Promise<ResourceRecord | null> {
  const requested = parseResourceParameter(value);
  if (requested.length > 1) {
    throw new OAuthError('invalid_target', 'an access token is issued for one resource at a time: send one resource parameter');
  }
  let identifier = requested[0];
  if (identifier !== undefined && permitted !== null && !permitted.includes(identifier)) {
    throw new OAuthError('invalid_target', 'the resource was not part of the authorization grant');
  }
  if (identifier === undefined) {
    const fallback = defaultResourceOf(client)[0];
    if (permitted === null) identifier = fallback;
    else if (permitted.length === 1) identifier = permitted[0];
    else if (fallback !== undefined && permitted.includes(fallback)) identifier = fallback;
    else if (permitted.length > 1) throw new OAuthError('invalid_target', 'the grant covers several resources: name one with the resource parameter');
  }
  if (identifier === undefined) return null;
  const [resource] = await findResources([identifier], resources);
  return resource ?? null;
}

/**
 * An access token's scope for `resource`: the granted scopes it declares (RFC 8707 §2.2, RFC 9068
 * §2.2.3). None in common: invalid_scope, since a token with no permission at the API is useless.
 */
export function scopesForResource(granted: readonly string[], resource: ResourceRecord): string[] {
  const scopes = granted.filter((s) => resource.scopes.includes(s));
  if (scopes.length === 0) throw new OAuthError('invalid_scope', 'none of the granted scopes is one the resource declares');
  return scopes;
}

/**
 * Whether an access token may be presented at `endpoint`, one of this server's own protected
 * endpoints (UserInfo): a token with no resource has its client as audience and is meant for the
 * authorization server's own endpoints, as before resource indicators; a token for a registered
 * resource (RFC 8707) is for that resource only, unless the resource is this very endpoint.
 * Refused tokens are invalid_token at the endpoint (RFC 6750 §3.1; RFC 9068 §4 audience check).
 */
export function tokenIsForEndpoint(record: Pick<TokenRecord, 'resources'>, endpoint: string): boolean {
  const audience = (record.resources ?? [])[0];
  return audience === undefined || audience === normalizeResourceIdentifier(endpoint);
}
