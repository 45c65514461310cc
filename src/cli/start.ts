// `gatehouse start`: serves the authorization server until SIGTERM or SIGINT, then drains and exits 0.
import { parseCommand, expectPositionals, globalOptionsHelp } from './args.js';
import { commandConfig } from './context.js';
import { UsageError } from './errors.js';
import { printLine } from './output.js';
import { startServer } from '../main.js';

export const startHelp = `Usage: gatehouse start [options]

Serves the authorization server. Creates or upgrades the schema (unless --no-migrate) and
creates a signing key on first start, logs one line with the issuer URL when ready, and on
SIGTERM or SIGINT finishes in-flight requests and exits 0.

Options:
  --port N        TCP port (env GATEHOUSE_PORT, default 3000; 0 picks a free port and then
                  needs --issuer, since no stable issuer can be derived from it)
  --host H        interface to bind (env GATEHOUSE_HOST, default 127.0.0.1)
  --issuer URL    public issuer URL (env GATEHOUSE_ISSUER, default http://localhost:<port>): https,
                  or http on localhost, 127.0.0.1 or [::1]
  --no-migrate    do not migrate the schema; refuse to start while a migration is pending
                  (config "migrate": false does the same; run 'gatehouse migrate' first)
  --allow-http-issuer   development only: accept an http issuer on any host
                  (env GATEHOUSE_ALLOW_HTTP_ISSUER=true)
  --allow-loopback-fetch   development only: let back-channel logout reach relying parties
                  on this machine (127.0.0.0/8, ::1), no other private address
                  (env GATEHOUSE_ALLOW_LOOPBACK_FETCH=true)
  --allow-signup  let people create their own accounts at /signup (config "signup": true,
                  env GATEHOUSE_SIGNUP=true); off by default

The ready line names the database by its absolute path; a new SQLite file is announced.

${globalOptionsHelp}`;

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not '${value}'`);
  return port;
}

export async function start(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('start', args, {
    port: { type: 'string' }, host: { type: 'string' }, issuer: { type: 'string' }, 'no-migrate': { type: 'boolean' },
    'allow-http-issuer': { type: 'boolean' }, 'allow-loopback-fetch': { type: 'boolean' },
    'allow-signup': { type: 'boolean' },
  });
  if (values.help) return printLine(startHelp);
  expectPositionals('start', positionals, []);
  const config = commandConfig(values, {
    port: parsePort(values.port), host: values.host, issuer: values.issuer, migrate: values['no-migrate'] ? false : undefined,
    allowHttpIssuer: values['allow-http-issuer'], allowLoopbackFetch: values['allow-loopback-fetch'],
    signup: values['allow-signup'],
  });
  const server = await startServer(config);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal while draining means "now": give up on the drain.
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`gatehouse: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
