// `gatehouse client create|list|show|update|rotate-secret|delete`: registering, changing and removing OAuth clients.
import { parseCommand, expectPositionals, required, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage } from './context.js';
import { CommandError, UsageError } from './errors.js';
import { printJson, printLine, printTable, formatTime } from './output.js';
import {
  registerClient, updateClient, rotateClientSecret, clientMetadata, InvalidClientMetadataError,
  defaultGrantTypes, defaultScope, type BrowserClientOptions, type ClientChanges,
} from './client-metadata.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../storage/records.js';
import { systemClock } from '../lib/clock.js';
import { deleteClient } from '../oauth/lifecycle.js';
import { metadataFlagOptions, metadataFlagsHelp, metadataFromFlags } from './client-metadata-flags.js';
import type { Config } from '../config/schema.js';
import { createOutboundFetch } from '../lib/outbound-fetch/index.js';
import { sectorIdentifierMaxBytes, sectorIdentifierProblem } from '../oidc/sector-identifier.js';
import { readFileSync } from 'node:fs';
import { loadKeyEncryptionKey } from '../keys/key-encryption-key.js';
import { KeyEncryptionError, type KeySealer } from '../keys/key-encryption.js';

export const clientHelp = `Usage: gatehouse client <command> [options]

Commands:
  create          register a client and print its id (and secret, once)
  list            list registered clients
  show            print everything registered for one client
  update          change a client's name, redirect URIs, grants, scopes, consent or auth method
  rotate-secret   give a confidential client a new secret (shown once); the old one stops working
  delete          delete a client and revoke every grant it holds

Run 'gatehouse client <command> --help' for the options of each.`;

const browserOptionsHelp = `  --logo-uri URI        https logo shown on the login and consent pages
  --client-uri URI      https home page of the client, linked from those pages
  --policy-uri URI      https privacy policy, linked from those pages
  --tos-uri URI         https terms of service, linked from those pages
  --default-scope "S1 S2"
                        scopes granted when a request omits scope (RFC 6749 §3.3); some of
                        --scope. Default: every scope but openid, profile, email, address,
                        phone and offline_access
  --no-require-pkce     let this confidential client omit PKCE (e.g. an RP relying on the
                        nonce); public clients always need PKCE
  --require-pkce        require PKCE again (the default)
  --allowed-origin ORIGIN
                        a browser origin (https://app.example.com) allowed by CORS besides
                        those of the redirect URIs; repeat for several`;

const createHelp = `Usage: gatehouse client create --name NAME --redirect-uri URI [options]

Registers an OAuth client. A confidential client's secret is printed once and stored only as
its SHA-256 digest.

Options:
  --name NAME           display name shown on the consent page (required)
  --redirect-uri URI    exact redirect URI; repeat for several. https, or http on localhost,
                        127.0.0.1 or [::1]; public clients may also use a private-use scheme
                        such as com.example.app:/callback
  --post-logout-redirect-uri URI
                        where RP-initiated logout may send the browser back, matched
                        exactly; repeat for several; the same rules as --redirect-uri
  --auth-method M       how the client authenticates at the token endpoint:
                        client_secret_basic (default), client_secret_post, client_secret_jwt
                        (an HS256 JWT; its secret is also kept sealed with the key-encryption
                        key), private_key_jwt (a JWT signed with the client's private key; needs
                        --jwks-uri or --jwks-file), or none (public)
  --jwks-file FILE      the client's public keys by value: a JWK Set JSON file
  --public              public client: the same as --auth-method none (no secret; PKCE required)
  --grant-type G        authorization_code, refresh_token, client_credentials, implicit,
                        urn:ietf:params:oauth:grant-type:device_code (RFC 8628: no redirect
                        URI needed) or urn:ietf:params:oauth:grant-type:token-exchange;
                        repeat for several (default: what --response-type implies, else
                        authorization_code and refresh_token)
  --response-type T     code, id_token or "id_token token" (the legacy implicit flow, used
                        only when the server runs with implicitFlow); repeat for several
                        (default: what --grant-type implies)
  --scope "S1 S2"       scopes the client may request (default: "${defaultScope}")
  --skip-consent        trusted first-party client: never show the consent page
  --backchannel-logout-uri URI
                        where logout tokens are POSTed when a session it signed into ends
                        (OpenID Connect Back-Channel Logout); https, or http for confidential clients
  --backchannel-logout-session-required
                        the client needs the session id (sid) in logout tokens
  --frontchannel-logout-uri URI
                        rendered in a hidden iframe when a session it signed into logs out
                        (OpenID Connect Front-Channel Logout), with iss and sid added; the
                        scheme, host and port of a --redirect-uri; a query but no fragment
  --frontchannel-logout-session-required
                        the client needs iss and sid on its front-channel logout URI
${metadataFlagsHelp(false)}
${browserOptionsHelp}
  --json                print one JSON object instead of text

${globalOptionsHelp}`;

