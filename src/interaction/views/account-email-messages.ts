// The wording of the pages reached by mail: password reset, email verification, email change,
// and self-registration, in one catalogue.

export const accountEmailMessages = {
  backToSignIn: 'Back to sign in',
  formExpired: 'This form has expired. Please try again.',
  resetRequest: {
    title: 'Reset your password',
    lead: 'Enter your username or e-mail address. If it belongs to an account, we will mail a link to choose a new password.',
    label: 'Username or e-mail address',
    submit: 'Send the link',
    throttled: 'Too many requests from your network. Please try again later.',
  },
  resetSent: {
    title: 'Check your mail',
    lead: 'If the username or address belongs to an account with an e-mail address, a link to reset its password is on its way. It works once, for 30 minutes.',
    hint: 'No mail after a few minutes? Check your spam folder, or ask again.',
  },
  resetForm: {
    title: 'Choose a new password',
    lead: (username: string) => `For the account ${username}. Resetting it signs you out everywhere and disconnects every app until you sign in again.`,
    password: 'New password',
    confirm: 'New password again',
    hint: 'At least 8 characters. Common passwords are refused; a few unrelated words make a good one.',
    submit: 'Set the new password',
    mismatch: 'The two passwords are not the same.',
  },
  resetDone: {
    title: 'Password changed',
    lead: 'Your new password is set. You were signed out everywhere: sign in again with the new password in the app you were using.',
  },
  linkInvalid: {
    title: 'This link does not work',
    lead: 'The link has expired, was used already, or is incomplete. Links work once, for a limited time.',
    reset: 'Ask for a new reset link',
  },
  verify: {
    title: 'Confirm your e-mail address',
    lead: 'Press the button to confirm your e-mail address.',
    submit: 'Confirm my address',
    doneTitle: 'E-mail address confirmed',
    done: 'Thank you: your e-mail address is confirmed. You can now sign in.',
  },
  emailChange: {
    title: 'Change your e-mail address',
    lead: (current: string | null) => current ? `Your address is now ${current}. We will mail a link to the new address; it changes only once you follow it.` : 'We will mail a link to the new address; it is set once you follow it.',
    label: 'New e-mail address',
    submit: 'Send the confirmation link',
    signInFirst: 'Sign in first to change your e-mail address.',
    sentTitle: 'Check your new mailbox',
    sent: 'We sent a confirmation link to the new address. Your address changes once you follow it.',
    same: 'That is already your verified address.',
    throttled: 'Too many confirmation mails were sent for your account. Please try again in an hour.',
    confirmTitle: 'Confirm your new e-mail address',
    confirmLead: 'Press the button to use this address for your account.',
    confirmSubmit: 'Use this address',
    doneTitle: 'E-mail address changed',
    done: 'Your account now uses the new, verified address.',
  },
  signup: {
    title: 'Create an account',
    lead: 'Choose a username and a password. We will mail a link to confirm your address before your first sign-in.',
    username: 'Username',
    email: 'E-mail address',
    password: 'Password',
    passwordHint: 'At least 8 characters. Common passwords are refused.',
    submit: 'Create the account',
    haveAccount: 'Already have an account? Sign in from the app you were using.',
    doneTitle: 'Check your mail',
    done: 'Your account is created. Follow the link we mailed you to confirm your address; then you can sign in.',
  },
  login: {
    forgot: 'Forgot password?',
    signup: 'Create an account',
    /** The password was right, the self-registered account's address is not verified yet. */
    verifyFirst: (sent: boolean) => sent
      ? 'Please confirm your e-mail address first: we just sent you a new link. Follow it, then sign in again.'
      : 'Please confirm your e-mail address first: follow the link we mailed you (a new one can be sent in a little while), then sign in again.',
  },
} as const;
