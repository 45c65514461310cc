// `gatehouse resource create|list|show|update|delete`: APIs registered as resources (RFC 8707).
// Access tokens for a resource carry its identifier as `aud` and only its scopes; its
// introspection secret (RFC 7662 §2.1) is printed once and stored only as its SHA-256 digest.
import { parseCommand, expectPositionals, required, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage } from './context.js';
import { CommandError, UsageError } from './errors.js';
import { printJson, printLine, printTable, formatTime } from './output.js';
import { newOpaqueValue, digestOf } from '../oauth/opaque-token.js';
import { normalizeResourceIdentifier, resourceIdentifierProblem } from '../oauth/resource-indicator.js';
import { systemClock } from '../lib/clock.js';
import { DuplicateError } from '../storage/ports.js';
import type { ResourceRecord } from '../storage/records.js';

export const resourceHelp = `Usage: gatehouse resource <command> [options]

Commands:
  create   register an API by its identifier (an absolute URI), its scopes and token format
  list     list registered resources
  show     print everything registered for one resource
  update   change a resource's name, scopes, token format, lifetime or introspection secret
  delete   delete a resource (tokens already issued for it run out)

Clients ask for a resource with the 'resource' parameter (RFC 8707), or get their
--default-resource (gatehouse client create|update). Run 'gatehouse resource <command> --help'.`;

const formatOptionsHelp = `  --scope S             a scope the API understands; repeat for several (or "S1 S2")
  --token-format F      jwt (RFC 9068, verified locally) or opaque (introspected); default jwt
  --ttl DURATION        access token life: seconds, or 30s, 15m, 1h (default: the server's
                        accessTokenTtl)
  --name NAME           a display name`;

const createHelp = `Usage: gatehouse resource create --identifier URI --scope S [options]

Registers an API. Its identifier is an absolute URI without fragment; scheme and host are
lowercased, the rest is compared exactly (RFC 8707 §2).

Options:
  --identifier URI      e.g. https://api.example.com (required)
${formatOptionsHelp}
  --introspect-secret S the secret it introspects with (at least 32 characters); default: one
                        is generated and printed once
  --no-introspection    no secret: the API verifies JWTs only and cannot introspect
  --json                print the resource (and its secret, once) as JSON

${globalOptionsHelp}`;

const updateHelp = `Usage: gatehouse resource update IDENTIFIER [options]

Options:
${formatOptionsHelp}
  --rotate-introspect-secret
                        generate a new introspection secret (printed once); the old one stops working
  --introspect-secret S set this secret instead
  --no-introspection    remove the secret
  --json                print the resource as JSON

${globalOptionsHelp}`;

const listHelp = `Usage: gatehouse resource list [--json]

${globalOptionsHelp}`;

const showHelp = `Usage: gatehouse resource show IDENTIFIER [--json]

${globalOptionsHelp}`;

const deleteHelp = `Usage: gatehouse resource delete IDENTIFIER

Deletes the resource. Requests naming it are then refused with invalid_target; access tokens
already issued for it stay valid until they expire.

${globalOptionsHelp}`;

const introspectionSecretPrefix = 'gh_rs_';

