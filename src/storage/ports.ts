// The storage port: small typed interfaces in the core's words. Adapters (sqlite/, postgres/,
// redis/) implement them; only create-storage.ts imports an adapter. Rules every adapter keeps:
// - `authorizationCodes.consume` and `tokens.rotateRefreshToken` are atomic single calls;
// - expired records are invisible to `find` and removed by `purgeExpired`;
// - `grants.revoke` marks the grant and every code and token that carries its id.
// - No method cascades into another record: what a deletion or a password change revokes is
//   decided once, in oauth/lifecycle.ts, from the small operations below.
import type {
  PushedRequestRecord, DeviceAuthorizationRecord,
  AccountEventRecord, AccountProfile, AccountRecord, AccountTokenRecord, AccountTokenPurpose, AuthorizationCodeRecord, ClientRecord, ConsentRecord, GrantRecord,
  InteractionRecord, InitialAccessTokenRecord, ResourceRecord, SessionRecord, SigningKeyRecord, TokenRecord, OutboxMessage, ClaimedOutboxMessage,
} from './records.js';

export interface ClientStore {
  insert(client: ClientRecord): Promise<void>;
  find(clientId: string): Promise<ClientRecord | null>;
  list(): Promise<ClientRecord[]>;
  /**
   * Replaces every field of the stored client but `clientId` and `createdAt` (name, redirect URIs,
   * grants, scopes, consent, auth method, secret digest). Grants and tokens already issued stay.
   * False when the client does not exist.
   */
  update(client: ClientRecord): Promise<boolean>;
  /** Deletes the client's row only (oauth/lifecycle.ts revokes what it held). False when it did not exist. */
  delete(clientId: string): Promise<boolean>;
  /**
   * Inserts a dynamically registered client (one with `metadata.registration`) unless `limit`
   * such clients are stored already, atomically across nodes. False: at the limit, nothing inserted.
   */
  insertRegistered(client: ClientRecord, limit: number): Promise<boolean>;
  /** Clears the client's `registrationExpiresAt` (its first token response): it is kept from now on. */
  keepRegistration(clientId: string): Promise<void>;
  /** Ids of at most `limit` clients whose `registrationExpiresAt` is at or before `now`, oldest first. */
  listExpiredRegistrations(now: number, limit: number): Promise<string[]>;
}

/** Initial access tokens (RFC 7591 §3), in the database (they outlive a restart). */
export interface InitialAccessTokenStore {
  insert(token: InitialAccessTokenRecord): Promise<void>;
  /** The token if it is live at `now` (not expired, uses left), else null. Spends nothing. */
  find(tokenDigest: string, now: number): Promise<InitialAccessTokenRecord | null>;
  /** Atomically spends one use of a live token; false when it is unknown, expired or spent. */
  use(tokenDigest: string, now: number): Promise<boolean>;
  /** Every token not yet expired nor spent at `now`, oldest first. */
  list(now: number): Promise<InitialAccessTokenRecord[]>;
  /** Deletes the token with this public id; false when there was none. */
  revoke(tokenId: string): Promise<boolean>;
  /** Deletes up to `limit` expired or spent tokens. */
  purgeExpired(now: number, limit: number): Promise<number>;
}

export interface AccountStore {
  /** Rejects with DuplicateError when the username is taken. */
  insert(account: AccountRecord): Promise<void>;
  findById(accountId: string): Promise<AccountRecord | null>;
  findByUsername(username: string): Promise<AccountRecord | null>;
  list(): Promise<AccountRecord[]>;
  /** Deletes the account's row only (oauth/lifecycle.ts ends what it held). False when it did not exist. */
  delete(accountId: string): Promise<boolean>;
  /** Replaces the password hash and stamps `updatedAt`, nothing else. False when the account does not exist. */
  setPasswordHash(accountId: string, passwordHash: string, now: number): Promise<boolean>;
  /** Replaces the claims (email, emailVerified, name, profile) and stamps `updatedAt`. False when the account does not exist. */
  updateClaims(accountId: string, claims: AccountClaims, now: number): Promise<boolean>;
  /** Accounts whose e-mail address equals `email`, ignoring case (password reset by address); at most `limit`. */
  findByEmail(email: string, limit: number): Promise<AccountRecord[]>;
  /**
   * Atomically marks the address verified and clears `verifyBeforeLogin`, only while the account's
   * address is still `email` (a link for a replaced address verifies nothing). False otherwise.
   */
  markEmailVerified(accountId: string, email: string, now: number): Promise<boolean>;
}

