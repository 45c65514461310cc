// Ceiling: RS256 signatures per second with jose and a 2048-bit key, one at a time on one core,
// over an ID-token-sized payload. Run as `node rs256-sign.js <durationMs>`; prints JSON.
import { generateKeyPair, SignJWT } from 'jose';
import { printRatePerSecond } from './rate.js';

const durationMs = Number(process.argv[2] ?? 3000);
const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
const claims = { sub: 'bench-user', nonce: 'n'.repeat(43), auth_time: Math.floor(Date.now() / 1000), at_hash: 'a'.repeat(22) };
const sign = () => new SignJWT(claims)
  .setProtectedHeader({ alg: 'RS256', kid: 'k'.repeat(43) })
  .setIssuer('http://127.0.0.1:3000').setAudience('bench-client').setIssuedAt().setExpirationTime('1h')
  .sign(privateKey);

await printRatePerSecond(sign, durationMs);
