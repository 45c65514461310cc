#!/usr/bin/env node
// The `gatehouse` command: dispatches to one module per command group and turns every failure
// into one line on stderr with exit code 2 (usage) or 1 (anything else), never a stack trace.
import { readFileSync } from 'node:fs';
import { globalOptionsHelp } from './args.js';
import { UsageError, exitCodes } from './errors.js';

const mainHelp = `Usage: gatehouse <command> [options]

Commands:
  start     serve the authorization server
  client    manage OAuth clients: create, list, show, update, rotate-secret, delete
  resource  manage APIs as resources (RFC 8707): create, list, show, update, delete
  registration  initial access tokens for dynamic client registration: token create, list, revoke
  user      manage accounts: create, update, list, delete, set-password, unlock, sessions-revoke
  session   manage browser sessions: list, revoke
  keys      manage signing keys: list, rotate
  device    sign in as a device would (RFC 8628): login
  mail      check mail delivery: test
  migrate   create or upgrade the database schema

Run 'gatehouse <command> --help' for the options of each; 'gatehouse --version' prints the version.
Put '--' before an argument that starts with '-': gatehouse client delete -- -K3x…

${globalOptionsHelp}`;

/** The version in package.json (dist/src/cli/main.js sits three folders below it). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `gatehouse ${pkg.version}`;
}

type Command = (args: string[]) => Promise<void>;

interface Group { commands: Record<string, Command>; help: string }

// Loaded on demand so that, say, `user list` never loads the HTTP server.
const groups: Record<string, () => Promise<Group>> = {
  client: async () => { const m = await import('./client.js'); return { commands: m.clientCommands, help: m.clientHelp }; },
  resource: async () => { const m = await import('./resource.js'); return { commands: m.resourceCommands, help: m.resourceHelp }; },
  user: async () => { const m = await import('./user.js'); return { commands: m.userCommands, help: m.userHelp }; },
  session: async () => { const m = await import('./session.js'); return { commands: m.sessionCommands, help: m.sessionHelp }; },
  registration: async () => { const m = await import('./registration.js'); return { commands: m.registrationCommands, help: m.registrationHelp }; },
  keys: async () => { const m = await import('./keys.js'); return { commands: m.keysCommands, help: m.keysHelp }; },
  device: async () => { const m = await import('./device.js'); return { commands: m.deviceCommands, help: m.deviceHelp }; },
  mail: async () => { const m = await import('./mail.js'); return { commands: m.mailCommands, help: m.mailHelp }; },
};

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

async function resolve(argv: string[]): Promise<{ run: Command; args: string[] } | { help: string }> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError(`missing command (see 'gatehouse --help')`);
  if (isHelp(name)) return { help: mainHelp };
  if (name === '--version' || name === '-V') return { help: version() };
  if (name === 'start') return { run: (await import('./start.js')).start, args: rest };
  if (name === 'migrate') return { run: (await import('./migrate.js')).migrate, args: rest };
  const group = Object.hasOwn(groups, name) ? await groups[name]?.() : undefined;
  if (!group) throw new UsageError(`unknown command '${name}' (see 'gatehouse --help')`);
  const [sub, ...args] = rest;
  if (sub === undefined) throw new UsageError(`missing command after '${name}' (see 'gatehouse ${name} --help')`);
  if (isHelp(sub)) return { help: group.help };
  const run = Object.hasOwn(group.commands, sub) ? group.commands[sub] : undefined;
  if (!run) throw new UsageError(`unknown command '${name} ${sub}' (see 'gatehouse ${name} --help')`);
  return { run, args };
}

async function main(argv: string[]): Promise<number> {
  try {
    const target = await resolve(argv);
    if ('help' in target) {
      process.stdout.write(`${target.help}\n`);
      return exitCodes.ok;
    }
    await target.run(target.args);
    return exitCodes.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`gatehouse: ${message.split('\n')[0]}\n`);
    return error instanceof UsageError ? exitCodes.usage : exitCodes.failure;
  }
}

process.exitCode = await main(process.argv.slice(2));
