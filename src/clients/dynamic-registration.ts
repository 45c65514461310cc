// Dynamic Client Registration (RFC 7591 §3) and its management protocol (RFC 7592 §2): who may
// register (the policy: initial access token or open, with a per-address rate limit and a cap),
// what is stored (the rules of ./client-metadata.ts, a registration access token as a digest),
// and what is answered (RFC 7591 §3.2.1). No HTTP: endpoints/register.ts renders the results.
import type { Clock } from '../lib/clock.js';
import type { ClientRecord, ClientMetadata } from '../storage/records.js';
import type { Storage } from '../storage/ports.js';
import { digestsEqual } from '../lib/constant-time.js';
import { OAuthError } from '../oauth/errors.js';
import { MissingAccessTokenError } from '../oauth/bearer-token.js';
import { digestOf, newOpaqueValue } from '../oauth/opaque-token.js';
import { deleteClient, type LifecycleStorage } from '../oauth/lifecycle.js';
import { addressThrottleKey } from '../accounts/login-throttle.js';
import { clientMetadata, InvalidClientMetadataError, registerClient, updateClient, type SealerSource } from './client-metadata.js';
import { metadataObject, registrationFromDocument } from './metadata-document.js';
import type { SoftwareStatementVerifier } from './software-statement.js';

export const registrationPath = '/register';

/** The registration part of Config (config/schema.ts `registration`). */
export interface RegistrationPolicy {
  policy: 'off' | 'initial_access_token' | 'open';
  maxPerAddress: number;
  addressWindow: number;
  maxClients: number;
  unusedClientTtl: number;
  accessTokenTtl?: number | undefined;
  requireSoftwareStatement: boolean;
  /** false: confidential clients that register themselves may omit PKCE (public ones never may). */
  requirePkce?: boolean | undefined;
}

/**
 * The registration with the operator's PKCE rule applied: with `registration.requirePkce: false`
 * a confidential client (any method but `none`) may omit PKCE, as a client made with
 * `gatehouse client create --no-require-pkce` may (RFC 9700 §2.1.1 makes PKCE a SHOULD for
 * confidential clients; the OpenID Foundation's Dynamic OP plan sends none).
 */
function withPkceRule(registration: ReturnType<typeof registrationFromDocument>, policy: RegistrationPolicy) {
  if (policy.requirePkce !== false || registration.authMethod === 'none') return registration;
  return { ...registration, browser: { ...registration.browser, requirePkce: false } };
}

export interface RegistrationDeps {
  storage: LifecycleStorage & Pick<Storage, 'initialAccessTokens' | 'loginThrottle'>;
  clock: Clock;
  issuer: string;
  policy: RegistrationPolicy;
  verifySoftwareStatement: SoftwareStatementVerifier;
  /** The server's legacy implicit flow switch (config `implicitFlow`): off, only `code` registers. */
  implicitFlow: boolean;
  /**
   * Why the client's sector_identifier_uri does not list its redirect URIs (OIDC Registration §5),
   * or null; fetches it (the network lives with the caller). Called only when one is registered.
   */
  sectorIdentifierProblem(client: ClientRecord): Promise<string | null>;
  /** Seals the secret of a client_secret_jwt client (RFC 7523 §2.2); absent: such registrations are refused. */
  sealer?: SealerSource | undefined;
}

/**
 * The implicit response types and grant (OIDC Core §3.2) register only where the server runs the
 * implicit flow: RFC 7591 §2.1 lets the server refuse what it does not support.
 */
function checkImplicit(client: ClientRecord, deps: RegistrationDeps): void {
  if (deps.implicitFlow) return;
  const implicit = client.responseTypes.find((type) => type !== 'code') ?? (client.grantTypes.includes('implicit') ? 'implicit' : undefined);
  if (implicit !== undefined) {
    throw new InvalidClientMetadataError(`${implicit === 'implicit' ? 'grant type' : 'response type'} ${implicit} is not supported: the implicit flow is off on this server (RFC 7591 §2.1)`);
  }
}

