// Scope values as registration metadata (RFC 6749 §3.3).
import { InvalidClientMetadataError } from './errors.js';

/** Scope tokens are NQCHAR sequences separated by single spaces (RFC 6749 §3.3). */
export function parseScope(scope: string): string[] {
  const scopes = scope.split(' ').filter((s) => s !== '');
  for (const s of scopes) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) throw new InvalidClientMetadataError(`invalid scope '${s}'`);
  }
  if (scopes.length === 0) throw new InvalidClientMetadataError('scope must name at least one scope');
  return [...new Set(scopes)];
}