const showHelp = `Usage: gatehouse client show CLIENT_ID [--json]

Prints everything registered for the client: its metadata (RFC 7591 and OpenID Connect
Registration names), whether it registered itself (RFC 7591) and when such a client expires
unless it completes a sign-in. Secrets are never shown: only their digests are stored.

Options:
  --json   print one JSON object instead of text

Use '--' before a CLIENT_ID that starts with '-'.

${globalOptionsHelp}`;

const listHelp = `Usage: gatehouse client list [--json]

Lists registered clients (secrets are never shown: only their digests are stored).

Options:
  --json   print a JSON array instead of a table

${globalOptionsHelp}`;

const updateHelp = `Usage: gatehouse client update CLIENT_ID [options]

Changes what is given and keeps the rest, under the same rules as 'client create'. Grants and
tokens already issued stay valid; use 'client rotate-secret' to replace a leaked secret.

Options:
  --name NAME           new display name
  --redirect-uri URI    the redirect URIs, replacing the registered ones; repeat for several
  --post-logout-redirect-uri URI
                        the post-logout redirect URIs, replacing the registered ones;
                        repeat for several
  --no-post-logout-redirect-uris
                        remove every post-logout redirect URI
  --grant-type G        the grant types, replacing the registered ones; repeat for several
  --response-type T     the response types (code, id_token, "id_token token"), replacing the
                        registered ones; repeat for several. Without --grant-type the grant
                        types follow: code gives authorization_code and refresh_token,
                        id_token* gives implicit
  --scope "S1 S2"       the scopes the client may request, replacing the registered ones
  --skip-consent        never show the consent page
  --require-consent     show the consent page again
  --auth-method M       client_secret_basic, client_secret_post, client_secret_jwt,
                        private_key_jwt or none. Making a public client confidential, or a
                        client client_secret_jwt, prints its new secret once; making it public
                        or private_key_jwt drops its secret
  --jwks-file FILE      the client's public keys (a JWK Set JSON file), replacing a --jwks-uri
  --backchannel-logout-uri URI
                        the back-channel logout URI; '' removes it
  --backchannel-logout-session-required
                        the client needs the session id (sid) in logout tokens
  --frontchannel-logout-uri URI
                        the front-channel logout URI; '' removes it
  --frontchannel-logout-session-required
                        the client needs iss and sid on its front-channel logout URI
${metadataFlagsHelp(true)}
${browserOptionsHelp}; replacing the registered ones
  --no-allowed-origins  remove every allowed origin
  A URI option or --default-scope given as '' removes it.
  --json                print one JSON object instead of text

Use '--' before a CLIENT_ID that starts with '-'.

${globalOptionsHelp}`;

const rotateSecretHelp = `Usage: gatehouse client rotate-secret CLIENT_ID [--json]

Gives a confidential client a new secret, printed once. The old secret stops working at once
(only the new one's SHA-256 digest is stored); tokens already issued stay valid.

Options:
  --json   print { "client_id", "client_secret" } instead of text

Use '--' before a CLIENT_ID that starts with '-'.

${globalOptionsHelp}`;

const deleteHelp = `Usage: gatehouse client delete CLIENT_ID

Deletes the client, revokes every grant, code and token issued to it and forgets the consents
given to it. Use '--' before a CLIENT_ID that starts with '-': gatehouse client delete -- -K3x…

${globalOptionsHelp}`;

const browserOptions = {
  'logo-uri': { type: 'string' },
  'client-uri': { type: 'string' },
  'policy-uri': { type: 'string' },
  'tos-uri': { type: 'string' },
  'default-scope': { type: 'string' },
  'require-pkce': { type: 'boolean' },
  'no-require-pkce': { type: 'boolean' },
  'allowed-origin': { type: 'string', multiple: true },
} as const;

