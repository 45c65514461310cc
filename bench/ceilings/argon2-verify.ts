// Ceiling: argon2id verifications per second at Gatehouse's parameters (m=19 MiB, t=2, p=1),
// with the same @node-rs/argon2 call the login uses, one after another: on one core that is
// faster than two in flight (measured 88/s against 75-85/s), so it is the ceiling. Prints JSON.
import { defaultArgon2, hashPassword, verifyPassword } from '../../src/accounts/password.js';
import { printRatePerSecond } from './rate.js';

const hash = await hashPassword('bench-password', defaultArgon2);
await printRatePerSecond(async () => {
  if (!(await verifyPassword(hash, 'bench-password'))) throw new Error('verification failed');
}, Number(process.argv[2] ?? 3000), 1);
