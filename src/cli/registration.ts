// `gatehouse registration token create|list|revoke`: initial access tokens (RFC 7591 §3), which
// let a developer's software register clients while `registration.policy` is
// `initial_access_token`. A token is printed once; only its SHA-256 digest is stored.
import { parseCommand, expectPositionals, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage } from './context.js';
import { CommandError, UsageError } from './errors.js';
import { printJson, printLine, printTable, formatTime } from './output.js';
import { newOpaqueValue } from '../oauth/opaque-token.js';
import { registrationTokenPrefix } from '../clients/dynamic-registration.js';
import { randomIdentifier } from '../lib/random.js';
import { systemClock } from '../lib/clock.js';
import type { InitialAccessTokenRecord } from '../storage/records.js';

export const registrationHelp = `Usage: gatehouse registration token <command> [options]

Commands:
  token create   make an initial access token (printed once) for POST /register
  token list     list the initial access tokens still usable
  token revoke   delete one, by its id

Initial access tokens are used when the configuration sets registration.policy to
initial_access_token (docs/registration.md). Run 'gatehouse registration token <command> --help'.`;

const createHelp = `Usage: gatehouse registration token create [--ttl SECONDS] [--uses N] [--json]

Makes an initial access token (RFC 7591 §3): software presents it as 'Authorization: Bearer …'
to POST /register. It is printed once; Gatehouse stores only its digest.

Options:
  --ttl SECONDS   how long it works (default 86400, one day; 0: until revoked)
  --uses N        how many clients it may register (default: any number until it expires)
  --json          print { "token_id", "initial_access_token", "expires_at", "uses_left" }

${globalOptionsHelp}`;

const listHelp = `Usage: gatehouse registration token list [--json]

Lists the initial access tokens that can still register a client (never the tokens themselves).

${globalOptionsHelp}`;

const revokeHelp = `Usage: gatehouse registration token revoke TOKEN_ID

Deletes the initial access token with this id (from 'registration token list'); clients it
registered stay.

${globalOptionsHelp}`;

function wholeNumber(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be a whole number of at least ${min}`);
  return Number(value);
}

function view(token: InitialAccessTokenRecord) {
  return { token_id: token.tokenId, created_at: formatTime(token.createdAt), expires_at: formatTime(token.expiresAt), uses_left: token.usesLeft };
}

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('registration token create', args, {
    ttl: { type: 'string' }, uses: { type: 'string' }, json: { type: 'boolean' },
  });
  if (values.help) return printLine(createHelp);
  expectPositionals('registration token create', positionals, []);
  const ttl = wholeNumber('ttl', values.ttl, 0) ?? 86400;
  const uses = wholeNumber('uses', values.uses, 1) ?? null;
  const now = systemClock();
  const token = newOpaqueValue(registrationTokenPrefix.initialAccessToken);
  const record: InitialAccessTokenRecord = {
    tokenId: randomIdentifier(8), tokenDigest: token.digest, usesLeft: uses, expiresAt: ttl === 0 ? null : now + ttl, createdAt: now,
  };
  await withStorage(commandConfig(values), (storage) => storage.initialAccessTokens.insert(record));
  if (values.json) return printJson({ ...view(record), initial_access_token: token.value });
  printLine(`Created initial access token ${record.tokenId}.`);
  printLine(`  initial_access_token: ${token.value}`);
  printLine(`  expires: ${formatTime(record.expiresAt)}   uses: ${uses ?? 'any number'}`);
  printLine('  It is shown only this once: Gatehouse stores just its digest. Save it now.');
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('registration token list', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(listHelp);
  expectPositionals('registration token list', positionals, []);
  const tokens = await withStorage(commandConfig(values), (storage) => storage.initialAccessTokens.list(systemClock()));
  if (values.json) return printJson(tokens.map(view));
  printTable(['TOKEN_ID', 'CREATED', 'EXPIRES', 'USES LEFT'],
    tokens.map((t) => [t.tokenId, formatTime(t.createdAt), formatTime(t.expiresAt), t.usesLeft === null ? 'any' : String(t.usesLeft)]),
    'No initial access tokens.');
}

async function revoke(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('registration token revoke', args, {});
  if (values.help) return printLine(revokeHelp);
  const [tokenId = ''] = expectPositionals('registration token revoke', positionals, ['TOKEN_ID']);
  const revoked = await withStorage(commandConfig(values), (storage) => storage.initialAccessTokens.revoke(tokenId));
  if (!revoked) throw new CommandError(`unknown initial access token '${tokenId}'`);
  printLine(`Revoked initial access token ${tokenId}.`);
}

const tokenCommands: Record<string, (args: string[]) => Promise<void>> = { create, list, revoke };

export const registrationCommands: Record<string, (args: string[]) => Promise<void>> = {
  async token(args) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h') return printLine(registrationHelp);
    const run = Object.hasOwn(tokenCommands, sub) ? tokenCommands[sub] : undefined;
    if (!run) throw new UsageError(`unknown command 'registration token ${sub}' (see 'gatehouse registration --help')`);
    return run(rest);
  },
};