interface BrowserOptionValues {
  'logo-uri'?: string | undefined;
  'client-uri'?: string | undefined;
  'policy-uri'?: string | undefined;
  'tos-uri'?: string | undefined;
  'default-scope'?: string | undefined;
  'require-pkce'?: boolean | undefined;
  'no-require-pkce'?: boolean | undefined;
  'allowed-origin'?: string[] | undefined;
  'no-allowed-origins'?: boolean | undefined;
}

/** The browser-app options, or undefined when none was given. */
function browserOptionsOf(values: BrowserOptionValues): BrowserClientOptions | undefined {
  if (values['require-pkce'] && values['no-require-pkce']) throw new UsageError('use either --require-pkce or --no-require-pkce, not both');
  if (values['allowed-origin'] && values['no-allowed-origins']) throw new UsageError('use either --allowed-origin or --no-allowed-origins, not both');
  const options: BrowserClientOptions = {
    logoUri: values['logo-uri'], clientUri: values['client-uri'], policyUri: values['policy-uri'], tosUri: values['tos-uri'],
    defaultScope: values['default-scope'],
    requirePkce: values['require-pkce'] ? true : values['no-require-pkce'] ? false : undefined,
    allowedOrigins: values['no-allowed-origins'] ? [] : values['allowed-origin'],
  };
  return Object.values(options).some((v) => v !== undefined) ? options : undefined;
}

/** The registration rules' refusals are usage errors: the command line named a bad value. */
function checkedMetadata<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidClientMetadataError) throw new UsageError(error.message);
    throw error;
  }
}

/** The key-encryption key, opened only when a client_secret_jwt secret is sealed. */
function sealerOf(config: Config): () => KeySealer {
  let sealer: KeySealer | undefined;
  return () => {
    try {
      sealer ??= loadKeyEncryptionKey(config).sealer;
    } catch (error) {
      if (error instanceof KeyEncryptionError) throw new CommandError(error.message);
      throw error;
    }
    return sealer;
  };
}

/** The metadata flags of the field table, plus --jwks-file (the jwks field read from a file). */
function flagMetadata(values: Record<string, unknown>): ReturnType<typeof metadataFromFlags> {
  const fromFlags = metadataFromFlags(values);
  const jwks = readJwksFile(values['jwks-file'] as string | undefined);
  if (jwks === undefined) return fromFlags;
  if (values.jwks !== undefined) throw new UsageError('use either --jwks or --jwks-file, not both');
  return { ...fromFlags, metadata: { ...fromFlags.metadata, jwks } };
}

/** --jwks-file: a JWK Set read from a file (validated with the registration rules). */
export function readJwksFile(path: string | undefined): { keys: Record<string, unknown>[] } | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --jwks-file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as { keys: Record<string, unknown>[] };
  } catch {
    throw new UsageError(`--jwks-file ${path} is not JSON`);
  }
}

/** --auth-method, reconciled with --public (its older spelling for none). */
function authMethodOption(values: { 'auth-method'?: string | undefined; public?: boolean | undefined }): TokenEndpointAuthMethod | undefined {
  const method = values['auth-method'];
  if (values.public && method !== undefined && method !== 'none') {
    throw new UsageError(`--public means --auth-method none, not '${method}' (see 'gatehouse client create --help')`);
  }
  return values.public ? 'none' : method as TokenEndpointAuthMethod | undefined;
}

/**
 * The grant types --response-type implies when --grant-type is not given (RFC 7591 §2.1):
 * code → authorization_code and refresh_token, id_token / "id_token token" → implicit.
 */
function grantTypesFor(responseTypes: string[] | undefined): string[] | undefined {
  if (responseTypes === undefined) return undefined;
  return [
    ...(responseTypes.includes('code') ? defaultGrantTypes : []),
    ...(responseTypes.some((type) => type !== 'code') ? ['implicit'] : []),
  ];
}

function printSecret(clientSecret: string, what: string): void {
  printLine(`  client_secret:  ${clientSecret}`);
  printLine(`  The ${what} is shown only this once: Gatehouse stores just its digest. Save it now.`);
}

