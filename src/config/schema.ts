// The one Config type: every option, its default and what it does, in one place.
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { mailUrlProblem } from '../mail/mail-url.js';

const seconds = z.coerce.number().int().positive();
/**
 * A boolean option: JSON true or false only. Coercion would make the strings "false" and "no"
 * true; the environment's true/false/1/0 are converted in load.ts.
 */
const flag = z.boolean({ invalid_type_error: 'must be true or false (a JSON boolean, not a string)' });

export const configSchema = z.object({
  /** TCP port the server listens on. */
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind; 127.0.0.1 keeps a fresh install off the network. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Public issuer URL (https in production). Defaults to http://localhost:<port>. */
  issuer: z.string().url().optional(),
  /** Development only: accept a plain http issuer on a host other than localhost (OIDC requires https). */
  allowHttpIssuer: flag.default(false),
  /** URL of the operator's documentation for developers: linked from the root page, advertised as service_documentation (RFC 8414 §2). */
  serviceDocumentation: z.string().url().optional(),
  /** sqlite:<path>, sqlite::memory: or postgres://… */
  databaseUrl: z.string().min(1).default('sqlite:./data/gatehouse.db'),
  /** Optional redis://… for short-lived records (sessions, interactions, codes, throttling). */
  redisUrl: z.string().optional(),
  /** PostgreSQL connections per node (nodes × pool must stay below max_connections). */
  databasePoolSize: z.coerce.number().int().positive().default(10),
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  redisKeyPrefix: z.string().default('gatehouse:'),
  /** Apply pending schema migrations on start; false refuses to start while any is pending (run `gatehouse migrate`). */
  migrate: z.boolean().default(true),
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` lines, or `pretty` (one readable line per event). Default: pretty on a terminal, json otherwise. */
  logFormat: z.enum(['json', 'pretty']).optional(),
  /** Trust X-Forwarded-* from a reverse proxy (only behind one you run). */
  trustProxy: flag.default(false),

  /** Authorization code life (RFC 6749 §4.1.2 recommends at most 10 minutes; we use 60 s). */
  authorizationCodeTtl: seconds.default(60),
  accessTokenTtl: seconds.default(3600),
  idTokenTtl: seconds.default(3600),
  /** Refresh token life; each rotation issues a new one with a fresh life. */
  refreshTokenTtl: seconds.default(14 * 24 * 3600),
  /** How long a paused authorization (login/consent) stays valid. */
  interactionTtl: seconds.default(600),
  /** Browser session life after login. */
  sessionTtl: seconds.default(24 * 3600),
  /** `opaque` access tokens (introspect them) or `jwt` (RFC 9068, verify with the JWKS). */
  accessTokenFormat: z.enum(['opaque', 'jwt']).default('opaque'),

  /** Legacy implicit flow (response_type=id_token / id_token token): off unless enabled. */
  implicitFlow: flag.default(false),
  /** Access token life in the implicit flow (short: the browser sees it). */
  implicitAccessTokenTtl: seconds.default(300),
  /** The only scopes the implicit flow may grant. */
  implicitScopes: z.array(z.string()).default(['openid', 'profile', 'email']),

  /**
   * The authentication context classes (OIDC Core §2 `acr`) Gatehouse's password sign-in meets, in
   * the operator's judgement; advertised as acr_values_supported. An ID token claims the first of
   * them a request asks for (acr_values, the client's default_acr_values, or the claims parameter),
   * never one it does not list; an essential acr outside the list is refused (OIDC Core §5.5.1.1).
   * Default none: no acr is ever claimed.
   */
  acrValuesSupported: z.array(z.string().min(1).regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'an acr value has no spaces, quotes or backslashes')).default([]),

  /** argon2id parameters (OWASP: m=19 MiB, t=2, p=1). */
  argon2: z.object({
    memoryCost: z.coerce.number().int().min(1024).default(19456),
    timeCost: z.coerce.number().int().min(1).default(2),
    parallelism: z.coerce.number().int().min(1).default(1),
  }).default({}),

  /**
   * argon2id verifications running at once; each holds argon2.memoryCost KiB of memory. Default:
   * 2, or 1 on a process limited to one core, where two at once are slower than one after another
   * (they share the core and thrash its cache) and would hold twice the memory. Never more than
   * 2 by default, so logins leave libuv's pool (4 threads) free for ID token signatures.
   */
  argon2Concurrency: z.coerce.number().int().positive().default(Math.min(2, availableParallelism())),

  /** Failed logins per username before each further try must wait (accounts/login-throttle.ts). */
  loginMaxFailures: z.coerce.number().int().positive().default(5),
  /** The first wait (seconds) after those failures; it doubles with each further failure. */
  loginThrottleDelay: seconds.default(30),
  /** The longest wait (seconds): delays never become a hard lock. */
  loginThrottleMaxDelay: seconds.default(900),
  /** Failed logins from one client address (an IPv6 /64) before it may try once per window. */
  loginMaxFailuresPerAddress: z.coerce.number().int().positive().default(50),
  /** Failures are forgotten this long (seconds) after the current wait ends; the address window. */
  loginFailureWindow: seconds.default(900),

  /** A rotated-out signing key stays in the JWKS this long (longer than any token it signed). */
  keyRetirementGrace: seconds.default(24 * 3600),
  /** How long a node caches the signing key set before re-reading the store. */
  keyCacheTtl: seconds.default(60),
  /**
   * Key-encryption key sealing the private signing keys at rest (AES-256-GCM): base64 of 32
   * random bytes. Required with PostgreSQL (the same on every node); on SQLite, without this or
   * keyEncryptionKeyFile, one is generated beside the database file (`<db>.kek`, mode 0600).
   */
  keyEncryptionKey: z.string().min(1).optional(),
  /** A file holding the key-encryption key (base64 of 32 bytes), instead of keyEncryptionKey. */
  keyEncryptionKeyFile: z.string().min(1).optional(),

  /**
   * Development and tests only: let outbound requests (back-channel logout) reach private, loopback,
   * link-local, unique-local, CGNAT and multicast addresses, which are refused by default.
   */
  allowPrivateNetworkFetch: flag.default(false),
  /**
   * Development only: let outbound requests reach loopback addresses (127.0.0.0/8, ::1) and no
   * other non-public one, for relying parties on the same machine (`npm run demo`).
   */
  allowLoopbackFetch: flag.default(false),
  /** A PEM file of CA certificates trusted for outbound https beside the system's (jwks_uri, request_uri behind a private PKI). */
  outboundCaFile: z.string().min(1).optional(),
  /** Seconds an outbound request may take, to connect and in total (lib/outbound-fetch). */
  outboundTimeout: seconds.default(5),
  /** Attempts to deliver an outbox message (a back-channel logout token) before it is given up and logged. */
  outboxMaxAttempts: z.coerce.number().int().positive().default(5),
  /** Seconds before the first retry; each further retry waits twice as long (10, 20, 40, 80 s: about 2.5 min in all). */
  outboxRetryDelay: seconds.default(10),
  /** Seconds between a node's polls of the outbox (it also looks at once when it enqueues). */
  outboxPollInterval: seconds.default(2),
  /** Logout tokens carry `sub` beside `sid` (Back-Channel Logout 1.0 §2.4); false sends `sid` alone. */
  backchannelLogoutIncludeSub: flag.default(true),
  /**
   * Seconds the signed-out page waits for the front-channel logout iframes to load before its
   * script follows the post_logout_redirect_uri anyway (Front-Channel Logout 1.0 §3).
   */
  frontchannelLogoutTimeout: seconds.default(10),

  /**
   * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document; recommended by the
   * MCP authorization specification): a `client_id` that is an https URL names a JSON document the
   * client hosts, fetched through the outbound fetch (allowPrivateNetworkFetch / allowLoopbackFetch
   * apply) and cached in memory. Such clients are public (PKCE) and always see the consent page.
   */
  clientIdMetadataDocuments: z.object({
    /** Resolve URL client_ids and advertise client_id_metadata_document_supported. Off by default. */
    enabled: flag.default(false),
    /** Only client_id hosts equal to, or subdomains of, one of these; absent: any host not denied. */
    allowDomains: z.array(z.string().min(1).transform((d) => d.toLowerCase())).optional(),
    /** Never these hosts or their subdomains (checked after allowDomains). */
    denyDomains: z.array(z.string().min(1).transform((d) => d.toLowerCase())).default([]),
    /** Least seconds a fetched document is reused, whatever its Cache-Control or Expires says. */
    cacheMinSeconds: seconds.default(300),
    /** Most seconds a fetched document is reused. */
    cacheMaxSeconds: seconds.default(24 * 3600),
    /** Documents kept in memory at once; the least recently used is dropped first. */
    cacheEntries: z.coerce.number().int().positive().default(1000),
    /** Largest document accepted, in bytes (the draft recommends 5 KB). */
    maxDocumentBytes: z.coerce.number().int().positive().default(5120),
    /** Scopes such a client may request; its document's `scope` can only narrow them. */
    scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email', 'offline_access']),
    /**
     * Tests and private PKI only: PEM certificates trusted, beside Node's built-in roots, when
     * fetching documents (e.g. a test server's self-signed certificate).
     */
    extraCaCertificates: z.array(z.string().min(1)).default([]),
  }).default({}),

  /**
   * DPoP (RFC 9449; docs/dpop.md): sender-constrained tokens. Always accepted; a client whose
   * metadata says dpop_bound_access_tokens must use it.
   */
  dpop: z.object({
    /** Seconds a proof's iat may lie in the past or the future (§4.3 step 11, §11.1). */
    proofLifetime: seconds.refine((v) => v >= 5 && v <= 600, 'must be between 5 and 600 seconds').default(60),
    /** Ask every proof for a server-provided nonce (§8), answered in DPoP-Nonce headers. */
    requireNonce: flag.default(false),
  }).default({}),

  /**
   * Dynamic Client Registration (RFC 7591, RFC 7592; docs/registration.md): who may register a
   * client at POST /register, and the limits that keep open registration from filling the database.
   */
  registration: z.object({
    /** `off` (no endpoint), `initial_access_token` (RFC 7591 §3: a Bearer token from `gatehouse registration token create`), or `open`. */
    policy: z.enum(['off', 'initial_access_token', 'open']).default('off'),
    /** Open registration: registrations one client address (an IPv6 /64) may make per window before waiting. */
    maxPerAddress: z.coerce.number().int().positive().default(20),
    /** Open registration: the window (seconds) of maxPerAddress; an address waits this long after using its budget. */
    addressWindow: seconds.default(3600),
    /** The most dynamically registered clients stored at once; further registrations are refused (503) until some expire. */
    maxClients: z.coerce.number().int().positive().default(10000),
    /** Seconds after which a dynamically registered client that never completed a token request is deleted. */
    unusedClientTtl: seconds.default(24 * 3600),
    /** Seconds a registration access token (RFC 7592) works; absent: until the client is deleted. Each read or update issues a new one. */
    accessTokenTtl: seconds.optional(),
    /**
     * Issuers whose software statements (RFC 7591 §2.3) are trusted, each with its public keys as a
     * JWK Set; the statement's claims take precedence over the request's metadata.
     */
    softwareStatementIssuers: z.array(z.object({
      issuer: z.string().min(1),
      jwks: z.object({ keys: z.array(z.record(z.unknown())).min(1) }),
    })).default([]),
    /** Refuse registrations without a software statement from a trusted issuer. */
    requireSoftwareStatement: flag.default(false),
    /**
     * false: confidential clients that register themselves may omit PKCE, as the OpenID
     * Foundation's Dynamic OP plan does (public clients always need it; RFC 9700 §2.1.1).
     */
    requirePkce: flag.default(true),
  }).default({}),
  /** Seconds a client assertion's exp may lie ahead (private_key_jwt, client_secret_jwt; RFC 7523 §3): longer-lived assertions are refused. */
  clientAssertionMaxLifetime: seconds.default(300),
  /** Seconds of clock difference tolerated on the exp, nbf and iat of client assertions and request objects. */
  jwtClockSkew: z.coerce.number().int().min(0).max(300).default(30),
  /** Seconds a client's fetched jwks_uri set is used before it is fetched again. */
  clientJwksCacheTtl: seconds.default(300),
  /** Least seconds between two fetches of one client's jwks_uri (a JWT naming an unknown kid refetches, no more often). */
  clientJwksRefetchInterval: seconds.default(60),
  /** Accept request objects by value, `request` (RFC 9101 §2.1, OIDC Core §6.1). */
  requestParameter: flag.default(true),
  /** Accept request objects by reference, `request_uri` (RFC 9101 §2.2, OIDC Core §6.2): https only, fetched through lib/outbound-fetch. */
  requestUriParameter: flag.default(true),
  /** request_uri values must be pre-registered in the client's requestUris metadata (OIDC Core §6.2; advertised as require_request_uri_registration). */
  requireRequestUriRegistration: flag.default(false),
  /** Accept unsigned (`alg: none`) request objects; off: only signed ones (RFC 9101 §10.2 recommends signed). */
  allowUnsignedRequestObjects: flag.default(false),
  /** Life of a pushed authorization request's request_uri (RFC 9126 §2.2: short). */
  pushedAuthorizationRequestTtl: seconds.default(60),
  /** Every client must push its authorization requests to /par (RFC 9126 §5 require_pushed_authorization_requests). */
  requirePushedAuthorizationRequests: flag.default(false),
  /** Life of a device code and its user code (RFC 8628 §3.2 expires_in). */
  deviceCodeTtl: seconds.default(600),
  /** Least seconds a device waits between polls of the token endpoint (RFC 8628 §3.2 interval); slow_down adds 5. */
  devicePollInterval: z.coerce.number().int().min(1).max(60).default(5),
  /** Largest request object fetched from a request_uri, in bytes. */
  requestUriMaxBytes: z.coerce.number().int().positive().default(64 * 1024),

  /**
   * Token Exchange (RFC 8693; docs/token-exchange.md). `trustedIssuers`: other issuers whose JWTs
   * are accepted as subject and actor tokens of type urn:ietf:params:oauth:token-type:jwt (§3),
   * verified with the issuer's JWK Set fetched through lib/outbound-fetch (allowPrivateNetworkFetch /
   * allowLoopbackFetch apply) and cached like clients' jwks_uri sets (clientJwksCacheTtl,
   * clientJwksRefetchInterval). Empty (the default): only Gatehouse's own tokens are exchanged.
   */
  tokenExchange: z.object({
    trustedIssuers: z.array(z.object({
      /** The JWT's `iss`, compared exactly. */
      issuer: z.string().min(1),
      /** Where the issuer publishes its public keys (a JWK Set); https. */
      jwksUri: z.string().url(),
      /** What the JWT's `aud` must contain; absent: Gatehouse's issuer. */
      audience: z.string().min(1).optional(),
      /** The JWS algorithms accepted (asymmetric only: a shared secret would let the issuer's other relying parties mint tokens). */
      algorithms: z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])).min(1)
        .default(['RS256', 'ES256', 'PS256', 'EdDSA']),
      /** The claim naming the subject (a string); `sub` by default. `sub` is required either way. */
      subjectClaim: z.string().min(1).default('sub'),
    }).strict()).default([]),
  }).default({}),

  /**
   * Where mail goes (src/mail/transport.ts): smtp://user:pass@host:587 (STARTTLS when offered),
   * smtps://host:465, or file:<dir>, the development default, which writes each mail as an .eml
   * file and logs the file's path. Used for email verification, password reset and email change.
   */
  mailUrl: z.string().min(1).superRefine((url, ctx) => {
    const problem = mailUrlProblem(url);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  }).default('file:./data/mail'),
  /** The From address of every mail, e.g. "Example Login <login@example.com>". */
  mailFrom: z.string().min(3).default('Gatehouse <gatehouse@localhost>'),
  /** Seconds an SMTP server may take to connect, to greet, and between replies. */
  mailTimeout: seconds.default(10),
  /** Self-registration at /signup (`gatehouse start --allow-signup`); off: /signup answers 404. */
  signup: flag.default(false),
  /** Life of an email verification or email change link (seconds). */
  emailVerificationTtl: seconds.default(24 * 3600),
  /** Life of a password reset link (seconds; OWASP: short). */
  passwordResetTtl: seconds.default(30 * 60),

  /** Background purge of expired records: interval and batch size. */
  purgeInterval: seconds.default(60),
  purgeBatchSize: z.coerce.number().int().positive().default(500),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema> & { issuer: string };
