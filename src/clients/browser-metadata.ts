// The client metadata a browser app and its pages need (issue 12): https links for the login and
// consent pages (OIDC Registration §2), the scope an omitted `scope` means (RFC 6749 §3.3), the
// PKCE switch for confidential clients (RFC 9700 §2.1.1), and extra CORS origins. Set by
// `gatehouse client create|update`; pure.
import { absoluteUrl } from './uris.js';
import type { ClientMetadata } from '../storage/records.js';
import { isLoopbackHost } from '../lib/loopback.js';
import { InvalidClientMetadataError } from './errors.js';
import { parseScope } from './scope-syntax.js';

/**
 * The ClientMetadata fields a browser app and its pages need: https links shown on the login and
 * consent pages (OIDC Registration §2), the scope an omitted `scope` means (RFC 6749 §3.3), the
 * PKCE switch for confidential clients, and extra CORS origins. '' removes a URI or the default scope.
 */
export interface BrowserClientOptions {
  logoUri?: string | undefined;
  clientUri?: string | undefined;
  policyUri?: string | undefined;
  tosUri?: string | undefined;
  defaultScope?: string | undefined;
  requirePkce?: boolean | undefined;
  allowedOrigins?: string[] | undefined;
}

/** Why `uri` cannot be a logo, home, policy or terms link, or null: shown only as https (OIDC Registration §2). */
export function pageUriProblem(uri: string): string | null {
  const url = absoluteUrl(uri);
  if (!url) return 'is not an absolute URI';
  if (url.protocol !== 'https:') return 'must use https (the login and consent pages show https links only)';
  if (url.username || url.password) return 'must not contain user information';
  return null;
}

/** Why `origin` cannot be a CORS origin, or null: scheme, host and optional port only (RFC 6454 §7). */
export function allowedOriginProblem(origin: string): string | null {
  const url = absoluteUrl(origin);
  if (!url) return 'is not an origin such as https://app.example.com';
  if (url.origin !== origin) return `is not an origin (scheme://host[:port], nothing after it): did you mean '${url.origin}'?`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https origin';
  return null;
}

/** Why `defaultScope` cannot be the client's default, or null: some of its scopes, at least one. */
export function defaultScopeProblem(defaultScope: readonly string[], scopes: readonly string[]): string | null {
  if (defaultScope.length === 0) return 'must name at least one scope';
  const unknown = defaultScope.filter((s) => !scopes.includes(s));
  return unknown.length > 0 ? `names scopes the client may not request: ${unknown.join(' ')}` : null;
}

/** Applies and checks BrowserClientOptions over the stored metadata. */
export function browserClientMetadata(
  current: ClientMetadata, options: BrowserClientOptions | undefined, scopes: string[], publicClient: boolean,
): ClientMetadata {
  const metadata: ClientMetadata = { ...current };
  const uris = [['logoUri', 'logo URI'], ['clientUri', 'client URI'], ['policyUri', 'policy URI'], ['tosUri', 'terms of service URI']] as const;
  for (const [field, label] of uris) {
    const value = options?.[field];
    if (value === undefined) continue;
    if (value === '') {
      delete metadata[field];
      continue;
    }
    const problem = pageUriProblem(value);
    if (problem) throw new InvalidClientMetadataError(`${label} '${value}' ${problem}`);
    metadata[field] = value;
  }
  if (options?.defaultScope === '') delete metadata.defaultScope;
  else if (options?.defaultScope !== undefined) metadata.defaultScope = parseScope(options.defaultScope);
  if (metadata.defaultScope !== undefined) {
    const problem = defaultScopeProblem(metadata.defaultScope, scopes);
    if (problem) throw new InvalidClientMetadataError(`default scope '${metadata.defaultScope.join(' ')}' ${problem}`);
  }
  if (options?.allowedOrigins !== undefined) {
    const origins = [...new Set(options.allowedOrigins)];
    for (const origin of origins) {
      const problem = allowedOriginProblem(origin);
      if (problem) throw new InvalidClientMetadataError(`allowed origin '${origin}' ${problem}`);
    }
    if (origins.length > 0) metadata.allowedOrigins = origins;
    else delete metadata.allowedOrigins;
  }
  if (options?.requirePkce === true) delete metadata.requirePkce;
  else if (options?.requirePkce === false) metadata.requirePkce = false;
  // RFC 9700 §2.1.1: a public client has nothing but PKCE to bind its code to itself.
  if (publicClient && metadata.requirePkce === false) {
    throw new InvalidClientMetadataError('a public client always needs PKCE: --no-require-pkce is for confidential clients only');
  }
  return metadata;
}


/** The browser-app fields of the wire view: RFC 7591 §2 names, and Gatehouse's own for the rest. */
export function browserClientView(m: ClientMetadata) {
  return {
    ...(m.logoUri ? { logo_uri: m.logoUri } : {}),
    ...(m.clientUri ? { client_uri: m.clientUri } : {}),
    ...(m.policyUri ? { policy_uri: m.policyUri } : {}),
    ...(m.tosUri ? { tos_uri: m.tosUri } : {}),
    ...(m.defaultScope ? { default_scope: m.defaultScope.join(' ') } : {}),
    ...(m.requirePkce === false ? { require_pkce: false } : {}),
    ...(m.allowedOrigins ? { allowed_origins: m.allowedOrigins } : {}),
  };
}
