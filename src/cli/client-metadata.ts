// Client registration rules: redirect URIs (RFC 6749 §3.1.2, RFC 8252 §7–8, RFC 9700 §2.1),
// grant types (RFC 7591 §2), scope syntax (RFC 6749 §3.3) and the logout URIs (Back-Channel
// Logout 1.0 §2.2, Front-Channel Logout 1.0 §2). Pure: no storage, no output.
import type { ClientRecord, TokenEndpointAuthMethod } from '../storage/records.js';
import { randomIdentifier } from '../lib/random.js';
import { isLoopbackHost } from '../lib/loopback.js';
import { redirectUriProblem } from '../oauth/redirect-uri.js';
import { newOpaqueValue, tokenPrefix } from '../oauth/opaque-token.js';
import { supportedClientAuthMethods } from '../oauth/client-authentication.js';
import { isFrameableOrigin } from '../oidc/frontchannel-logout.js';

export const supportedGrantTypes = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const defaultGrantTypes = ['authorization_code', 'refresh_token'];
export const defaultScope = 'openid profile email offline_access';

export { redirectUriProblem };

/** A registration the rules refuse; the message names the offending value. */
export class InvalidClientMetadataError extends Error {
  override readonly name = 'InvalidClientMetadataError';
}

export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  /** How the client authenticates at the token endpoint; `none` makes it a public client. */
  authMethod: TokenEndpointAuthMethod;
  grantTypes: string[];
  scope: string;
  skipConsent: boolean;
  /** Where logout tokens are POSTed (Back-Channel Logout 1.0 §2.2); null or absent: none. */
  backchannelLogoutUri?: string | null;
  /** The client needs `sid` in logout tokens; only with a back-channel logout URI. */
  backchannelLogoutSessionRequired?: boolean;
  /** Rendered in an iframe at logout (Front-Channel Logout 1.0 §2); null or absent: none. */
  frontchannelLogoutUri?: string | null;
  /** The client needs `iss` and `sid` on it (Gatehouse always adds them); only with a front-channel logout URI. */
  frontchannelLogoutSessionRequired?: boolean;
  /** Where RP-Initiated Logout 1.0 §3 may return the browser; the same rules as redirect URIs. */
  postLogoutRedirectUris?: string[] | undefined;
}

/** Fields `gatehouse client update` may change; absent ones keep their value. */
export type ClientChanges = Partial<ClientRegistration>;

/**
 * Why `uri` cannot be a back-channel logout URI, or null (Back-Channel Logout 1.0 §2.2): absolute,
 * no fragment; https, or http for a confidential client. Private-network targets are refused at
 * delivery time, on the address connected to (lib/outbound-fetch), unless configuration allows them.
 */
export function backchannelLogoutUriProblem(uri: string, publicClient: boolean): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
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
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
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

/** Scope tokens are NQCHAR sequences separated by single spaces (RFC 6749 §3.3). */
function parseScope(scope: string): string[] {
  const scopes = scope.split(' ').filter((s) => s !== '');
  for (const s of scopes) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) throw new InvalidClientMetadataError(`invalid scope '${s}'`);
  }
  if (scopes.length === 0) throw new InvalidClientMetadataError('scope must name at least one scope');
  return [...new Set(scopes)];
}

function checkGrantTypes(grantTypes: string[], publicClient: boolean): string[] {
  const unique = [...new Set(grantTypes)];
  for (const g of unique) {
    if (!(supportedGrantTypes as readonly string[]).includes(g)) {
      throw new InvalidClientMetadataError(`unsupported grant type '${g}' (use ${supportedGrantTypes.join(', ')})`);
    }
  }
  if (publicClient && unique.includes('client_credentials')) {
    throw new InvalidClientMetadataError('a public client cannot use client_credentials: it has no secret to authenticate with');
  }
  if (unique.includes('refresh_token') && !unique.includes('authorization_code')) {
    throw new InvalidClientMetadataError('refresh_token needs authorization_code, the grant that issues refresh tokens');
  }
  return unique;
}

function checkAuthMethod(method: string): TokenEndpointAuthMethod {
  if (!(supportedClientAuthMethods as readonly string[]).includes(method)) {
    throw new InvalidClientMetadataError(`unsupported token endpoint auth method '${method}' (use ${supportedClientAuthMethods.join(', ')})`);
  }
  return method as TokenEndpointAuthMethod;
}