/** Links sent by mail (verification, password reset, e-mail change), stored by digest, in the database. */
export interface AccountTokenStore {
  insert(token: AccountTokenRecord): Promise<void>;
  /** The token if live at `now` (known, this purpose, not used, not expired), else null. Spends nothing. */
  find(tokenDigest: string, purpose: AccountTokenPurpose, now: number): Promise<AccountTokenRecord | null>;
  /** Atomically spends a live token (sets `usedAt`) and returns it; null when unknown, expired or used: exactly one caller wins. */
  consume(tokenDigest: string, purpose: AccountTokenPurpose, now: number): Promise<AccountTokenRecord | null>;
  /** Spends every live token of the account with this purpose (a reset voids the other reset links). */
  revokeByAccount(accountId: string, purpose: AccountTokenPurpose, now: number): Promise<void>;
  /** Deletes up to `limit` expired tokens. */
  purgeExpired(now: number, limit: number): Promise<number>;
}

/** The fields of an account its claims come from (OIDC Core §5.1). */
export type AccountClaims = Pick<AccountRecord, 'email' | 'emailVerified' | 'name'> & { profile: AccountProfile };

export interface SessionStore {
  insert(session: SessionRecord): Promise<void>;
  /** null when unknown or expired at `now`. */
  find(sessionDigest: string, now: number): Promise<SessionRecord | null>;
  /** The live session with this sid, or null when unknown or expired at `now`. */
  findBySid(sid: string, now: number): Promise<SessionRecord | null>;
  /** The account's live sessions at `now`, oldest first. */
  listByAccount(accountId: string, now: number): Promise<SessionRecord[]>;
  /** Appends `clientId` to the session's clientIds unless already there, atomically. No-op when the session is gone. */
  addClient(sessionDigest: string, clientId: string): Promise<void>;
  delete(sessionDigest: string): Promise<void>;
  /** Ends every session of the account, except `exceptSessionDigest` when given, in one atomic step. */
  deleteByAccount(accountId: string, exceptSessionDigest?: string): Promise<void>;
  purgeExpired(now: number, limit: number): Promise<number>;
}

export interface InteractionStore {
  insert(interaction: InteractionRecord): Promise<void>;
  find(interactionId: string, now: number): Promise<InteractionRecord | null>;
  /** Records login inside the interaction. */
  setLogin(interactionId: string, accountId: string, authTime: number): Promise<void>;
  delete(interactionId: string): Promise<void>;
  /** Deletes every interaction in which this account has logged in, so none completes for it. */
  deleteByAccount(accountId: string): Promise<void>;
  purgeExpired(now: number, limit: number): Promise<number>;
}

export interface ConsentStore {
  find(accountId: string, clientId: string): Promise<ConsentRecord | null>;
  /** Inserts or replaces the consent for (accountId, clientId). */
  save(consent: ConsentRecord): Promise<void>;
  delete(accountId: string, clientId: string): Promise<void>;
  /** Forgets every consent given to the client. */
  deleteByClient(clientId: string): Promise<void>;
  /** Forgets every consent the account gave. */
  deleteByAccount(accountId: string): Promise<void>;
  /** Every consent the account gave, oldest first (the account page's connected apps). */
  listByAccount(accountId: string): Promise<ConsentRecord[]>;
}

export interface GrantStore {
  insert(grant: GrantRecord): Promise<void>;
  find(grantId: string): Promise<GrantRecord | null>;
  /** Every grant made in the browser session `sid`, revoked or not (oauth/lifecycle.ts decides what a logout revokes). */
  listBySid(sid: string): Promise<GrantRecord[]>;
  /** Every grant of the account, revoked or not, oldest first (the account page's connected apps). */
  listByAccount(accountId: string): Promise<GrantRecord[]>;
  /** Marks the grant, its codes and its tokens revoked, in one atomic step. */
  revoke(grantId: string, now: number): Promise<void>;
  /**
   * Marks every grant of the client revoked, with its tokens, and every code issued to the client
   * consumed (also codes whose grant is not written yet), in one atomic step. The first
   * revocation time of each record is kept.
   */
  revokeByClient(clientId: string, now: number): Promise<void>;
  /** As revokeByClient, for every grant, token and code of the account. */
  revokeByAccount(accountId: string, now: number): Promise<void>;
  /**
   * Deletes at most `limit` grants created before `createdBefore` that no token (nor, in SQL, any
   * code) refers to any more, so the table does not grow without bound. Callers leave a grace
   * period far longer than a code's life: with Redis, codes are not visible to this check.
   */
  purgeUnused(createdBefore: number, limit: number): Promise<number>;
}

