// `gatehouse user create|list|delete|set-password|unlock`: managing the accounts people log in with.
import { randomUUID } from 'node:crypto';
import { parseCommand, expectPositionals, required, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage } from './context.js';
import { CommandError, UsageError } from './errors.js';
import { printJson, printLine, printTable, formatTime } from './output.js';
import { readPassword } from './password-input.js';
import { hashPassword } from '../accounts/password.js';
import { passwordProblem } from '../accounts/password-policy.js';
import { usernameProblem } from '../accounts/username.js';
import { emailProblem } from '../accounts/email.js';
import { parseAddressJson, profileProblem, ProfileError } from '../accounts/profile.js';
import { unlockUsername } from '../accounts/login-throttle.js';
import { changePassword, deleteAccount, endAccountSessions } from '../oauth/lifecycle.js';
import { sessionEndDeps } from './session.js';
import { DuplicateError } from '../storage/ports.js';
import type { AccountProfile, AccountRecord } from '../storage/records.js';
import { systemClock } from '../lib/clock.js';
import { recordAccountEvent } from '../account/events.js';

export const userHelp = `Usage: gatehouse user <command> [options]

Commands:
  create         create an account
  update         change an account's email, name and profile claims
  list           list accounts
  delete         delete an account
  set-password   replace an account's password
  unlock         lift the sign-in delays on a username
  sessions-revoke  end every browser session of an account (as logouts)
  verify-email   mark an account's e-mail address as verified (and let a self-registered account sign in)

Run 'gatehouse user <command> --help' for the options of each.`;

const passwordOptionsHelp = `  --password-stdin      read the password from the first line of stdin (recommended); on a
                        terminal, prompt for it twice without echo
  --password P          the password itself (visible in shell history and the process list)
Passwords need at least 8 characters; they are stored as argon2id hashes.`;

const profileOptionsHelp = `  Profile claims (OIDC Core §5.1; released by the profile, phone and address scopes):
  --given-name G  --family-name F  --middle-name M  --nickname N  --gender G
  --profile-url URL  --picture URL  --website URL   absolute http(s) URLs
  --birthdate YYYY-MM-DD (or YYYY)  --zoneinfo Europe/Paris  --locale en-US
  --phone-number "+1 425 555 1212"  --phone-number-verified
  --address-json '{"street_address":"1 Main St","locality":"Springfield","postal_code":"12345","country":"US"}'`;

const createHelp = `Usage: gatehouse user create --username NAME (--password-stdin | --password P) [options]

Options:
  --username NAME       login name: 1-64 letters, digits and . _ @ + - (required)
  --email E             e-mail address (the email claim)
  --email-verified      mark the e-mail address as verified (email_verified claim)
  --name "Full Name"    full name (the name claim)
${profileOptionsHelp}
${passwordOptionsHelp}
  --json                print one JSON object instead of text

${globalOptionsHelp}`;


const updateHelp = `Usage: gatehouse user update USERNAME [options]

Changes the given claims and keeps the rest; an option given as '' removes that claim.
Sessions and tokens stay; UserInfo and new ID tokens show the new values.

Options:
  --email E             e-mail address (the email claim)
  --email-verified      mark the e-mail address as verified
  --email-unverified    mark it as not verified
  --name "Full Name"    full name (the name claim)
${profileOptionsHelp}
  --no-phone-number-verified
                        mark the phone number as not verified
  --json                print one JSON object instead of text

${globalOptionsHelp}`;

const listHelp = `Usage: gatehouse user list [--json]

Options:
  --json   print a JSON array instead of a table

${globalOptionsHelp}`;

const deleteHelp = `Usage: gatehouse user delete USERNAME

Deletes the account. Its browser sessions end, its sign-ins in progress are dropped, every code
and token issued to it is revoked and its consents are forgotten.

${globalOptionsHelp}`;

const setPasswordHelp = `Usage: gatehouse user set-password USERNAME (--password-stdin | --password P)

Replaces the password. The account's browser sessions end, its sign-ins in progress are dropped
and every token and code issued to it is revoked; the clients it approved stay approved.

${passwordOptionsHelp}

${globalOptionsHelp}`;

