// Token Exchange (RFC 8693): what a client may trade a token it holds for. The subject token must
// be ours (an access token we issued and that is still live, or an ID token we signed for this
// very client) or a JWT of an issuer the operator trusts (§3 `jwt`, oauth/trusted-issuers.ts),
// whose subject stays that issuer's (no local account); the result may only narrow: its scopes are a subset of the subject's, its
// audience a registered resource the client's exchange policy names. Delegation (the default)
// records who acts in `act` (§4.1), nested when the subject token already carried one;
// impersonation, when the client's policy allows it, issues a token for the subject alone.
import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import type { SigningKeySet } from '../keys/signing-keys.js';
import type { TokenStore } from '../storage/ports.js';
import type { ClientRecord, TokenRecord } from '../storage/records.js';
import { OAuthError } from './errors.js';
import { digestOf } from './opaque-token.js';
import { parseScope } from './scope.js';
import { verifyTrustedIssuerJwt, type TrustedIssuerPolicy } from './trusted-issuers.js';

export const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** RFC 8693 §3: the token type identifiers Gatehouse takes and issues. */
export const tokenTypes = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  /** A JWT of a trusted issuer (config tokenExchange.trustedIssuers). */
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** Who or what a presented token speaks for. */
export interface ExchangedSubject {
  /** null: a client_credentials token's subject is its client. */
  accountId: string | null;
  /** The `sub` to name in `act` when this token is the actor's. */
  sub: string;
  /**
   * With no account: the subject the exchanged token carries (a trusted issuer's `<iss>#<sub>`, or
   * the client a client_credentials token was issued to); null when the account (or nothing) is the subject.
   */
  subject: string | null;
  scopes: string[];
  /** The grant the subject token belongs to (access tokens): revoking it revokes what was exchanged. */
  grantId: string | null;
  sid: string | null;
  authTime: number | null;
  /** The subject token's own `act` (an exchanged access token's, as stored), nested below the new actor (§4.1). */
  act: Record<string, unknown> | null;
}

export interface SubjectTokenDeps {
  issuer: string;
  tokens: TokenStore;
  keys: SigningKeySet;
  /** The `sub` a client knows an account by, for an `act` naming an access token's user. */
  subjectFor(client: ClientRecord, accountId: string): string;
  clientOf(clientId: string): Promise<ClientRecord | null>;
  /** The issuers whose JWTs are accepted (§3 `jwt`); absent or none configured: that type is not supported. */
  trustedIssuers?: TrustedIssuerPolicy | undefined;
  now: number;
}

/** Reads a subject_token or actor_token of `type` (§2.1); invalid_request when it is not one we accept. */
export async function resolveExchangedToken(
  token: string, type: string | undefined, requester: ClientRecord, deps: SubjectTokenDeps, what: 'subject_token' | 'actor_token',
): Promise<ExchangedSubject> {
  if (type === tokenTypes.accessToken) return accessTokenSubject(token, deps, what);
  if (type === tokenTypes.idToken) return idTokenSubject(token, requester, deps, what);
  const trusted = deps.trustedIssuers;
  if (type === tokenTypes.jwt && trusted && trusted.issuers.length > 0) return trustedJwtSubject(token, trusted, deps.now, what);
  const accepted = [tokenTypes.accessToken, tokenTypes.idToken, ...(trusted?.issuers.length ? [tokenTypes.jwt] : [])];
  throw new OAuthError('invalid_request', `${what}_type must be one of ${accepted.join(', ')}`);
}

/**
 * A trusted issuer's JWT: its subject is that issuer's, qualified by it, and no local account;
 * its `scope` claim bounds the scopes (§2.1), its `act` (if any) is nested below the new actor.
 */
async function trustedJwtSubject(token: string, policy: TrustedIssuerPolicy, now: number, what: string): Promise<ExchangedSubject> {
  const { claims, subject } = await verifyTrustedIssuerJwt(token, policy, now, what);
  const act = claims.act;
  return {
    accountId: null, sub: subject, subject, scopes: typeof claims.scope === 'string' ? parseScope(claims.scope) : [],
    grantId: null, sid: null, authTime: null,
    act: typeof act === 'object' && act !== null && !Array.isArray(act) ? act as Record<string, unknown> : null,
  };
}

