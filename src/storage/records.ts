// The records Gatehouse stores, in the core's words. Times are whole seconds since the epoch.
// Codes, tokens, browser session ids and client secrets are stored only as SHA-256 digests.

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

export interface ClientRecord {
  clientId: string;
  clientName: string;
  /** SHA-256 hex of the client secret; null for public clients. */
  secretDigest: string | null;
  redirectUris: string[];
  /** e.g. ['authorization_code', 'refresh_token'] */
  grantTypes: string[];
  /** e.g. ['code'] */
  responseTypes: string[];
  /** Scopes this client may request. */
  scopes: string[];
  /** Trusted first-party client: the consent page is never shown. */
  skipConsent: boolean;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Where logout tokens are POSTed (Back-Channel Logout 1.0 §2.2); null or absent: none. Stores always return it. */
  backchannelLogoutUri?: string | null;
  /** The client needs `sid` in logout tokens (Back-Channel Logout 1.0 §2.2). Stores always return it. */
  backchannelLogoutSessionRequired?: boolean;
  /** Rendered in an iframe when a session it signed into logs out (Front-Channel Logout 1.0 §2); null or absent: none. Stores always return it. */
  frontchannelLogoutUri?: string | null;
  /** The client needs `iss` and `sid` on its front-channel logout URI (Front-Channel Logout 1.0 §2). Stores always return it. */
  frontchannelLogoutSessionRequired?: boolean;
  /** Where RP-Initiated Logout 1.0 §3 may send the browser back, matched exactly. */
  postLogoutRedirectUris: string[];
  /**
   * Every further client metadata field (OIDC Dynamic Client Registration 1.0 §2, RFC 7591 §2 and
   * the per-client policies), stored as one JSON document: adding a field adds no migration.
   * Stores always return it ({} when none was set).
   */
  metadata: ClientMetadata;
  /**
   * A dynamically registered client (RFC 7591) that has not completed a token request yet is
   * deleted by the purge at this time; cleared by its first token response. null or absent: the
   * client stays. Stores always return it.
   */
  registrationExpiresAt?: number | null;
  createdAt: number;
}

/**
 * Client metadata beyond the columns above. Field names follow the registration specs in
 * camelCase; every field is optional and absent means "the server default". Whoever adds a field
 * documents its default here and validates it where metadata is accepted (CLI, registration).
 */
