// Ceiling: argon2id verifications per second at Gatehouse's parameters (m=19 MiB, t=2, p=1),
// with the same @node-rs/argon2 call the login uses, one after another: on one core that is
// faster than two in flight (measured 88/s against 75-85/s), so it is the ceiling. Prints JSON.
import { defaultArgon2, hashPassword, verifyPassword } from '../../src/accounts/password.js';

const durationMs = Number(process.argv[2] ?? 3000);
const hash = await hashPassword('bench-password', defaultArgon2);
await verifyPassword(hash, 'bench-password');
let ops = 0;
const started = performance.now();
const worker = async () => {
  while (performance.now() - started < durationMs) {
    if (!(await verifyPassword(hash, 'bench-password'))) throw new Error('verification failed');
    ops++;
  }
};
await worker();
console.log(JSON.stringify({ perSecond: ops / ((performance.now() - started) / 1000) }));
