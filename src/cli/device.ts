// `gatehouse device login`: a tiny real client of the Device Authorization Grant (RFC 8628), on
// openid-client. It asks for a code, tells the user where to enter it, polls as the server
// paces it (slow_down), and prints the token response as JSON on stdout; what the user reads
// goes to stderr, so `gatehouse device login … | jq -r .access_token` works.
import * as client from 'openid-client';
import { parseCommand, expectPositionals, required } from './args.js';
import { CommandError } from './errors.js';
import { printJson } from './output.js';

export const deviceHelp = `Usage: gatehouse device <command> [options]

Commands:
  login    sign in as a device (a CLI, a TV) would: print a code to enter in a browser, then
           the tokens

Run 'gatehouse device login --help' for its options.`;

const loginHelp = `Usage: gatehouse device login --issuer URL --client-id ID [options]

Runs the Device Authorization Grant (RFC 8628) against an authorization server: prints where
to go and the code to enter (on stderr), waits until the code is approved, and prints the token
response as JSON (on stdout). The client must be registered with the grant type
urn:ietf:params:oauth:grant-type:device_code.

Options:
  --issuer URL          the authorization server's issuer (env GATEHOUSE_ISSUER); http is
                        accepted for localhost only
  --client-id ID        the client's id (required)
  --client-secret S     its secret, sent with HTTP Basic (env GATEHOUSE_CLIENT_SECRET); none:
                        a public client
  --scope S             the scope to ask for (default: openid offline_access)
  --resource URI        the API the access token is for (RFC 8707)
  -h, --help            show this help`;

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

async function login(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('device login', args, {
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    scope: { type: 'string' },
    resource: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${loginHelp}\n`);
    return;
  }
  expectPositionals('device login', positionals, []);
  const issuer = new URL(required('device login', 'issuer', values.issuer ?? process.env.GATEHOUSE_ISSUER));
  const clientId = required('device login', 'client-id', values['client-id']);
  const secret = values['client-secret'] ?? process.env.GATEHOUSE_CLIENT_SECRET;
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopback(issuer))) {
    throw new CommandError(`the issuer must be https (http only for localhost): ${issuer.href}`);
  }
  const options = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {};
  const auth = secret ? client.ClientSecretBasic(secret) : client.None();
  try {
    const config = await client.discovery(issuer, clientId, undefined, auth, options);
    const parameters: Record<string, string> = { scope: values.scope ?? 'openid offline_access' };
    if (values.resource) parameters.resource = values.resource;
    const started = await client.initiateDeviceAuthorization(config, parameters);
    process.stderr.write(`To sign in, open ${started.verification_uri} and enter the code ${started.user_code}\n`);
    if (started.verification_uri_complete) process.stderr.write(`(or open ${started.verification_uri_complete})\n`);
    process.stderr.write(`Waiting for approval; the code expires in ${Math.round(started.expires_in / 60)} minutes.\n`);
    const tokens = await client.pollDeviceAuthorizationGrant(config, started, values.resource ? { resource: values.resource } : undefined);
    process.stderr.write('Signed in.\n');
    printJson({
      access_token: tokens.access_token, token_type: tokens.token_type, expires_in: tokens.expires_in, scope: tokens.scope,
      ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
      ...(tokens.id_token ? { id_token: tokens.id_token } : {}),
    });
  } catch (error) {
    if (error instanceof client.ResponseBodyError) throw new CommandError(`${error.error}: ${error.error_description ?? 'the server refused'}`);
    throw new CommandError(error instanceof Error ? error.message : String(error));
  }
}

export const deviceCommands = { login };
