// Username rules: what the login form and the CLI accept as an account's login name.

/** 1–64 characters of letters, digits and `._@+-`: enough for e-mail-like names, nothing to escape. */
const usernamePattern = /^[A-Za-z0-9._@+-]{1,64}$/;

/** Why `username` is not acceptable, or null when it is. */
export function usernameProblem(username: string): string | null {
  if (username.length === 0) return 'username must not be empty';
  if (username.length > 64) return 'username must be at most 64 characters';
  if (!usernamePattern.test(username)) return 'username may contain only letters, digits and . _ @ + -';
  return null;
}