function printClient(client: ClientRecord): void {
  printLine(`  redirect_uris:  ${client.redirectUris.join(' ') || '-'}`);
  printLine(`  post_logout_redirect_uris: ${client.postLogoutRedirectUris.join(' ') || '-'}`);
  printLine(`  grant_types:    ${client.grantTypes.join(' ')}`);
  if (client.responseTypes.join() !== 'code') printLine(`  response_types: ${client.responseTypes.join(', ') || '-'}`);
  printLine(`  scope:          ${client.scopes.join(' ')}`);
  printLine(`  auth method:    ${client.tokenEndpointAuthMethod}${client.skipConsent ? '  (consent skipped)' : ''}`);
  if (client.metadata.jwksUri) printLine(`  jwks_uri:       ${client.metadata.jwksUri}`);
  if (client.metadata.jwks) printLine(`  jwks:           ${client.metadata.jwks.keys.length} key(s) by value`);
  if (client.backchannelLogoutUri) {
    printLine(`  back-channel logout: ${client.backchannelLogoutUri}${client.backchannelLogoutSessionRequired ? '  (sid required)' : ''}`);
  }
  if (client.frontchannelLogoutUri) {
    printLine(`  front-channel logout: ${client.frontchannelLogoutUri}${client.frontchannelLogoutSessionRequired ? '  (iss and sid required)' : ''}`);
  }
  const { metadata } = client;
  const userinfo = metadata.userinfoSignedResponseAlg ? `, UserInfo signed with ${metadata.userinfoSignedResponseAlg}` : '';
  printLine(`  signing:        ID tokens ${metadata.idTokenSignedResponseAlg ?? 'RS256'}${userinfo}`);
  if (metadata.subjectType === 'pairwise') {
    printLine(`  subjects:       pairwise${metadata.sectorIdentifierUri ? ` (sector ${metadata.sectorIdentifierUri})` : ''}`);
  }
  const m = client.metadata;
  if (m.defaultScope) printLine(`  default scope:  ${m.defaultScope.join(' ')}`);
  if (m.requirePkce === false) printLine('  PKCE:           not required (confidential client)');
  if (m.allowedOrigins) printLine(`  allowed origins: ${m.allowedOrigins.join(' ')}`);
  for (const [label, uri] of [['logo', m.logoUri], ['client URI', m.clientUri], ['policy', m.policyUri], ['terms', m.tosUri]] as const) {
    if (uri) printLine(`  ${`${label}:`.padEnd(15)} ${uri}`);
  }
}

/**
 * OIDC Registration §5: a sector_identifier_uri must answer a JSON array listing every redirect
 * URI. Fetched like any URL someone else controls (lib/outbound-fetch: public addresses only
 * unless configured, no redirects, bounded in time and size).
 */
async function checkSectorIdentifier(client: ClientRecord, config: Config): Promise<void> {
  const uri = client.metadata.sectorIdentifierUri;
  if (!uri) return;
  const timeoutMs = config.outboundTimeout * 1000;
  const fetch = createOutboundFetch({
    allowPrivateNetwork: config.allowPrivateNetworkFetch, allowLoopback: config.allowLoopbackFetch,
    connectTimeoutMs: timeoutMs, timeoutMs, maxResponseBytes: sectorIdentifierMaxBytes,
    extraCaCertificates: config.outboundCaFile ? [readFileSync(config.outboundCaFile, 'utf8')] : undefined,
  });
  const problem = await sectorIdentifierProblem(uri, client.redirectUris, fetch);
  if (problem) throw new CommandError(problem);
}

