// For relying parties: verifies an OpenID Connect Back-Channel Logout 1.0 logout token (§2.6)
// POSTed to the RP's backchannel_logout_uri: signature against the OP's JWKS (jose), `typ:
// logout+jwt` (§2.4), iss, aud (this RP's client id), iat and exp, the back-channel logout event,
// `sub` or `sid`, no `nonce`, and the `jti` not seen before (replay). The RP then ends the sessions
// the token names and answers 200; on a LogoutTokenError it answers 400 (§2.8), and 5xx when the
// JWKS could not be fetched (VerifierUnavailableError), so the OP retries.
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { VerifierUnavailableError } from './errors.js';

const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** The token is not a valid logout token for this RP: answer 400 (§2.8). The message names why. */
export class LogoutTokenError extends Error {
  override readonly name = 'LogoutTokenError';
}

/** Remembers `jti` values until they expire; shared (e.g. in Redis) when the RP runs several nodes. */
export interface LogoutTokenReplayCache {
  /** True when `jti` was not seen before (and records it until `expiresAt`, epoch seconds); false for a replay. */
  remember(jti: string, expiresAt: number): Promise<boolean> | boolean;
}

/** An in-process replay cache holding at most `maxEntries` live `jti` values (the oldest go first). */
export function createMemoryReplayCache({ now = () => Math.floor(Date.now() / 1000), maxEntries = 100_000 } = {}): LogoutTokenReplayCache {
  const seen = new Map<string, number>();
  return {
    remember(jti, expiresAt) {
      const current = now();
      const known = seen.get(jti);
      if (known !== undefined && known > current) return false;
      seen.delete(jti);
      seen.set(jti, expiresAt);
      for (const [key, expiry] of seen) {
        if (seen.size <= maxEntries && expiry > current) break;
        seen.delete(key);
      }
      return true;
    },
  };
}

export interface LogoutTokenVerifierOptions {
  /** The OP's issuer identifier, exactly as in its discovery document. */
  issuer: string;
  /** This RP's client id: the token's `aud` must name it. */
  clientId: string;
  /** The OP's `jwks_uri`, or its key set itself. */
  jwksUri?: string;
  jwks?: JSONWebKeySet;
  /** Default ['RS256']: Gatehouse signs a client's logout tokens with its id_token_signed_response_alg; pass that. */
  algorithms?: readonly string[];
  /** Tokens issued longer ago than this (seconds) are refused; default 300. */
  maxAgeSeconds?: number;
  /** Default 30 seconds. */
  clockToleranceSeconds?: number;
  /** Default: an in-process cache; pass a shared one when the RP runs on several nodes. */
  replayCache?: LogoutTokenReplayCache;
  /** Epoch seconds; default the system clock. */
  now?: () => number;
}

export interface VerifiedLogoutToken {
  /** The account whose sessions end (when the OP sent it). */
  sub?: string;
  /** The OP session that ended (when the OP sent it): end the RP sessions created from it. */
  sid?: string;
  jti: string;
  claims: JWTPayload;
}

export interface LogoutTokenVerifier {
  verify(logoutToken: string): Promise<VerifiedLogoutToken>;
}

const tokenFaults = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED', 'ERR_JWT_EXPIRED', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWS_INVALID', 'ERR_JWT_INVALID', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
]);

export function createLogoutTokenVerifier(options: LogoutTokenVerifierOptions): LogoutTokenVerifier {
  if (!options.jwks && !options.jwksUri) throw new TypeError('give jwksUri or jwks');
  const keys = options.jwks ? createLocalJWKSet(options.jwks) : createRemoteJWKSet(new URL(options.jwksUri!));
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const replayCache = options.replayCache ?? createMemoryReplayCache({ now });
  const maxAge = options.maxAgeSeconds ?? 300;
  const tolerance = options.clockToleranceSeconds ?? 30;

  return {
    async verify(logoutToken) {
      let payload: JWTPayload;
      try {
        // §2.6 steps 2-3: validated as an ID token would be (OIDC Core §3.1.3.7), iat within bounds.
        ({ payload } = await jwtVerify(logoutToken, keys, {
          issuer: options.issuer,
          audience: options.clientId,
          typ: 'logout+jwt',
          algorithms: [...(options.algorithms ?? ['RS256'])],
          requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti', 'events'],
          maxTokenAge: maxAge,
          currentDate: new Date(now() * 1000),
          clockTolerance: tolerance,
        }));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && tokenFaults.has(code)) {
          throw new LogoutTokenError(`the logout token is invalid: ${(error as Error).message}`, { cause: error });
        }
        throw new VerifierUnavailableError('the OP key set could not be fetched', { cause: error });
      }
      // §2.6 step 4: sub, sid or both.
      const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
      const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
      if (sub === undefined && sid === undefined) throw new LogoutTokenError('the logout token names neither sub nor sid');
      // §2.6 step 5: the events claim holds the back-channel logout member, a JSON object.
      const events = payload.events as Record<string, unknown> | undefined;
      const event = events && typeof events === 'object' ? events[backchannelLogoutEvent] : undefined;
      if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new LogoutTokenError('the logout token carries no back-channel logout event');
      }
      // §2.6 step 6: a nonce would let an ID token pass as a logout token.
      if ('nonce' in payload) throw new LogoutTokenError('a logout token must not carry a nonce');
      if (typeof payload.jti !== 'string' || payload.jti === '') throw new LogoutTokenError('the logout token has no jti');
      // §2.6 step 7: the same jti twice is a replay.
      const expiresAt = Math.max(payload.exp ?? 0, (payload.iat ?? 0) + maxAge) + tolerance;
      if (!(await replayCache.remember(`${options.issuer} ${payload.jti}`, expiresAt))) {
        throw new LogoutTokenError('the logout token was already used (jti replay)');
      }
      return { ...(sub !== undefined ? { sub } : {}), ...(sid !== undefined ? { sid } : {}), jti: payload.jti, claims: payload };
    },
  };
}
