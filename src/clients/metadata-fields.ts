// The client metadata fields kept in ClientRecord.metadata (storage/records.ts), as one table:
// the wire name (RFC 7591 §2, OIDC Registration 1.0 §2), the record key, the rule, and the CLI
// flag. The registration endpoint and `gatehouse client create|update` both read this table, so
// a field is added by adding one row. Pure: no storage, no output.
import type { ClientMetadata } from '../storage/records.js';
import { signingAlgorithms } from '../keys/signing-algorithms.js';
import { httpsUriProblem, type ApplicationType } from './uris.js';
import { jwksProblem, jwksUriProblem } from './client-keys.js';
import { normalizeResourceIdentifier, resourceIdentifierProblem } from '../oauth/resource-indicator.js';

/** What a rule may look at besides its own value. */
export interface FieldContext {
  applicationType: ApplicationType;
  publicClient: boolean;
  tokenEndpointAuthMethod: string;
}

/** A value a rule refuses; the caller names the field (`jwks_uri`, `--jwks-uri`). */
export class FieldProblem extends Error {
  override readonly name = 'FieldProblem';
}

/**
 * The signing algorithms Gatehouse implements for each use; a registration naming another is
 * refused with invalid_client_metadata (OIDC Registration 1.0 §2). Whoever adds an algorithm or
 * a JWT use adds it here and to the discovery metadata.
 */
export const supportedSigningAlgorithms = {
  idToken: signingAlgorithms as readonly string[],
  /** Signed UserInfo answers (OIDC Core §5.3.2); unset, UserInfo answers plain JSON. */
  userinfo: signingAlgorithms as readonly string[],
  /** Signed request objects (RFC 9101, OIDC Core §6.1), verified with the client's keys. */
  requestObject: signingAlgorithms as readonly string[],
  /** private_key_jwt (asymmetric) and client_secret_jwt (HMAC) assertions (RFC 7523 §3). */
  tokenEndpointAuth: [...signingAlgorithms, 'HS256', 'HS384', 'HS512'] as readonly string[],
};

/** A CLI flag for a field: its name, its parseArgs type and how its text becomes the wire value. */
export interface FieldFlag {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  help: string;
  /** The wire value of the flag's text; '' (or an empty list) removes the field. */
  toWire?(value: string | string[] | boolean): unknown;
}

export interface MetadataField {
  /** The registration name (RFC 7591 §2 / OIDC Registration 1.0 §2). */
  wire: string;
  key: keyof ClientMetadata;
  /** The stored value of a wire value; throws FieldProblem. Absent and null never reach it. */
  parse(value: unknown, context: FieldContext): unknown;
  flag?: FieldFlag;
}

function httpsUri(value: unknown): string {
  if (typeof value !== 'string') throw new FieldProblem('must be a string');
  const problem = httpsUriProblem(value);
  if (problem) throw new FieldProblem(problem);
  return value;
}

function booleanValue(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new FieldProblem('must be true or false');
  return value;
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new FieldProblem('must be an array of non-empty strings');
  }
  return [...new Set(value as string[])];
}

function algorithm(allowed: readonly string[], use: string) {
  return (value: unknown) => {
    if (typeof value !== 'string') throw new FieldProblem('must be a string');
    if (value === 'none' || !allowed.includes(value)) {
      const supported = allowed.length > 0 ? `use ${allowed.join(', ')}` : `Gatehouse signs no ${use}`;
      throw new FieldProblem(`names the unsupported algorithm '${value}' (${supported})`);
    }
    return value;
  };
}

/** A signing algorithm field: the wire name, its key, which list of supportedSigningAlgorithms, and the CLI flag (the wire name in kebab case). */
function algorithmField(wire: string, key: keyof ClientMetadata, use: keyof typeof supportedSigningAlgorithms, label: string, help: string): MetadataField {
  return {
    wire, key,
    parse: (value) => algorithm(supportedSigningAlgorithms[use], label)(value),
    flag: { name: wire.replaceAll('_', '-'), type: 'string', help },
  };
}

const uriFlag = (name: string, help: string): FieldFlag => ({ name, type: 'string', help });
const listFlag = (name: string, help: string): FieldFlag => ({ name, type: 'string', multiple: true, help });