/** The wire view, with the secret right after the id when there is one to show. */
function jsonView(client: ClientRecord, clientSecret: string | null) {
  const { client_id, ...rest } = clientMetadata(client);
  return clientSecret === null ? { client_id, ...rest } : { client_id, client_secret: clientSecret, ...rest };
}

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client create', args, {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
    'auth-method': { type: 'string' },
    'grant-type': { type: 'string', multiple: true },
    'response-type': { type: 'string', multiple: true },
    scope: { type: 'string' },
    'skip-consent': { type: 'boolean' },
    'backchannel-logout-uri': { type: 'string' },
    'backchannel-logout-session-required': { type: 'boolean' },
    'frontchannel-logout-uri': { type: 'string' },
    'frontchannel-logout-session-required': { type: 'boolean' },
    'jwks-file': { type: 'string' },
    ...browserOptions,
    json: { type: 'boolean' },
    ...(metadataFlagOptions as {}),
  });
  if (values.help) return printLine(createHelp);
  const config = commandConfig(values);
  expectPositionals('client create', positionals, []);
  const authMethod = authMethodOption(values) ?? 'client_secret_basic';
  const { client, clientSecret } = checkedMetadata(() => registerClient({
    name: required('client create', 'name', values.name),
    redirectUris: values['redirect-uri'] ?? [],
    postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
    authMethod,
    grantTypes: values['grant-type'] ?? grantTypesFor(values['response-type']) ?? defaultGrantTypes,
    responseTypes: values['response-type'],
    scope: values.scope ?? defaultScope,
    skipConsent: values['skip-consent'] ?? false,
    backchannelLogoutUri: values['backchannel-logout-uri'] ?? null,
    backchannelLogoutSessionRequired: values['backchannel-logout-session-required'] ?? false,
    frontchannelLogoutUri: values['frontchannel-logout-uri'] ?? null,
    frontchannelLogoutSessionRequired: values['frontchannel-logout-session-required'] ?? false,
    ...flagMetadata(values as Record<string, unknown>),
    browser: browserOptionsOf(values),
  }, systemClock(), { sealer: sealerOf(config) }));
  await checkSectorIdentifier(client, config);
  await withStorage(config, (storage) => storage.clients.insert(client));

  if (values.json) return printJson(jsonView(client, clientSecret));
  printLine(`Created ${client.tokenEndpointAuthMethod === 'none' ? 'public' : 'confidential'} client '${client.clientName}'.`);
  printLine(`  client_id:      ${client.clientId}`);
  if (clientSecret !== null) printSecret(clientSecret, 'secret');
  printClient(client);
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client list', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(listHelp);
  expectPositionals('client list', positionals, []);
  const clients = await withStorage(commandConfig(values), (storage) => storage.clients.list());
  if (values.json) {
    return printJson(clients.map((c) => ({
      ...clientMetadata(c), skip_consent: c.skipConsent, created_at: formatTime(c.createdAt),
    })));
  }
  printTable(
    ['CLIENT_ID', 'NAME', 'AUTH', 'GRANT TYPES', 'REDIRECT URIS'],
    clients.map((c) => [c.clientId, c.clientName, c.tokenEndpointAuthMethod, c.grantTypes.join(','), c.redirectUris.join(' ')]),
    'No clients registered.',
  );
}

/** Everything registered for a client, by wire name, never a secret or a registration access token. */
function fullView(client: ClientRecord) {
  const registration = client.metadata.registration;
  return {
    ...clientMetadata(client),
    response_types: client.responseTypes,
    skip_consent: client.skipConsent,
    confidential: client.secretDigest !== null,
    created_at: formatTime(client.createdAt),
    dynamically_registered: registration !== undefined,
    ...(registration ? {
      registration: {
        via: registration.via,
        ...(registration.softwareId !== undefined ? { software_id: registration.softwareId } : {}),
        ...(registration.softwareVersion !== undefined ? { software_version: registration.softwareVersion } : {}),
        expires_unless_used_at: formatTime(client.registrationExpiresAt ?? null),
      },
    } : {}),
  };
}

async function show(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client show', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(showHelp);
  const [clientId = ''] = expectPositionals('client show', positionals, ['CLIENT_ID']);
  const client = await withStorage(commandConfig(values), (storage) => storage.clients.find(clientId));
  if (!client) throw new CommandError(`unknown client '${clientId}'`);
  const view = fullView(client);
  if (values.json) return printJson(view);
  const width = Math.max(...Object.keys(view).map((name) => name.length)) + 2;
  for (const [name, value] of Object.entries(view)) {
    const text = typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
      : Array.isArray(value) ? (value.join(' ') || '-') : String(value);
    printLine(`${`${name}:`.padEnd(width)}${text}`);
  }
}

