// Client registration rules, once for `gatehouse client create|update` and the registration
// endpoint (RFC 7591 §2, OIDC Registration 1.0 §2): redirect URIs (./uris.ts), grant and response
// types (RFC 7591 §2.1), scope syntax (RFC 6749 §3.3), the logout URIs, and every further field
// of ClientRecord.metadata through the table in ./metadata-fields.ts. Pure: no storage, no output.
import { subjectTypeProblem } from '../oauth/subject-identifier.js';
import type { KeySealer } from '../keys/key-encryption.js';
import { sealClientSecret } from '../keys/client-secret-seal.js';
import type { ClientMetadata, ClientRecord, TokenEndpointAuthMethod } from '../storage/records.js';
import { randomIdentifier } from '../lib/random.js';
import { newOpaqueValue, tokenPrefix } from '../oauth/opaque-token.js';
import { supportedClientAuthMethods } from '../oauth/client-authentication.js';
import { backchannelLogoutUriProblem, frontchannelLogoutUriProblem, redirectUriProblem, type ApplicationType } from './uris.js';
import { crossFieldProblem, FieldProblem, isLanguageTag, metadataFields, type FieldContext } from './metadata-fields.js';
import { labels, type FieldNaming, type Labels } from './field-naming.js';
import { InvalidClientMetadataError } from './errors.js';
import { parseScope } from './scope-syntax.js';
import { browserClientMetadata, browserClientView, type BrowserClientOptions } from './browser-metadata.js';

export type { FieldNaming };

export const supportedGrantTypes = [
  'authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
/** The legacy implicit flow's response types (OIDC Core §3.2), used only when the server enables it. */
export const implicitResponseTypes = ['id_token', 'id_token token'] as const;
export const supportedResponseTypes = ['code', ...implicitResponseTypes] as const;
export const defaultGrantTypes = ['authorization_code', 'refresh_token'];
export const defaultScope = 'openid profile email offline_access';

export { InvalidClientMetadataError, type ClientMetadataErrorCode } from './errors.js';

export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  /** How the client authenticates at the token endpoint; `none` makes it a public client. */
  authMethod: TokenEndpointAuthMethod;
  grantTypes: string[];
  /** RFC 7591 §2.1: must agree with grantTypes; absent: what the grant types imply. */
  responseTypes?: string[] | undefined;
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
  /** `client_name` per BCP 47 tag (OIDC Registration 1.0 §2.1). */
  clientNameLocalized?: Record<string, string> | undefined;
  /**
   * The fields of ./metadata-fields.ts by wire name (`jwks_uri`, `default_max_age`, …), not yet
   * validated; null or '' removes a field. Fields not in the table are kept as they are.
   */
  metadata?: Record<string, unknown> | undefined;
  /** Pages, defaults and browser origins (./browser-metadata.ts); absent fields keep their value. */
  browser?: BrowserClientOptions | undefined;
}

/** Fields `gatehouse client update` may change; absent ones keep their value. */
export type ClientChanges = Partial<ClientRegistration>;


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
  if (unique.includes('refresh_token') && !unique.includes('authorization_code') && !unique.includes('urn:ietf:params:oauth:grant-type:device_code')) {
    throw new InvalidClientMetadataError('refresh_token needs authorization_code or the device grant (urn:ietf:params:oauth:grant-type:device_code), the grants that issue refresh tokens');
  }
  return unique;
}

/**
 * RFC 7591 §2.1: `code` goes with authorization_code and `id_token` / `id_token token` with
 * implicit (OIDC Core §3.2), both ways. Absent: what the grant types imply.
 */
function checkResponseTypes(responseTypes: string[] | undefined, grantTypes: string[]): string[] {
  const usesCode = grantTypes.includes('authorization_code');
  const usesImplicit = grantTypes.includes('implicit');
  if (responseTypes === undefined) return [...(usesCode ? ['code'] : []), ...(usesImplicit ? implicitResponseTypes : [])];
  const unique = [...new Set(responseTypes)];
  const unsupported = unique.find((type) => !(supportedResponseTypes as readonly string[]).includes(type));
  if (unsupported !== undefined) {
    throw new InvalidClientMetadataError(`unsupported response type '${unsupported}' (use ${supportedResponseTypes.join(', ')})`);
  }
  if (unique.includes('code') && !usesCode) {
    throw new InvalidClientMetadataError('response type code needs the authorization_code grant type (RFC 7591 §2.1)');
  }
  if (usesCode && !unique.includes('code')) {
    throw new InvalidClientMetadataError('the authorization_code grant type needs the response type code (RFC 7591 §2.1)');
  }
  const implicitType = unique.find((type) => type !== 'code');
  if (implicitType !== undefined && !usesImplicit) {
    throw new InvalidClientMetadataError(`response type ${implicitType} needs the implicit grant type (RFC 7591 §2.1)`);
  }
  if (usesImplicit && implicitType === undefined) {
    throw new InvalidClientMetadataError('the implicit grant type needs the response type id_token or id_token token (RFC 7591 §2.1)');
  }
  return unique;
}

