// E-mail address sanity check for account records (the `email` claim, OIDC Core §5.1).

/** One `@`, something on each side, no whitespace: a typo guard, not RFC 5322 validation. */
const emailPattern = /^[^\s@]+@[^\s@]+$/;

/** Why `email` is not acceptable, or null when it is. */
export function emailProblem(email: string): string | null {
  if (email.length > 254) return 'email must be at most 254 characters';
  return emailPattern.test(email) ? null : `malformed email '${email}'`;
}
