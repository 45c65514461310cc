// Ceiling: RS256 signatures per second through node:crypto's one-shot sign (OpenSSL, on the libuv
// pool, as Gatehouse's src/keys/jws-signer.ts signs), 2048-bit key, ID-token-sized input, one at
// a time on one core. Run as `node rs256-sign-native.js <durationMs>`; prints JSON.
import { generateKeyPairSync, sign } from 'node:crypto';
import { printRatePerSecond } from './rate.js';

const durationMs = Number(process.argv[2] ?? 3000);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const claims = { sub: 'bench-user', nonce: 'n'.repeat(43), auth_time: Math.floor(Date.now() / 1000), at_hash: 'a'.repeat(22) };
const signOnce = () => {
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'k'.repeat(43) })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ ...claims, iss: 'http://127.0.0.1:3000', aud: 'bench-client', iat: now, exp: now + 3600 })).toString('base64url');
  const input = `${header}.${payload}`;
  return new Promise<string>((resolve, reject) => {
    sign('sha256', Buffer.from(input), privateKey, (error, signature) => (error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`)));
  });
};

await printRatePerSecond(signOnce, durationMs);
