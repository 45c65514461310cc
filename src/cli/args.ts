// Command-line parsing on node:util parseArgs: strict options, the global options every command
// takes, and errors turned into one readable line.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Accepted by every command. */
export const globalOptions = {
  database: { type: 'string' },
  redis: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const globalOptionsHelp = `Global options:
  --database URL   sqlite:<path>, sqlite::memory: or postgres://…  (env GATEHOUSE_DATABASE_URL)
  --redis URL      redis://… for short-lived records              (env GATEHOUSE_REDIS_URL)
  --config FILE    JSON configuration file                         (env GATEHOUSE_CONFIG)
  -h, --help       show this help`;

export interface GlobalValues {
  database?: string | undefined;
  redis?: string | undefined;
  config?: string | undefined;
  help?: boolean | undefined;
}

type CommandParseConfig<T extends Options> = {
  args: string[]; options: typeof globalOptions & T; strict: true; allowPositionals: true;
};
export type ParsedCommand<T extends Options> = ReturnType<typeof parseArgs<CommandParseConfig<T>>>;

/** parseArgs message -> one short line, e.g. "unknown option '--foo'". */
function describeParseError(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      // A single dash is often an argument, e.g. an old client id: '--' ends the options.
      return option?.startsWith('--') === false
        ? `unknown option '${option}' (put '--' before an argument that starts with '-')`
        : `unknown option '${option ?? error.message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option ? `option '${option}' needs a value` : error.message;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[0] ?? ''}`.trim();
    default:
      return error.message.split('\n')[0] ?? 'invalid arguments';
  }
}

/**
 * Parses `args` against the command's options plus the global ones. `command` names the
 * command in error messages ("see 'gatehouse client create --help'").
 */
export function parseCommand<const T extends Options>(command: string, args: string[], options: T): ParsedCommand<T> {
  try {
    return parseArgs({ args, options: { ...globalOptions, ...options }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${describeParseError(error as Error)} (see 'gatehouse ${command} --help')`);
  }
}

/** Exactly `names.length` positional arguments, in order. */
export function expectPositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names[positionals.length]} (see 'gatehouse ${command} --help')`);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${positionals[names.length]}' (see 'gatehouse ${command} --help')`);
  }
  return positionals;
}

/** A required string option. */
export function required(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`missing --${name} (see 'gatehouse ${command} --help')`);
  return value;
}
