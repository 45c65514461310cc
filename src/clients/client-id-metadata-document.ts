// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document-03): which client_ids
// are document URLs (§3), which hosts the operator accepts (§6.8), and the client a fetched
// document describes (§4.1, §4.5, §6.2): public (`none`) or authenticating with private_key_jwt
// and the keys the document publishes (§4.1, RFC 7523 §2.2), never with a shared secret. Pure:
// fetching and caching are in client-metadata-document-resolver.ts.
import type { ClientMetadata, ClientRecord } from '../storage/records.js';
import { absoluteUrl, redirectUriProblem, type ApplicationType } from './uris.js';
import { crossFieldProblem, FieldProblem, metadataFields } from './metadata-fields.js';

export interface DocumentClientPolicy {
  /** Hosts (and their subdomains) accepted; absent: every host not denied. */
  allowDomains?: readonly string[] | undefined;
  /** Hosts (and their subdomains) refused. */
  denyDomains: readonly string[];
  /** The scopes such a client may request at most. */
  scopes: readonly string[];
}

/** A document, or its URL, that cannot describe a client; the message is safe to show. */
export class MetadataDocumentError extends Error {
  override readonly name = 'MetadataDocumentError';
}

/**
 * Whether a client_id not found in storage is to be resolved as a document URL. Identifiers
 * Gatehouse generates never start with https:// (§6.9), so the two kinds never collide.
 */
export function isClientIdUrl(clientId: string): boolean {
  return clientId.startsWith('https://');
}

const dotSegments = new Set(['.', '..', '%2e', '%2e%2e', '.%2e', '%2e.']);

/** Why `clientId` cannot be a document URL (§3), or null when it can. */
export function clientIdUrlProblem(clientId: string): string | null {
  const url = absoluteUrl(clientId);
  if (!url) return 'is not a URL';
  if (url.protocol !== 'https:') return 'must use https';
  if (clientId.includes('#')) return 'must not contain a fragment';
  if (url.username !== '' || url.password !== '') return 'must not contain a username or password';
  const afterAuthority = clientId.slice('https://'.length).replace(/^[^/?]*/, '');
  const path = afterAuthority.replace(/\?.*$/, '');
  if (path.split('/').some((segment) => dotSegments.has(segment.toLowerCase()))) return 'must not contain . or .. path segments';
  if (path === '' || path === '/') return 'must contain a path';
  // The document's client_id is compared as a plain string (§4.1): one client, one spelling.
  if (url.href !== clientId) return `must be written in its normal form (${url.href})`;
  return null;
}

function withinDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** Whether the operator accepts clients whose client_id URL is on `host` (§6.8 Client ID Domain Trust). */
export function hostAccepted(host: string, policy: Pick<DocumentClientPolicy, 'allowDomains' | 'denyDomains'>): boolean {
  const name = host.toLowerCase();
  if (policy.allowDomains && !policy.allowDomains.some((domain) => withinDomain(name, domain))) return false;
  return !policy.denyDomains.some((domain) => withinDomain(name, domain));
}

// §4.1: there is no way to share a secret with a client that describes itself.
const sharedSecretMethods = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);
const documentAuthMethods = new Set(['none', 'private_key_jwt']);
/** The key fields a private_key_jwt document may carry, checked by the registration rules (metadata-fields.ts). */
const keyFields = ['jwks', 'jwks_uri', 'token_endpoint_auth_signing_alg'];
const documentGrantTypes = new Set(['authorization_code', 'refresh_token']);

function optionalStrings(document: Record<string, unknown>, field: string): string[] | undefined {
  const value = document[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new MetadataDocumentError(`${field} must be an array of strings`);
  }
  return [...new Set(value as string[])];
}

function optionalString(document: Record<string, unknown>, field: string): string | undefined {
  const value = document[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new MetadataDocumentError(`${field} must be a string`);
  return value;
}

function checkedUris(uris: string[], field: string, applicationType: ApplicationType | undefined): string[] {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri, true, applicationType);
    if (problem) throw new MetadataDocumentError(`${field}: '${uri}' ${problem}`);
  }
  return uris;
}

/**
 * The client that the JSON `document` fetched from `clientId` describes. Throws
 * MetadataDocumentError naming the first problem. The client is public (`none`, PKCE required),
 * never skips consent, and has exactly the document's redirect URIs (§4.5).
 */