function checkAuthMethod(method: string): TokenEndpointAuthMethod {
  if (!(supportedClientAuthMethods as readonly string[]).includes(method)) {
    throw new InvalidClientMetadataError(`unsupported token endpoint auth method '${method}' (use ${supportedClientAuthMethods.join(', ')})`);
  }
  return method as TokenEndpointAuthMethod;
}

function checkLocalizedNames(names: Record<string, string> | undefined): Record<string, string> | undefined {
  if (names === undefined || Object.keys(names).length === 0) return undefined;
  for (const [tag, name] of Object.entries(names)) {
    if (!isLanguageTag(tag)) throw new InvalidClientMetadataError(`client_name#${tag} does not name a BCP 47 language tag`);
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidClientMetadataError(`client_name#${tag} must be a non-empty string`);
  }
  return { ...names };
}

/** The table's fields, validated; fields the table does not know keep their stored value. */
function checkMetadata(wire: Record<string, unknown>, kept: ClientMetadata, context: FieldContext, label: Labels): ClientMetadata {
  const metadata: Record<string, unknown> = { ...kept };
  for (const field of metadataFields) {
    delete metadata[field.key];
    const value = wire[field.wire];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    try {
      metadata[field.key] = field.parse(value, context);
    } catch (error) {
      if (error instanceof FieldProblem) throw new InvalidClientMetadataError(`${label.field(field)} ${error.message}`);
      throw error;
    }
  }
  const problem = crossFieldProblem(metadata as ClientMetadata, context);
  if (problem) throw new InvalidClientMetadataError(problem);
  return metadata as ClientMetadata;
}

type ValidatedFields = Omit<ClientRecord, 'clientId' | 'secretDigest' | 'createdAt'>;

/** Validates a registration: every field the record derives from it, but no id and no secret. */
function validated(input: ClientRegistration, kept: ClientMetadata, naming: FieldNaming): ValidatedFields {
  const label = labels[naming];
  const clientName = input.name.trim();
  if (clientName === '') throw new InvalidClientMetadataError('client name must not be empty');
  const tokenEndpointAuthMethod = checkAuthMethod(input.authMethod);
  const publicClient = tokenEndpointAuthMethod === 'none';
  const applicationTypeValue = input.metadata?.application_type;
  // OIDC Registration 1.0 §2: a registration naming no application_type is a web client; an
  // operator-created one keeps the older rule (a public client may use a private-use scheme).
  const applicationType = applicationTypeValue === 'web' || applicationTypeValue === 'native'
    ? applicationTypeValue as ApplicationType : naming === 'wire' ? 'web' : undefined;
  const context: FieldContext = { applicationType: applicationType ?? 'web', publicClient, tokenEndpointAuthMethod };
  const metadata = checkMetadata(input.metadata ?? {}, kept, context, label);
  const clientNameLocalized = checkLocalizedNames(input.clientNameLocalized);
  if (clientNameLocalized) metadata.clientNameLocalized = clientNameLocalized;
  else delete metadata.clientNameLocalized;
  const grantTypes = checkGrantTypes(input.grantTypes, publicClient);
  const responseTypes = checkResponseTypes(input.responseTypes, grantTypes);
  const scopes = parseScope(input.scope);
  const redirectUris = [...new Set(input.redirectUris)];
  for (const [i, uri] of redirectUris.entries()) {
    const problem = redirectUriProblem(uri, publicClient, applicationType);
    if (problem) throw new InvalidClientMetadataError(`${label.redirectUri(uri, i)} ${problem}`, 'invalid_redirect_uri');
  }
  // OIDC Core §8.1: a pairwise sector is one host, or the sector_identifier_uri's.
  const subjectProblem = subjectTypeProblem({ redirectUris, metadata });
  if (subjectProblem) throw new InvalidClientMetadataError(subjectProblem);
  const postLogoutRedirectUris = [...new Set(input.postLogoutRedirectUris ?? [])];
  for (const [i, uri] of postLogoutRedirectUris.entries()) {
    const problem = redirectUriProblem(uri, publicClient, applicationType);
    if (problem) throw new InvalidClientMetadataError(`${label.postLogoutRedirectUri(uri, i)} ${problem}`);
  }
  const usesRedirects = grantTypes.includes('authorization_code') || grantTypes.includes('implicit');
  if (usesRedirects && redirectUris.length === 0) throw new InvalidClientMetadataError(label.needsRedirectUri, 'invalid_redirect_uri');
  const backchannelLogoutUri = input.backchannelLogoutUri || null;
  if (backchannelLogoutUri !== null) {
    const problem = backchannelLogoutUriProblem(backchannelLogoutUri, publicClient);
    if (problem) throw new InvalidClientMetadataError(`${label.backchannelLogoutUri(backchannelLogoutUri)} ${problem}`);
  } else if (input.backchannelLogoutSessionRequired) {
    throw new InvalidClientMetadataError(label.backchannelSessionNeedsUri);
  }
  const frontchannelLogoutUri = input.frontchannelLogoutUri || null;
  if (frontchannelLogoutUri !== null) {
    const problem = frontchannelLogoutUriProblem(frontchannelLogoutUri, redirectUris);
    if (problem) throw new InvalidClientMetadataError(`${label.frontchannelLogoutUri(frontchannelLogoutUri)} ${problem}`);
  } else if (input.frontchannelLogoutSessionRequired) {
    throw new InvalidClientMetadataError(label.frontchannelSessionNeedsUri);
  }
  return {
    clientName, redirectUris, grantTypes, responseTypes, scopes,
    skipConsent: input.skipConsent, tokenEndpointAuthMethod, postLogoutRedirectUris,
    backchannelLogoutUri, backchannelLogoutSessionRequired: backchannelLogoutUri !== null && (input.backchannelLogoutSessionRequired ?? false),
    frontchannelLogoutUri, frontchannelLogoutSessionRequired: frontchannelLogoutUri !== null && (input.frontchannelLogoutSessionRequired ?? false),
    metadata,
  };
}