/** Validates a registration: every field the record derives from it, but no id and no secret. */
function validated(input: ClientRegistration): Omit<ClientRecord, 'clientId' | 'secretDigest' | 'metadata' | 'createdAt'> {
  const clientName = input.name.trim();
  if (clientName === '') throw new InvalidClientMetadataError('client name must not be empty');
  const tokenEndpointAuthMethod = checkAuthMethod(input.authMethod);
  const publicClient = tokenEndpointAuthMethod === 'none';
  const grantTypes = checkGrantTypes(input.grantTypes, publicClient);
  const scopes = parseScope(input.scope);
  const redirectUris = [...new Set(input.redirectUris)];
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri, publicClient);
    if (problem) throw new InvalidClientMetadataError(`redirect URI '${uri}' ${problem}`);
  }
  const postLogoutRedirectUris = [...new Set(input.postLogoutRedirectUris ?? [])];
  for (const uri of postLogoutRedirectUris) {
    const problem = redirectUriProblem(uri, publicClient);
    if (problem) throw new InvalidClientMetadataError(`post-logout redirect URI '${uri}' ${problem}`);
  }
  const usesRedirects = grantTypes.includes('authorization_code');
  if (usesRedirects && redirectUris.length === 0) {
    throw new InvalidClientMetadataError('authorization_code needs at least one --redirect-uri');
  }
  const backchannelLogoutUri = input.backchannelLogoutUri || null;
  if (backchannelLogoutUri !== null) {
    const problem = backchannelLogoutUriProblem(backchannelLogoutUri, publicClient);
    if (problem) throw new InvalidClientMetadataError(`back-channel logout URI '${backchannelLogoutUri}' ${problem}`);
  } else if (input.backchannelLogoutSessionRequired) {
    throw new InvalidClientMetadataError('--backchannel-logout-session-required needs a --backchannel-logout-uri');
  }
  const frontchannelLogoutUri = input.frontchannelLogoutUri || null;
  if (frontchannelLogoutUri !== null) {
    const problem = frontchannelLogoutUriProblem(frontchannelLogoutUri, redirectUris);
    if (problem) throw new InvalidClientMetadataError(`front-channel logout URI '${frontchannelLogoutUri}' ${problem}`);
  } else if (input.frontchannelLogoutSessionRequired) {
    throw new InvalidClientMetadataError('--frontchannel-logout-session-required needs a --frontchannel-logout-uri');
  }
  return {
    clientName, redirectUris, grantTypes, responseTypes: usesRedirects ? ['code'] : [], scopes,
    skipConsent: input.skipConsent, tokenEndpointAuthMethod, postLogoutRedirectUris,
    backchannelLogoutUri, backchannelLogoutSessionRequired: backchannelLogoutUri !== null && (input.backchannelLogoutSessionRequired ?? false),
    frontchannelLogoutUri, frontchannelLogoutSessionRequired: frontchannelLogoutUri !== null && (input.frontchannelLogoutSessionRequired ?? false),
  };
}

/**
 * Validates a registration and builds the record. A confidential client gets a fresh secret,
 * returned here once; the record keeps only its SHA-256.
 */
export function registerClient(input: ClientRegistration, now: number): { client: ClientRecord; clientSecret: string | null } {
  const fields = validated(input);
  const secret = fields.tokenEndpointAuthMethod === 'none' ? null : newOpaqueValue(tokenPrefix.clientSecret);
  const client: ClientRecord = { clientId: randomIdentifier(16), secretDigest: secret?.digest ?? null, ...fields, metadata: {}, createdAt: now };
  return { client, clientSecret: secret?.value ?? null };
}

/** The registration a stored client was made from, so an update can start from it. */
function registrationOf(client: ClientRecord): ClientRegistration {
  return {
    name: client.clientName, redirectUris: client.redirectUris, authMethod: client.tokenEndpointAuthMethod,
    grantTypes: client.grantTypes, scope: client.scopes.join(' '), skipConsent: client.skipConsent,
    backchannelLogoutUri: client.backchannelLogoutUri ?? null,
    backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired ?? false,
    frontchannelLogoutUri: client.frontchannelLogoutUri ?? null,
    frontchannelLogoutSessionRequired: client.frontchannelLogoutSessionRequired ?? false,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
  };
}

/**
 * Applies `changes` to a stored client under the same rules as a registration. Id, creation time
 * and secret stay, except that a public client made confidential gets a fresh secret (returned
 * once) and a client made public loses its secret.
 */
export function updateClient(client: ClientRecord, changes: ClientChanges): { client: ClientRecord; clientSecret: string | null } {
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  // Removing a logout URI removes its session requirement with it.
  if (!changes.backchannelLogoutUri && changes.backchannelLogoutUri !== undefined && changes.backchannelLogoutSessionRequired === undefined) {
    defined.backchannelLogoutSessionRequired = false;
  }
  if (!changes.frontchannelLogoutUri && changes.frontchannelLogoutUri !== undefined && changes.frontchannelLogoutSessionRequired === undefined) {
    defined.frontchannelLogoutSessionRequired = false;
  }
  const fields = validated({ ...registrationOf(client), ...defined });
  const needsSecret = fields.tokenEndpointAuthMethod !== 'none';
  const secret = needsSecret && client.secretDigest === null ? newOpaqueValue(tokenPrefix.clientSecret) : null;
  const secretDigest = needsSecret ? (secret?.digest ?? client.secretDigest) : null;
  return { client: { ...client, ...fields, secretDigest }, clientSecret: secret?.value ?? null };
}

/** The client with a fresh secret (returned once): the old one stops working when it is stored. */
export function rotateClientSecret(client: ClientRecord): { client: ClientRecord; clientSecret: string } {
  if (client.tokenEndpointAuthMethod === 'none') {
    throw new InvalidClientMetadataError(`client '${client.clientId}' is public (auth method none): it has no secret to rotate`);
  }
  const secret = newOpaqueValue(tokenPrefix.clientSecret);
  return { client: { ...client, secretDigest: secret.digest }, clientSecret: secret.value };
}

/** The wire view of a client (RFC 7591 §2 names), never including any secret. */
export function clientMetadata(client: ClientRecord) {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    scope: client.scopes.join(' '),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    ...(client.backchannelLogoutUri ? {
      backchannel_logout_uri: client.backchannelLogoutUri,
      backchannel_logout_session_required: client.backchannelLogoutSessionRequired ?? false,
    } : {}),
    ...(client.frontchannelLogoutUri ? {
      frontchannel_logout_uri: client.frontchannelLogoutUri,
      frontchannel_logout_session_required: client.frontchannelLogoutSessionRequired ?? false,
    } : {}),
  };
}