async function accessTokenSubject(token: string, deps: SubjectTokenDeps, what: string): Promise<ExchangedSubject> {
  const record: TokenRecord | null = await deps.tokens.find(digestOf(token));
  if (!record || record.kind !== 'access_token' || record.revokedAt !== null || record.expiresAt <= deps.now) {
    throw new OAuthError('invalid_grant', `the ${what} is not a live access token issued here`);
  }
  // No account: the token's own subject (an earlier exchange's external one), else its client.
  let sub = record.subject ?? record.clientId;
  if (record.accountId !== null) {
    const client = await deps.clientOf(record.clientId);
    if (!client) throw new OAuthError('invalid_grant', `the ${what}'s client no longer exists`);
    sub = deps.subjectFor(client, record.accountId);
  }
  return {
    accountId: record.accountId, sub, subject: record.accountId === null ? sub : null, scopes: record.scopes, grantId: record.grantId, sid: record.sid, authTime: record.authTime,
    // Stored with the token, opaque or JWT (tokens issued before it was stored have none).
    act: record.act ?? null,
  };
}

async function idTokenSubject(token: string, requester: ClientRecord, deps: SubjectTokenDeps, what: string): Promise<ExchangedSubject> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    await compactVerify(token, createLocalJWKSet(await deps.keys.publicJwks()));
    claims = decodeJwt(token);
  } catch {
    throw new OAuthError('invalid_grant', `the ${what} is not an ID token signed here`);
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== deps.issuer || typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp <= deps.now) {
    throw new OAuthError('invalid_grant', `the ${what} is expired or not from this issuer`);
  }
  // Only the client an ID token was issued to may trade it; its `sub` is the one that client knows.
  if (!audience.includes(requester.clientId)) throw new OAuthError('invalid_grant', `the ${what} was issued to another client`);
  if (requester.metadata.subjectType === 'pairwise') {
    throw new OAuthError('invalid_grant', `the ${what} names a pairwise subject; exchange an access token instead`);
  }
  return {
    accountId: claims.sub, sub: claims.sub, subject: null, scopes: ['openid'], grantId: null,
    sid: typeof claims.sid === 'string' ? claims.sid : null, authTime: typeof claims.auth_time === 'number' ? claims.auth_time : null,
    act: null,
  };
}

/** RFC 8693 §2.1: only an access token is issued; any other requested_token_type is refused. */
export function checkRequestedTokenType(value: string | undefined): void {
  if (value !== undefined && value !== tokenTypes.accessToken) {
    throw new OAuthError('invalid_request', `requested_token_type must be ${tokenTypes.accessToken}`);
  }
}

/**
 * The audience the client asks for (`resource` or `audience`, §2.1), which its exchange policy
 * must name: the client's `token_exchange_audiences`. invalid_target otherwise (§2.2.2).
 */
export function exchangeAudience(params: Readonly<Record<string, string>>, client: ClientRecord, normalise: (value: string) => string): string {
  const values = [params.resource, params.audience].filter((v): v is string => v !== undefined).flatMap((v) => v.split(' ')).filter(Boolean);
  const requested = [...new Set(values.map(normalise))];
  if (requested.length !== 1) throw new OAuthError('invalid_target', 'name exactly one resource (resource or audience) to exchange the token for');
  const permitted = client.metadata.tokenExchangeAudiences ?? [];
  if (!permitted.includes(requested[0]!)) {
    throw new OAuthError('invalid_target', 'the client\'s token exchange policy does not permit this audience');
  }
  return requested[0]!;
}

/**
 * RFC 8693 §4.1: delegation names the actor in `act`, above whatever `act` the subject token
 * carried; impersonation (only when the client's policy allows it, and without an actor token)
 * names nobody.
 */
export function actClaim(
  client: ClientRecord, subject: ExchangedSubject, actor: ExchangedSubject | null,
): Record<string, unknown> | null {
  if (!actor && client.metadata.tokenExchangeImpersonation) return null;
  const who = actor ? { sub: actor.sub } : { sub: client.clientId, client_id: client.clientId };
  return subject.act ? { ...who, act: subject.act } : who;
}
