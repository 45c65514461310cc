// Password rules for new passwords (NIST SP 800-63B §5.1.1.2: length, not composition).
import { commonPasswords } from './common-passwords.js';

export const minimumPasswordLength = 8;
/** Bounds the hashing work a single request can ask for. */
export const maximumPasswordLength = 1024;

/** Why `password` is not acceptable as a new password, or null when it is. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < minimumPasswordLength) return `password must be at least ${minimumPasswordLength} characters`;
  if (length > maximumPasswordLength) return `password must be at most ${maximumPasswordLength} characters`;
  return null;
}

/**
 * Why `password` cannot be chosen by a person (self-registration, password reset), or null: the
 * length rules above, plus the shipped list of common passwords (common-passwords.ts) and the
 * username itself (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1.7).
 */
export function chosenPasswordProblem(password: string, username?: string): string | null {
  const problem = passwordProblem(password);
  if (problem) return problem;
  const folded = password.trim().toLowerCase();
  if (commonPasswords.has(folded)) return 'this password is too common: choose one that is harder to guess';
  if (username !== undefined && folded === username.trim().toLowerCase()) return 'the password must not be the username';
  return null;
}