const unlockHelp = `Usage: gatehouse user unlock USERNAME

Lifts the delays that failed sign-ins put on the username, so its next sign-in is checked at once.
Delays per client address stay (see docs/security.md).

${globalOptionsHelp}`;

const passwordOptions = { 'password-stdin': { type: 'boolean' }, password: { type: 'string' } } as const;

const profileOptions = {
  'given-name': { type: 'string' }, 'family-name': { type: 'string' }, 'middle-name': { type: 'string' },
  nickname: { type: 'string' }, gender: { type: 'string' }, 'profile-url': { type: 'string' }, picture: { type: 'string' },
  website: { type: 'string' }, birthdate: { type: 'string' }, zoneinfo: { type: 'string' }, locale: { type: 'string' },
  'phone-number': { type: 'string' }, 'phone-number-verified': { type: 'boolean' }, 'address-json': { type: 'string' },
} as const;

type ProfileValues = { [K in keyof typeof profileOptions]?: (typeof profileOptions)[K]['type'] extends 'string' ? string : boolean } & {
  'no-phone-number-verified'?: boolean;
};

const profileFields: ReadonlyArray<readonly [keyof typeof profileOptions, Exclude<keyof AccountProfile, 'phoneNumberVerified' | 'address'>]> = [
  ['given-name', 'givenName'], ['family-name', 'familyName'], ['middle-name', 'middleName'], ['nickname', 'nickname'],
  ['gender', 'gender'], ['profile-url', 'profile'], ['picture', 'picture'], ['website', 'website'], ['birthdate', 'birthdate'],
  ['zoneinfo', 'zoneinfo'], ['locale', 'locale'], ['phone-number', 'phoneNumber'],
];

/** The profile with the options applied: a value sets a claim, '' removes it. Checked (accounts/profile.ts). */
function applyProfileOptions(current: AccountProfile, values: ProfileValues): AccountProfile {
  const profile: AccountProfile = { ...current };
  for (const [option, field] of profileFields) {
    const value = values[option] as string | undefined;
    if (value === undefined) continue;
    if (value.trim() === '') delete profile[field];
    else profile[field] = value.trim();
  }
  if (values['phone-number-verified']) profile.phoneNumberVerified = true;
  if (values['no-phone-number-verified']) profile.phoneNumberVerified = false;
  const address = values['address-json'];
  if (address !== undefined) {
    try {
      const parsed = address.trim() === '' ? {} : parseAddressJson(address);
      if (Object.keys(parsed).length > 0) profile.address = parsed;
      else delete profile.address;
    } catch (error) {
      if (error instanceof ProfileError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (profile.phoneNumber === undefined) delete profile.phoneNumberVerified;
  checked(profileProblem(profile));
  return profile;
}

function checked(problem: string | null): void {
  if (problem) throw new UsageError(problem);
}

/** The OIDC claim names of an account (OIDC Core §5.1); never the password hash. */
function accountView(account: AccountRecord) {
  const p = account.profile ?? {};
  const address = p.address && {
    formatted: p.address.formatted, street_address: p.address.streetAddress, locality: p.address.locality,
    region: p.address.region, postal_code: p.address.postalCode, country: p.address.country,
  };
  return {
    sub: account.accountId, username: account.username, email: account.email, email_verified: account.emailVerified, name: account.name,
    given_name: p.givenName, family_name: p.familyName, middle_name: p.middleName, nickname: p.nickname, gender: p.gender,
    profile: p.profile, picture: p.picture, website: p.website, birthdate: p.birthdate, zoneinfo: p.zoneinfo, locale: p.locale,
    phone_number: p.phoneNumber, phone_number_verified: p.phoneNumber !== undefined ? p.phoneNumberVerified ?? false : undefined,
    address,
  };
}

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user create', args, {
    username: { type: 'string' }, email: { type: 'string' }, 'email-verified': { type: 'boolean' },
    name: { type: 'string' }, json: { type: 'boolean' }, ...passwordOptions, ...profileOptions,
  });
  if (values.help) return printLine(createHelp);
  expectPositionals('user create', positionals, []);
  const username = required('user create', 'username', values.username);
  checked(usernameProblem(username));
  if (values.email !== undefined) checked(emailProblem(values.email));
  const profile = applyProfileOptions({}, values);
  const password = await readPassword('user create', values);
  checked(passwordProblem(password));

  const config = commandConfig(values);
  const now = systemClock();
  const account: AccountRecord = {
    accountId: randomUUID(),
    username,
    passwordHash: await hashPassword(password, config.argon2),
    email: values.email ?? null,
    emailVerified: values['email-verified'] ?? false,
    name: values.name?.trim() || null,
    profile,
    createdAt: now,
    updatedAt: now,
  };
  await withStorage(config, async (storage) => {
    try {
      await storage.accounts.insert(account);
    } catch (error) {
      if (error instanceof DuplicateError) throw new CommandError(`username '${username}' is already taken`);
      throw error;
    }
  });
  if (values.json) return printJson(accountView(account));
  printLine(`Created user '${username}' (sub ${account.accountId}).`);
}

