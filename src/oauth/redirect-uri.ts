// Redirect URI rules: exact string matching against the registration (RFC 9700 §4.1.3, OAuth 2.1
// §2.3.1), except the port of a native client's loopback IP redirect URI (RFC 8252 §7.3).
import type { ClientRecord } from '../storage/records.js';

const loopbackIps = new Set(['127.0.0.1', '[::1]']);

/** The URI without its port, when it is an http loopback IP literal URI; otherwise null. */
function withoutLoopbackPort(uri: string): string | null {
  if (!uri.startsWith('http://') || !URL.canParse(uri)) return null;
  const url = new URL(uri);
  if (!loopbackIps.has(url.hostname)) return null;
  url.port = '';
  return url.href;
}

/**
 * The redirect URI the response may go to, or null when it is not registered. No pattern,
 * prefix or normalisation: a different port, path, case or trailing slash is a different URI —
 * but a native client (application_type native) listening on a loopback IP address may name any
 * port at the time of the request (RFC 8252 §7.3), since the operating system picks it.
 */
export function matchRedirectUri(client: ClientRecord, requested: string | undefined): string | null {
  if (requested === undefined) {
    // OIDC Core §3.1.2.1 makes redirect_uri required; a sole registered URI is not guessed.
    return null;
  }
  if (client.redirectUris.includes(requested)) return requested;
  if (client.metadata.applicationType !== 'native') return null;
  const portless = withoutLoopbackPort(requested);
  if (portless === null) return null;
  return client.redirectUris.some((registered) => withoutLoopbackPort(registered) === portless) ? requested : null;
}