async function checkSector(client: ClientRecord, deps: RegistrationDeps): Promise<void> {
  if (!client.metadata.sectorIdentifierUri) return;
  const problem = await deps.sectorIdentifierProblem(client);
  if (problem) throw new InvalidClientMetadataError(problem);
}

/** Open registration refused for this address for `retryAfter` seconds (answered 429 with Retry-After). */
export class RegistrationRateLimitedError extends OAuthError {
  constructor(readonly retryAfter: number) {
    super('invalid_request', `too many registrations from this address; try again in ${retryAfter} seconds`, { status: 429 });
  }
}

export const registrationTokenPrefix = { initialAccessToken: 'gh_iat_', registrationAccessToken: 'gh_rat_' } as const;

/** What the endpoint answers: a status and a JSON body (none for 204). */
export interface RegistrationResult {
  status: 200 | 201 | 204;
  body?: Record<string, unknown>;
}

const token68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The Bearer token of `Authorization` (RFC 6750 §2.1); none presented: a challenge without an error code. */
function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined) throw new MissingAccessTokenError();
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
  if (!match || !token68.test(match[1]!)) throw new OAuthError('invalid_request', 'malformed Authorization header');
  return match[1]!;
}

/** The rules' refusals as RFC 7591 §3.2.2 errors. */
function asRegistrationError(error: unknown): unknown {
  return error instanceof InvalidClientMetadataError ? new OAuthError(error.code, error.message, { cause: error }) : error;
}

/** The document with a software statement's claims laid over it (RFC 7591 §2.3), and the statement. */
async function withSoftwareStatement(document: Record<string, unknown>, deps: RegistrationDeps, now: number) {
  if (document.software_statement === undefined) {
    if (deps.policy.requireSoftwareStatement) {
      throw new OAuthError('invalid_software_statement', 'this server registers only clients with a software_statement from an approved issuer (RFC 7591 §2.3)');
    }
    return { merged: document, statement: undefined };
  }
  const claims = await deps.verifySoftwareStatement(document.software_statement, now);
  return { merged: { ...document, ...claims }, statement: document.software_statement as string };
}

function newAccessToken(deps: RegistrationDeps, now: number) {
  const token = newOpaqueValue(registrationTokenPrefix.registrationAccessToken);
  const ttl = deps.policy.accessTokenTtl;
  return { token, expiresAt: ttl === undefined ? undefined : now + ttl };
}

function registrationOf(
  previous: ClientMetadata['registration'] | undefined, merged: Record<string, unknown>, statement: string | undefined,
  accessToken: ReturnType<typeof newAccessToken>, via: string,
): NonNullable<ClientMetadata['registration']> {
  const softwareId = typeof merged.software_id === 'string' ? merged.software_id : undefined;
  const softwareVersion = typeof merged.software_version === 'string' ? merged.software_version : undefined;
  return {
    ...previous,
    accessTokenDigest: accessToken.token.digest,
    ...(accessToken.expiresAt !== undefined ? { accessTokenExpiresAt: accessToken.expiresAt } : {}),
    via: previous?.via ?? via,
    ...(statement !== undefined ? { softwareStatement: statement } : {}),
    ...(softwareId !== undefined ? { softwareId } : {}),
    ...(softwareVersion !== undefined ? { softwareVersion } : {}),
  };
}

/** RFC 7591 §3.2.1 / RFC 7592 §3: the registered metadata and what the server provisioned. */
export function clientInformation(client: ClientRecord, issuer: string, secrets: { clientSecret: string | null; accessToken: string }) {
  const { client_id, ...metadata } = clientMetadata(client);
  const registration = client.metadata.registration;
  return {
    client_id,
    ...(secrets.clientSecret !== null ? { client_secret: secrets.clientSecret } : {}),
    ...(client.secretDigest !== null ? { client_secret_expires_at: 0 } : {}),
    client_id_issued_at: client.createdAt,
    ...metadata,
    response_types: client.responseTypes,
    ...(registration?.softwareId !== undefined ? { software_id: registration.softwareId } : {}),
    ...(registration?.softwareVersion !== undefined ? { software_version: registration.softwareVersion } : {}),
    ...(registration?.softwareStatement !== undefined ? { software_statement: registration.softwareStatement } : {}),
    registration_access_token: secrets.accessToken,
    registration_client_uri: `${issuer}${registrationPath}/${encodeURIComponent(client.clientId)}`,
  };
}

