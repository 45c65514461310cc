// `gatehouse migrate [--status]`: applies pending schema migrations (opening storage does it) and
// says so, or lists applied and pending migrations without changing anything.
import { parseCommand, expectPositionals, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage, redactUrl } from './context.js';
import { CommandError } from './errors.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { readSchemaStatus } from '../storage/create-storage.js';
import type { SchemaStatus } from '../storage/schema-version.js';

export const migrateHelp = `Usage: gatehouse migrate [--status [--json]]

Creates or upgrades the database schema. 'gatehouse start' does the same on startup unless it
runs with --no-migrate (or "migrate": false in the configuration file); run this to migrate
ahead of a deploy. A database migrated by a newer Gatehouse is refused, never downgraded.

Options:
  --status   list applied and pending migrations; changes nothing, creates nothing
  --json     with --status: print one JSON object instead of a table

${globalOptionsHelp}`;

export async function migrate(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('migrate', args, { status: { type: 'boolean' }, json: { type: 'boolean' } });
  if (values.help) return printLine(migrateHelp);
  expectPositionals('migrate', positionals, []);
  const config = commandConfig(values);
  if (values.status) return printStatus(config.databaseUrl, values.json ?? false);
  // Migrating is this command's whole point, whatever `migrate` says for start.
  await withStorage({ ...config, migrate: true }, async (storage) => storage.ping());
  printLine(`Database schema is up to date (${redactUrl(config.databaseUrl)}).`);
}

async function printStatus(databaseUrl: string, json: boolean): Promise<void> {
  let status: SchemaStatus;
  try {
    status = await readSchemaStatus(databaseUrl);
  } catch (error) {
    throw new CommandError(`cannot open ${redactUrl(databaseUrl)}: ${(error as Error).message}`);
  }
  const database = redactUrl(databaseUrl);
  if (json) {
    const view = (m: { version: number; name: string; appliedAt?: number | null }) =>
      ({ version: m.version, name: m.name, applied_at: m.appliedAt === undefined || m.appliedAt === null ? null : formatTime(m.appliedAt) });
    return printJson({
      backend: status.backend, database, location: status.location, database_version: status.databaseVersion,
      code_version: status.codeVersion, applied: status.applied.map(view), pending: status.pending.map(view), unknown: status.unknown.map(view),
    });
  }
  printLine(`${status.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${status.backend === 'sqlite' ? status.location : `${database} (schema ${status.location})`}`);
  printTable(['VERSION', 'NAME', 'STATUS'], [
    ...status.applied.map((m) => [String(m.version), m.name || '-', `applied ${formatTime(m.appliedAt)}`]),
    ...status.pending.map((m) => [String(m.version), m.name || '-', 'pending']),
    ...status.unknown.map((m) => [String(m.version), m.name || '-', `applied ${formatTime(m.appliedAt)}, unknown to this Gatehouse`]),
  ], 'No migrations.');
  printLine(summary(status));
}

function summary(status: SchemaStatus): string {
  const { databaseVersion, codeVersion, pending, unknown } = status;
  if (unknown.length > 0) {
    return `Schema version ${databaseVersion} is newer than this Gatehouse (version ${codeVersion}): it refuses to open this database.`;
  }
  if (pending.length > 0) {
    const count = `${pending.length} migration${pending.length === 1 ? '' : 's'} pending`;
    const where = status.exists ? `Schema version ${databaseVersion} of ${codeVersion}` : 'No database yet';
    return `${where}: ${count} (run 'gatehouse migrate').`;
  }
  return `Schema version ${databaseVersion}: up to date.`;
}
