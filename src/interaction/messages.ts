// What the sign-in page says, in one place: short, plain, the same for an unknown user and a
// wrong password, and never a hint of which limit was reached.

/** Shown for an unknown username and a wrong password alike. */
export const invalidCredentials = 'The username or password is incorrect.';

/** Shown while sign-in attempts must wait (429 with Retry-After). */
export function tooManyAttempts(retryAfter: number): string {
  return `Too many failed sign-in attempts. Please wait ${waitText(retryAfter)} and try again.`;
}

function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
