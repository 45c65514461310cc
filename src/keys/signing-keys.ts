// The signing key set: generate RS256 keys, rotate, choose the signing key, publish the JWKS.
// Keys live in storage so every node shares them; each node caches the set for keyCacheTtl.
// A new key is published before it signs (the caller picks the delay; the CLI uses twice the
// cache time) so that every JWKS copy lists it before anything is signed with it.
import type { JWK } from 'jose';
import type { SigningKeyStore } from '../storage/ports.js';
import type { SigningKeyRecord } from '../storage/records.js';
import type { Clock } from '../lib/clock.js';
import { createJwsSigner, type JwsSigner } from './jws-signer.js';

export interface SigningKeySet {
  /** The key that signs now, imported once per kid. */
  signingKey(): Promise<JwsSigner>;
  /** Public keys to publish (RFC 7517 JWK Set). */
  publicJwks(): Promise<{ keys: JWK[] }>;
  /** The same JWK Set, serialised once per reload of the key set. */
  publicJwksJson(): Promise<string>;
  /** Forget the cache (after a local rotation). */
  refresh(): void;
}

export async function generateSigningKey(now: number, activatesAt = now): Promise<SigningKeyRecord> {
  // Loaded on first use: a start with keys in store never needs jose, and it is ~35 ms of cold start.
  const { exportJWK, generateKeyPair, calculateJwkThumbprint } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    alg: 'RS256',
    privateJwk: JSON.stringify({ ...privateJwk, ...meta }),
    publicJwk: JSON.stringify({ ...publicJwk, ...meta }),
    createdAt: now,
    activatesAt,
    retiredAt: null,
    removeAfter: null,
  };
}

/** Creates the first key when the store has none (first start). */
export async function ensureSigningKey(store: SigningKeyStore, clock: Clock): Promise<void> {
  const now = clock();
  if ((await store.list(now)).length > 0) return;
  await store.insert(await generateSigningKey(now));
}

/**
 * Adds a new key that starts signing after `publishDelay` seconds and retires the current
 * signers at that moment; they stay published for `retirementGrace` more seconds.
 */
export async function rotateSigningKeys(
  store: SigningKeyStore,
  clock: Clock,
  { publishDelay, retirementGrace }: { publishDelay: number; retirementGrace: number },
): Promise<SigningKeyRecord> {
  // Key generation can take seconds on a busy machine: read the clock after it, so the publish
  // delay counts from when the key is stored, not from before (else a node that reloads its
  // cache meanwhile could still lack the key when another node starts signing with it).
  const generated = await generateSigningKey(clock());
  const now = clock();
  const fresh = { ...generated, createdAt: now, activatesAt: now + publishDelay };
  const existing = await store.list(now);
  await store.insert(fresh);
  for (const key of existing) {
    if (key.retiredAt === null) await store.retire(key.kid, now + publishDelay, now + publishDelay + retirementGrace);
  }
  return fresh;
}

/** Picks the signer among stored keys at `now`: the newest active, unretired key. */
export function chooseSigningKey(keys: SigningKeyRecord[], now: number): SigningKeyRecord | undefined {
  const candidates = keys
    .filter((k) => k.activatesAt <= now && (k.retiredAt === null || k.retiredAt > now))
    .sort((a, b) => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt);
  // Falls back to the newest already-active key while a rotation is propagating.
  return candidates[0] ?? keys.filter((k) => k.activatesAt <= now).sort((a, b) => b.activatesAt - a.activatesAt)[0];
}

export function createSigningKeySet(store: SigningKeyStore, clock: Clock, cacheTtl: number): SigningKeySet {
  let cached: { loadedAt: number; records: SigningKeyRecord[]; jwks: { keys: JWK[] }; json: string } | undefined;
  const signers = new Map<string, JwsSigner>();

  async function load() {
    const now = clock();
    if (cached && now - cached.loadedAt < cacheTtl) return cached;
    const records = await store.list(now);
    const jwks = { keys: records.map((r) => JSON.parse(r.publicJwk) as JWK) };
    cached = { loadedAt: now, records, jwks, json: JSON.stringify(jwks) };
    return cached;
  }

  return {
    async signingKey() {
      const { records } = await load();
      const record = chooseSigningKey(records, clock());
      if (!record) throw new Error('no signing key is active');
      let signer = signers.get(record.kid);
      if (!signer) {
        signer = createJwsSigner(record.kid, record.alg, JSON.parse(record.privateJwk) as JWK);
        signers.set(record.kid, signer);
      }
      return signer;
    },
    async publicJwks() {
      return (await load()).jwks;
    },
    async publicJwksJson() {
      return (await load()).json;
    },
    refresh() {
      cached = undefined;
    },
  };
}