/** Who may register, before the metadata is read: an initial access token, or the address's budget. */
async function admit(authorization: string | undefined, address: string, deps: RegistrationDeps, now: number): Promise<string | null> {
  if (deps.policy.policy === 'initial_access_token') {
    const digest = digestOf(bearerToken(authorization));
    if (!(await deps.storage.initialAccessTokens.find(digest, now))) {
      throw new OAuthError('invalid_token', 'the initial access token is invalid, expired or used up (RFC 7591 §3)');
    }
    return digest;
  }
  if (deps.policy.policy !== 'open') throw new OAuthError('registration_not_supported', 'dynamic client registration is off on this server');
  const { maxPerAddress, addressWindow } = deps.policy;
  const reservation = await deps.storage.loginThrottle.reserve(`register:${addressThrottleKey(address)}`, now,
    { free: maxPerAddress, delays: [addressWindow], forgetAfter: addressWindow });
  if (!reservation.allowed) throw new RegistrationRateLimitedError(reservation.retryAfter);
  return null;
}

/** POST /register (RFC 7591 §3.1): validate, then admit the one registration atomically. */
export async function registerDynamicClient(
  request: { body: unknown; authorization: string | undefined; address: string }, deps: RegistrationDeps,
): Promise<RegistrationResult> {
  const now = deps.clock();
  const initialToken = await admit(request.authorization, request.address, deps, now);
  try {
    const { merged, statement } = await withSoftwareStatement(metadataObject(request.body), deps, now);
    const accessToken = newAccessToken(deps, now);
    const registration = registrationOf(undefined, merged, statement, accessToken, initialToken ? 'initial_access_token' : 'open');
    const { client, clientSecret } = registerClient(withPkceRule(registrationFromDocument(merged), deps.policy), now, { naming: 'wire', metadata: { registration }, sealer: deps.sealer });
    checkImplicit(client, deps);
    await checkSector(client, deps);
    const record: ClientRecord = { ...client, registrationExpiresAt: now + deps.policy.unusedClientTtl };
    if (initialToken && !(await deps.storage.initialAccessTokens.use(initialToken, now))) {
      throw new OAuthError('invalid_token', 'the initial access token is invalid, expired or used up (RFC 7591 §3)');
    }
    if (!(await deps.storage.clients.insertRegistered(record, deps.policy.maxClients))) {
      throw new OAuthError('temporarily_unavailable', 'this server holds as many dynamically registered clients as it allows; try again later');
    }
    return { status: 201, body: clientInformation(record, deps.issuer, { clientSecret, accessToken: accessToken.token.value }) };
  } catch (error) {
    throw asRegistrationError(error);
  }
}

const invalidAccessToken = () => new OAuthError('invalid_token', 'the registration access token is invalid or has expired (RFC 7592 §3)');

/**
 * The client a registration access token manages (RFC 7592 §2): unknown client, a client that did
 * not register itself, a wrong or expired token all answer the same 401 invalid_token.
 */
async function managedClient(clientId: string, authorization: string | undefined, deps: RegistrationDeps, now: number): Promise<ClientRecord> {
  const presented = digestOf(bearerToken(authorization));
  const client = await deps.storage.clients.find(clientId);
  const registration = client?.metadata.registration;
  // Compared even for an unknown client, so its absence costs the same as a wrong token.
  const matches = digestsEqual(presented, registration?.accessTokenDigest ?? digestOf(''));
  if (!client || !registration || !matches) throw invalidAccessToken();
  if (registration.accessTokenExpiresAt !== undefined && registration.accessTokenExpiresAt <= now) throw invalidAccessToken();
  if (client.registrationExpiresAt != null && client.registrationExpiresAt <= now) throw invalidAccessToken();
  return client;
}