export type ConsumeResult =
  | { firstUse: true; code: AuthorizationCodeRecord }
  | { firstUse: false; code: AuthorizationCodeRecord };

export interface AuthorizationCodeStore {
  insert(code: AuthorizationCodeRecord): Promise<void>;
  /**
   * Atomically marks the code consumed. Returns null when the code is unknown;
   * `firstUse: false` when it was consumed before (a replay). Expiry is the caller's to check,
   * so that a replay of an expired code is still detected.
   */
  consume(codeDigest: string, now: number): Promise<ConsumeResult | null>;
  /**
   * The code as stored, or null when unknown; `consumedAt` is set when it was used (or its grant,
   * client or account revoked). Expired codes are returned: the caller checks expiry.
   */
  find(codeDigest: string): Promise<AuthorizationCodeRecord | null>;
  /**
   * The code exchange's one write: atomically marks the code consumed and, only on its first use,
   * inserts the grant and the tokens issued from it. null when unknown; `firstUse: false` for a
   * replay, with nothing inserted. (With Redis the code lives in Redis and the grant and tokens in
   * the database: the grant is written before the consume, the tokens after it.)
   */
  redeem(codeDigest: string, now: number, grant: GrantRecord, tokens: TokenRecord[]): Promise<ConsumeResult | null>;
  purgeExpired(now: number, limit: number): Promise<number>;
}

export type RotateResult =
  | { outcome: 'rotated'; previous: TokenRecord }
  | { outcome: 'reused'; previous: TokenRecord }
  | { outcome: 'not_found' };

export interface TokenStore {
  insert(tokens: TokenRecord[]): Promise<void>;
  /**
   * The token with this digest, or null when unknown. Returned even when expired or revoked
   * (callers decide); `revokedAt` is set when the token OR its grant is revoked.
   */
  find(tokenDigest: string): Promise<TokenRecord | null>;
  /**
   * Atomically: if the refresh token is live and not yet rotated, mark it rotated at `now` and
   * insert `replacements` (the new refresh and access tokens) -> 'rotated'. If it was already
   * rotated -> 'reused' and nothing is inserted. Unknown -> 'not_found'. Revoked or expired
   * tokens are returned as 'rotated'/'reused' with their record for the caller to reject.
   * Revoked or expired tokens insert nothing.
   */
  rotateRefreshToken(tokenDigest: string, now: number, replacements: TokenRecord[]): Promise<RotateResult>;
  revoke(tokenDigest: string, now: number): Promise<void>;
  purgeExpired(now: number, limit: number): Promise<number>;
}

export interface SigningKeyStore {
  insert(key: SigningKeyRecord): Promise<void>;
  /** All keys not yet removed, newest first. */
  list(now: number): Promise<SigningKeyRecord[]>;
  /** Stops `kid` signing at `retiredAt`; its public key is published until `removeAfter`. */
  retire(kid: string, retiredAt: number, removeAfter: number): Promise<void>;
  purgeExpired(now: number, limit: number): Promise<number>;
  /** Replaces `kid`'s private key only while it is still `expected` (compare-and-set); true when replaced. */
  replacePrivateKey(kid: string, expected: string, replacement: string): Promise<boolean>;
  /**
   * Calls `listener` soon (about a second at most) after any connection, in this process or
   * another, inserts, retires or removes a key; best effort, so callers keep a cache limit too.
   * Returns a function that stops this listener. Closing the storage stops all of them.
   */
  watch(listener: () => void): () => void;
}

/**
 * When a throttled key's next attempt may run, as data: the policy that builds it lives in
 * accounts/login-throttle.ts; a store only applies it, atomically, while counting.
 */
export interface AttemptSchedule {
  /** Attempts counted before any wait. */
  free: number;
  /** Seconds to wait after `free`, `free + 1`, … counted attempts; the last entry repeats. */
  delays: readonly number[];
  /** A key is forgotten once its next attempt has been allowed for this many seconds. */
  forgetAfter: number;
}

