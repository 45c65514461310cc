// The signing key set: generate RS256 keys, rotate, choose the signing key, publish the JWKS.
// Keys live in storage so every node shares them, private halves sealed by key-encryption.ts.
// Each node caches the set for keyCacheTtl, and drops the cache as soon as the store reports a
// change (another node's or the CLI's rotation), so a new key is published within about a second.
// A new key signs only after its publish delay (the caller picks it; the CLI uses twice the cache
// time), so that every JWKS copy, relying parties' included, lists it before anything it signed.
import type { JWK } from 'jose';
import type { SigningKeyStore } from '../storage/ports.js';
import type { SigningKeyRecord } from '../storage/records.js';
import type { Clock } from '../lib/clock.js';
import { createJwsSigner, type JwsSigner } from './jws-signer.js';
import { isPlaintextJwk, KeyEncryptionError, type KeySealer } from './key-encryption.js';

export interface SigningKeySet {
  /** The key that signs now, imported once per kid. */
  signingKey(): Promise<JwsSigner>;
  /** Public keys to publish (RFC 7517 JWK Set). */
  publicJwks(): Promise<{ keys: JWK[] }>;
  /** The same JWK Set, serialised once per reload of the key set. */
  publicJwksJson(): Promise<string>;
  /** Forget the cache (after a local rotation). */
  refresh(): void;
  /** Stops watching the store for changes. */
  close(): void;
}

export async function generateSigningKey(sealer: KeySealer, now: number, activatesAt = now): Promise<SigningKeyRecord> {
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
    privateKey: sealer.seal(kid, JSON.stringify({ ...privateJwk, ...meta })),
    publicJwk: JSON.stringify({ ...publicJwk, ...meta }),
    createdAt: now,
    activatesAt,
    retiredAt: null,
    removeAfter: null,
  };
}

export interface PreparedSigningKeys {
  /** Legacy plaintext keys this call encrypted. */
  sealed: number;
  /** True when the store had no key and one was created. */
  created: boolean;
}

/**
 * Readies the store for `sealer` on every start: encrypts keys stored in plaintext by older
 * versions (a compare-and-set, so nodes starting together seal each once), checks that every
 * published key opens with this KEK (KeyEncryptionError naming the problem otherwise), and
 * creates the first key when there is none.
 */
export async function prepareSigningKeys(store: SigningKeyStore, clock: Clock, sealer: KeySealer): Promise<PreparedSigningKeys> {
  let sealed = 0;
  // Listing as of time 0 returns every stored key, removed or not yet purged: none stays plaintext.
  for (const key of await store.list(0)) {
    // Only JSON is legacy plaintext: a blob of an unknown (newer) format is reported by open below.
    if (!isPlaintextJwk(key.privateKey)) continue;
    if (await store.replacePrivateKey(key.kid, key.privateKey, sealer.seal(key.kid, key.privateKey))) sealed++;
  }
  const now = clock();
  const keys = await store.list(now);
  for (const key of keys) {
    try {
      sealer.open(key.kid, key.privateKey);
    } catch (error) {
      if (!(error instanceof KeyEncryptionError)) throw error;
      throw new KeyEncryptionError(`cannot decrypt the stored signing keys: ${error.message}`, { cause: error });
    }
  }
  if (keys.length > 0) return { sealed, created: false };
  await store.insert(await generateSigningKey(sealer, now));
  return { sealed, created: true };
}

/**
 * Adds a new key that starts signing after `publishDelay` seconds and retires the current
 * signers at that moment; they stay published for `retirementGrace` more seconds.
 */
export async function rotateSigningKeys(
  store: SigningKeyStore,
  clock: Clock,
  sealer: KeySealer,
  { publishDelay, retirementGrace }: { publishDelay: number; retirementGrace: number },
): Promise<SigningKeyRecord> {
  // Key generation can take seconds on a busy machine: read the clock after it, so the publish
  // delay counts from when the key is stored, not from before (else a node that reloads its
  // cache meanwhile could still lack the key when another node starts signing with it).
  const generated = await generateSigningKey(sealer, clock());
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

/**
 * The node's view of the key set: re-read after `cacheTtl` seconds, or at once when the store
 * reports a change. Private keys are decrypted once per kid, when the key first signs.
 */
export function createSigningKeySet(store: SigningKeyStore, clock: Clock, cacheTtl: number, sealer: KeySealer): SigningKeySet {
  let cached: { loadedAt: number; records: SigningKeyRecord[]; jwks: { keys: JWK[] }; json: string } | undefined;
  // Bumped by every change notice: a read that started before the notice must not be kept.
  let generation = 0;
  const signers = new Map<string, JwsSigner>();
  const invalidate = () => {
    generation++;
    cached = undefined;
  };
  const unwatch = store.watch(invalidate);

  async function load() {
    const now = clock();
    if (cached && now - cached.loadedAt < cacheTtl) return cached;
    const started = generation;
    const records = await store.list(now);
    const jwks = { keys: records.map((r) => JSON.parse(r.publicJwk) as JWK) };
    const loaded = { loadedAt: now, records, jwks, json: JSON.stringify(jwks) };
    if (started === generation) cached = loaded;
    return loaded;
  }

  return {
    async signingKey() {
      const { records } = await load();
      const record = chooseSigningKey(records, clock());
      if (!record) throw new Error('no signing key is active');
      let signer = signers.get(record.kid);
      if (!signer) {
        signer = createJwsSigner(record.kid, record.alg, JSON.parse(sealer.open(record.kid, record.privateKey)) as JWK);
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
    refresh: invalidate,
    close: unwatch,
  };
}