export const metadataFields: readonly MetadataField[] = [
  {
    wire: 'application_type', key: 'applicationType',
    parse(value) {
      if (value !== 'web' && value !== 'native') throw new FieldProblem("must be 'web' or 'native'");
      return value;
    },
    flag: { name: 'application-type', type: 'string', help: 'web or native (OIDC Registration §2): which redirect URIs are allowed' },
  },
  { wire: 'logo_uri', key: 'logoUri', parse: httpsUri },
  { wire: 'client_uri', key: 'clientUri', parse: httpsUri },
  { wire: 'policy_uri', key: 'policyUri', parse: httpsUri },
  { wire: 'tos_uri', key: 'tosUri', parse: httpsUri },
  {
    wire: 'contacts', key: 'contacts', parse: stringList,
    flag: listFlag('contact', 'an e-mail address of someone responsible for the client; repeat for several'),
  },
  {
    wire: 'jwks', key: 'jwks',
    parse(value) {
      const problem = jwksProblem(value);
      if (problem) throw new FieldProblem(problem);
      return { keys: (value as { keys: Record<string, unknown>[] }).keys };
    },
    flag: {
      name: 'jwks', type: 'string', help: "the client's public keys as a JWK Set (JSON text); not with --jwks-uri",
      toWire: (value) => {
        if (value === '') return '';
        try {
          return JSON.parse(String(value)) as unknown;
        } catch {
          throw new FieldProblem('is not JSON text');
        }
      },
    },
  },
  {
    wire: 'jwks_uri', key: 'jwksUri',
    parse(value) {
      if (typeof value !== 'string') throw new FieldProblem('must be a string');
      const problem = jwksUriProblem(value);
      if (problem) throw new FieldProblem(problem);
      return value;
    },
    flag: uriFlag('jwks-uri', "where the client publishes its public keys (https); not with --jwks") },
  {
    // OIDC Core §6.2: request_uri values the client may send; enforced when registered. Unlike
    // the other URIs these may carry a fragment, the SHA-256 of the file's contents (OIDC
    // Registration §2 request_uris); request_uri matching ignores it (oauth/request-object.ts).
    wire: 'request_uris', key: 'requestUris',
    parse(value) {
      const uris = stringList(value);
      for (const uri of uris) {
        const problem = httpsUriProblem(uri.replace(/#.*$/s, ''));
        if (problem) throw new FieldProblem(`'${uri}' ${problem}`);
      }
      return uris;
    },
    flag: listFlag('request-uri', 'an https URL this client may pass as request_uri (OIDC Core §6.2); repeat for several'),
  },
  {
    wire: 'sector_identifier_uri', key: 'sectorIdentifierUri', parse: httpsUri,
    flag: uriFlag('sector-identifier-uri', 'https URI of the JSON list of redirect URIs sharing one pairwise sector (OIDC Core §8.1)'),
  },
  {
    wire: 'subject_type', key: 'subjectType',
    parse(value) {
      if (value !== 'public' && value !== 'pairwise') throw new FieldProblem("must be 'public' or 'pairwise'");
      return value;
    },
    flag: { name: 'subject-type', type: 'string', help: 'public or pairwise (OIDC Core §8)' },
  },
  algorithmField('token_endpoint_auth_signing_alg', 'tokenEndpointAuthSigningAlg', 'tokenEndpointAuth', 'client assertion', 'the alg of private_key_jwt or client_secret_jwt assertions'),
  algorithmField('id_token_signed_response_alg', 'idTokenSignedResponseAlg', 'idToken', 'ID token', 'the alg ID tokens for this client are signed with (default RS256)'),
  algorithmField('userinfo_signed_response_alg', 'userinfoSignedResponseAlg', 'userinfo', 'UserInfo response', 'sign UserInfo responses with this alg (default: plain JSON)'),
  algorithmField('request_object_signing_alg', 'requestObjectSigningAlg', 'requestObject', 'request object', 'the alg the client signs request objects with'),
  {
    wire: 'default_max_age', key: 'defaultMaxAge',
    parse(value) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new FieldProblem('must be a whole number of seconds');
      return value;
    },
    flag: {
      name: 'default-max-age', type: 'string', help: 'seconds: ask for a fresh login when the last one is older (OIDC Registration §2)',
      toWire: (value) => (value === '' ? '' : Number(value)),
    },
  },
  {
    wire: 'require_auth_time', key: 'requireAuthTime',
    parse: booleanValue,
    flag: { name: 'require-auth-time', type: 'boolean', help: 'always put auth_time in ID tokens' },
  },
  {
    // RFC 9449 §5.2: the client always uses DPoP; token requests without a proof are refused.
    wire: 'dpop_bound_access_tokens', key: 'dpopBoundAccessTokens',
    parse: booleanValue,
    flag: { name: 'dpop-bound-access-tokens', type: 'boolean', help: 'require a DPoP proof on every token request (RFC 9449 §5.2)' },
  },
  {
    // RFC 9126 §6: the client's authorization requests must be pushed (POST /par) first.
    wire: 'require_pushed_authorization_requests', key: 'requirePushedAuthorizationRequests',
    parse: booleanValue,
    flag: { name: 'require-pushed-authorization-requests', type: 'boolean', help: 'refuse authorization requests not pushed to /par first (RFC 9126 §6)' },
  },
  {
    // RFC 8693: the registered resources this client may exchange tokens for (Gatehouse's own field).
    wire: 'token_exchange_audiences', key: 'tokenExchangeAudiences', parse: stringList,
    flag: listFlag('token-exchange-audience', 'a resource this client may exchange tokens for (RFC 8693); repeat for several'),
  },
  {
    // RFC 8693 §4.1: without an actor token, issue tokens without `act` (impersonation).
    wire: 'token_exchange_impersonation', key: 'tokenExchangeImpersonation',
    parse: booleanValue,
    flag: { name: 'token-exchange-impersonation', type: 'boolean', help: 'exchanged tokens name no actor unless an actor_token is sent (RFC 8693 §4.1)' },
  },
  {
    wire: 'default_acr_values', key: 'defaultAcrValues', parse: stringList,
    flag: listFlag('default-acr-value', 'an acr value requested when the request names none; repeat for several'),
  },
  {
    // RFC 8707: the resource a request without `resource` is for (Gatehouse's own field).
    wire: 'default_resource', key: 'defaultResource',
    parse(value) {
      if (typeof value !== 'string') throw new FieldProblem('must be a string');
      const problem = resourceIdentifierProblem(value);
      if (problem) throw new FieldProblem(problem);
      return normalizeResourceIdentifier(value);
    },
    flag: uriFlag('default-resource', 'the registered resource (RFC 8707) its access tokens are for when a request names none'),
  },
  {
    wire: 'initiate_login_uri', key: 'initiateLoginUri', parse: httpsUri,
    flag: uriFlag('initiate-login-uri', 'https URI a third party may send the browser to, to start a login at the client (OIDC Core §4)'),
  },
];

/** BCP 47 language tags as `client_name#<tag>` carries them (OIDC Registration 1.0 §2.1). */
export function isLanguageTag(tag: string): boolean {
  return /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag);
}