/** Seconds a key with `attempts` counted attempts waits after its last one (see AttemptSchedule). */
export function scheduledWait(schedule: AttemptSchedule, attempts: number): number {
  if (attempts < schedule.free || schedule.delays.length === 0) return 0;
  return schedule.delays[Math.min(attempts - schedule.free, schedule.delays.length - 1)]!;
}

export type Reservation =
  | { allowed: true; attempts: number }
  | { allowed: false; retryAfter: number };

/**
 * Counts login attempts per key (a username, a client address) against an AttemptSchedule. An
 * attempt is reserved before the password is checked, so concurrent attempts never exceed the
 * schedule (RFC 6819 §4.4.3.1 online guessing).
 */
export interface LoginThrottleStore {
  /**
   * Atomically: a key last counted at `last` with `n` attempts is forgotten when
   * `now >= last + scheduledWait(n) + forgetAfter`; else if that wait is not over (`now < last + wait`) the
   * attempt is refused with the seconds left; else it is counted (n + 1, last = now) and allowed.
   */
  reserve(key: string, now: number, schedule: AttemptSchedule): Promise<Reservation>;
  /** Takes back one counted attempt (one that turned out to succeed), keeping the time of the last. */
  release(key: string): Promise<void>;
  /** Forgets the key (a successful login for a username; `gatehouse user unlock`). */
  clear(key: string): Promise<void>;
  /** Deletes up to `limit` keys already forgotten at `now`. */
  purgeExpired(now: number, limit: number): Promise<number>;
}

/**
 * The durable outbox: messages delivered later, by whichever node claims them first. A claim
 * leases due messages atomically, so two nodes never hold the same message at once; a node that
 * dies holding one lets its lease expire and another node delivers it. With Redis the outbox stays
 * in the database (it must survive a restart).
 */
export interface OutboxStore {
  /** Stores new messages (attempts 0, due at their `nextAttemptAt`). */
  enqueue(messages: OutboxMessage[]): Promise<void>;
  /**
   * Atomically leases up to `limit` due messages (`nextAttemptAt <= now`, not given up), oldest
   * due first: each gets `leaseId`, one more attempt, and `nextAttemptAt = now + leaseSeconds`.
   */
  claim(leaseId: string, now: number, leaseSeconds: number, limit: number): Promise<ClaimedOutboxMessage[]>;
  /** Delivered: deletes the message while `leaseId` still holds it. False when the lease was lost. */
  complete(messageId: string, leaseId: string): Promise<boolean>;
  /** Failed, to be retried: releases the lease and makes the message due at `nextAttemptAt`. */
  fail(messageId: string, leaseId: string, nextAttemptAt: number, error: string): Promise<boolean>;
  /** Failed for good: never claimed again; kept (for inspection) until `purgeAfter`. */
  giveUp(messageId: string, leaseId: string, now: number, error: string, purgeAfter: number): Promise<boolean>;
  /** The message as stored, or null (for status and tests). */
  find(messageId: string): Promise<OutboxMessage | null>;
  /** Deletes up to `limit` given-up messages whose `purgeAfter` has passed. */
  purgeExpired(now: number, limit: number): Promise<number>;
}

/**
 * Single-use values with an expiry: the `jti` of client assertions (RFC 7523 §3 item 7, RFC 7521
 * §4.2); later DPoP proof `jti`s and used PAR request URIs. The core passes an opaque key (a
 * digest naming the kind, the issuer and the value) so stores never see the raw value.
 */