export interface ClientMetadata {
  /** OIDC Registration §2: 'web' (default) or 'native'. */
  applicationType?: 'web' | 'native';
  /** `client_name#<lang>` values (OIDC Registration §2.1), keyed by BCP 47 tag. */
  clientNameLocalized?: Record<string, string>;
  logoUri?: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
  contacts?: string[];
  /**
   * A JWK Set by value (RFC 7591 §2); never together with jwksUri. Its public keys verify
   * private_key_jwt assertions (RFC 7523 §3) and signed request objects (RFC 9101 §6.1).
   */
  jwks?: { keys: Record<string, unknown>[] };
  /** Where the client publishes its JWK Set (https); fetched through lib/outbound-fetch, cached (oauth/client-keys.ts). */
  jwksUri?: string;
  sectorIdentifierUri?: string;
  /** OIDC Core §8: 'public' (default) or 'pairwise'. */
  subjectType?: 'public' | 'pairwise';
  /**
   * The only JWS alg its client assertions may use (OIDC Registration §2); absent: any the method
   * allows (private_key_jwt RS256, PS256, ES256, EdDSA; client_secret_jwt HS256, HS384, HS512).
   */
  tokenEndpointAuthSigningAlg?: string;
  /**
   * client_secret_jwt only: the client secret itself, sealed by keys/key-encryption.ts under the
   * key-encryption key (keys/client-secret-seal.ts), because an HMAC is verified with the secret,
   * not its digest (RFC 7523 §3, OIDC Core §9). Never shown on the wire; other methods keep only
   * `secretDigest`.
   */
  sealedClientSecret?: string;
  /** Default RS256. */
  idTokenSignedResponseAlg?: string;
  /** Absent: UserInfo answers plain JSON. */
  userinfoSignedResponseAlg?: string;
  /** The only JWS alg its request objects may use (OIDC Registration §2, RFC 9101 §10.1); absent: any Gatehouse allows. */
  requestObjectSigningAlg?: string;
  /** Pre-registered request_uri values (OIDC Registration §2, OIDC Core §6.2); required when requireRequestUriRegistration is set. */
  requestUris?: string[];
  /** Seconds (OIDC Registration §2). */
  defaultMaxAge?: number;
  requireAuthTime?: boolean;
  /** RFC 8693: the resources this client may exchange tokens for; absent or empty: none. */
  tokenExchangeAudiences?: string[];
  /** RFC 8693 §4.1: exchanges without an actor token issue tokens without `act` (impersonation); default false (delegation). */
  tokenExchangeImpersonation?: boolean;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request must carry a DPoP proof. */
  dpopBoundAccessTokens?: boolean;
  /** Authorization requests must be pushed (RFC 9126 §6); absent: only when the server requires it. */
  requirePushedAuthorizationRequests?: boolean;
  defaultAcrValues?: string[];
  initiateLoginUri?: string;
  /** Scopes granted when an authorization request omits `scope` (RFC 6749 §3.3); absent: every registered scope but the OpenID Connect ones (oauth/scope.ts). */
  defaultScope?: string[];
  /** PKCE for a confidential client; default true. Public clients always need PKCE. */
  requirePkce?: boolean;
  /** The resource (RFC 8707) its tokens are for when a request names none; absent: the client itself is the audience. */
  defaultResource?: string;
  /** Browser origins (`scheme://host[:port]`) allowed by CORS beyond those of the redirect URIs (oauth/cors.ts). */
  allowedOrigins?: string[];
  /**
   * Set on a client resolved from its Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document):
   * the `client_id` is the document's https URL. Such clients are built per fetch and cached in
   * memory (oauth/client-metadata-document-resolver.ts), never stored; absent for every stored client.
   */
  metadataDocument?: {
    /** When the document was fetched and until when it is reused (seconds since the epoch). */
    fetchedAt: number;
    expiresAt: number;
  };
  /** Set when the client registered itself (RFC 7591), absent for operator-created clients. */
  registration?: {
    /** SHA-256 hex of the registration access token (RFC 7592 §1). */
    accessTokenDigest: string;
    /** When the registration access token stops working; absent: never (registrationAccessTokenTtl). */
    accessTokenExpiresAt?: number;
    /** How the client registered: 'open' or 'initial_access_token'. */
    via: string;
    /** The verified software statement, returned unmodified with the metadata (RFC 7591 §3.2.1). */
    softwareStatement?: string;
    /** software_id and software_version of the registration (RFC 7591 §2), from the statement when it had them. */
    softwareId?: string;
    softwareVersion?: string;
  };
}

/**
 * An initial access token (RFC 7591 §3): the Bearer token that lets a developer's software
 * register clients while the registration policy is `initial_access_token`. Stored as a digest.
 */
export interface InitialAccessTokenRecord {
  /** Public id, for `gatehouse registration token list|revoke`; never the token nor its digest. */
  tokenId: string;
  tokenDigest: string;
  /** Registrations it may still make; null: unlimited until it expires. */
  usesLeft: number | null;
  /** null: never expires. */
  expiresAt: number | null;
  createdAt: number;
}

export interface AccountRecord {
  /** Stable, never reused; becomes the `sub` claim. */
  accountId: string;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** The further standard claims (OIDC Core §5.1); absent or {} when none. Stores always return it. */
  profile?: AccountProfile;
  /**
   * A self-registered account whose e-mail address is not verified yet: it cannot sign in until it
   * is (accounts/email-verification.ts). Absent or false for accounts an operator created.
   */
  verifyBeforeLogin?: boolean;
  createdAt: number;
  updatedAt: number;
}

/**
 * OIDC Core §5.1 standard claims of an account beyond username, email and name, in camelCase;
 * released by the profile, address and phone scopes (§5.4). Every field is optional.
 */
export interface AccountProfile {
  givenName?: string;
  familyName?: string;
  middleName?: string;
  nickname?: string;
  /** URLs: the profile page, a picture, a web site. */
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  /** ISO 8601 YYYY-MM-DD or YYYY (OIDC Core §5.1). */
  birthdate?: string;
  /** An IANA time zone, e.g. Europe/Paris. */
  zoneinfo?: string;
  /** A BCP 47 language tag, e.g. en-US. */
  locale?: string;
  /** E.164 recommended, e.g. +1 (425) 555-1212. */
  phoneNumber?: string;
  phoneNumberVerified?: boolean;
  /** OIDC Core §5.1.1. */
  address?: AccountAddress;
}

