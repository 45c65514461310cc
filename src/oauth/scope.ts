// Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive, no duplicates; and what an
// omitted scope means.
import type { ClientRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';

const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const scopes = value.split(' ').filter((s) => s !== '');
  for (const scope of scopes) {
    if (!scopeToken.test(scope)) throw new OAuthError('invalid_scope', 'scope contains invalid characters');
  }
  return [...new Set(scopes)];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/** Every requested scope must be allowed; returns them in request order. */
export function requireAllowedScopes(requested: readonly string[], allowed: readonly string[]): string[] {
  const allowedSet = new Set(allowed);
  const denied = requested.filter((s) => !allowedSet.has(s));
  if (denied.length > 0) throw new OAuthError('invalid_scope', `scope not allowed for this client: ${denied.join(' ')}`);
  return [...requested];
}

export function coversScopes(granted: readonly string[], requested: readonly string[]): boolean {
  const grantedSet = new Set(granted);
  return requested.every((s) => grantedSet.has(s));
}

/**
 * The OpenID Connect scopes (OIDC Core §5.4, §11): about a user, so meaningless without one
 * (client_credentials), and never granted unless asked for by name.
 */
export const identityScopes: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/**
 * RFC 6749 §3.3: a request without `scope` is processed with a pre-defined default. That is the
 * client's `defaultScope` when registered (kept to what the client may request), else every
 * registered scope but the OpenID Connect ones: a request without scope is no OpenID Connect
 * request (OIDC Core §3.1.2.1 needs `openid`), and offline_access is asked for explicitly (§11).
 * MCP clients send no scope when the resource names none (MCP Authorization, scope selection).
 */
export function defaultScope(client: ClientRecord): string[] {
  const configured = client.metadata.defaultScope;
  if (configured !== undefined) return configured.filter((s) => client.scopes.includes(s));
  return client.scopes.filter((s) => !identityScopes.has(s));
}
