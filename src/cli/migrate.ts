// `gatehouse migrate`: applies pending schema migrations (opening storage does it) and says so.
import { parseCommand, expectPositionals, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage, redactUrl } from './context.js';
import { printLine } from './output.js';

export const migrateHelp = `Usage: gatehouse migrate

Creates or upgrades the database schema. 'gatehouse start' does the same on startup; run this
to migrate ahead of a deploy.

${globalOptionsHelp}`;

export async function migrate(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('migrate', args, {});
  if (values.help) return printLine(migrateHelp);
  expectPositionals('migrate', positionals, []);
  const config = commandConfig(values);
  await withStorage(config, async (storage) => storage.ping());
  printLine(`Database schema is up to date (${redactUrl(config.databaseUrl)}).`);
}