export interface ReplayCacheStore {
  /**
   * Atomically records `key` until `expiresAt`. True on its first use (absent, or recorded with an
   * expiry at or before `now`); false when it is already recorded and still live: a replay.
   * Concurrent calls for one key from any number of nodes see exactly one true.
   */
  use(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes up to `limit` values expired at `now` (Redis: by TTL, returns 0). */
  purgeExpired(now: number, limit: number): Promise<number>;
}

/** Registered resources (RFC 8707), keyed by their normalised identifier. */
export interface ResourceStore {
  /** Rejects with DuplicateError when the identifier is taken. */
  insert(resource: ResourceRecord): Promise<void>;
  find(identifier: string): Promise<ResourceRecord | null>;
  /** Ordered by identifier. */
  list(): Promise<ResourceRecord[]>;
  /** Replaces every field but `identifier` and `createdAt`; false when it does not exist. */
  update(resource: ResourceRecord): Promise<boolean>;
  /** False when it did not exist. Tokens already issued for it stay until they expire. */
  delete(identifier: string): Promise<boolean>;
}

/**
 * Pushed authorization requests (RFC 9126): the validated parameters, keyed by a digest of the
 * request_uri's random reference (the raw reference is never stored).
 */
export interface PushedRequestStore {
  insert(request: PushedRequestRecord): Promise<void>;
  /**
   * Atomically removes and returns the request pushed by `clientId`: of concurrent calls for one
   * digest exactly one gets it (RFC 9126 §4 single use). null when unknown, pushed by another
   * client (left in place), already consumed or expired at `now`.
   */
  consume(requestDigest: string, clientId: string, now: number): Promise<PushedRequestRecord | null>;
  purgeExpired(now: number, limit: number): Promise<number>;
}

export type DevicePoll = { record: DeviceAuthorizationRecord; tooSoon: boolean };

/**
 * Device authorizations (RFC 8628), keyed by the digests of both codes. Every transition is one
 * atomic call: concurrent answers or redemptions from any number of nodes see exactly one win.
 */
export interface DeviceAuthorizationStore {
  /** Rejects with DuplicateError when either digest is taken (the caller draws new codes). */
  insert(record: DeviceAuthorizationRecord): Promise<void>;
  /** The record with this user code, whatever its status, or null when unknown or expired at `now`. */
  findByUserCode(userCodeDigest: string, now: number): Promise<DeviceAuthorizationRecord | null>;
  /**
   * Atomically answers a pending record live at `now`: approved by `approval`'s account, or
   * denied (null). False when it is unknown, expired or already answered.
   */
  decide(userCodeDigest: string, now: number, approval: { accountId: string; authTime: number } | null): Promise<boolean>;
  /**
   * A poll by `clientId` (RFC 8628 §3.4-3.5), atomically: `tooSoon` when it comes before the
   * last poll + interval, and then the interval grows by 5 s; the poll time is recorded either
   * way. Returns the record as updated; null when unknown or issued to another client (expired
   * records are returned: the caller answers expired_token).
   */
  poll(deviceCodeDigest: string, clientId: string, now: number): Promise<DevicePoll | null>;
  /**
   * The one write of a successful poll: atomically marks an approved record redeemed and
   * inserts the grant and its tokens. False (nothing inserted) when it was not approved any more.
   */
  redeem(deviceCodeDigest: string, now: number, grant: GrantRecord, tokens: TokenRecord[]): Promise<boolean>;
  purgeExpired(now: number, limit: number): Promise<number>;
}

/** The account page's recent security events; kept until their `expiresAt`, then purged. */
export interface AccountEventStore {
  insert(event: AccountEventRecord): Promise<void>;
  /** The account's newest `limit` events, newest first (expired ones included until purged). */
  listByAccount(accountId: string, limit: number): Promise<AccountEventRecord[]>;
  /** Forgets every event of the account (its deletion, oauth/lifecycle.ts). */
  deleteByAccount(accountId: string): Promise<void>;
  /** Deletes up to `limit` events expired at `now`. */
  purgeExpired(now: number, limit: number): Promise<number>;
}

export interface Storage {
  clients: ClientStore;
  resources: ResourceStore;
  accounts: AccountStore;
  sessions: SessionStore;
  interactions: InteractionStore;
  consents: ConsentStore;
  grants: GrantStore;
  authorizationCodes: AuthorizationCodeStore;
  tokens: TokenStore;
  signingKeys: SigningKeyStore;
  loginThrottle: LoginThrottleStore;
  outbox: OutboxStore;
  initialAccessTokens: InitialAccessTokenStore;
  replayCache: ReplayCacheStore;
  pushedRequests: PushedRequestStore;
  deviceAuthorizations: DeviceAuthorizationStore;
  accountEvents: AccountEventStore;
  accountTokens: AccountTokenStore;
  /** Throws StorageUnavailableError when the backing service cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A unique constraint was violated (e.g. duplicate username or client id). */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
}

/** The backing database or cache cannot be reached; requests answer 503. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}
