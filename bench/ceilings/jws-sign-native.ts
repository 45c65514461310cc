// Ceiling: ES256 (P-256) or EdDSA (Ed25519) signatures per second through node:crypto's one-shot
// sign, as Gatehouse's src/keys/jws-signer.ts signs them (ES256 as R || S, RFC 7518 §3.4; EdDSA
// RFC 8037 §3.1), ID-token-sized input, one at a time on one core. Run as
// `node jws-sign-native.js <ES256|EdDSA> <durationMs>`; prints JSON.
import { generateKeyPairSync, sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { printRatePerSecond } from './rate.js';

const alg = process.argv[2];
const durationMs = Number(process.argv[3] ?? 3000);
let key: SignKeyObjectInput | KeyObject;
let digest: string | null;
if (alg === 'ES256') {
  key = { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, dsaEncoding: 'ieee-p1363' };
  digest = 'sha256';
} else if (alg === 'EdDSA') {
  key = generateKeyPairSync('ed25519').privateKey;
  digest = null;
} else {
  throw new Error('usage: jws-sign-native.js <ES256|EdDSA> <durationMs>');
}
const claims = { sub: 'bench-user', nonce: 'n'.repeat(43), auth_time: Math.floor(Date.now() / 1000), at_hash: 'a'.repeat(22) };
const signOnce = () => {
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg, kid: 'k'.repeat(43) })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ ...claims, iss: 'http://127.0.0.1:3000', aud: 'bench-client', iat: now, exp: now + 3600 })).toString('base64url');
  const input = `${header}.${payload}`;
  return new Promise<string>((resolve, reject) => {
    sign(digest, Buffer.from(input), key, (error, signature) => (error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`)));
  });
};

await printRatePerSecond(signOnce, durationMs);