export interface AccountAddress {
  formatted?: string;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

/** A logged-in browser. The cookie holds a random value; the store keys on its digest. */
export interface SessionRecord {
  sessionDigest: string;
  /**
   * The session's public id, carried by its ID tokens (Back-Channel Logout 1.0 §2.1): random,
   * never the cookie value nor its digest.
   */
  sid: string;
  accountId: string;
  /** Every client the session was issued a code or token for, in the order it first was. */
  clientIds: string[];
  /** When the user last entered a password (OIDC auth_time). */
  authTime: number;
  createdAt: number;
  expiresAt: number;
}

/** A paused authorization request waiting for login and/or consent. */
export interface InteractionRecord {
  /** Random id, used in the interaction URL and bound to the browser by a cookie. */
  interactionId: string;
  clientId: string;
  /** The validated authorization request, as wire parameters. */
  params: Record<string, string>;
  /** Set when login finished inside this interaction. */
  accountId: string | null;
  authTime: number | null;
  /** Anti-CSRF value the interaction's forms must echo. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** A user's remembered approval of scopes for one client. */
export interface ConsentRecord {
  accountId: string;
  clientId: string;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

/**
 * One authorization: the code and every token that descends from it carry its grantId,
 * so revoking the grant revokes the whole family (code replay, refresh token reuse).
 */
export interface GrantRecord {
  grantId: string;
  accountId: string | null;
  clientId: string;
  scopes: string[];
  /** The browser session the grant was made in (null for grants without one, e.g. client_credentials). */
  sid: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface AuthorizationCodeRecord {
  codeDigest: string;
  grantId: string;
  clientId: string;
  accountId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  nonce: string | null;
  /** The validated `claims` request parameter as JSON (OIDC Core §5.5); null or absent: none. Stores always return it. */
  claims?: string | null;
  authTime: number;
  /** The browser session the code was issued in. */
  sid: string | null;
  /** The registered resources (RFC 8707 §2) the authorization is for, normalised; [] or absent: none. Stores always return it. */
  resources?: string[];
  /** RFC 9449 §10: the `dpop_jkt` of the authorization request; the code is redeemed only with a proof by that key. Stores always return it. */
  dpopJkt?: string | null;
  createdAt: number;
  expiresAt: number;
  /** Set by the one atomic consume; a second consume sees it set. */
  consumedAt: number | null;
}

export type TokenKind = 'access_token' | 'refresh_token';

export interface TokenRecord {
  tokenDigest: string;
  kind: TokenKind;
  grantId: string;
  clientId: string;
  /** null for client_credentials tokens. */
  accountId: string | null;
  scopes: string[];
  authTime: number | null;
  /** Carried by refresh tokens so refreshed ID tokens can repeat it (OIDC Core §12.2). */
  nonce: string | null;
  /** The `claims` request of its authorization (OIDC Core §5.5) as JSON, for UserInfo and refreshed ID tokens; null or absent: none. Stores always return it. */
  claims?: string | null;
  /** The browser session of its grant, repeated by refreshed ID tokens (Back-Channel Logout 1.0 §2.1). */
  sid: string | null;
  /**
   * RFC 8707: an access token's audience (at most one resource identifier; [] means the client),
   * a refresh token's grant resources (what a refresh may target, §2.2). Absent or []: none.
   * Stores always return it.
   */
  resources?: string[];
  /** RFC 9449 §6: the JWK thumbprint the token is bound to (`cnf.jkt`); null or absent: a bearer token. Stores always return it. */
  dpopJkt?: string | null;
  /**
   * RFC 8693 §4.1: an exchanged access token's `act` (who acts for the subject, nested for a chain
   * of delegations), so introspection of an opaque token shows it too; null or absent: nobody. Stores always return it.
   */
  act?: Record<string, unknown> | null;
  /**
   * The `sub` of a token with no local account whose subject is not its client: an external
   * subject a token exchange took from a trusted issuer's JWT (`<issuer>#<sub>`, RFC 8693 §3).
   * null or absent: the account's subject, or the client's. Stores always return it.
   */
  subject?: string | null;
  createdAt: number;
  expiresAt: number;
  /** Set when the token, or its grant, was revoked. */
  revokedAt: number | null;
  /** Refresh tokens: set by the one atomic rotation. */
  rotatedAt: number | null;
}

/**
 * An API registered as a resource (RFC 8707): access tokens for it carry its identifier as `aud`
 * and only the scopes it declares; it may introspect its own tokens (RFC 7662 §2.1).
 */
export interface ResourceRecord {
  /** Absolute URI, no fragment, scheme and host lowercased (oauth/resource-indicator.ts). */
  identifier: string;
  name: string | null;
  /** The scopes the API understands; its access tokens carry no other. */
  scopes: string[];
  /** Its access tokens' format (RFC 9068 JWT or opaque, introspected). */
  tokenFormat: 'jwt' | 'opaque';
  /** Seconds; null: the server's accessTokenTtl. */
  accessTokenTtl: number | null;
  /** SHA-256 hex of its introspection secret (a random value, like client secrets); null: it cannot introspect. */
  introspectionSecretDigest: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /**
   * The private JWK sealed by keys/key-encryption.ts (AES-256-GCM under the operator's KEK);
   * stores keep it as an opaque string. Rows written before encryption hold the plaintext JWK
   * JSON until the next start seals them.
   */
  privateKey: string;
  /** JWK JSON of the public key, as published. */
  publicJwk: string;
  createdAt: number;
  /** When this key starts signing: publish first, sign later, so every node's JWKS has it. */
  activatesAt: number;
  /** Set by rotation: the key stops signing at this time. */
  retiredAt: number | null;
  /** After this the public key leaves the JWKS (nothing it signed is still valid). */
  removeAfter: number | null;
}

/**
 * A message to deliver later (a back-channel logout), from the durable outbox. A claim leases it
 * to one node by pushing `nextAttemptAt` past the lease; an expired lease makes it due again.
 */
export interface OutboxMessage {
  messageId: string;
  /** Which delivery handles it, e.g. `backchannel_logout`. */
  topic: string;
  /** The delivery's input as JSON text; never a usable secret (logout tokens are signed at delivery). */
  payload: string;
  /** Attempts started so far: each claim counts one. */
  attempts: number;
  /** Due (claimable) from this time, unless given up. */
  nextAttemptAt: number;
  /** The last failure's description (no token or secret); null before any. */
  lastError: string | null;
  /** Set when the delivery was given up; the row stays until `purgeAfter` for inspection. */
  givenUpAt: number | null;
  purgeAfter: number | null;
  createdAt: number;
}

/** A message leased to one claimer: completing or failing it needs the same `leaseId`. */
export interface ClaimedOutboxMessage extends OutboxMessage {
  leaseId: string;
}

/** A pushed authorization request (RFC 9126 §2): its parameters, bound to the client that pushed them. */
export interface PushedRequestRecord {
  /** Digest of the random reference in `urn:ietf:params:oauth:request_uri:<reference>`. */
  requestDigest: string;
  clientId: string;
  /** The single-valued parameters, request object already applied. */
  params: Record<string, string>;
  expiresAt: number;
}

/**
 * A device authorization (RFC 8628 §3.1-3.5): what a device asked for, and the user's answer.
 * Both codes are stored only as digests; the record is found by the user code on the
 * verification page and by the device code when the device polls.
 */
export interface DeviceAuthorizationRecord {
  deviceCodeDigest: string;
  userCodeDigest: string;
  clientId: string;
  scopes: string[];
  /** The registered resources (RFC 8707) it is for, normalised. */
  resources: string[];
  /** pending until the user answers; approved -> redeemed by one token request. */
  status: 'pending' | 'approved' | 'denied' | 'redeemed';
  /** Set when approved: who approved it and when they signed in. */
  accountId: string | null;
  authTime: number | null;
  /** The id of the grant the tokens will carry (chosen up front: a replay revokes it). */
  grantId: string;
  /** Seconds the device must wait between polls; grows by 5 at each slow_down (§3.5). */
  interval: number;
  lastPolledAt: number | null;
  createdAt: number;
  expiresAt: number;
}

/** One security event of an account, listed on its account page (sign-ins, password changes). */
export interface AccountEventRecord {
  eventId: string;
  accountId: string;
  kind: 'sign_in' | 'password_changed';
  /** The client address the HTTP layer saw, or null. */
  address: string | null;
  at: number;
  /** Removed by the purge from then on (the retention). */
  expiresAt: number;
}

/** What an account token (a link sent by mail) is for. */
export type AccountTokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

/**
 * A single-use link sent by mail (accounts/account-tokens.ts): only the SHA-256 of its random
 * token is stored. Spent atomically (`usedAt`); invisible once expired.
 */
export interface AccountTokenRecord {
  tokenDigest: string;
  purpose: AccountTokenPurpose;
  accountId: string;
  /** The address the link was sent to: the one it verifies, or the new one of a change. */
  email: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}
