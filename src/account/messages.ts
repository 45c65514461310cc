// What the account page says. Plain, short sentences; every value is escaped by the view.
// One language for now (en); the shape leaves room for more, as the logout messages do.

export const accountMessages = {
  title: 'Your account',
  lead: 'Signed in as {user}.',
  signOut: 'Sign out',
  profileHeading: 'Profile',
  usernameLabel: 'Username',
  emailLabel: 'Email',
  emailNone: 'No email address',
  emailVerified: 'verified',
  emailUnverified: 'not verified',
  emailChange: 'Change email address',
  nameLabel: 'Name',
  saveName: 'Save name',
  nameSaved: 'Your name was saved.',
  nameTooLong: 'The name can have at most 200 characters.',
  passwordHeading: 'Change password',
  currentPasswordLabel: 'Current password',
  newPasswordLabel: 'New password',
  newPasswordHint: 'At least 8 characters. Your other sessions and apps will be signed out.',
  confirmPasswordLabel: 'New password again',
  changePassword: 'Change password',
  passwordChanged: 'Your password was changed. Your other sessions and apps were signed out.',
  wrongPassword: 'The current password is not right.',
  passwordMismatch: 'The two new passwords are not the same.',
  passwordPolicy: 'The new password must have at least 8 and at most 1024 characters.',
  passwordThrottled: 'Too many attempts. Try again in {seconds} seconds.',
  sessionsHeading: 'Where you are signed in',
  sessionThis: 'This browser',
  sessionSignedIn: 'Signed in {time}',
  sessionStarted: 'Session started {time}',
  sessionFrom: 'From {address}',
  sessionApps: 'Apps: {apps}',
  sessionEnd: 'Sign out this session',
  sessionEndOthers: 'Sign out all other sessions',
  sessionEnded: 'The session was signed out.',
  sessionsEnded: 'Your other sessions were signed out.',
  sessionGone: 'That session has already ended.',
  appsHeading: 'Connected apps',
  appsNone: 'No app has access to your account.',
  appScopes: 'Access: {scopes}',
  appSince: 'Since {time}',
  appRevoke: 'Remove access for {app}',
  appRevoked: 'The app no longer has access. It will ask again if you use it.',
  eventsHeading: 'Recent security activity',
  eventsNone: 'No recent activity.',
  eventSignIn: 'Signed in',
  eventPasswordChanged: 'Password changed',
  eventFrom: 'from {address}',
  refusedTitle: 'Request refused',
  refusedLead: 'The form was not submitted from your account page, so nothing was changed. Open the account page and try again.',
  signInFailedTitle: 'Sign-in did not complete',
  signInFailedLead: 'The sign-in to your account page could not be completed. Try again.',
  tryAgain: 'Open your account page',
  unknownAddress: 'unknown address',
} as const;

export type AccountMessageKey = keyof typeof accountMessages;

/** The notices a redirect back to /account may show (?done=…): only these keys, never free text. */
export const accountNotices = ['nameSaved', 'passwordChanged', 'sessionEnded', 'sessionsEnded', 'sessionGone', 'appRevoked'] as const satisfies readonly AccountMessageKey[];
export type AccountNotice = typeof accountNotices[number];

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}
