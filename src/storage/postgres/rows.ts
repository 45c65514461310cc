// Converts PostgreSQL rows (snake_case columns) into records, once, at the adapter's edge.
import type {
  AccountProfile, AccountRecord, AuthorizationCodeRecord, ClientMetadata, ClientRecord, ConsentRecord, GrantRecord,
  InteractionRecord, SessionRecord, SigningKeyRecord, TokenEndpointAuthMethod, TokenKind, TokenRecord,
} from '../records.js';

// Rows as pg returns them (bigint already parsed to number by the pool's type parser).
type Row = Record<string, unknown>;

const text = (v: unknown) => v as string;
const textOrNull = (v: unknown) => (v ?? null) as string | null;
const num = (v: unknown) => v as number;
const numOrNull = (v: unknown) => (v ?? null) as number | null;
const list = (v: unknown) => [...(v as string[])];

export function toClient(r: Row): ClientRecord {
  return {
    clientId: text(r.client_id),
    clientName: text(r.client_name),
    secretDigest: textOrNull(r.secret_digest),
    redirectUris: list(r.redirect_uris),
    grantTypes: list(r.grant_types),
    responseTypes: list(r.response_types),
    scopes: list(r.scopes),
    skipConsent: r.skip_consent as boolean,
    tokenEndpointAuthMethod: r.token_endpoint_auth_method as TokenEndpointAuthMethod,
    backchannelLogoutUri: textOrNull(r.backchannel_logout_uri),
    backchannelLogoutSessionRequired: r.backchannel_logout_session_required as boolean,
    frontchannelLogoutUri: textOrNull(r.frontchannel_logout_uri),
    frontchannelLogoutSessionRequired: r.frontchannel_logout_session_required as boolean,
    postLogoutRedirectUris: list(r.post_logout_redirect_uris),
    metadata: structuredClone((r.metadata ?? {}) as ClientMetadata),
    registrationExpiresAt: numOrNull(r.registration_expires_at),
    createdAt: num(r.created_at),
  };
}

export function toAccount(r: Row): AccountRecord {
  return {
    accountId: text(r.account_id),
    username: text(r.username),
    passwordHash: text(r.password_hash),
    email: textOrNull(r.email),
    emailVerified: r.email_verified as boolean,
    name: textOrNull(r.name),
    profile: structuredClone((r.profile ?? {}) as AccountProfile),
    ...(r.verify_before_login === true ? { verifyBeforeLogin: true } : {}),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function toSession(r: Row): SessionRecord {
  return {
    sessionDigest: text(r.session_digest),
    sid: text(r.sid),
    accountId: text(r.account_id),
    clientIds: list(r.client_ids),
    authTime: num(r.auth_time),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
  };
}

export function toInteraction(r: Row): InteractionRecord {
  return {
    interactionId: text(r.interaction_id),
    clientId: text(r.client_id),
    params: r.params as Record<string, string>,
    accountId: textOrNull(r.account_id),
    authTime: numOrNull(r.auth_time),
    csrfToken: text(r.csrf_token),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
  };
}

export function toConsent(r: Row): ConsentRecord {
  return {
    accountId: text(r.account_id),
    clientId: text(r.client_id),
    scopes: list(r.scopes),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function toGrant(r: Row): GrantRecord {
  return {
    grantId: text(r.grant_id),
    accountId: textOrNull(r.account_id),
    clientId: text(r.client_id),
    scopes: list(r.scopes),
    sid: textOrNull(r.sid),
    createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}

export function toAuthorizationCode(r: Row): AuthorizationCodeRecord {
  return {
    codeDigest: text(r.code_digest),
    grantId: text(r.grant_id),
    clientId: text(r.client_id),
    accountId: text(r.account_id),
    redirectUri: text(r.redirect_uri),
    scopes: list(r.scopes),
    codeChallenge: textOrNull(r.code_challenge),
    codeChallengeMethod: textOrNull(r.code_challenge_method) as 'S256' | null,
    nonce: textOrNull(r.nonce),
    claims: textOrNull(r.claims),
    authTime: num(r.auth_time),
    sid: textOrNull(r.sid),
    resources: r.resources ? list(r.resources) : [],
    dpopJkt: textOrNull(r.dpop_jkt),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    consumedAt: numOrNull(r.consumed_at),
  };
}

export function toToken(r: Row): TokenRecord {
  return {
    tokenDigest: text(r.token_digest),
    kind: r.kind as TokenKind,
    grantId: text(r.grant_id),
    clientId: text(r.client_id),
    accountId: textOrNull(r.account_id),
    scopes: list(r.scopes),
    authTime: numOrNull(r.auth_time),
    nonce: textOrNull(r.nonce),
    claims: textOrNull(r.claims),
    sid: textOrNull(r.sid),
    resources: r.resources ? list(r.resources) : [],
    dpopJkt: textOrNull(r.dpop_jkt),
    act: r.act && typeof r.act === 'object' ? r.act as Record<string, unknown> : null,
    subject: textOrNull(r.subject),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    revokedAt: numOrNull(r.revoked_at),
    rotatedAt: numOrNull(r.rotated_at),
  };
}

export function toSigningKey(r: Row): SigningKeyRecord {
  return {
    kid: text(r.kid),
    alg: text(r.alg),
    privateKey: text(r.private_key),
    publicJwk: text(r.public_jwk),
    createdAt: num(r.created_at),
    activatesAt: num(r.activates_at),
    retiredAt: numOrNull(r.retired_at),
    removeAfter: numOrNull(r.remove_after),
  };
}
