// Record factories for the storage contract: random ids everywhere, so one shared database or
// Redis can serve several runs at once without their records meeting.
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  AccountRecord, AuthorizationCodeRecord, ClientRecord, GrantRecord, SessionRecord,
  InteractionRecord, OutboxMessage, SigningKeyRecord, TokenKind, TokenRecord,
} from '../../src/storage/records.js';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const uid = (prefix: string): string => `${prefix}-${randomUUID()}`;
export const randomDigest = (): string => randomBytes(32).toString('hex');

export function clientRecord(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: uid('client'),
    clientName: 'Contract Client',
    secretDigest: randomDigest(),
    redirectUris: ['https://rp.example/callback', 'http://127.0.0.1:8080/cb?x=1'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    skipConsent: false,
    tokenEndpointAuthMethod: 'client_secret_basic',
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    frontchannelLogoutUri: null,
    frontchannelLogoutSessionRequired: false,
    postLogoutRedirectUris: ['https://rp.example/logged-out'],
    metadata: {},
    registrationExpiresAt: null,
    createdAt: nowSeconds(),
    ...overrides,
  };
}

export function accountRecord(overrides: Partial<AccountRecord> = {}): AccountRecord {
  const now = nowSeconds();
  return {
    accountId: uid('acct'),
    username: uid('user'),
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    email: 'ada@example.com',
    emailVerified: true,
    name: 'Ada Lovelace',
    profile: {},
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function grantRecord(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    grantId: uid('grant'),
    accountId: uid('acct'),
    clientId: uid('client'),
    scopes: ['openid', 'offline_access'],
    sid: null,
    createdAt: nowSeconds(),
    revokedAt: null,
    ...overrides,
  };
}

export function codeRecord(grant: GrantRecord, now: number, overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeDigest: randomDigest(),
    grantId: grant.grantId,
    clientId: grant.clientId,
    accountId: grant.accountId ?? uid('acct'),
    redirectUri: 'https://rp.example/callback',
    scopes: grant.scopes,
    codeChallenge: randomBytes(32).toString('base64url'),
    codeChallengeMethod: 'S256',
    nonce: 'n-0S6_WzA2Mj',
    claims: null,
    authTime: now - 5,
    sid: grant.sid,
    resources: [],
    dpopJkt: null,
    createdAt: now,
    expiresAt: now + 60,
    consumedAt: null,
    ...overrides,
  };
}

export function tokenRecord(grant: GrantRecord, kind: TokenKind, now: number, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    tokenDigest: randomDigest(),
    kind,
    grantId: grant.grantId,
    clientId: grant.clientId,
    accountId: grant.accountId,
    scopes: grant.scopes,
    authTime: now - 5,
    nonce: kind === 'refresh_token' ? 'n-0S6_WzA2Mj' : null,
    claims: null,
    sid: grant.sid,
    resources: [],
    dpopJkt: null,
    act: null,
    subject: null,
    createdAt: now,
    expiresAt: now + (kind === 'refresh_token' ? 86_400 : 600),
    revokedAt: null,
    rotatedAt: null,
    ...overrides,
  };
}

export function sessionRecord(now: number, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    sessionDigest: randomDigest(), sid: randomBytes(16).toString('base64url'), accountId: uid('acct'), clientIds: [],
    authTime: now, createdAt: now, expiresAt: now + 3600, ...overrides,
  };
}

export function interactionRecord(now: number, overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    interactionId: uid('ia'),
    clientId: uid('client'),
    params: { response_type: 'code', client_id: 'c', redirect_uri: 'https://rp.example/cb', scope: 'openid', state: 'a b&c=d' },
    accountId: null,
    authTime: null,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: now + 600,
    ...overrides,
  };
}

export function signingKeyRecord(now: number, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const kid = uid('kid');
  return {
    kid,
    alg: 'RS256',
    privateKey: `gh1.test.${kid}`,
    publicJwk: JSON.stringify({ kty: 'RSA', kid, n: 'public-part', e: 'AQAB' }),
    createdAt: now,
    activatesAt: now,
    retiredAt: null,
    removeAfter: null,
    ...overrides,
  };
}

export function outboxMessage(now: number, overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    messageId: uid('msg'), topic: 'contract', payload: JSON.stringify({ n: randomDigest() }), attempts: 0,
    nextAttemptAt: now, lastError: null, givenUpAt: null, purgeAfter: null, createdAt: now, ...overrides,
  };
}
