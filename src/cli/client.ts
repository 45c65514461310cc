// `gatehouse client create|list|delete`: registering and removing OAuth clients.
import { parseCommand, expectPositionals, required, globalOptionsHelp } from './args.js';
import { commandConfig, withStorage } from './context.js';
import { CommandError, UsageError } from './errors.js';
import { printJson, printLine, printTable, formatTime } from './output.js';
import {
  registerClient, clientMetadata, InvalidClientMetadataError, defaultGrantTypes, defaultScope,
} from './client-metadata.js';
import { systemClock } from '../lib/clock.js';
import { deleteClient } from '../oauth/lifecycle.js';

export const clientHelp = `Usage: gatehouse client <command> [options]

Commands:
  create   register a client and print its id (and secret, once)
  list     list registered clients
  delete   delete a client and revoke every grant it holds

Run 'gatehouse client <command> --help' for the options of each.`;

const createHelp = `Usage: gatehouse client create --name NAME --redirect-uri URI [options]

Registers an OAuth client. A confidential client's secret is printed once and stored only as
its SHA-256 digest.

Options:
  --name NAME           display name shown on the consent page (required)
  --redirect-uri URI    exact redirect URI; repeat for several. https, or http on localhost,
                        127.0.0.1 or [::1]; public clients may also use a private-use scheme
                        such as com.example.app:/callback
  --public              public client (no secret; PKCE required; auth method none)
  --grant-type G        authorization_code, refresh_token or client_credentials; repeat for
                        several (default: authorization_code and refresh_token)
  --scope "S1 S2"       scopes the client may request (default: "${defaultScope}")
  --skip-consent        trusted first-party client: never show the consent page
  --json                print one JSON object instead of text

${globalOptionsHelp}`;

const listHelp = `Usage: gatehouse client list [--json]

Lists registered clients (secrets are never shown: only their digests are stored).

Options:
  --json   print a JSON array instead of a table

${globalOptionsHelp}`;

const deleteHelp = `Usage: gatehouse client delete CLIENT_ID

Deletes the client, revokes every grant, code and token issued to it and forgets the consents
given to it.

${globalOptionsHelp}`;

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client create', args, {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
    'grant-type': { type: 'string', multiple: true },
    scope: { type: 'string' },
    'skip-consent': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) return printLine(createHelp);
  expectPositionals('client create', positionals, []);
  const publicClient = values.public ?? false;
  let registration;
  try {
    registration = registerClient({
      name: required('client create', 'name', values.name),
      redirectUris: values['redirect-uri'] ?? [],
      publicClient,
      grantTypes: values['grant-type'] ?? defaultGrantTypes,
      scope: values.scope ?? defaultScope,
      skipConsent: values['skip-consent'] ?? false,
    }, systemClock());
  } catch (error) {
    if (error instanceof InvalidClientMetadataError) throw new UsageError(error.message);
    throw error;
  }
  const { client, clientSecret } = registration;
  await withStorage(commandConfig(values), (storage) => storage.clients.insert(client));

  const metadata = clientMetadata(client);
  if (values.json) {
    const { client_id, ...rest } = metadata;
    return printJson(clientSecret === null ? metadata : { client_id, client_secret: clientSecret, ...rest });
  }
  printLine(`Created ${publicClient ? 'public' : 'confidential'} client '${client.clientName}'.`);
  printLine(`  client_id:      ${client.clientId}`);
  if (clientSecret !== null) {
    printLine(`  client_secret:  ${clientSecret}`);
    printLine('  The secret is shown only this once: Gatehouse stores just its digest. Save it now.');
  }
  printLine(`  redirect_uris:  ${client.redirectUris.join(' ') || '-'}`);
  printLine(`  grant_types:    ${client.grantTypes.join(' ')}`);
  printLine(`  scope:          ${metadata.scope}`);
  printLine(`  auth method:    ${client.tokenEndpointAuthMethod}${client.skipConsent ? '  (consent skipped)' : ''}`);
}

async function list(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client list', args, { json: { type: 'boolean' } });
  if (values.help) return printLine(listHelp);
  expectPositionals('client list', positionals, []);
  const clients = await withStorage(commandConfig(values), (storage) => storage.clients.list());
  if (values.json) {
    return printJson(clients.map((c) => ({
      ...clientMetadata(c), skip_consent: c.skipConsent, created_at: formatTime(c.createdAt),
    })));
  }
  printTable(
    ['CLIENT_ID', 'NAME', 'AUTH', 'GRANT TYPES', 'REDIRECT URIS'],
    clients.map((c) => [c.clientId, c.clientName, c.tokenEndpointAuthMethod, c.grantTypes.join(','), c.redirectUris.join(' ')]),
    'No clients registered.',
  );
}

async function remove(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('client delete', args, {});
  if (values.help) return printLine(deleteHelp);
  const [clientId = ''] = expectPositionals('client delete', positionals, ['CLIENT_ID']);
  const deleted = await withStorage(commandConfig(values), (storage) => deleteClient(clientId, { storage, clock: systemClock }));
  if (!deleted) throw new CommandError(`unknown client '${clientId}'`);
  printLine(`Deleted client '${clientId}', revoked its grants and forgot its consents.`);
}

export const clientCommands: Record<string, (args: string[]) => Promise<void>> = { create, list, delete: remove };
