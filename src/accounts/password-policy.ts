// Password rules for new passwords (NIST SP 800-63B §5.1.1.2: length, not composition).

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
