// Login-time password checks with a bound on concurrent argon2id runs: each one holds
// memoryCost KiB (19 MiB by default), so the bound caps the memory a burst of logins can take.
import { createSemaphore } from '../lib/semaphore.js';
import { verifyAgainstDummy, verifyPassword, type Argon2Parameters } from './password.js';

export interface PasswordVerifier {
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Same cost as `verify`, for unknown usernames. */
  verifyUnknown(password: string): Promise<false>;
}

export function createPasswordVerifier(params: Argon2Parameters, concurrency: number): PasswordVerifier {
  const semaphore = createSemaphore(concurrency);
  return {
    verify: (passwordHash, password) => semaphore.run(() => verifyPassword(passwordHash, password)),
    verifyUnknown: (password) => semaphore.run(() => verifyAgainstDummy(password, params)),
  };
}