async function update(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client update', args, {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    'no-post-logout-redirect-uris': { type: 'boolean' },
    'grant-type': { type: 'string', multiple: true },
    'response-type': { type: 'string', multiple: true },
    scope: { type: 'string' },
    'skip-consent': { type: 'boolean' },
    'require-consent': { type: 'boolean' },
    'auth-method': { type: 'string' },
    'backchannel-logout-uri': { type: 'string' },
    'backchannel-logout-session-required': { type: 'boolean' },
    'frontchannel-logout-uri': { type: 'string' },
    'frontchannel-logout-session-required': { type: 'boolean' },
    'jwks-file': { type: 'string' },
    ...browserOptions,
    'no-allowed-origins': { type: 'boolean' },
    json: { type: 'boolean' },
    ...(metadataFlagOptions as {}),
  });
  if (values.help) return printLine(updateHelp);
  const [clientId = ''] = expectPositionals('client update', positionals, ['CLIENT_ID']);
  if (values['skip-consent'] && values['require-consent']) {
    throw new UsageError(`use either --skip-consent or --require-consent, not both (see 'gatehouse client update --help')`);
  }
  if (values['post-logout-redirect-uri'] && values['no-post-logout-redirect-uris']) {
    throw new UsageError(`use either --post-logout-redirect-uri or --no-post-logout-redirect-uris, not both`);
  }
  const changes: ClientChanges = {
    name: values.name,
    redirectUris: values['redirect-uri'],
    postLogoutRedirectUris: values['no-post-logout-redirect-uris'] ? [] : values['post-logout-redirect-uri'],
    grantTypes: values['grant-type'] ?? grantTypesFor(values['response-type']),
    responseTypes: values['response-type'],
    scope: values.scope,
    skipConsent: values['skip-consent'] ? true : values['require-consent'] ? false : undefined,
    authMethod: values['auth-method'] as TokenEndpointAuthMethod | undefined,
    backchannelLogoutUri: values['backchannel-logout-uri'],
    backchannelLogoutSessionRequired: values['backchannel-logout-session-required'],
    frontchannelLogoutUri: values['frontchannel-logout-uri'],
    frontchannelLogoutSessionRequired: values['frontchannel-logout-session-required'],
    ...flagMetadata(values as Record<string, unknown>),
    browser: browserOptionsOf(values),
  };
  if ((values as Record<string, unknown>)['jwks-uri'] !== undefined && values['jwks-file'] !== undefined) {
    throw new UsageError('use either --jwks-uri or --jwks-file, not both');
  }
  if (Object.values(changes).every((v) => v === undefined)) {
    throw new UsageError(`nothing to change: give at least one option (see 'gatehouse client update --help')`);
  }
  const config = commandConfig(values);
  const { client, clientSecret } = await withStorage(config, async (storage) => {
    const current = await storage.clients.find(clientId);
    if (!current) throw new CommandError(`unknown client '${clientId}'`);
    const updated = checkedMetadata(() => updateClient(current, changes, { sealer: sealerOf(config) }));
    // Checked again whenever it or the redirect URIs it must list may have changed.
    if (updated.client.metadata.sectorIdentifierUri) await checkSectorIdentifier(updated.client, config);
    if (!(await storage.clients.update(updated.client))) throw new CommandError(`unknown client '${clientId}'`);
    return updated;
  });
  if (values.json) return printJson(jsonView(client, clientSecret));
  printLine(`Updated client '${client.clientName}' (${client.clientId}).`);
  if (clientSecret !== null) printSecret(clientSecret, 'new secret');
  printClient(client);
}

async function rotateSecret(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client rotate-secret', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(rotateSecretHelp);
  const [clientId = ''] = expectPositionals('client rotate-secret', positionals, ['CLIENT_ID']);
  const config = commandConfig(values);
  const { clientSecret } = await withStorage(config, async (storage) => {
    const current = await storage.clients.find(clientId);
    if (!current) throw new CommandError(`unknown client '${clientId}'`);
    let rotated;
    try {
      rotated = rotateClientSecret(current, sealerOf(config));
    } catch (error) {
      if (error instanceof InvalidClientMetadataError) throw new CommandError(error.message);
      throw error;
    }
    if (!(await storage.clients.update(rotated.client))) throw new CommandError(`unknown client '${clientId}'`);
    return rotated;
  });
  if (values.json) return printJson({ client_id: clientId, client_secret: clientSecret });
  printLine(`New secret for client '${clientId}'; the previous secret no longer works.`);
  printSecret(clientSecret, 'new secret');
}

async function remove(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client delete', args, {});
  if (values.help) return printLine(deleteHelp);
  const [clientId = ''] = expectPositionals('client delete', positionals, ['CLIENT_ID']);
  const deleted = await withStorage(commandConfig(values), (storage) => deleteClient(clientId, { storage, clock: systemClock }));
  if (!deleted) throw new CommandError(`unknown client '${clientId}'`);
  printLine(`Deleted client '${clientId}', revoked its grants and forgot its consents.`);
}

export const clientCommands: Record<string, (args: string[]) => Promise<void>> = {
  create, list, show, update, 'rotate-secret': rotateSecret, delete: remove,
};
