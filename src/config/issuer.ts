// What an issuer identifier may be: OIDC Discovery 1.0 §3 and Core §2 make it an https URL with
// scheme, host, optional port and path, and no query or fragment. Plain http is allowed on a
// loopback host (a developer's own machine, as RFC 8252 §7.3 does for redirects), and elsewhere
// only with the explicit development flag `allowHttpIssuer`.
import { isLoopbackHost } from '../lib/loopback.js';

/** Why `issuer` cannot be used, or null when it can. */
export function issuerProblem(issuer: string, allowHttpIssuer: boolean): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must use https, not ${url.protocol.slice(0, -1)} (OIDC Discovery §3)`;
  }
  if (!issuer.toLowerCase().startsWith(`${url.protocol}//`)) return 'must be an absolute https URL';
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#')) {
    return 'must not have a query or fragment (OIDC Discovery §3)';
  }
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowHttpIssuer) {
    return 'must use https (OIDC Discovery §3); http is allowed on localhost, 127.0.0.1 and [::1], '
      + 'or anywhere with allowHttpIssuer (GATEHOUSE_ALLOW_HTTP_ISSUER=true, for development only)';
  }
  return null;
}