/** Opens the key-encryption key when a client_secret_jwt secret must be sealed (only then). */
export type SealerSource = () => KeySealer;

/** Methods whose client holds a shared secret. */
export const secretMethods: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

/**
 * The metadata with, for client_secret_jwt, the secret sealed with the key-encryption key: that
 * method verifies HMACs with the secret itself (RFC 7523 §2.2), which a digest cannot do. Any
 * other method keeps no sealed secret.
 */
function withSealedSecret(metadata: ClientMetadata, clientId: string, method: TokenEndpointAuthMethod, secret: string | null, sealer: SealerSource | undefined): ClientMetadata {
  const { sealedClientSecret, ...rest } = metadata;
  if (method !== 'client_secret_jwt') return rest;
  if (secret === null) return sealedClientSecret ? { ...rest, sealedClientSecret } : rest;
  if (!sealer) throw new InvalidClientMetadataError('client_secret_jwt keeps its secret sealed: the key-encryption key is needed');
  return { ...rest, sealedClientSecret: sealClientSecret(sealer(), clientId, secret) };
}

export interface RegistrationOptions {
  /** How refusals name fields; default 'cli'. */
  naming?: FieldNaming;
  /** For client_secret_jwt clients: seals their secret. */
  sealer?: SealerSource | undefined;
  /** Metadata the rules do not set (e.g. `registration` of a dynamically registered client). */
  metadata?: ClientMetadata;
}

/**
 * Validates a registration and builds the record. A confidential client gets a fresh secret,
 * returned here once; the record keeps only its SHA-256.
 */
export function registerClient(input: ClientRegistration, now: number, options: RegistrationOptions = {}): { client: ClientRecord; clientSecret: string | null } {
  const fields = validated(input, options.metadata ?? {}, options.naming ?? 'cli');
  const method = fields.tokenEndpointAuthMethod;
  const secret = secretMethods.includes(method) ? newOpaqueValue(tokenPrefix.clientSecret) : null;
  const clientId = randomIdentifier(16);
  const browser = browserClientMetadata(fields.metadata, input.browser, fields.scopes, method === 'none');
  const metadata = withSealedSecret(browser, clientId, method, secret?.value ?? null, options.sealer);
  const client: ClientRecord = { clientId, secretDigest: secret?.digest ?? null, ...fields, metadata, registrationExpiresAt: null, createdAt: now };
  return { client, clientSecret: secret?.value ?? null };
}

/** The table's fields of stored metadata, by wire name. */
function wireMetadataOf(metadata: ClientMetadata): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  for (const field of metadataFields) if (metadata[field.key] !== undefined) wire[field.wire] = metadata[field.key];
  return wire;
}