async function update(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user update', args, {
    email: { type: 'string' }, 'email-verified': { type: 'boolean' }, 'email-unverified': { type: 'boolean' },
    name: { type: 'string' }, json: { type: 'boolean' }, ...profileOptions, 'no-phone-number-verified': { type: 'boolean' },
  });
  if (values.help) return printLine(updateHelp);
  const [username = ''] = expectPositionals('user update', positionals, ['USERNAME']);
  if (values['email-verified'] && values['email-unverified']) throw new UsageError('use either --email-verified or --email-unverified, not both');
  if (values['phone-number-verified'] && values['no-phone-number-verified']) {
    throw new UsageError('use either --phone-number-verified or --no-phone-number-verified, not both');
  }
  const ignored = new Set(['json', 'help', 'config', 'database', 'redis']);
  const given = Object.entries(values).filter(([key, value]) => value !== undefined && !ignored.has(key));
  if (given.length === 0) throw new UsageError(`nothing to change: give at least one option (see 'gatehouse user update --help')`);
  const email = values.email === undefined ? undefined : values.email.trim() || null;
  if (email) checked(emailProblem(email));
  const config = commandConfig(values);
  const updated = await withStorage(config, async (storage) => {
    const account = await storage.accounts.findByUsername(username);
    if (!account) throw new CommandError(`unknown user '${username}'`);
    const now = systemClock();
    const emailChanged = email !== undefined && email !== account.email;
    const claims = {
      email: email === undefined ? account.email : email,
      // A new address is unverified unless said otherwise.
      emailVerified: values['email-verified'] ? true : values['email-unverified'] || emailChanged ? false : account.emailVerified,
      name: values.name === undefined ? account.name : values.name.trim() || null,
      profile: applyProfileOptions(account.profile ?? {}, values),
    };
    if (!(await storage.accounts.updateClaims(account.accountId, claims, now))) throw new CommandError(`unknown user '${username}'`);
    return { ...account, ...claims, updatedAt: now };
  });
  if (values.json) return printJson(accountView(updated));
  printLine(`Updated user '${username}'.`);
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user list', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(listHelp);
  expectPositionals('user list', positionals, []);
  const accounts = await withStorage(commandConfig(values), (storage) => storage.accounts.list());
  if (values.json) return printJson(accounts.map((a) => ({ ...accountView(a), created_at: formatTime(a.createdAt) })));
  printTable(
    ['USERNAME', 'SUB', 'EMAIL', 'NAME', 'CREATED'],
    accounts.map((a) => [a.username, a.accountId, a.email ?? '-', a.name ?? '-', formatTime(a.createdAt)]),
    'No users.',
  );
}

