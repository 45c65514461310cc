// Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive, no duplicates.
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
