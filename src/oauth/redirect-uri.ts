// Redirect URI rules: what may be registered (RFC 6749 §3.1.2, RFC 8252 §7–8, RFC 9700 §2.1) and exact
// matching against the registration (RFC 9700 §4.1.3, OAuth 2.1 §2.3.1).
import type { ClientRecord } from '../storage/records.js';
import { isLoopbackHost } from '../lib/loopback.js';

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

/** Why `uri` cannot be registered, or null when it can. Stored and later matched exactly as given. */
export function redirectUriProblem(uri: string, publicClient: boolean): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (uri.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  if (url.username || url.password) return 'must not contain user information';
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https' || scheme === 'http') {
    if (!uri.toLowerCase().startsWith(`${scheme}://`)) return 'is not an absolute URI';
    // RFC 8252 §7.3/§8.3: native apps listen on loopback with http; nothing else may use plain http.
    if (scheme === 'http' && !isLoopbackHost(url.hostname)) {
      return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
    }
    return null;
  }
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it contains a period.
  if (!publicClient) return 'must use https (private-use schemes are for public native clients)';
  if (!scheme.includes('.')) return `must use https, or a private-use scheme with a period such as com.example.app (RFC 8252 §7.1)`;
  return null;
}
