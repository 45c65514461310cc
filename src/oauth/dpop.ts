// DPoP proofs (RFC 9449): what the token endpoint, UserInfo and a resource check before they
// accept a request that claims to come from the holder of a key. One function, the §4.3 list in
// order: a `dpop+jwt` signed with an allowed asymmetric algorithm by the public key in its own
// header, `htm` and `htu` naming this request, `iat` recent, `jti` never seen before (the storage
// replay cache, shared by every node), `ath` the hash of the access token it accompanies, and
// `nonce` one this server issued when it asks for them (§8). No HTTP and no SQL here.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import type { ReplayCacheStore } from '../storage/ports.js';
import { OAuthError } from './errors.js';

/**
 * RFC 9449 §5, §7.1, §8: the proof is refused (`invalid_dpop_proof`) or needs a fresh nonce
 * (`use_dpop_nonce`). 400 at the token endpoint; a resource answers 401 with a DPoP challenge.
 */
export class DpopProofError extends OAuthError {
  constructor(code: 'invalid_dpop_proof' | 'use_dpop_nonce', description: string) {
    super(code, description);
  }
}

/** Asymmetric JWS algorithms a proof may use (§4.2: never `none`, never a MAC). */
export const dpopAlgorithmsSupported = ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'] as const;

export interface DpopPolicy {
  /** The algorithms accepted, advertised as `dpop_signing_alg_values_supported`. */
  algorithms: readonly string[];
  /** How old (and how far in the future) `iat` may be, in seconds (§4.3 step 11, §11.1). */
  proofLifetimeSeconds: number;
  /** Server-provided nonces (§8): when set, every proof must carry a current one. */
  nonces?: DpopNonces;
}

export interface DpopProofInput {
  /** The DPoP header's value; the HTTP layer has already refused zero or several headers. */
  proof: string;
  /** The request's method, e.g. POST. */
  method: string;
  /** The URL the request was sent to as this server publishes it (scheme, host, path), e.g. `${issuer}/token`. */
  url: string;
  /** Present at a resource: the access token the proof accompanies (§4.3 step 12, `ath`). */
  accessToken?: string;
}

export interface VerifiedDpopProof {
  /** The JWK SHA-256 thumbprint of the proof's key (RFC 7638), what `cnf.jkt` binds (§6.1). */
  jkt: string;
  jti: string;
  iat: number;
}

export interface DpopDeps {
  replayCache: ReplayCacheStore;
  /** Seconds since the epoch. */
  now: number;
  policy: DpopPolicy;
}

const maxProofLength = 8 * 1024;
const maxJtiLength = 256;

/** base64url(SHA-256(value)): `ath` (§4.2) for an access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The `htu` comparison of §4.3 step 9: the URI without query and fragment, scheme/host case and default ports normalised. */
function normalisedHtu(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return null;
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Checks one proof (RFC 9449 §4.3); throws DpopProofError saying which rule failed. */
export async function verifyDpopProof(input: DpopProofInput, deps: DpopDeps): Promise<VerifiedDpopProof> {
  const invalid = (message: string) => new DpopProofError('invalid_dpop_proof', message);
  if (input.proof.length > maxProofLength) throw invalid('the DPoP proof is too long');
  // Node joins repeated headers with ", "; a compact JWS has neither (§4.3 step 1: exactly one).
  if (/[,\s]/.test(input.proof)) throw invalid('send exactly one DPoP header');

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(input.proof);
  } catch {
    throw invalid('the DPoP proof is not a JWT');
  }
  if (header.typ !== 'dpop+jwt') throw invalid('the DPoP proof must have typ "dpop+jwt"');
  if (typeof header.alg !== 'string' || !deps.policy.algorithms.includes(header.alg)) {
    throw invalid(`the DPoP proof's alg must be one of ${deps.policy.algorithms.join(', ')}`);
  }
  if (typeof header.jwk !== 'object' || header.jwk === null) throw invalid('the DPoP proof must carry its public key in the jwk header');
  const jwk = header.jwk as JWK;
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) throw invalid('the DPoP proof\'s jwk must be a public key');

  let payload: Record<string, unknown>;
  try {
    // EmbeddedJWK: the signature must verify with the key the header carries (§4.3 step 6).
    ({ payload } = await jwtVerify(input.proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...deps.policy.algorithms] }));
  } catch {
    throw invalid('the DPoP proof\'s signature does not verify with its jwk');
  }

  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > maxJtiLength) throw invalid('the DPoP proof needs a jti');
  if (typeof htm !== 'string' || htm !== input.method.toUpperCase()) throw invalid(`the DPoP proof's htm must be ${input.method.toUpperCase()}`);
  const expected = normalisedHtu(input.url);
  if (typeof htu !== 'string' || expected === null || normalisedHtu(htu) !== expected) throw invalid(`the DPoP proof's htu must be ${expected}`);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('the DPoP proof needs a numeric iat');
  const lifetime = deps.policy.proofLifetimeSeconds;
  if (iat < deps.now - lifetime || iat > deps.now + lifetime) throw invalid('the DPoP proof\'s iat is outside the accepted window');

  if (input.accessToken !== undefined) {
    if (typeof payload.ath !== 'string' || !safeEqual(payload.ath, accessTokenHash(input.accessToken))) {
      throw invalid('the DPoP proof\'s ath must be the hash of the access token');
    }
  }

  if (deps.policy.nonces) {
    const nonce = payload.nonce;
    if (typeof nonce !== 'string' || !deps.policy.nonces.isCurrent(nonce, deps.now)) {
      throw new DpopProofError('use_dpop_nonce', 'the DPoP proof must carry the nonce this server provided');
    }
  }

  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  // One use per key and jti while the proof could still be accepted (§11.1); keyed by digest so
  // any jti the client picks fits the store.
  const key = `dpop:${createHash('sha256').update(`${jkt}\u0000${jti}`).digest('base64url')}`;
  if (!(await deps.replayCache.use(key, iat + lifetime + 1, deps.now))) throw invalid('the DPoP proof was already used');
  return { jkt, jti, iat };
}

/**
 * Server-provided nonces (§8) without shared state: a nonce names a time slot and carries an
 * HMAC of it under a secret every node derives from the same key-encryption key. A nonce is
 * current during its slot and the next, so a client that just received one never races a slot edge.
 */
export interface DpopNonces {
  /** The nonce to hand out now (DPoP-Nonce response header). */
  current(now: number): string;
  isCurrent(nonce: string, now: number): boolean;
}

/** The DPoP policy of a server: its configuration, and nonces under a secret every node derives alike. */
export function dpopPolicy(config: { proofLifetime: number; requireNonce: boolean }, nonceSecret: () => Buffer): DpopPolicy {
  return {
    algorithms: [...dpopAlgorithmsSupported],
    proofLifetimeSeconds: config.proofLifetime,
    ...(config.requireNonce ? { nonces: createDpopNonces(nonceSecret()) } : {}),
  };
}

export function createDpopNonces(secret: Buffer, slotSeconds = 300): DpopNonces {
  const sign = (slot: number) => createHmac('sha256', secret).update(`dpop-nonce:${slot}`).digest('base64url').slice(0, 32);
  const slotOf = (now: number) => Math.floor(now / slotSeconds);
  const nonceFor = (slot: number) => `${slot.toString(36)}.${sign(slot)}`;
  return {
    current: (now) => nonceFor(slotOf(now)),
    isCurrent(nonce, now) {
      const slot = slotOf(now);
      return safeEqual(nonce, nonceFor(slot)) || safeEqual(nonce, nonceFor(slot - 1));
    },
  };
}