/** Rules across fields, after each field passed its own (RFC 7591 §2, OIDC Registration 1.0 §2). */
export function crossFieldProblem(metadata: ClientMetadata, context: FieldContext): string | null {
  if (metadata.jwks !== undefined && metadata.jwksUri !== undefined) {
    return 'jwks and jwks_uri must not both be given (RFC 7591 §2): register the keys by value or by reference';
  }
  if (context.tokenEndpointAuthMethod === 'private_key_jwt' && metadata.jwks === undefined && metadata.jwksUri === undefined) {
    return "private_key_jwt needs the client's public keys: register jwks or jwks_uri (RFC 7591 §2)";
  }
  if (metadata.tokenEndpointAuthSigningAlg !== undefined) {
    const hmac = metadata.tokenEndpointAuthSigningAlg.startsWith('HS');
    if (context.tokenEndpointAuthMethod === 'private_key_jwt' && hmac) return `private_key_jwt assertions are signed with the client's private key, not ${metadata.tokenEndpointAuthSigningAlg}`;
    if (context.tokenEndpointAuthMethod === 'client_secret_jwt' && !hmac) return `client_secret_jwt assertions are HMACs (HS256, HS384, HS512), not ${metadata.tokenEndpointAuthSigningAlg}`;
  }
  if (metadata.tokenEndpointAuthSigningAlg !== undefined && !context.tokenEndpointAuthMethod.endsWith('_jwt')) {
    return `token_endpoint_auth_signing_alg applies to private_key_jwt and client_secret_jwt only, not ${context.tokenEndpointAuthMethod}`;
  }
  return null;
}