/** The registration a stored client was made from, so an update can start from it. */
export function registrationOf(client: ClientRecord): ClientRegistration {
  return {
    name: client.clientName, redirectUris: client.redirectUris, authMethod: client.tokenEndpointAuthMethod,
    grantTypes: client.grantTypes, responseTypes: client.responseTypes, scope: client.scopes.join(' '), skipConsent: client.skipConsent,
    backchannelLogoutUri: client.backchannelLogoutUri ?? null,
    backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired ?? false,
    frontchannelLogoutUri: client.frontchannelLogoutUri ?? null,
    frontchannelLogoutSessionRequired: client.frontchannelLogoutSessionRequired ?? false,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    clientNameLocalized: client.metadata.clientNameLocalized,
    metadata: wireMetadataOf(client.metadata),
  };
}

/**
 * Applies `changes` to a stored client under the same rules as a registration. Id, creation time
 * and secret stay, except that a public client made confidential gets a fresh secret (returned
 * once) and a client made public loses its secret. `changes.metadata` changes the fields it
 * names; `replace` (RFC 7592 §2.2) starts from `changes` alone instead of the stored registration.
 */
export function updateClient(
  client: ClientRecord, changes: ClientChanges, options: { naming?: FieldNaming; replace?: boolean; sealer?: SealerSource | undefined } = {},
): { client: ClientRecord; clientSecret: string | null } {
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as ClientChanges;
  // Removing a logout URI removes its session requirement with it.
  if (!changes.backchannelLogoutUri && changes.backchannelLogoutUri !== undefined && changes.backchannelLogoutSessionRequired === undefined) {
    defined.backchannelLogoutSessionRequired = false;
  }
  if (!changes.frontchannelLogoutUri && changes.frontchannelLogoutUri !== undefined && changes.frontchannelLogoutSessionRequired === undefined) {
    defined.frontchannelLogoutSessionRequired = false;
  }
  const current = registrationOf(client);
  if (!options.replace && changes.grantTypes !== undefined && changes.responseTypes === undefined) delete current.responseTypes;
  const merged: ClientRegistration = options.replace
    ? { ...current, ...defined, metadata: changes.metadata ?? {}, clientNameLocalized: changes.clientNameLocalized }
    : { ...current, ...defined, metadata: { ...current.metadata, ...changes.metadata } };
  // A new key source replaces the other one (jwks by value or jwks_uri, never both).
  if (!options.replace && changes.metadata?.jwks_uri) delete merged.metadata!.jwks;
  if (!options.replace && changes.metadata?.jwks) delete merged.metadata!.jwks_uri;
  const fields = validated(merged, client.metadata, options.naming ?? 'cli');
  const method = fields.tokenEndpointAuthMethod;
  const needsSecret = secretMethods.includes(method);
  // client_secret_jwt verifies with the secret itself: a client switching to it gets a fresh one,
  // since only the digest of its old secret is stored.
  const becomesJwt = method === 'client_secret_jwt' && !client.metadata.sealedClientSecret;
  const secret = needsSecret && (client.secretDigest === null || becomesJwt) ? newOpaqueValue(tokenPrefix.clientSecret) : null;
  const secretDigest = needsSecret ? (secret?.digest ?? client.secretDigest) : null;
  const browser = browserClientMetadata(fields.metadata, changes.browser, fields.scopes, method === 'none');
  const metadata = withSealedSecret(browser, client.clientId, method, secret?.value ?? null, options.sealer);
  return { client: { ...client, ...fields, metadata, secretDigest }, clientSecret: secret?.value ?? null };
}

/** The client with a fresh secret (returned once): the old one stops working when it is stored. */
export function rotateClientSecret(client: ClientRecord, sealer?: SealerSource): { client: ClientRecord; clientSecret: string } {
  if (client.tokenEndpointAuthMethod === 'none') {
    throw new InvalidClientMetadataError(`client '${client.clientId}' is public (auth method none): it has no secret to rotate`);
  }
  if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
    throw new InvalidClientMetadataError(`client '${client.clientId}' authenticates with its keys (private_key_jwt): it has no secret to rotate`);
  }
  const secret = newOpaqueValue(tokenPrefix.clientSecret);
  const metadata = withSealedSecret(client.metadata, client.clientId, client.tokenEndpointAuthMethod, secret.value, sealer);
  return { client: { ...client, secretDigest: secret.digest, metadata }, clientSecret: secret.value };
}

/** The wire view of a client (RFC 7591 §2 names), never including any secret. */
export function clientMetadata(client: ClientRecord) {
  const localized = Object.fromEntries(Object.entries(client.metadata.clientNameLocalized ?? {}).map(([tag, name]) => [`client_name#${tag}`, name]));
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    ...localized,
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
    ...wireMetadataOf(client.metadata),
    ...browserClientView(client.metadata),
  };
}