export function clientFromMetadataDocument(
  clientId: string, document: unknown, policy: DocumentClientPolicy, times: { fetchedAt: number; expiresAt: number },
): ClientRecord {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new MetadataDocumentError('the document must be a JSON object');
  }
  const fields = document as Record<string, unknown>;
  // §4.1: client_id must equal the document's URL by simple string comparison (RFC 3986 §6.2.1).
  if (fields.client_id !== clientId) throw new MetadataDocumentError('its client_id is not the URL it was fetched from');
  if (fields.client_secret !== undefined || fields.client_secret_expires_at !== undefined) {
    throw new MetadataDocumentError('it must not contain client_secret or client_secret_expires_at');
  }
  const authMethod = optionalString(fields, 'token_endpoint_auth_method') ?? 'none';
  if (sharedSecretMethods.has(authMethod)) {
    throw new MetadataDocumentError(`token_endpoint_auth_method ${authMethod} needs a shared secret, which a metadata document cannot establish (use private_key_jwt with jwks or jwks_uri, or none)`);
  }
  if (!documentAuthMethods.has(authMethod)) {
    throw new MetadataDocumentError(`token_endpoint_auth_method ${authMethod} is not supported for metadata documents (use none or private_key_jwt)`);
  }

  // OIDC Registration §2: a native client's loopback redirect URIs match on any port (RFC 8252 §7.3).
  const applicationType = optionalString(fields, 'application_type');
  if (applicationType !== undefined && applicationType !== 'web' && applicationType !== 'native') {
    throw new MetadataDocumentError('application_type must be web or native');
  }
  const redirectUris = optionalStrings(fields, 'redirect_uris') ?? [];
  if (redirectUris.length === 0) throw new MetadataDocumentError('redirect_uris must list at least one redirect URI');
  checkedUris(redirectUris, 'redirect_uris', applicationType);
  const postLogoutRedirectUris = checkedUris(optionalStrings(fields, 'post_logout_redirect_uris') ?? [], 'post_logout_redirect_uris', applicationType);

  // RFC 7591 §2: grant_types defaults to authorization_code, response_types to code.
  const grantTypes = optionalStrings(fields, 'grant_types') ?? ['authorization_code'];
  const unsupported = grantTypes.find((grantType) => !documentGrantTypes.has(grantType));
  if (unsupported) throw new MetadataDocumentError(`grant type ${unsupported} is not available to metadata document clients`);
  if (!grantTypes.includes('authorization_code')) throw new MetadataDocumentError('grant_types must include authorization_code');
  const responseTypes = optionalStrings(fields, 'response_types') ?? ['code'];
  if (responseTypes.some((responseType) => responseType !== 'code')) throw new MetadataDocumentError('response_types may only be code');

  const scope = optionalString(fields, 'scope');
  const wanted = scope === undefined ? null : new Set(scope.split(' '));
  const scopes = policy.scopes.filter((s) => wanted === null || wanted.has(s));
  const name = optionalString(fields, 'client_name')?.trim();
  const keys = authMethod === 'private_key_jwt' ? documentKeys(fields, applicationType ?? 'web') : {};

  return {
    clientId,
    clientName: name ? name.slice(0, 100) : new URL(clientId).host,
    secretDigest: null,
    redirectUris,
    grantTypes,
    responseTypes,
    scopes,
    skipConsent: false,
    tokenEndpointAuthMethod: authMethod as 'none' | 'private_key_jwt',
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    frontchannelLogoutUri: null,
    frontchannelLogoutSessionRequired: false,
    postLogoutRedirectUris,
    metadata: { metadataDocument: times, ...(applicationType ? { applicationType } : {}), ...keys },
    createdAt: times.fetchedAt,
  };
}

/**
 * A private_key_jwt document's public keys: jwks or jwks_uri (one of them) and an optional
 * token_endpoint_auth_signing_alg, under the same rules as a registration (RFC 7591 §2).
 */
function documentKeys(fields: Record<string, unknown>, applicationType: ApplicationType): Partial<ClientMetadata> {
  const context = { applicationType, publicClient: false, tokenEndpointAuthMethod: 'private_key_jwt' };
  const metadata: Partial<ClientMetadata> = {};
  for (const field of metadataFields.filter((f) => keyFields.includes(f.wire))) {
    const value = fields[field.wire];
    if (value === undefined || value === null) continue;
    try {
      (metadata as Record<string, unknown>)[field.key] = field.parse(value, context);
    } catch (error) {
      if (error instanceof FieldProblem) throw new MetadataDocumentError(`${field.wire} ${error.message}`);
      throw error;
    }
  }
  const problem = crossFieldProblem(metadata as ClientMetadata, context);
  if (problem) throw new MetadataDocumentError(problem);
  return metadata;
}
