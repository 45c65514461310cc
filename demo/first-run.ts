// First-run setup of the demo, through the `gatehouse` CLI like a person would: registers the
// demo client (with its logout addresses), the API as a resource (RFC 8707: the client's default
// resource, so its access tokens are for the API, which introspects them with its own secret), the demo
// user and, when Gatehouse runs the legacy implicit flow, a public implicit client for the
// playground's side by side; remembers them in <data>/demo-client.json. Demo mode only: that file holds secrets
// and the demo password.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DemoCredentials {
  redirect_uri: string;
  client: { client_id: string; client_secret: string };
  /**
   * The API's introspection credentials (RFC 7662 §2.1): its resource identifier and
   * introspection secret, presented like client credentials (HTTP Basic).
   */
  api: { client_id: string; client_secret: string };
  user: { username: string; password: string };
  /** The public "Demo app (implicit, legacy)" client; only when Gatehouse runs with GATEHOUSE_IMPLICIT_FLOW=true. */
  implicit_client?: { client_id: string };
}

export const demoUsername = 'demo';

async function gatehouse(cli: string, database: string, args: string[], stdin?: string): Promise<string> {
  // Options go before a '--', after which everything is a positional (a client id).
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  const child = run(process.execPath, [cli, ...args.slice(0, end), '--database', database, ...args.slice(end)], { encoding: 'utf8' });
  if (stdin !== undefined) child.child.stdin?.end(`${stdin}\n`);
  return (await child).stdout;
}