async function remove(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user delete', args, {});
  if (values.help) return printLine(deleteHelp);
  const [username = ''] = expectPositionals('user delete', positionals, ['USERNAME']);
  const config = commandConfig(values);
  await withStorage(config, async (storage) => {
    const account = await storage.accounts.findByUsername(username);
    // The ended sessions are logouts too: the logout channels are told (sessionEndDeps).
    if (!account || !(await deleteAccount(account.accountId, sessionEndDeps(config, storage)))) {
      throw new CommandError(`unknown user '${username}'`);
    }
  });
  printLine(`Deleted user '${username}'; its sessions ended and its tokens were revoked.`);
}

async function setPassword(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user set-password', args, passwordOptions);
  if (values.help) return printLine(setPasswordHelp);
  const [username = ''] = expectPositionals('user set-password', positionals, ['USERNAME']);
  const password = await readPassword('user set-password', values);
  checked(passwordProblem(password));
  const config = commandConfig(values);
  await withStorage(config, async (storage) => {
    const account = await storage.accounts.findByUsername(username);
    if (!account) throw new CommandError(`unknown user '${username}'`);
    const passwordHash = await hashPassword(password, config.argon2);
    if (!(await changePassword(account.accountId, passwordHash, sessionEndDeps(config, storage)))) {
      throw new CommandError(`unknown user '${username}'`);
    }
    await recordAccountEvent({ storage, clock: systemClock }, account.accountId, 'password_changed', null);
  });
  printLine(`Password changed for '${username}'; its sessions ended and its tokens were revoked.`);
}

async function unlock(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user unlock', args, {});
  if (values.help) return printLine(unlockHelp);
  const [username = ''] = expectPositionals('user unlock', positionals, ['USERNAME']);
  await withStorage(commandConfig(values), async (storage) => {
    if (!(await storage.accounts.findByUsername(username))) throw new CommandError(`unknown user '${username}'`);
    await unlockUsername(username, storage.loginThrottle);
  });
  printLine(`Unlocked '${username}': its next sign-in is checked at once.`);
}

const sessionsRevokeHelp = `Usage: gatehouse user sessions-revoke USERNAME

Ends every browser session of the account, each as a logout: the user must sign in again
everywhere, tokens issued in those sessions without offline_access are revoked (offline_access
ones stay, OIDC Core §11), and the clients are told through the configured logout channels.
See 'gatehouse session list --user USERNAME' for the sessions.

${globalOptionsHelp}`;

async function sessionsRevoke(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user sessions-revoke', args, {});
  if (values.help) return printLine(sessionsRevokeHelp);
  const [username = ''] = expectPositionals('user sessions-revoke', positionals, ['USERNAME']);
  const config = commandConfig(values);
  const ended = await withStorage(config, async (storage) => {
    const account = await storage.accounts.findByUsername(username);
    if (!account) throw new CommandError(`unknown user '${username}'`);
    return endAccountSessions(account.accountId, sessionEndDeps(config, storage));
  });
  printLine(`Ended ${ended} session${ended === 1 ? '' : 's'} of '${username}'.`);
}

const verifyEmailHelp = `Usage: gatehouse user verify-email USERNAME

Marks the account's current e-mail address as verified (the email_verified claim, OIDC Core §5.1),
as following the verification link would; a self-registered account may then sign in.

${globalOptionsHelp}`;

async function verifyEmail(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user verify-email', args, {});
  if (values.help) return printLine(verifyEmailHelp);
  const [username = ''] = expectPositionals('user verify-email', positionals, ['USERNAME']);
  const email = await withStorage(commandConfig(values), async (storage) => {
    const account = await storage.accounts.findByUsername(username);
    if (!account) throw new CommandError(`unknown user '${username}'`);
    if (!account.email) throw new CommandError(`user '${username}' has no e-mail address (set one with 'gatehouse user update ${username} --email E')`);
    await storage.accounts.markEmailVerified(account.accountId, account.email, systemClock());
    return account.email;
  });
  printLine(`Marked ${email} of '${username}' as verified.`);
}

export const userCommands: Record<string, (args: string[]) => Promise<void>> = {
  create, update, list, delete: remove, 'set-password': setPassword, unlock, 'sessions-revoke': sessionsRevoke, 'verify-email': verifyEmail,
};
