// `gatehouse session list|revoke`: the browser sessions people are signed in with. Ending one is
// a logout (oauth/lifecycle.ts endSession): the session ends, its tokens without offline_access
// are revoked, and the logout channels are told. The cookie value is never stored, nor shown.
import { parseCommand, expectPositionals, required, globalOptionsHelp } from './args.js';
import { commandConfig, commandLogoutNotifier, withStorage } from './context.js';
import { CommandError } from './errors.js';
import { printJson, printLine, printTable, formatTime } from './output.js';
import { endSessionBySid, type SessionEndDeps } from '../oauth/lifecycle.js';
import type { Config } from '../config/schema.js';
import type { Storage } from '../storage/ports.js';
import { systemClock } from '../lib/clock.js';

export const sessionHelp = `Usage: gatehouse session <command> [options]

Commands:
  list     list a user's browser sessions
  revoke   end one browser session (as if the user had logged out there)

Run 'gatehouse session <command> --help' for the options of each.`;

const listHelp = `Usage: gatehouse session list --user USERNAME [--json]

Lists the user's live browser sessions: the session id (sid, as in ID tokens), when it started,
when the password was last entered (auth_time) and the clients it signed into. The session cookie
is never stored, only its digest, and never shown.

Options:
  --user USERNAME   whose sessions (required)
  --json            print a JSON array instead of a table

${globalOptionsHelp}`;

const revokeHelp = `Usage: gatehouse session revoke SID

Ends the browser session with this sid, as a logout would: the browser must sign in again, tokens
issued in the session without offline_access are revoked (offline_access ones stay, OIDC Core
§11), and the clients it signed into are told through the configured logout channels.
Use '--' before a SID that starts with '-'.

${globalOptionsHelp}`;

/** The logout policy's dependencies for a command. */
export function sessionEndDeps(config: Config, storage: Storage): SessionEndDeps {
  const notifier = commandLogoutNotifier(config, storage);
  return { storage, clock: systemClock, sessionEnded: (ended) => notifier.sessionEnded(ended) };
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('session list', args, { user: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return printLine(listHelp);
  expectPositionals('session list', positionals, []);
  const username = required('session list', 'user', values.user);
  const sessions = await withStorage(commandConfig(values), async (storage) => {
    const account = await storage.accounts.findByUsername(username);
    if (!account) throw new CommandError(`unknown user '${username}'`);
    return storage.sessions.listByAccount(account.accountId, systemClock());
  });
  if (values.json) {
    return printJson(sessions.map((s) => ({
      sid: s.sid, created_at: formatTime(s.createdAt), auth_time: formatTime(s.authTime),
      expires_at: formatTime(s.expiresAt), client_ids: s.clientIds,
    })));
  }
  printTable(
    ['SID', 'CREATED', 'AUTH TIME', 'EXPIRES', 'CLIENTS'],
    sessions.map((s) => [s.sid, formatTime(s.createdAt), formatTime(s.authTime), formatTime(s.expiresAt), s.clientIds.join(' ') || '-']),
    `No live sessions for '${username}'.`,
  );
}

async function revoke(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('session revoke', args, {});
  if (values.help) return printLine(revokeHelp);
  const [sid = ''] = expectPositionals('session revoke', positionals, ['SID']);
  const config = commandConfig(values);
  await withStorage(config, async (storage) => {
    if (!(await endSessionBySid(sid, sessionEndDeps(config, storage)))) throw new CommandError(`no live session '${sid}'`);
  });
  printLine(`Ended session '${sid}'; its tokens without offline_access were revoked.`);
}

export const sessionCommands: Record<string, (args: string[]) => Promise<void>> = { list, revoke };