/** Registers whatever is missing from the database or the credentials file, and returns the credentials. */
export async function ensureDemoRegistration({
  cli, dataDir, redirectUri, implicitFlow = false, apiIdentifier = 'http://localhost:4001', mcpIdentifier = 'http://localhost:4002/mcp',
}: {
  cli: string; dataDir: string; redirectUri: string;
  /** The demo MCP server's resource identifier (RFC 8707): its MCP endpoint. */
  mcpIdentifier?: string;
  /** The API's resource identifier (RFC 8707): its origin. */
  apiIdentifier?: string;
  /** Gatehouse runs the legacy implicit flow: register the implicit client too. */
  implicitFlow?: boolean;
}): Promise<DemoCredentials> {
  const database = `sqlite:${join(dataDir, 'demo.db')}`;
  const file = join(dataDir, 'demo-client.json');
  const saved = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoCredentials> : {};
  const clients = JSON.parse(await gatehouse(cli, database, ['client', 'list', '--json'])) as
    { client_id: string; redirect_uris: string[]; post_logout_redirect_uris?: string[]; backchannel_logout_uri?: string; backchannel_logout_session_required?: boolean; default_resource?: string }[];
  const resources = JSON.parse(await gatehouse(cli, database, ['resource', 'list', '--json'])) as { identifier: string }[];
  // Where Gatehouse sends the browser back after RP-initiated logout (the demo app's home page).
  const postLogoutRedirectUri = new URL('/?logged_out=1', redirectUri).toString();
  // Where Gatehouse POSTs a logout token when a session the app signed in from ends (Back-Channel Logout 1.0).
  const backchannelLogoutUri = new URL('/backchannel-logout', redirectUri).toString();
  const backchannelLogout = ['--backchannel-logout-uri', backchannelLogoutUri, '--backchannel-logout-session-required'];
  // The app's access tokens are for the API (RFC 8707 §2), whose identifier is its origin.
  const defaultResource = ['--default-resource', apiIdentifier];
  const users = JSON.parse(await gatehouse(cli, database, ['user', 'list', '--json'])) as { username: string }[];
  const known = (id: string | undefined) => clients.find((c) => c.client_id === id);

  let client = saved.client;
  if (!client || !known(client.client_id)?.redirect_uris.includes(redirectUri)) {
    client = JSON.parse(await gatehouse(cli, database, [
      'client', 'create', '--name', 'Demo app', '--redirect-uri', redirectUri,
      '--post-logout-redirect-uri', postLogoutRedirectUri, ...backchannelLogout, ...defaultResource,
      '--scope', 'openid profile email offline_access', '--json',
    ])) as DemoCredentials['client'];
  } else {
    // Registered by an older demo: add what it lacks (logout return address, back-channel logout URI), keep the id and secret.
    const registered = known(client.client_id)!;
    const missing = [
      ...(registered.post_logout_redirect_uris?.includes(postLogoutRedirectUri) ? [] : ['--post-logout-redirect-uri', postLogoutRedirectUri]),
      ...(registered.backchannel_logout_uri === backchannelLogoutUri && registered.backchannel_logout_session_required ? [] : backchannelLogout),
      ...(registered.default_resource === apiIdentifier ? [] : defaultResource),
    ];
    if (missing.length > 0) await gatehouse(cli, database, ['client', 'update', ...missing, '--', client.client_id]);
  }
  let api = saved.api;
  const registeredApi = resources.some((r) => r.identifier === apiIdentifier);
  if (!api || api.client_id !== apiIdentifier || !registeredApi) {
    // The API never asks for tokens; its identifier and secret only call the introspection
    // endpoint, which answers it about the tokens for it (RFC 7662 §2.1). An older demo's API
    // client cannot: it is left alone. The scopes include the OpenID ones, so the app's access
    // token still works at UserInfo.
    const answer = JSON.parse(await gatehouse(cli, database, registeredApi
      ? ['resource', 'update', '--rotate-introspect-secret', '--json', '--', apiIdentifier]
      : ['resource', 'create', '--identifier', apiIdentifier, '--name', 'Demo API', '--scope', 'openid profile email', '--token-format', 'opaque', '--json'],
    )) as { identifier: string; introspection_secret: string };
    api = { client_id: answer.identifier, client_secret: answer.introspection_secret };
  }
  let implicitClient = saved.implicit_client && known(saved.implicit_client.client_id) ? saved.implicit_client : undefined;
  const implicitRedirectUri = new URL('/implicit-callback', redirectUri).toString();
  if (implicitFlow && !known(implicitClient?.client_id)?.redirect_uris.includes(implicitRedirectUri)) {
    // Public (a browser holds no secret), response type "id_token token" with its grant type
    // (RFC 7591 §2.1), and no more than the implicit flow grants (openid profile).
    const created = JSON.parse(await gatehouse(cli, database, [
      'client', 'create', '--name', 'Demo app (implicit, legacy)', '--public', '--grant-type', 'implicit',
      '--response-type', 'id_token token', '--redirect-uri', implicitRedirectUri, '--scope', 'openid profile', '--json',
    ])) as { client_id: string };
    implicitClient = { client_id: created.client_id };
  }
  // The demo MCP server is a resource too: MCP clients ask for tokens for it (RFC 8707) with the
  // one scope its tools need; its tokens are JWTs it verifies itself (RFC 9068).
  if (!resources.some((r) => r.identifier === mcpIdentifier)) {
    await gatehouse(cli, database, [
      'resource', 'create', '--identifier', mcpIdentifier, '--name', 'Demo MCP server', '--scope', 'mcp:tools', '--token-format', 'jwt', '--json',
    ]);
  }
  let user = saved.user;
  const userExists = users.some((u) => u.username === demoUsername);
  if (!user || !userExists) {
    user = { username: demoUsername, password: `demo-${randomBytes(6).toString('base64url')}` };
    const command = userExists
      ? ['user', 'set-password', demoUsername, '--password-stdin']
      : ['user', 'create', '--username', demoUsername, '--email', 'demo@example.com', '--name', 'Demo User', '--password-stdin'];
    await gatehouse(cli, database, command, user.password);
  }
  const credentials: DemoCredentials = {
    redirect_uri: redirectUri,
    client: { client_id: client.client_id, client_secret: client.client_secret },
    api: { client_id: api.client_id, client_secret: api.client_secret },
    user,
    ...(implicitClient ? { implicit_client: implicitClient } : {}),
  };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