/**
 * Stores `client` with a fresh registration access token and answers its information: the token
 * is kept only as a digest, so each answer that must carry one (RFC 7592 §3) issues a new one.
 */
async function answerWithNewToken(client: ClientRecord, clientSecret: string | null, deps: RegistrationDeps, now: number): Promise<RegistrationResult> {
  const accessToken = newAccessToken(deps, now);
  const previous = client.metadata.registration!;
  const { accessTokenExpiresAt: _expired, ...kept } = previous;
  const registration = { ...kept, accessTokenDigest: accessToken.token.digest, ...(accessToken.expiresAt !== undefined ? { accessTokenExpiresAt: accessToken.expiresAt } : {}) };
  const updated: ClientRecord = { ...client, metadata: { ...client.metadata, registration } };
  if (!(await deps.storage.clients.update(updated))) throw invalidAccessToken();
  return { status: 200, body: clientInformation(updated, deps.issuer, { clientSecret, accessToken: accessToken.token.value }) };
}

/** GET /register/:id (RFC 7592 §2.1). */
export async function readRegistration(clientId: string, authorization: string | undefined, deps: RegistrationDeps): Promise<RegistrationResult> {
  const now = deps.clock();
  const client = await managedClient(clientId, authorization, deps, now);
  return answerWithNewToken(client, null, deps, now);
}

// Fields the server provisions (RFC 7592 §2.2): a PUT may echo them, they change nothing.
const provisioned = ['client_secret', 'client_secret_expires_at', 'client_id_issued_at', 'registration_access_token', 'registration_client_uri'];

/**
 * PUT /register/:id (RFC 7592 §2.2): the document replaces every registered field (an omitted
 * one is removed) under the same rules as a registration. It must carry the client_id; a
 * client_secret must be the current one: a client never chooses its secret. Becoming public drops
 * the secret, becoming confidential issues one (returned once).
 */
export async function replaceRegistration(
  clientId: string, authorization: string | undefined, body: unknown, deps: RegistrationDeps,
): Promise<RegistrationResult> {
  const now = deps.clock();
  const client = await managedClient(clientId, authorization, deps, now);
  try {
    const document = metadataObject(body);
    if (document.client_id !== client.clientId) {
      throw new InvalidClientMetadataError("client_id must be given and be this client's id (RFC 7592 §2.2)");
    }
    if (document.client_secret !== undefined) {
      const same = typeof document.client_secret === 'string' && client.secretDigest !== null
        && digestsEqual(digestOf(document.client_secret), client.secretDigest);
      if (!same) throw new InvalidClientMetadataError('client_secret does not match the issued secret: a client cannot choose its secret (RFC 7592 §2.2)');
    }
    const fields = Object.fromEntries(Object.entries(document).filter(([name]) => name !== 'client_id' && !provisioned.includes(name)));
    const { merged, statement } = await withSoftwareStatement(fields, deps, now);
    const registration = registrationOf(client.metadata.registration, merged, statement, newAccessToken(deps, now), 'open');
    const { client: updated, clientSecret } = updateClient({ ...client, metadata: { ...client.metadata, registration } },
      withPkceRule(registrationFromDocument(merged), deps.policy), { naming: 'wire', replace: true, sealer: deps.sealer });
    checkImplicit(updated, deps);
    await checkSector(updated, deps);
    return await answerWithNewToken(updated, clientSecret, deps, now);
  } catch (error) {
    throw asRegistrationError(error);
  }
}

/** DELETE /register/:id (RFC 7592 §2.3): the client is deleted with everything it held; 204. */
export async function deleteRegistration(clientId: string, authorization: string | undefined, deps: RegistrationDeps): Promise<RegistrationResult> {
  const now = deps.clock();
  await managedClient(clientId, authorization, deps, now);
  await deleteClient(clientId, { storage: deps.storage, clock: deps.clock });
  return { status: 204 };
}
