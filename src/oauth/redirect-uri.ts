// Redirect URI rules: exact string matching against the registration (RFC 9700 §4.1.3, OAuth 2.1 §2.3.1).
import type { ClientRecord } from '../storage/records.js';

/**
 * The redirect URI the response may go to, or null when it is not registered. No pattern,
 * prefix or normalisation: a different port, path, case or trailing slash is a different URI.
 */
export function matchRedirectUri(client: ClientRecord, requested: string | undefined): string | null {
  if (requested === undefined) {
    // OIDC Core §3.1.2.1 makes redirect_uri required; a sole registered URI is not guessed.
    return null;
  }
  return client.redirectUris.includes(requested) ? requested : null;
}