/** "900", "30s", "15m", "1h", "1d" -> seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  if (!match) throw new UsageError('--ttl must be seconds or a duration such as 30s, 15m, 1h');
  const seconds = Number(match[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[match[2] ?? '']!;
  if (seconds < 1) throw new UsageError('--ttl must be at least one second');
  return seconds;
}

function identifierOf(value: string): string {
  const problem = resourceIdentifierProblem(value);
  if (problem) throw new UsageError(`the resource identifier ${problem}`);
  return normalizeResourceIdentifier(value);
}

function scopesOf(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const scopes = [...new Set(values.flatMap((v) => v.split(' ')).filter(Boolean))];
  for (const s of scopes) if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) throw new UsageError(`invalid scope '${s}'`);
  return scopes;
}

function formatOf(value: string | undefined): 'jwt' | 'opaque' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'jwt' && value !== 'opaque') throw new UsageError('--token-format must be jwt or opaque');
  return value;
}

function givenSecret(value: string | undefined): string | undefined {
  if (value !== undefined && value.length < 32) throw new UsageError('--introspect-secret must be at least 32 characters');
  return value;
}

function view(r: ResourceRecord) {
  return {
    identifier: r.identifier, name: r.name, scopes: r.scopes, token_format: r.tokenFormat, access_token_ttl: r.accessTokenTtl,
    introspection: r.introspectionSecretDigest !== null, created_at: formatTime(r.createdAt), updated_at: formatTime(r.updatedAt),
  };
}

function printResource(r: ResourceRecord): void {
  printLine(`  identifier:     ${r.identifier}`);
  if (r.name) printLine(`  name:           ${r.name}`);
  printLine(`  scopes:         ${r.scopes.join(' ') || '(none)'}`);
  printLine(`  token format:   ${r.tokenFormat}`);
  printLine(`  token lifetime: ${r.accessTokenTtl === null ? 'server default' : `${r.accessTokenTtl} s`}`);
  printLine(`  introspection:  ${r.introspectionSecretDigest === null ? 'no' : 'yes (secret stored as a digest)'}`);
}

function printSecret(secret: string): void {
  printLine(`  introspection secret: ${secret}`);
  printLine('  It is shown only this once: Gatehouse stores just its digest. Save it now.');
  printLine("  The API introspects with HTTP Basic: the identifier as user name, this secret as password.");
}

const formatOptions = {
  scope: { type: 'string', multiple: true }, 'token-format': { type: 'string' }, ttl: { type: 'string' }, name: { type: 'string' },
  'introspect-secret': { type: 'string' }, 'no-introspection': { type: 'boolean' }, json: { type: 'boolean' },
} as const;

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('resource create', args, { identifier: { type: 'string' }, ...formatOptions });
  if (values.help) return printLine(createHelp);
  expectPositionals('resource create', positionals, []);
  const identifier = identifierOf(required('resource create', 'identifier', values.identifier));
  const scopes = scopesOf(values.scope) ?? [];
  if (scopes.length === 0) throw new UsageError("missing --scope (see 'gatehouse resource create --help')");
  if (values['no-introspection'] && values['introspect-secret'] !== undefined) throw new UsageError('--no-introspection and --introspect-secret exclude each other');
  const given = givenSecret(values['introspect-secret']);
  const generated = values['no-introspection'] || given !== undefined ? null : newOpaqueValue(introspectionSecretPrefix);
  const now = systemClock();
  const record: ResourceRecord = {
    identifier, name: values.name ?? null, scopes, tokenFormat: formatOf(values['token-format']) ?? 'jwt',
    accessTokenTtl: values.ttl === undefined ? null : parseDuration(values.ttl),
    introspectionSecretDigest: given !== undefined ? digestOf(given) : generated?.digest ?? null,
    createdAt: now, updatedAt: now,
  };
  await withStorage(commandConfig(values), async (storage) => {
    try {
      await storage.resources.insert(record);
    } catch (error) {
      if (error instanceof DuplicateError) throw new CommandError(`a resource '${identifier}' already exists`);
      throw error;
    }
  });
  if (values.json) return printJson({ ...view(record), ...(generated ? { introspection_secret: generated.value } : {}) });
  printLine(`Created resource ${identifier}.`);
  printResource(record);
  if (generated) printSecret(generated.value);
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('resource list', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(listHelp);
  expectPositionals('resource list', positionals, []);
  const resources = await withStorage(commandConfig(values), (storage) => storage.resources.list());
  if (values.json) return printJson(resources.map(view));
  printTable(['IDENTIFIER', 'FORMAT', 'SCOPES', 'NAME'],
    resources.map((r) => [r.identifier, r.tokenFormat, r.scopes.join(' '), r.name ?? '']), 'No resources.');
}

async function show(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('resource show', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(showHelp);
  const [raw = ''] = expectPositionals('resource show', positionals, ['IDENTIFIER']);
  const identifier = identifierOf(raw);
  const resource = await withStorage(commandConfig(values), (storage) => storage.resources.find(identifier));
  if (!resource) throw new CommandError(`unknown resource '${identifier}'`);
  if (values.json) return printJson(view(resource));
  printLine(`Resource ${identifier}`);
  printResource(resource);
}

async function update(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('resource update', args, { ...formatOptions, 'rotate-introspect-secret': { type: 'boolean' } });
  if (values.help) return printLine(updateHelp);
  const [raw = ''] = expectPositionals('resource update', positionals, ['IDENTIFIER']);
  const identifier = identifierOf(raw);
  const secretChoices = [values['no-introspection'], values['rotate-introspect-secret'], values['introspect-secret'] !== undefined].filter(Boolean);
  if (secretChoices.length > 1) throw new UsageError('choose one of --no-introspection, --rotate-introspect-secret and --introspect-secret');
  const given = givenSecret(values['introspect-secret']);
  const generated = values['rotate-introspect-secret'] ? newOpaqueValue(introspectionSecretPrefix) : null;
  const scopes = scopesOf(values.scope);
  if (scopes !== undefined && scopes.length === 0) throw new UsageError('--scope must name at least one scope');
  const updated = await withStorage(commandConfig(values), async (storage) => {
    const current = await storage.resources.find(identifier);
    if (!current) throw new CommandError(`unknown resource '${identifier}'`);
    const next: ResourceRecord = {
      ...current,
      name: values.name === undefined ? current.name : values.name || null,
      scopes: scopes ?? current.scopes,
      tokenFormat: formatOf(values['token-format']) ?? current.tokenFormat,
      accessTokenTtl: values.ttl === undefined ? current.accessTokenTtl : values.ttl === '' ? null : parseDuration(values.ttl),
      introspectionSecretDigest: values['no-introspection'] ? null
        : given !== undefined ? digestOf(given) : generated ? generated.digest : current.introspectionSecretDigest,
      updatedAt: systemClock(),
    };
    if (!(await storage.resources.update(next))) throw new CommandError(`unknown resource '${identifier}'`);
    return next;
  });
  if (values.json) return printJson({ ...view(updated), ...(generated ? { introspection_secret: generated.value } : {}) });
  printLine(`Updated resource ${identifier}.`);
  printResource(updated);
  if (generated) printSecret(generated.value);
}

async function remove(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('resource delete', args, {});
  if (values.help) return printLine(deleteHelp);
  const [raw = ''] = expectPositionals('resource delete', positionals, ['IDENTIFIER']);
  const identifier = identifierOf(raw);
  const deleted = await withStorage(commandConfig(values), (storage) => storage.resources.delete(identifier));
  if (!deleted) throw new CommandError(`unknown resource '${identifier}'`);
  printLine(`Deleted resource ${identifier}.`);
}

export const resourceCommands: Record<string, (args: string[]) => Promise<void>> = { create, list, show, update, delete: remove };
