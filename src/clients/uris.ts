// Where a client may send browsers and receive calls: redirect URIs (RFC 6749 §3.1.2, RFC 8252
// §7–8, RFC 9700 §2.1, OIDC Registration 1.0 §2 application_type), the logout URIs (Back-Channel
// Logout 1.0 §2.2, Front-Channel Logout 1.0 §2) and plain https metadata URIs. Each function says
// why a URI cannot be registered, or returns null.
import { isLoopbackHost } from '../lib/loopback.js';
import { isFrameableOrigin } from '../oidc/frontchannel-logout.js';

/** `uri` parsed as an absolute URL, or null when it is not one. */
export function absoluteUrl(uri: string): URL | null {
  return URL.canParse(uri) ? new URL(uri) : null;
}

/** OIDC Registration 1.0 §2: a web client runs on a server or in a browser; a native one on a device. */
export type ApplicationType = 'web' | 'native';

/** Why `uri` cannot be registered, or null when it can. Stored and later matched exactly as given. */
export function redirectUriProblem(uri: string, publicClient: boolean, applicationType?: ApplicationType): string | null {
  const url = absoluteUrl(uri);
  if (!url) return 'is not an absolute URI';
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
  // OIDC Registration 1.0 §2: custom schemes are for native clients; with no application type
  // given (operator-created clients) a public client counts as native.
  if (applicationType === 'web') return `is refused: a web client cannot use the private-use scheme ${scheme} (register application_type native)`;
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it contains a period.
  if (applicationType === undefined && !publicClient) return 'must use https (private-use schemes are for public native clients)';
  if (!scheme.includes('.')) return `must use https, or a private-use scheme with a period such as com.example.app (RFC 8252 §7.1)`;
  return null;
}

/**
 * Why `uri` cannot be a back-channel logout URI, or null (Back-Channel Logout 1.0 §2.2): absolute,
 * no fragment; https, or http for a confidential client. Private-network targets are refused at
 * delivery time, on the address connected to (lib/outbound-fetch), unless configuration allows them.
 */
export function backchannelLogoutUriProblem(uri: string, publicClient: boolean): string | null {
  const url = absoluteUrl(uri);
  if (!url) return 'is not an absolute URI';
  if (uri.includes('#')) return 'must not contain a fragment (Back-Channel Logout 1.0 §2.2)';
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return publicClient ? 'must use https: http is allowed only for confidential clients (Back-Channel Logout 1.0 §2.2)' : null;
  return 'must use https (Back-Channel Logout 1.0 §2.2)';
}

/**
 * Why `uri` cannot be a front-channel logout URI, or null (Front-Channel Logout 1.0 §2): absolute,
 * a query allowed but no fragment, and the same scheme, host and port as one of the client's
 * redirect URIs; https, or http on loopback, as for redirect URIs. Its query must not carry `iss`
 * or `sid` already: the OP adds them (§3), and a second pair would leave the RP guessing.
 */
export function frontchannelLogoutUriProblem(uri: string, redirectUris: readonly string[]): string | null {
  const url = absoluteUrl(uri);
  if (!url) return 'is not an absolute URI';
  if (uri.includes('#')) return 'must not contain a fragment (Front-Channel Logout 1.0 §2)';
  if (url.username || url.password) return 'must not contain user information';
  const scheme = url.protocol.slice(0, -1);
  if ((scheme !== 'https' && scheme !== 'http') || !uri.toLowerCase().startsWith(`${scheme}://`)) {
    return 'must be an absolute https URI (Front-Channel Logout 1.0 §2)';
  }
  if (scheme === 'http' && !isLoopbackHost(url.hostname)) {
    return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  // Its origin goes into the logout page's CSP frame-src: a DNS name or an IP address, nothing a
  // policy would read as a wildcard or a separator.
  if (!isFrameableOrigin(url.origin)) return 'must name its host as a DNS name or an IP address';
  if (url.searchParams.has('iss') || url.searchParams.has('sid')) {
    return 'must not carry iss or sid in its query: Gatehouse adds them (Front-Channel Logout 1.0 §3)';
  }
  const sameOrigin = redirectUris.some((redirectUri) => URL.canParse(redirectUri) && new URL(redirectUri).origin === url.origin);
  if (!sameOrigin) return 'must have the scheme, host and port of one of the redirect URIs (Front-Channel Logout 1.0 §2)';
  return null;
}

/**
 * Why `uri` cannot be a metadata URI the OP fetches or shows (logo_uri, client_uri, policy_uri,
 * tos_uri, jwks_uri, sector_identifier_uri, initiate_login_uri): an absolute https URI without a
 * fragment or user information (OIDC Registration 1.0 §2).
 */
export function httpsUriProblem(uri: string): string | null {
  const url = absoluteUrl(uri);
  if (!url) return 'is not an absolute URI';
  if (url.protocol !== 'https:' || !uri.toLowerCase().startsWith('https://')) return 'must be an https URI';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  return null;
}
