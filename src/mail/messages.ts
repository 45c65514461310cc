// The wording of every mail Gatehouse sends, in one catalogue (plain text; templates.ts escapes it for HTML).

export const mailMessages = {
  verifyEmail: {
    subject: 'Confirm your e-mail address',
    greeting: (username: string) => `Hello ${username},`,
    lead: 'Please confirm that this is your e-mail address by opening the link below.',
    action: 'Confirm my e-mail address',
    expiry: (hours: number) => `The link works once and expires in ${hours} hours.`,
    ignore: 'If you did not ask for this, you can ignore this mail.',
  },
  resetPassword: {
    subject: 'Reset your password',
    greeting: (username: string) => `Hello ${username},`,
    lead: 'Someone (hopefully you) asked to reset the password of your account. Open the link below to choose a new one.',
    action: 'Choose a new password',
    expiry: (minutes: number) => `The link works once and expires in ${minutes} minutes. Resetting signs you out everywhere.`,
    ignore: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  },
  changeEmail: {
    subject: 'Confirm your new e-mail address',
    greeting: (username: string) => `Hello ${username},`,
    lead: 'You asked to use this address for your account. Open the link below to confirm it; until then your old address stays.',
    action: 'Confirm the new address',
    expiry: (hours: number) => `The link works once and expires in ${hours} hours.`,
    ignore: 'If you did not ask for this, ignore this mail: nothing changes.',
  },
  test: {
    subject: 'Gatehouse test mail',
    lead: 'This is a test mail sent by `gatehouse mail test`. If you can read it, mail delivery works.',
  },
  signature: '— Gatehouse',
} as const;
