// The signing key set: one key per signing algorithm (RS256, PS256, ES256, EdDSA:
// keys/signing-algorithms.ts), rotated together, each chosen by the algorithm a token needs, all
// published in the JWKS. Keys live in storage so every node shares them, private halves sealed by
// key-encryption.ts. Each node caches the set for keyCacheTtl, and drops the cache as soon as the
// store reports a change (another node's or the CLI's rotation), so a new key is published within
// about a second. A new key signs only after its publish delay (the caller picks it; the CLI uses
// twice the cache time), so that every JWKS copy, relying parties' included, lists it before
// anything it signed — per algorithm: each algorithm's signer is chosen among that algorithm's keys.
import { generateKeyPair as generateKeyPairCallback } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import type { SigningKeyStore } from '../storage/ports.js';
import type { SigningKeyRecord } from '../storage/records.js';
import type { Clock } from '../lib/clock.js';
import { createJwsSigner, type JwsSigner } from './jws-signer.js';
import { isPlaintextJwk, KeyEncryptionError, type KeySealer } from './key-encryption.js';
import { defaultSigningAlgorithm, signingAlgorithms, type SigningAlgorithm } from './signing-algorithms.js';

export interface SigningKeySet {
  /** The key that signs now with `alg` (default RS256), imported once per kid. */
  signingKey(alg?: SigningAlgorithm): Promise<JwsSigner>;
  /** Public keys to publish (RFC 7517 JWK Set), every algorithm's. */
  publicJwks(): Promise<{ keys: JWK[] }>;
  /** The same JWK Set, serialised once per reload of the key set. */
  publicJwksJson(): Promise<string>;
  /**
   * A 32-byte server secret for `purpose`, derived from the key-encryption key (HKDF-SHA-256):
   * the same on every node and across restarts, never stored (the pairwise subject salt).
   */
  derivedSecret(purpose: string): Buffer;
  /** Forget the cache (after a local rotation). */
  refresh(): void;
  /** Stops watching the store for changes. */
  close(): void;
}

const generateKeyPair = promisify(generateKeyPairCallback);

/** A fresh key pair for `alg` as JWKs: RSA 2048 (RS256, PS256), P-256 (ES256), Ed25519 (EdDSA). */
async function newKeyPair(alg: SigningAlgorithm): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const pair = alg === 'ES256' ? await generateKeyPair('ec', { namedCurve: 'P-256' })
    : alg === 'EdDSA' ? await generateKeyPair('ed25519')
      : await generateKeyPair('rsa', { modulusLength: 2048 });
  return { privateJwk: pair.privateKey.export({ format: 'jwk' }) as JWK, publicJwk: pair.publicKey.export({ format: 'jwk' }) as JWK };
}

