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
import { unlockUsername } from '../accounts/login-throttle.js';
import { changePassword, deleteAccount, endAccountSessions } from '../oauth/lifecycle.js';
import { sessionEndDeps } from './session.js';
import { DuplicateError } from '../storage/ports.js';
import type { AccountRecord } from '../storage/records.js';
import { systemClock } from '../lib/clock.js';

export const userHelp = `Usage: gatehouse user <command> [options]

Commands:
  create         create an account
  list           list accounts
  delete         delete an account
  set-password   replace an account's password
  unlock         lift the sign-in delays on a username
  sessions-revoke  end every browser session of an account (as logouts)

Run 'gatehouse user <command> --help' for the options of each.`;

const passwordOptionsHelp = `  --password-stdin      read the password from the first line of stdin (recommended); on a
                        terminal, prompt for it twice without echo
  --password P          the password itself (visible in shell history and the process list)
Passwords need at least 8 characters; they are stored as argon2id hashes.`;

const createHelp = `Usage: gatehouse user create --username NAME (--password-stdin | --password P) [options]

Options:
  --username NAME       login name: 1-64 letters, digits and . _ @ + - (required)
  --email E             e-mail address (the email claim)
  --email-verified      mark the e-mail address as verified (email_verified claim)
  --name "Full Name"    full name (the name claim)
${passwordOptionsHelp}
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

function checked(problem: string | null): void {
  if (problem) throw new UsageError(problem);
}

/** The OIDC claim names of an account (OIDC Core §5.1); never the password hash. */
function accountView(account: AccountRecord) {
  return { sub: account.accountId, username: account.username, email: account.email, email_verified: account.emailVerified, name: account.name };
}

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('user create', args, {
    username: { type: 'string' }, email: { type: 'string' }, 'email-verified': { type: 'boolean' },
    name: { type: 'string' }, json: { type: 'boolean' }, ...passwordOptions,
  });
  if (values.help) return printLine(createHelp);
  expectPositionals('user create', positionals, []);
  const username = required('user create', 'username', values.username);
  checked(usernameProblem(username));
  if (values.email !== undefined) checked(emailProblem(values.email));
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

export const userCommands: Record<string, (args: string[]) => Promise<void>> = {
  create, list, delete: remove, 'set-password': setPassword, unlock, 'sessions-revoke': sessionsRevoke,
};
