// The JSON client metadata document of a registration request (RFC 7591 §2, §3.1; RFC 7592 §2.2;
// OIDC Registration 1.0 §2-3), turned into a ClientRegistration for ./client-metadata.ts. Only
// JSON types are checked here; the rules live in client-metadata.ts and metadata-fields.ts.
// Unknown fields are ignored (RFC 7591 §2).
import type { TokenEndpointAuthMethod } from '../storage/records.js';
import { defaultScope, InvalidClientMetadataError, type ClientRegistration } from './client-metadata.js';
import { metadataFields } from './metadata-fields.js';

/** What RFC 7591 §2 assumes when a field is absent. */
const defaults = { authMethod: 'client_secret_basic', grantTypes: ['authorization_code'] } as const;

/** A name for a client that gives none; the consent page shows the redirect host beside it anyway. */
export const unnamedClient = 'Unnamed application';

function optionalString(document: Record<string, unknown>, name: string): string | undefined {
  const value = document[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidClientMetadataError(`${name} must be a string`);
  return value;
}

function optionalStrings(document: Record<string, unknown>, name: string): string[] | undefined {
  const value = document[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new InvalidClientMetadataError(`${name} must be an array of strings`);
  return value as string[];
}

function optionalBoolean(document: Record<string, unknown>, name: string): boolean | undefined {
  const value = document[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new InvalidClientMetadataError(`${name} must be true or false`);
  return value;
}

/** The body as a JSON object, or invalid_client_metadata. */
export function metadataObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidClientMetadataError('the request body must be a JSON object of client metadata (RFC 7591 §3.1)');
  }
  return body as Record<string, unknown>;
}

/** The registration a metadata document asks for. Dynamically registered clients never skip consent. */
export function registrationFromDocument(document: Record<string, unknown>): ClientRegistration {
  const redirectUris = optionalStrings(document, 'redirect_uris') ?? [];
  const localized: Record<string, string> = {};
  for (const [name, value] of Object.entries(document)) {
    if (!name.startsWith('client_name#')) continue;
    if (typeof value !== 'string') throw new InvalidClientMetadataError(`${name} must be a string`);
    localized[name.slice('client_name#'.length)] = value;
  }
  const metadata: Record<string, unknown> = {};
  for (const field of metadataFields) if (document[field.wire] !== undefined) metadata[field.wire] = document[field.wire];
  return {
    name: optionalString(document, 'client_name') ?? unnamedClient,
    redirectUris,
    authMethod: (optionalString(document, 'token_endpoint_auth_method') ?? defaults.authMethod) as TokenEndpointAuthMethod,
    grantTypes: optionalStrings(document, 'grant_types') ?? [...defaults.grantTypes],
    responseTypes: optionalStrings(document, 'response_types'),
    scope: optionalString(document, 'scope') ?? defaultScope,
    skipConsent: false,
    postLogoutRedirectUris: optionalStrings(document, 'post_logout_redirect_uris') ?? [],
    backchannelLogoutUri: optionalString(document, 'backchannel_logout_uri') ?? null,
    backchannelLogoutSessionRequired: optionalBoolean(document, 'backchannel_logout_session_required') ?? false,
    frontchannelLogoutUri: optionalString(document, 'frontchannel_logout_uri') ?? null,
    frontchannelLogoutSessionRequired: optionalBoolean(document, 'frontchannel_logout_session_required') ?? false,
    clientNameLocalized: localized,
    metadata,
  };
}