export async function generateSigningKey(sealer: KeySealer, now: number, activatesAt = now, alg: SigningAlgorithm = defaultSigningAlgorithm): Promise<SigningKeyRecord> {
  // Loaded on first use: a start with keys in store never needs jose, and it is ~35 ms of cold start.
  const { calculateJwkThumbprint } = await import('jose');
  const { privateJwk, publicJwk } = await newKeyPair(alg);
  const kid = await calculateJwkThumbprint(publicJwk);
  // A JWK names one algorithm (RFC 7517 §4.4): PS256 therefore has its own RSA key, not RS256's.
  const meta = { kid, alg, use: 'sig' };
  return {
    kid,
    alg,
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
  /** True when the store had no key and the first ones were created. */
  created: boolean;
  /** Algorithms that had no key in a store that had others (an upgrade) and got their first one. */
  added: SigningAlgorithm[];
}

/**
 * Readies the store for `sealer` on every start: encrypts keys stored in plaintext by older
 * versions (a compare-and-set, so nodes starting together seal each once), checks that every
 * published key opens with this KEK (KeyEncryptionError naming the problem otherwise), and
 * creates a key for every signing algorithm that has none.
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
  const missing = signingAlgorithms.filter((alg) => !keys.some((key) => key.alg === alg));
  if (keys.length > 0 && missing.length > 0) {
    // An upgrade from an RS256-only version. No token was ever signed with the new algorithms, so
    // no verifier can hold an older key for them; the new keys are backdated below every stored
    // key because nodes still running the previous version pick the newest active key whatever
    // its algorithm, and must keep picking RS256 until they are upgraded too.
    const before = Math.min(now, ...keys.map((key) => key.activatesAt)) - 1;
    for (const alg of missing) await store.insert(await generateSigningKey(sealer, now, before, alg));
    return { sealed, created: false, added: missing };
  }
  if (keys.length > 0) return { sealed, created: false, added: [] };
  for (const alg of signingAlgorithms) await store.insert(await generateSigningKey(sealer, now, now, alg));
  return { sealed, created: true, added: [] };
}

/**
 * Adds a new key for every signing algorithm, each starting to sign after `publishDelay` seconds,
 * and retires the current signers at that moment; they stay published for `retirementGrace` more
 * seconds. Returns the new keys, RS256 first.
 */
export async function rotateSigningKeys(
  store: SigningKeyStore,
  clock: Clock,
  sealer: KeySealer,
  { publishDelay, retirementGrace }: { publishDelay: number; retirementGrace: number },
): Promise<SigningKeyRecord[]> {
  // Key generation can take seconds on a busy machine: read the clock after it, so the publish
  // delay counts from when the keys are stored, not from before (else a node that reloads its
  // cache meanwhile could still lack a key when another node starts signing with it).
  const generated: SigningKeyRecord[] = [];
  for (const alg of signingAlgorithms) generated.push(await generateSigningKey(sealer, clock(), clock(), alg));
  const now = clock();
  // The default algorithm's key is the newest by createdAt: a node of the previous version, which
  // picks the newest active key whatever its algorithm, keeps signing RS256 during an upgrade.
  const fresh = generated.map((key) => ({
    ...key, createdAt: key.alg === defaultSigningAlgorithm ? now : now - 1, activatesAt: now + publishDelay,
  }));
  const existing = await store.list(now);
  for (const key of fresh.slice().reverse()) await store.insert(key);
  for (const key of existing) {
    if (key.retiredAt === null) await store.retire(key.kid, now + publishDelay, now + publishDelay + retirementGrace);
  }
  return fresh;
}

/**
 * Picks the signer for `alg` among stored keys at `now`: the newest active, unretired key of
 * that algorithm. Keys stored before algorithms were recorded are RS256 (their `alg` says so).
 */
export function chooseSigningKey(keys: SigningKeyRecord[], now: number, alg: SigningAlgorithm = defaultSigningAlgorithm): SigningKeyRecord | undefined {
  const ofAlg = keys.filter((k) => k.alg === alg);
  const candidates = ofAlg
    .filter((k) => k.activatesAt <= now && (k.retiredAt === null || k.retiredAt > now))
    .sort((a, b) => b.activatesAt - a.activatesAt || b.createdAt - a.createdAt);
  // Falls back to the newest already-active key of the algorithm while a rotation is propagating.
  return candidates[0] ?? ofAlg.filter((k) => k.activatesAt <= now).sort((a, b) => b.activatesAt - a.activatesAt)[0];
}

function algorithmRank(alg: string): number {
  const rank = (signingAlgorithms as readonly string[]).indexOf(alg);
  return rank === -1 ? signingAlgorithms.length : rank;
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
  const secrets = new Map<string, Buffer>();
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
    // RS256 keys first (then PS256, ES256, EdDSA; newest first within each): a verifier that
    // naively takes the first key still gets the default algorithm's.
    const published = records.map((record, index) => ({ record, index }))
      .sort((a, b) => algorithmRank(a.record.alg) - algorithmRank(b.record.alg) || a.index - b.index);
    const jwks = { keys: published.map(({ record }) => JSON.parse(record.publicJwk) as JWK) };
    const loaded = { loadedAt: now, records, jwks, json: JSON.stringify(jwks) };
    if (started === generation) cached = loaded;
    return loaded;
  }

  return {
    async signingKey(alg = defaultSigningAlgorithm) {
      const { records } = await load();
      const record = chooseSigningKey(records, clock(), alg);
      if (!record) throw new Error(`no ${alg} signing key is active`);
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
    derivedSecret(purpose) {
      let secret = secrets.get(purpose);
      if (!secret) {
        secret = sealer.deriveSecret(purpose);
        secrets.set(purpose, secret);
      }
      return secret;
    },
    refresh: invalidate,
    close: unwatch,
  };
}
