// `gatehouse keys list|rotate`: the signing key set behind the JWKS (RFC 7517) and ID tokens.
import { parseCommand, expectPositionals, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage } from './context.js';
import { printJson, printLine, printTable, formatTime } from './output.js';
import { rotateSigningKeys } from '../keys/signing-keys.js';
import { openSigningKeys } from '../keys/open-signing-keys.js';
import { KeyEncryptionError, type KeySealer } from '../keys/key-encryption.js';
import type { Config } from '../config/schema.js';
import type { Storage } from '../storage/ports.js';
import type { SigningKeyRecord } from '../storage/records.js';
import { systemClock } from '../lib/clock.js';
import { CommandError } from './errors.js';

export const keysHelp = `Usage: gatehouse keys <command> [options]

Commands:
  list     list signing keys and their status (pending, active, retired)
  rotate   add a new signing key for every algorithm and retire the current ones

Run 'gatehouse keys <command> --help' for the options of each.`;

const listHelp = `Usage: gatehouse keys list [--json]

A pending key is published in the JWKS but does not sign yet; an active key signs; a retired
key no longer signs but stays published until 'remove after', when nothing it signed is valid.

Options:
  --json   print a JSON array instead of a table

${globalOptionsHelp}`;

const rotateHelp = `Usage: gatehouse keys rotate [--json]

Adds a new signing key for every algorithm (RS256, PS256, ES256, EdDSA). Each is published at
once and starts signing after twice the key cache time (keyCacheTtl) — every running node lists
it in its JWKS within about a second, and relying parties' copies expire in that time — so no
token is signed with a key a verifier lacks; the current keys stop signing at that moment and
stay in the JWKS for keyRetirementGrace more. The private keys are stored encrypted with the
key-encryption key (see docs/security.md).

Options:
  --json   print a JSON array (one object per new key) instead of text

${globalOptionsHelp}`;

type KeyStatus = 'pending' | 'active' | 'retired';

function keyStatus(key: SigningKeyRecord, now: number): KeyStatus {
  if (key.activatesAt > now) return 'pending';
  if (key.retiredAt !== null && key.retiredAt <= now) return 'retired';
  return 'active';
}

function keyView(key: SigningKeyRecord, now: number) {
  return {
    kid: key.kid,
    alg: key.alg,
    status: keyStatus(key, now),
    created_at: formatTime(key.createdAt),
    activates_at: formatTime(key.activatesAt),
    retired_at: key.retiredAt === null ? null : formatTime(key.retiredAt),
    remove_after: key.removeAfter === null ? null : formatTime(key.removeAfter),
  };
}

/**
 * Opens the key set as `start` does (KEK, sealing, first key). Notices go to stderr, since
 * stdout may be JSON for a script: a generated KEK file must not pass unnoticed.
 */
async function openKeys(storage: Storage, config: Config): Promise<KeySealer> {
  try {
    const { sealer, notices } = await openSigningKeys(storage.signingKeys, systemClock, config);
    for (const notice of notices) process.stderr.write(`note: ${notice.message}\n`);
    return sealer;
  } catch (error) {
    throw error instanceof KeyEncryptionError ? new CommandError(error.message) : error;
  }
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('keys list', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(listHelp);
  expectPositionals('keys list', positionals, []);
  const config = commandConfig(values);
  const { keys, now } = await withStorage(config, async (storage) => {
    await openKeys(storage, config);
    // Read the clock after key generation, which can cross a second: a fresh key is active.
    const at = systemClock();
    return { keys: await storage.signingKeys.list(at), now: at };
  });
  const views = keys.map((k) => keyView(k, now));
  if (values.json) return printJson(views);
  printTable(
    ['KID', 'ALG', 'STATUS', 'CREATED', 'ACTIVATES', 'RETIRES', 'REMOVE AFTER'],
    views.map((v) => [v.kid, v.alg, v.status, v.created_at, v.activates_at, v.retired_at ?? '-', v.remove_after ?? '-']),
    'No signing keys.',
  );
}

async function rotate(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('keys rotate', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(rotateHelp);
  expectPositionals('keys rotate', positionals, []);
  const config = commandConfig(values);
  const fresh = await withStorage(config, async (storage) => {
    const sealer = await openKeys(storage, config);
    // Twice the cache time: every node's cache, and then every relying party's copy of the JWKS
    // (served with max-age=keyCacheTtl), has the new key before anything is signed with it.
    return rotateSigningKeys(storage.signingKeys, systemClock, sealer, {
      publishDelay: 2 * config.keyCacheTtl,
      retirementGrace: config.keyRetirementGrace,
    });
  });
  const views = fresh.map((key) => keyView(key, systemClock()));
  if (values.json) return printJson(views);
  for (const view of views) printLine(`New signing key ${view.kid} (${view.alg}) is published now and signs from ${view.activates_at}.`);
  const activatesAt = fresh[0]?.activatesAt ?? systemClock();
  printLine(`Previous keys stop signing then and leave the JWKS after ${formatTime(activatesAt + config.keyRetirementGrace)}.`);
}

export const keysCommands: Record<string, (args: string[]) => Promise<void>> = { list, rotate };
